import type { BrokerContext, Request } from '../context.js';
import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { splitBatches, type BatchProblem } from '../storage/record-batch.js';

const BATCH_ERRORS: Record<BatchProblem, ErrorCode> = {
  truncated: ErrorCode.CORRUPT_MESSAGE,
  bad_length: ErrorCode.CORRUPT_MESSAGE,
  bad_crc: ErrorCode.CORRUPT_MESSAGE,
  not_v2: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  transactional: ErrorCode.INVALID_RECORD,
};

interface PartitionResult {
  readonly index: number;
  error: ErrorCode;
  baseOffset: number;
}

function appendTo(
  context: BrokerContext,
  log: PartitionLog | undefined,
  records: Buffer | null,
): PartitionResult['error'] | { baseOffset: number } {
  if (log === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (records === null || records.length === 0) return ErrorCode.CORRUPT_MESSAGE;
  if (records.length > context.maxBatchBytes) return ErrorCode.MESSAGE_TOO_LARGE;
  const split = splitBatches(records);
  if (typeof split === 'string') return BATCH_ERRORS[split];
  let first = -1;
  for (const { bytes, header } of split.batches) {
    const outcome = log.append(bytes, header);
    if (outcome.error !== ErrorCode.NONE) return outcome.error;
    if (first === -1) first = outcome.baseOffset;
  }
  return { baseOffset: first };
}

export async function produce(context: BrokerContext, request: Request): Promise<Writer | null> {
  const { body, version } = request;
  const transactionalId = body.nullableString();
  const acks = body.int16();
  body.int32();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
  }));
  const touched = new Map<PartitionLog, PartitionResult[]>();
  const results = topics.map((topic) => {
    const logs = context.autoCreateTopics
      ? context.topics.autoCreate(topic.name)
      : context.topics.partitions(topic.name);
    return {
      name: topic.name,
      partitions: topic.partitions.map(({ index, records }): PartitionResult => {
        if (transactionalId !== null) return { index, error: ErrorCode.INVALID_REQUEST, baseOffset: -1 };
        if (acks !== 0 && acks !== 1 && acks !== -1) return { index, error: ErrorCode.INVALID_REQUEST, baseOffset: -1 };
        const log = logs?.[index];
        const outcome = appendTo(context, log, records);
        if (typeof outcome === 'number') return { index, error: outcome, baseOffset: -1 };
        const result: PartitionResult = { index, error: ErrorCode.NONE, baseOffset: outcome.baseOffset };
        touched.set(log!, [...(touched.get(log!) ?? []), result]);
        return result;
      }),
    };
  });
  await durable(touched);
  if (touched.size > 0) context.dataArrived();
  if (acks === 0) return null;
  const writer = new Writer();
  writer.array(results, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, partition) => {
      pw.int32(partition.index).int16(partition.error).int64(partition.baseOffset).int64(-1);
      if (version >= 5) pw.int64(0);
    });
  });
  return writer.int32(0);
}

/** Waits for the appended batches to be on the disk; a partition whose disk refused answers KAFKA_STORAGE_ERROR. */
async function durable(touched: Map<PartitionLog, PartitionResult[]>): Promise<void> {
  const logs = [...touched.keys()];
  const outcomes = await Promise.allSettled(logs.map((log) => log.durable()));
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    for (const result of touched.get(logs[i]!)!) {
      result.error = ErrorCode.KAFKA_STORAGE_ERROR;
      result.baseOffset = -1;
    }
  });
}

interface FetchPartition {
  readonly index: number;
  readonly offset: number;
  readonly maxBytes: number;
}

interface FetchedPartition {
  readonly index: number;
  readonly error: ErrorCode;
  readonly highWatermark: number;
  readonly batches: Buffer[];
}

function collect(
  context: BrokerContext,
  topics: readonly { name: string; partitions: readonly FetchPartition[] }[],
  maxBytes: number,
): { fetched: { name: string; partitions: FetchedPartition[] }[]; bytes: number; failed: boolean } {
  let bytes = 0;
  let failed = false;
  const fetched = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition): FetchedPartition => {
      const log = context.topics.partition(topic.name, partition.index);
      if (log === undefined) {
        failed = true;
        return { index: partition.index, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, batches: [] };
      }
      if (partition.offset < log.logStartOffset || partition.offset > log.nextOffset) {
        failed = true;
        return {
          index: partition.index,
          error: ErrorCode.OFFSET_OUT_OF_RANGE,
          highWatermark: log.highWatermark,
          batches: [],
        };
      }
      // KIP-74: the first partition with data returns at least one whole batch even beyond the limits.
      const budget = bytes === 0 ? partition.maxBytes : Math.min(partition.maxBytes, maxBytes - bytes);
      const batches = budget > 0 || bytes === 0 ? log.read(partition.offset, Math.max(budget, 1)) : [];
      for (const batch of batches) bytes += batch.length;
      return { index: partition.index, error: ErrorCode.NONE, highWatermark: log.highWatermark, batches };
    }),
  }));
  return { fetched, bytes, failed };
}

/** Answers when `minBytes` are there, an error must be reported, or `maxWait` has passed (long poll). */
export async function fetch(context: BrokerContext, request: Request): Promise<Writer> {
  const { body, version } = request;
  body.int32();
  const maxWait = body.int32();
  const minBytes = body.int32();
  const maxBytes = body.int32();
  body.int8();
  if (version >= 7) {
    body.int32();
    body.int32();
  }
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => {
      const index = p.int32();
      if (version >= 9) p.int32();
      const offset = p.int64Number();
      if (version >= 5) p.int64();
      return { index, offset, maxBytes: p.int32() };
    }),
  }));
  if (version >= 7) body.array((r) => ({ name: r.string(), partitions: r.array((p) => p.int32()) }));
  if (version >= 11) body.string();

  const deadline = Date.now() + Math.max(0, maxWait);
  let result = collect(context, topics, maxBytes);
  while (!result.failed && result.bytes < Math.max(1, minBytes) && Date.now() < deadline) {
    await context.waitForData(deadline - Date.now());
    result = collect(context, topics, maxBytes);
  }

  const writer = new Writer().int32(0);
  if (version >= 7) writer.int16(ErrorCode.NONE).int32(0);
  writer.array(result.fetched, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, partition) => {
      pw.int32(partition.index).int16(partition.error).int64(partition.highWatermark).int64(partition.highWatermark);
      if (version >= 5) pw.int64(0);
      pw.nullableArray(null, () => undefined);
      if (version >= 11) pw.int32(-1);
      const size = partition.batches.reduce((sum, batch) => sum + batch.length, 0);
      pw.int32(size);
      for (const batch of partition.batches) pw.raw(batch);
    });
  });
  return writer;
}

export function listOffsets(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  body.int32();
  if (version >= 2) body.int8();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ index: p.int32(), timestamp: p.int64Number() })),
  }));
  const writer = new Writer();
  if (version >= 2) writer.int32(0);
  writer.array(topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, partition) => {
      const log = context.topics.partition(topic.name, partition.index);
      if (log === undefined) {
        pw.int32(partition.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
        return;
      }
      const offset =
        partition.timestamp === -1
          ? log.highWatermark
          : partition.timestamp === -2
            ? log.logStartOffset
            : log.offsetForTimestamp(partition.timestamp);
      pw.int32(partition.index).int16(ErrorCode.NONE).int64(-1).int64(offset);
    });
  });
  return writer;
}
