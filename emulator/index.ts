/**
 * emulator/ public face: the bundled device (architecture decision 5) — the device model, its
 * HTTPS server, running one in this process or detached, the registry of running emulators, the
 * simulated Security Service that signs capability images (decision 7), recovery, and the REST API
 * versions it can behave as.
 */
export { Device, type DeviceOptions, type AppRun, type RecoveryResult } from './device';
export { DeviceFault } from './fault';
export { DeviceServer, DEFAULT_LIMITS, type ServerLimits, type ServerOptions } from './http';
export { dispatch, authorize, HANDLED_OPERATIONS, type Reply, type RequestBody } from './routes';
export { startEmulator, parseListen, urlOf, type StartOptions, type RunningEmulator } from './run';
export { startDetached, stopEmulator, tail, type DetachOptions } from './daemon';
export { deviceRequest, type ProbeOptions, type ProbeResponse } from './probe';
export {
  Registry, DEFAULT_NAME, EMULATOR_HOME_ENV, checkName, defaultStateDir, isAlive, lockStateDir, runtimeDir, type RegistryEntry,
} from './registry';
export { readDeviceCa, deviceIdOf } from './identity';
export {
  DEVICE_GROUPS, SECURITY_SERVICE_FILES, assignDeviceGroup, checkDeviceGroup, issueCapabilityImage, loadOrCreateSecurityService, readDeviceRecord,
  type DeviceRecord, type IssuedImage, type IssueOptions, type SecurityServiceCert,
} from './security-service';
export { recoverStateDir, recoverySocketPath, requestRecovery, serveRecovery, type RecoveryServer } from './recovery';
export { OLDEST_EMULATED_API_VERSION, checkEmulatedApiVersion } from './api-version';
export { Flash, writeAtomic } from './flash';
export { ACCESS_POINTS } from './wifi';
export { OS_COMPONENTS } from './images';
export * as LIMITS from './limits';
