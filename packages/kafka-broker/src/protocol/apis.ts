/** API keys and the versions this broker implements: only non-flexible versions. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  SaslAuthenticate: 36,
} as const;
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export const SUPPORTED_VERSIONS: ReadonlyMap<number, readonly [min: number, max: number]> = new Map([
  [ApiKey.Produce, [3, 7]],
  [ApiKey.Fetch, [4, 11]],
  [ApiKey.ListOffsets, [1, 3]],
  [ApiKey.Metadata, [1, 6]],
  [ApiKey.OffsetCommit, [2, 7]],
  [ApiKey.OffsetFetch, [1, 5]],
  [ApiKey.FindCoordinator, [0, 2]],
  [ApiKey.JoinGroup, [0, 5]],
  [ApiKey.Heartbeat, [0, 3]],
  [ApiKey.LeaveGroup, [0, 3]],
  [ApiKey.SyncGroup, [0, 3]],
  [ApiKey.DescribeGroups, [0, 4]],
  [ApiKey.ListGroups, [0, 2]],
  [ApiKey.SaslHandshake, [0, 1]],
  [ApiKey.ApiVersions, [0, 2]],
  [ApiKey.CreateTopics, [0, 4]],
  [ApiKey.DeleteTopics, [0, 3]],
  [ApiKey.InitProducerId, [0, 1]],
  [ApiKey.SaslAuthenticate, [0, 1]],
]);

export function isSupported(apiKey: number, version: number): boolean {
  const range = SUPPORTED_VERSIONS.get(apiKey);
  return range !== undefined && version >= range[0] && version <= range[1];
}
