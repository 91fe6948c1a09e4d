import type { BrokerContext, Request } from '../context.js';
import { SUPPORTED_VERSIONS } from '../protocol/apis.js';
import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { topicNameProblem } from '../storage/topic-store.js';

export function apiVersionsBody(error: ErrorCode, version: number): Writer {
  const writer = new Writer().int16(error);
  writer.array([...SUPPORTED_VERSIONS], (w, [key, [min, max]]) => w.int16(key).int16(min).int16(max));
  if (version >= 1) writer.int32(0);
  return writer;
}

export function apiVersions(_context: BrokerContext, request: Request): Writer {
  return apiVersionsBody(ErrorCode.NONE, request.version);
}

export function metadata(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const requested = body.nullableArray((r) => r.string());
  const allowAutoCreate = version >= 4 ? body.bool() : true;
  const names = requested ?? context.topics.names();
  const writer = new Writer();
  if (version >= 3) writer.int32(0);
  writer.array([context.nodeId], (w, id) => w.int32(id).string(context.host).int32(context.port).nullableString(null));
  if (version >= 2) writer.nullableString(context.clusterId);
  writer.int32(context.nodeId);
  writer.array(names, (w, name) => {
    const problem = topicNameProblem(name);
    let partitions = problem === null ? context.topics.partitions(name) : undefined;
    if (partitions === undefined && problem === null && allowAutoCreate && context.autoCreateTopics) {
      partitions = context.topics.autoCreate(name);
    }
    const error =
      problem !== null
        ? ErrorCode.INVALID_TOPIC_EXCEPTION
        : partitions === undefined
          ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          : ErrorCode.NONE;
    w.int16(error).string(name).bool(false);
    w.array(partitions ?? [], (pw, _log, index) => {
      pw.int16(ErrorCode.NONE).int32(index).int32(context.nodeId);
      pw.array([context.nodeId], (aw, id) => aw.int32(id));
      pw.array([context.nodeId], (aw, id) => aw.int32(id));
      if (version >= 5) pw.array([], () => undefined);
    });
  });
  return writer;
}

export function createTopics(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((a) => ({ partition: a.int32(), brokers: a.array((b) => b.int32()) })),
    configs: r.array((c) => ({ name: c.string(), value: c.nullableString() })),
  }));
  body.int32();
  const validateOnly = version >= 1 ? body.bool() : false;
  const writer = new Writer();
  if (version >= 2) writer.int32(0);
  writer.array(topics, (w, topic) => {
    let error: ErrorCode = ErrorCode.NONE;
    let message: string | null = null;
    const partitions =
      topic.partitions === -1 && topic.assignments.length > 0 ? topic.assignments.length : topic.partitions;
    const nameProblem = topicNameProblem(topic.name);
    if (nameProblem !== null) [error, message] = [ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem];
    else if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1) {
      [error, message] = [ErrorCode.INVALID_REPLICATION_FACTOR, 'this single-node broker keeps one replica'];
    } else if (validateOnly) {
      if (context.topics.partitions(topic.name) !== undefined) error = ErrorCode.TOPIC_ALREADY_EXISTS;
    } else {
      error = context.topics.create(topic.name, partitions);
    }
    if (error === ErrorCode.TOPIC_ALREADY_EXISTS) message = `topic '${topic.name}' already exists`;
    if (error === ErrorCode.INVALID_PARTITIONS) message = 'the partition count must be between 1 and 10000';
    w.string(topic.name).int16(error);
    if (version >= 1) w.nullableString(message);
  });
  return writer;
}

export function deleteTopics(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const names = body.array((r) => r.string());
  body.int32();
  const writer = new Writer();
  if (version >= 1) writer.int32(0);
  writer.array(names, (w, name) => w.string(name).int16(context.topics.delete(name)));
  return writer;
}

export function initProducerId(context: BrokerContext, request: Request): Writer {
  const transactionalId = request.body.nullableString();
  request.body.int32();
  const writer = new Writer().int32(0);
  // Transactions are not implemented: only idempotent producers get an id.
  if (transactionalId !== null) return writer.int16(ErrorCode.INVALID_REQUEST).int64(-1).int16(-1);
  return writer.int16(ErrorCode.NONE).int64(context.nextProducerId()).int16(0);
}
