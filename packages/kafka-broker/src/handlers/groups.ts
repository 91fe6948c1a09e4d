import type { BrokerContext, Request } from '../context.js';
import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';

export function findCoordinator(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  body.string();
  const keyType = version >= 1 ? body.int8() : 0;
  const writer = new Writer();
  if (version >= 1) writer.int32(0);
  // Key type 1 asks for a transaction coordinator: transactions are not implemented here.
  const error = keyType === 0 ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
  writer.int16(error);
  if (version >= 1) writer.nullableString(error === ErrorCode.NONE ? null : 'transactions are not supported');
  return writer.int32(context.nodeId).string(context.host).int32(context.port);
}

export async function joinGroup(context: BrokerContext, request: Request): Promise<Writer> {
  const { body, version } = request;
  const groupId = body.string();
  const sessionTimeoutMs = body.int32();
  const rebalanceTimeoutMs = version >= 1 ? body.int32() : sessionTimeoutMs;
  const memberId = body.string();
  const groupInstanceId = version >= 5 ? body.nullableString() : null;
  const protocolType = body.string();
  const protocols = body.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
  const result = await context.groups.join({
    groupId,
    memberId,
    groupInstanceId,
    clientId: request.clientId,
    clientHost: request.clientHost,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
    protocols,
  });
  const writer = new Writer();
  if (version >= 2) writer.int32(0);
  writer
    .int16(result.error)
    .int32(result.generation)
    .string(result.protocol)
    .string(result.leader)
    .string(result.memberId);
  writer.array(result.members, (w, member) => {
    w.string(member.memberId);
    if (version >= 5) w.nullableString(member.groupInstanceId);
    w.bytes(member.metadata);
  });
  return writer;
}

export async function syncGroup(context: BrokerContext, request: Request): Promise<Writer> {
  const { body, version } = request;
  const groupId = body.string();
  const generation = body.int32();
  const memberId = body.string();
  if (version >= 3) body.nullableString();
  const assignments = body.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
  const result = await context.groups.sync(groupId, generation, memberId, assignments);
  const writer = new Writer();
  if (version >= 1) writer.int32(0);
  return writer.int16(result.error).bytes(result.assignment);
}

export function heartbeat(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const groupId = body.string();
  const generation = body.int32();
  const memberId = body.string();
  if (version >= 3) body.nullableString();
  const writer = new Writer();
  if (version >= 1) writer.int32(0);
  return writer.int16(context.groups.heartbeat(groupId, generation, memberId));
}

export function leaveGroup(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const groupId = body.string();
  const writer = new Writer();
  if (version >= 1) writer.int32(0);
  if (version < 3) return writer.int16(context.groups.leave(groupId, body.string()));
  const members = body.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
  const errors = members.map((member) => context.groups.leave(groupId, member.memberId));
  writer.int16(ErrorCode.NONE);
  return writer.array(members, (w, member, i) => {
    w.string(member.memberId).nullableString(member.groupInstanceId).int16(errors[i]!);
  });
}

export async function offsetCommit(context: BrokerContext, request: Request): Promise<Writer> {
  const { body, version } = request;
  const groupId = body.string();
  const generation = body.int32();
  const memberId = body.string();
  if (version >= 7) body.nullableString();
  if (version <= 4) body.int64();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => {
      const index = p.int32();
      const offset = p.int64Number();
      if (version >= 6) p.int32();
      return { index, offset, metadata: p.nullableString() };
    }),
  }));
  const allowed =
    groupId === '' ? ErrorCode.INVALID_GROUP_ID : context.groups.commitAllowed(groupId, generation, memberId);
  const entries: Parameters<typeof context.offsets.commit>[0][number][] = [];
  const answers = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition) => {
      let error: ErrorCode = allowed;
      if (error === ErrorCode.NONE && context.topics.partition(topic.name, partition.index) === undefined) {
        error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      }
      if (error === ErrorCode.NONE) {
        entries.push({
          group: groupId,
          topic: topic.name,
          partition: partition.index,
          committed: { offset: partition.offset, metadata: partition.metadata },
        });
      }
      return { index: partition.index, error };
    }),
  }));
  // Kafka answers a commit its offsets log could not take (a storage error) with NOT_COORDINATOR, and forgets it.
  const refused = await context.offsets.commit(entries).then(
    () => false,
    () => true,
  );
  const writer = new Writer();
  if (version >= 3) writer.int32(0);
  return writer.array(answers, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, { index, error }) => {
      pw.int32(index).int16(refused && error === ErrorCode.NONE ? ErrorCode.NOT_COORDINATOR : error);
    });
  });
}

export function offsetFetch(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const groupId = body.string();
  const requested = body.nullableArray((r) => ({ name: r.string(), partitions: r.array((p) => p.int32()) }));
  const topics =
    requested ??
    Object.entries(
      context.offsets.topicsOf(groupId).reduce<Record<string, number[]>>((all, entry) => {
        (all[entry.topic] ??= []).push(entry.partition);
        return all;
      }, {}),
    ).map(([name, partitions]) => ({ name, partitions }));
  const writer = new Writer();
  if (version >= 3) writer.int32(0);
  writer.array(topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, index) => {
      const committed = context.offsets.get(groupId, topic.name, index);
      pw.int32(index).int64(committed?.offset ?? -1);
      if (version >= 5) pw.int32(-1);
      pw.nullableString(committed?.metadata ?? '').int16(ErrorCode.NONE);
    });
  });
  if (version >= 2) writer.int16(ErrorCode.NONE);
  return writer;
}

export function describeGroups(context: BrokerContext, request: Request): Writer {
  const { body, version } = request;
  const ids = body.array((r) => r.string());
  if (version >= 3) body.bool();
  const writer = new Writer();
  if (version >= 1) writer.int32(0);
  writer.array(ids, (w, id) => {
    const group = context.groups.describe(id);
    w.int16(ErrorCode.NONE).string(id).string(group.state).string(group.protocolType).string(group.protocol);
    w.array(group.members, (mw, member) => {
      mw.string(member.memberId);
      if (version >= 4) mw.nullableString(member.groupInstanceId);
      mw.string(member.clientId).string(member.clientHost).bytes(member.metadata).bytes(member.assignment);
    });
    if (version >= 3) w.int32(-2147483648);
  });
  return writer;
}

export function listGroups(context: BrokerContext, request: Request): Writer {
  const writer = new Writer();
  if (request.version >= 1) writer.int32(0);
  writer.int16(ErrorCode.NONE);
  return writer.array(context.groups.list(), (w, group) => w.string(group.groupId).string(group.protocolType));
}
