import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_HEADER_BYTES, splitBatches } from '../src/storage/record-batch.js';

/**
 * kafkajs is installed with patches/kafkajs@2.2.4.patch, which has its encoder take buffers from Node's pool
 * without zeroing them and write varints in place. These tests hold what it writes to an independent reading of
 * the Kafka record format, with the pool dirtied between encodings, so that a byte it skipped would show.
 */
const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  readonly buffer: Buffer;
  writeVarInt(value: number): KafkajsEncoder;
}
interface KafkajsRecord {
  key: string | null;
  value: string | Buffer;
  headers: Record<string, string>;
  offsetDelta: number;
  timestampDelta: number;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => KafkajsEncoder;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: KafkajsRecord) => KafkajsEncoder;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (batch: {
    records: KafkajsEncoder[];
    firstTimestamp: number;
    maxTimestamp: number;
    lastOffsetDelta: number;
  }) => Promise<KafkajsEncoder>;
};

/** Reads the Kafka record format's zig-zag varints and length-prefixed fields, written here from the spec. */
class RecordReader {
  constructor(
    private readonly bytes: Buffer,
    public position = 0,
  ) {}

  varint(): number {
    let unsigned = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = this.bytes[this.position++];
      if (byte === undefined) throw new Error('varint runs past the end');
      unsigned |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    return Number((unsigned >> 1n) ^ -(unsigned & 1n));
  }

  field(): Buffer | null {
    const length = this.varint();
    if (length < 0) return null;
    const field = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return field;
  }

  int8(): number {
    return this.bytes.readInt8(this.position++);
  }
}

/** Fills some of Node's buffer pool with a pattern, as other code would leave it. */
function dirtyThePool(bytes: number): void {
  Buffer.allocUnsafe(bytes).fill(0xa5);
}

const record = fc.record({
  key: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 })),
  value: fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  ),
  headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ unit: 'grapheme', maxLength: 40 }), {
    maxKeys: 4,
  }),
  dirt: fc.integer({ min: 0, max: 700 }),
});

describe("kafkajs's patched encoder", () => {
  it('writes every 32-bit varint as the Kafka format reads it, in as few bytes as it takes', () => {
    const edges = [0, 1, -1, 63, -64, 64, -65, 8191, 8192, 2 ** 20, 2 ** 27, -(2 ** 27), 2 ** 31 - 1, -(2 ** 31)];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...edges), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), (value) => {
        dirtyThePool(3);
        const written = new Encoder().writeVarInt(value).buffer;
        const reader = new RecordReader(written);
        expect(reader.varint()).toBe(value);
        expect(reader.position).toBe(written.length);
        const zigZag = value >= 0 ? 2 * value : -2 * value - 1;
        expect(written.length).toBe(Math.max(1, Math.ceil(Math.log2(zigZag + 1) / 7)));
      }),
    );
  });

  it('writes record batches that pass the broker checks and read back field for field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 25 }), async (records) => {
        const encoded = records.map(({ key, value, headers, dirt }, i) => {
          dirtyThePool(dirt);
          return Record({ key, value, headers, offsetDelta: i, timestampDelta: 3 * i });
        });
        dirtyThePool(100);
        const batch = (
          await RecordBatch({
            records: encoded,
            firstTimestamp: 1_764_000_000_000,
            maxTimestamp: 1_764_000_000_000 + 3 * (records.length - 1),
            lastOffsetDelta: records.length - 1,
          })
        ).buffer;

        const checked = splitBatches(batch);
        if (typeof checked === 'string') throw new Error(`the broker refused the batch: ${checked}`);
        expect(checked.batches.map(({ header }) => header.recordCount)).toEqual([records.length]);

        const reader = new RecordReader(batch, BATCH_HEADER_BYTES);
        records.forEach(({ key, value, headers }, i) => {
          const length = reader.varint();
          const start = reader.position;
          expect(reader.int8()).toBe(0);
          expect(reader.varint()).toBe(3 * i);
          expect(reader.varint()).toBe(i);
          expect(reader.field()?.toString()).toBe(key ?? undefined);
          expect(reader.field()).toEqual(Buffer.from(value));
          const headerCount = reader.varint();
          // Made from entries, so that a header named "__proto__" is a key like any other, not the object's prototype.
          const readHeaders = Object.fromEntries(
            Array.from({ length: headerCount }, () => [reader.field()!.toString(), reader.field()!.toString()]),
          );
          expect(readHeaders).toEqual(headers);
          expect(reader.position - start).toBe(length);
        });
        expect(reader.position).toBe(batch.length);
      }),
      { numRuns: 200 },
    );
  });
});
