/** The request context: the plugin, its per-request value and the parts it is built from. */
export {
  requestContext,
  requestContextOf,
  type RequestContextOptions,
} from './request-context-plugin.ts';
export { buildRequestContext, type RequestContext } from './request-context.ts';
export { resolveClientIp, UNKNOWN_IP, type ClientIp, type IpSource } from './client-ip.ts';
export { type ClientCertificate } from './client-certificate.ts';
export { classifyDevice, type DeviceClass } from './device-class.ts';
export { type ProxyHeader } from './forwarded-chain.ts';
