export { FaultProxy, type RefusableRequest } from './fault-proxy.js';
