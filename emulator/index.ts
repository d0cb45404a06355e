/**
 * emulator/ public face: the bundled device (architecture decision 5) — the device model, its
 * HTTPS server, running one in this process or detached, and the registry of running emulators.
 */
export { Device, type DeviceOptions, type AppRun } from './device';
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
export { Flash, writeAtomic } from './flash';
export { ACCESS_POINTS } from './wifi';
export { OS_COMPONENTS } from './images';
export * as LIMITS from './limits';
