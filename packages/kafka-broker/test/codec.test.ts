import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, Reader, Writer } from '../src/protocol/codec.js';

type Field =
  | { kind: 'int8'; value: number }
  | { kind: 'int16'; value: number }
  | { kind: 'int32'; value: number }
  | { kind: 'int64'; value: bigint }
  | { kind: 'string'; value: string | null }
  | { kind: 'bytes'; value: Buffer | null };

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.integer({ min: -128, max: 127 }).map((value) => ({ kind: 'int8' as const, value })),
  fc.integer({ min: -32768, max: 32767 }).map((value) => ({ kind: 'int16' as const, value })),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value) => ({ kind: 'int32' as const, value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ kind: 'int64' as const, value })),
  fc.option(fc.string({ maxLength: 40 })).map((value) => ({ kind: 'string' as const, value })),
  fc
    .option(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 4000, max: 20_000 }).map((n) => new Uint8Array(n).fill(n % 251)),
      ),
    )
    .map((value) => ({ kind: 'bytes' as const, value: value === null ? null : Buffer.from(value) })),
);

describe('Writer and Reader', () => {
  it('read back exactly what was written, large buffers included', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 30 }), (fields) => {
        const writer = new Writer();
        for (const f of fields) {
          if (f.kind === 'int8') writer.int8(f.value);
          else if (f.kind === 'int16') writer.int16(f.value);
          else if (f.kind === 'int32') writer.int32(f.value);
          else if (f.kind === 'int64') writer.int64(f.value);
          else if (f.kind === 'string') writer.nullableString(f.value);
          else writer.nullableBytes(f.value);
        }
        const bytes = Buffer.concat(writer.buffers());
        expect(bytes.length).toBe(writer.length);
        const reader = new Reader(bytes);
        for (const f of fields) {
          if (f.kind === 'int8') expect(reader.int8()).toBe(f.value);
          else if (f.kind === 'int16') expect(reader.int16()).toBe(f.value);
          else if (f.kind === 'int32') expect(reader.int32()).toBe(f.value);
          else if (f.kind === 'int64') expect(reader.int64()).toBe(f.value);
          else if (f.kind === 'string') expect(reader.nullableString()).toBe(f.value);
          else expect(reader.nullableBytes()).toEqual(f.value);
        }
        expect(reader.remaining).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses truncated input and absurd lengths with a ProtocolError', () => {
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int8())).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).toThrow(ProtocolError);
  });
});
