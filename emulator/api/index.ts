/**
 * emulator/api/ public face: the device REST API as the emulator serves it — the HTTPS server,
 * the route table (spec/device_rest_api.yaml), shaping for older REST API versions, and the
 * handlers of the certificate store, network and Wi-Fi endpoints.
 */
export { DeviceServer, DEFAULT_LIMITS, type ServerLimits, type ServerOptions } from './http';
export { dispatch, authorize, HANDLED_OPERATIONS } from './routes';
export type { Reply, RequestBody } from './exchange';
export { OLDEST_EMULATED_API_VERSION, checkEmulatedApiVersion } from './api-version';
export { ACCESS_POINTS } from './wifi';
export { appNetFacts } from './network';
