import { describe, expect, it } from 'vitest';
import { GroupCoordinator, type JoinRequest } from '../src/groups/coordinator.js';
import { ErrorCode } from '../src/protocol/errors.js';

const coordinator = () =>
  new GroupCoordinator({ minSessionTimeoutMs: 10, maxSessionTimeoutMs: 60_000, log: () => undefined });

function joining(memberId = '', overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId,
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    ...overrides,
  };
}

describe('group coordinator', () => {
  it('completes a join at once when every known member has joined', async () => {
    const groups = coordinator();
    const first = await groups.join(joining());
    expect(first).toMatchObject({ error: ErrorCode.NONE, generation: 1, protocol: 'range', leader: first.memberId });
    expect(first.members).toHaveLength(1);
    groups.close();
  });

  it('holds a new member at the barrier until the existing one rejoins, telling it through heartbeats', async () => {
    const groups = coordinator();
    const first = await groups.join(joining());
    await groups.sync('g', 1, first.memberId, [{ memberId: first.memberId, assignment: Buffer.from('a1') }]);
    let secondDone = false;
    const second = groups.join(joining()).then((result) => {
      secondDone = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondDone).toBe(false);
    expect(groups.heartbeat('g', 1, first.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await groups.join(joining(first.memberId));
    const other = await second;
    expect(rejoined.generation).toBe(2);
    expect(other.generation).toBe(2);
    expect(rejoined.members).toHaveLength(2);
    expect(other.members).toHaveLength(0);

    const followerSync = groups.sync('g', 2, other.memberId, []);
    const leaderSync = await groups.sync('g', 2, rejoined.memberId, [
      { memberId: rejoined.memberId, assignment: Buffer.from('x') },
      { memberId: other.memberId, assignment: Buffer.from('y') },
    ]);
    expect(leaderSync.assignment.toString()).toBe('x');
    expect((await followerSync).assignment.toString()).toBe('y');
    expect(groups.heartbeat('g', 2, other.memberId)).toBe(ErrorCode.NONE);
    expect(groups.heartbeat('g', 1, other.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(groups.describe('g').state).toBe('Stable');
    groups.close();
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const groups = coordinator();
    const first = await groups.join(joining('', { rebalanceTimeoutMs: 50 }));
    const second = await groups.join(joining('', { rebalanceTimeoutMs: 50 }));
    expect(second.generation).toBe(2);
    expect(second.leader).toBe(second.memberId);
    expect(second.members.map((member) => member.memberId)).toEqual([second.memberId]);
    expect(groups.heartbeat('g', 2, first.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    groups.close();
  });

  it('removes a member whose session expires and rebalances the rest', async () => {
    const groups = coordinator();
    const quiet = await groups.join(joining('', { sessionTimeoutMs: 40 }));
    await groups.sync('g', 1, quiet.memberId, []);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(groups.heartbeat('g', 1, quiet.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(groups.describe('g').state).toBe('Empty');
    groups.close();
  });

  it('rejects bad joins: no group id, bad session timeout, unknown member, foreign protocol', async () => {
    const groups = coordinator();
    expect((await groups.join(joining('', { groupId: '' }))).error).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await groups.join(joining('', { sessionTimeoutMs: 1 }))).error).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await groups.join(joining('ghost'))).error).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await groups.join(joining());
    const foreign = await groups.join(joining('', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }));
    expect(foreign.error).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    groups.close();
  });

  it('lets a member leave, and allows commits only from current members', async () => {
    const groups = coordinator();
    const member = await groups.join(joining());
    await groups.sync('g', 1, member.memberId, []);
    expect(groups.commitAllowed('g', 1, member.memberId)).toBe(ErrorCode.NONE);
    expect(groups.commitAllowed('g', 0, member.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(groups.commitAllowed('g', -1, '')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(groups.leave('g', member.memberId)).toBe(ErrorCode.NONE);
    expect(groups.commitAllowed('g', -1, '')).toBe(ErrorCode.NONE);
    expect(groups.leave('g', member.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    groups.close();
  });
});
