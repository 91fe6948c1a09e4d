export { DEFAULT_RETENTION_HOURS, startBroker, type BrokerOptions, type RunningBroker } from './broker.js';
export { ApiKey, SUPPORTED_VERSIONS } from './protocol/apis.js';
export { ErrorCode } from './protocol/errors.js';
export type { SaslUsers } from './sasl.js';
