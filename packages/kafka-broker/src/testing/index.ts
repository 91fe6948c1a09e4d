export { FaultProxy, type RefusableRequest } from './fault-proxy.js';
export { selfSignedCertificate, type Certificate } from './certificate.js';
