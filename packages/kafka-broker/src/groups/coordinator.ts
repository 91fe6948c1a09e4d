import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface Protocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly Protocol[];
}

export interface JoinResult {
  readonly error: ErrorCode;
  readonly generation: number;
  readonly protocol: string;
  readonly leader: string;
  readonly memberId: string;
  /** Only the leader gets the members and their subscriptions. */
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

interface Member {
  readonly id: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: readonly Protocol[];
  assignment: Buffer;
  session: NodeJS.Timeout | null;
  /** Set while the member waits in JoinGroup for the rebalance to complete. */
  joining: ((result: JoinResult) => void) | null;
  syncing: ((result: { error: ErrorCode; assignment: Buffer }) => void) | null;
}

interface Group {
  readonly id: string;
  state: GroupState;
  generation: number;
  protocolType: string;
  protocol: string;
  leader: string;
  readonly members: Map<string, Member>;
  rebalanceTimer: NodeJS.Timeout | null;
}

export interface CoordinatorOptions {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly log: (line: string) => void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Consumer groups as Kafka's group coordinator runs them. A JoinGroup waits at the rebalance barrier until
 * every known member has rejoined (or the rebalance timeout drops the missing ones), then all get the new
 * generation and the leader gets the member list; SyncGroups wait until the leader hands out assignments.
 * Members that stop heartbeating for their session timeout are removed and the group rebalances.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly options: CoordinatorOptions) {}

  join(request: JoinRequest): Promise<JoinResult> {
    const fail = (error: ErrorCode, memberId = request.memberId): Promise<JoinResult> =>
      Promise.resolve({ error, generation: -1, protocol: '', leader: '', memberId, members: [] });
    if (request.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const { minSessionTimeoutMs: min, maxSessionTimeoutMs: max } = this.options;
    if (request.sessionTimeoutMs < min || request.sessionTimeoutMs > max)
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    const group = this.groupFor(request.groupId);
    if (request.protocols.length === 0 || (group.members.size > 0 && request.protocolType !== group.protocolType)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const others = [...group.members.values()].filter((member) => member.id !== request.memberId);
    const shared = request.protocols.filter((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
    if (shared.length === 0) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    let member = request.memberId === '' ? undefined : group.members.get(request.memberId);
    if (request.memberId !== '' && member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (member === undefined) {
      member = {
        id: `${request.clientId || 'member'}-${randomUUID()}`,
        groupInstanceId: request.groupInstanceId,
        clientId: request.clientId,
        clientHost: request.clientHost,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: request.protocols,
        assignment: EMPTY,
        session: null,
        joining: null,
        syncing: null,
      };
      group.members.set(member.id, member);
    }
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    group.protocolType = request.protocolType;
    this.stopSession(member);
    const joined = member;
    const result = new Promise<JoinResult>((resolve) => {
      // A member that joins again while already waiting answers its previous join as superseded.
      joined.joining?.({
        error: ErrorCode.UNKNOWN_MEMBER_ID,
        generation: -1,
        protocol: '',
        leader: '',
        memberId: joined.id,
        members: [],
      });
      joined.joining = resolve;
    });
    this.prepareRebalance(group);
    this.completeJoinIfReady(group);
    return result;
  }

  sync(
    groupId: string,
    generation: number,
    memberId: string,
    assignments: readonly { memberId: string; assignment: Buffer }[],
  ): Promise<{ error: ErrorCode; assignment: Buffer }> {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    const fail = (error: ErrorCode) => Promise.resolve({ error, assignment: EMPTY });
    if (group === undefined || member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generation !== group.generation) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (group.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    this.touch(group, member);
    if (group.state === 'Stable') return Promise.resolve({ error: ErrorCode.NONE, assignment: member.assignment });
    const result = new Promise<{ error: ErrorCode; assignment: Buffer }>((resolve) => {
      member.syncing = resolve;
    });
    if (memberId === group.leader) {
      const given = new Map(assignments.map((entry) => [entry.memberId, entry.assignment]));
      for (const each of group.members.values()) each.assignment = given.get(each.id) ?? EMPTY;
      group.state = 'Stable';
      for (const each of group.members.values()) {
        each.syncing?.({ error: ErrorCode.NONE, assignment: each.assignment });
        each.syncing = null;
      }
    }
    return result;
  }

  heartbeat(groupId: string, generation: number, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'PreparingRebalance') {
      this.touch(group, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    }
    if (generation !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(group, member);
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(group, member);
    return ErrorCode.NONE;
  }

  /** Whether a member may commit offsets for this generation (-1/'' is a commit from outside any group). */
  commitAllowed(groupId: string, generation: number, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    if (generation < 0 && memberId === '') {
      return group === undefined || group.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.touch(group, member);
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (group === undefined) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType,
      protocol: group.protocol,
      members: [...group.members.values()].map((member) => ({
        memberId: member.id,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: member.protocols.find((p) => p.name === group.protocol)?.metadata ?? EMPTY,
        assignment: member.assignment,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((group) => ({ groupId: group.id, protocolType: group.protocolType }));
  }

  close(): void {
    for (const group of this.groups.values()) {
      if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
      for (const member of group.members.values()) this.stopSession(member);
    }
    this.groups.clear();
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = {
        id: groupId,
        state: 'Empty',
        generation: 0,
        protocolType: '',
        protocol: '',
        leader: '',
        members: new Map(),
        rebalanceTimer: null,
      };
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Starts a rebalance: everyone must rejoin; pending syncs of the old generation are told so. */
  private prepareRebalance(group: Group): void {
    if (group.state === 'PreparingRebalance') return;
    for (const member of group.members.values()) {
      member.syncing?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.syncing = null;
    }
    group.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...group.members.values()].map((member) => member.rebalanceTimeoutMs));
    group.rebalanceTimer = setTimeout(() => {
      group.rebalanceTimer = null;
      for (const member of [...group.members.values()]) {
        if (member.joining !== null) continue;
        this.options.log(`group ${group.id}: member ${member.id} did not rejoin within ${timeout} ms`);
        this.drop(group, member);
      }
      this.completeJoinIfReady(group);
    }, timeout);
  }

  private completeJoinIfReady(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    const members = [...group.members.values()];
    if (members.some((member) => member.joining === null)) return;
    if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    if (members.length === 0) {
      group.state = 'Empty';
      group.generation++;
      return;
    }
    group.generation++;
    group.state = 'CompletingRebalance';
    this.options.log(`group ${group.id}: generation ${group.generation} with ${members.length} member(s)`);
    if (!group.members.has(group.leader)) group.leader = members[0]!.id;
    const leader = group.members.get(group.leader)!;
    group.protocol =
      leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name ?? '';
    for (const member of members) {
      const isLeader = member.id === group.leader;
      const resolve = member.joining!;
      member.joining = null;
      this.touch(group, member);
      resolve({
        error: ErrorCode.NONE,
        generation: group.generation,
        protocol: group.protocol,
        leader: group.leader,
        memberId: member.id,
        members: isLeader
          ? members.map((m) => ({
              memberId: m.id,
              groupInstanceId: m.groupInstanceId,
              metadata: m.protocols.find((p) => p.name === group.protocol)?.metadata ?? EMPTY,
            }))
          : [],
      });
    }
  }

  /** Restarts a member's session clock. */
  private touch(group: Group, member: Member): void {
    this.stopSession(member);
    member.session = setTimeout(() => {
      member.session = null;
      if (group.members.get(member.id) !== member || member.joining !== null) return;
      this.options.log(`group ${group.id}: member ${member.id} missed its ${member.sessionTimeoutMs} ms session`);
      this.remove(group, member);
    }, member.sessionTimeoutMs);
  }

  private stopSession(member: Member): void {
    if (member.session !== null) clearTimeout(member.session);
    member.session = null;
  }

  /** A member leaves (or times out): the rest rebalance without it. */
  private remove(group: Group, member: Member): void {
    this.drop(group, member);
    if (group.members.size === 0) {
      if (group.rebalanceTimer !== null) clearTimeout(group.rebalanceTimer);
      group.rebalanceTimer = null;
      group.state = 'Empty';
      group.generation++;
      return;
    }
    this.prepareRebalance(group);
    this.completeJoinIfReady(group);
  }

  private drop(group: Group, member: Member): void {
    this.stopSession(member);
    group.members.delete(member.id);
    member.joining?.({
      error: ErrorCode.UNKNOWN_MEMBER_ID,
      generation: -1,
      protocol: '',
      leader: '',
      memberId: member.id,
      members: [],
    });
    member.syncing?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.joining = null;
    member.syncing = null;
  }
}
