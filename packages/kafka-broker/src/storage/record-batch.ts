import { crc32c } from './crc32c.js';

/** Byte layout of a v2 record batch header. */
export const BATCH_HEADER_BYTES = 61;
const LENGTH_OFFSET = 8;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const LAST_OFFSET_DELTA_OFFSET = 23;
const MAX_TIMESTAMP_OFFSET = 35;
const PRODUCER_ID_OFFSET = 43;
const PRODUCER_EPOCH_OFFSET = 51;
const BASE_SEQUENCE_OFFSET = 53;
const RECORD_COUNT_OFFSET = 57;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;

export interface BatchHeader {
  /** Total size of the batch in bytes. */
  readonly size: number;
  readonly lastOffsetDelta: number;
  readonly recordCount: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export type BatchProblem = 'truncated' | 'not_v2' | 'bad_crc' | 'bad_length' | 'transactional';

/**
 * Reads and checks the batch at `position`. Batches are stored as the producer sent them: only the base
 * offset (outside the CRC) is ever rewritten.
 */
export function readBatchHeader(buffer: Buffer, position: number): BatchHeader | BatchProblem {
  if (buffer.length - position < BATCH_HEADER_BYTES) return 'truncated';
  const length = buffer.readInt32BE(position + LENGTH_OFFSET);
  const size = length + 12;
  if (length < BATCH_HEADER_BYTES - 12) return 'bad_length';
  if (buffer.length - position < size) return 'truncated';
  if (buffer.readInt8(position + MAGIC_OFFSET) !== 2) return 'not_v2';
  const expected = buffer.readUInt32BE(position + CRC_OFFSET);
  if (crc32c(buffer, position + ATTRIBUTES_OFFSET, position + size) !== expected) return 'bad_crc';
  const attributes = buffer.readInt16BE(position + ATTRIBUTES_OFFSET);
  if ((attributes & (TRANSACTIONAL_BIT | CONTROL_BIT)) !== 0) return 'transactional';
  const recordCount = buffer.readInt32BE(position + RECORD_COUNT_OFFSET);
  const lastOffsetDelta = buffer.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET);
  if (recordCount < 0 || lastOffsetDelta < 0) return 'bad_length';
  return {
    size,
    lastOffsetDelta,
    recordCount,
    maxTimestamp: Number(buffer.readBigInt64BE(position + MAX_TIMESTAMP_OFFSET)),
    producerId: Number(buffer.readBigInt64BE(position + PRODUCER_ID_OFFSET)),
    producerEpoch: buffer.readInt16BE(position + PRODUCER_EPOCH_OFFSET),
    baseSequence: buffer.readInt32BE(position + BASE_SEQUENCE_OFFSET),
  };
}

/** Splits a produce request's record set into checked batches. */
export function splitBatches(records: Buffer): { batches: { bytes: Buffer; header: BatchHeader }[] } | BatchProblem {
  const batches: { bytes: Buffer; header: BatchHeader }[] = [];
  let position = 0;
  while (position < records.length) {
    const header = readBatchHeader(records, position);
    if (typeof header === 'string') return header;
    batches.push({ bytes: records.subarray(position, position + header.size), header });
    position += header.size;
  }
  return { batches };
}

export function setBaseOffset(batch: Buffer, offset: number): void {
  batch.writeBigInt64BE(BigInt(offset), 0);
}
