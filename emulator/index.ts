/**
 * emulator/ public face: the bundled device (architecture decision 5) — the device model, its
 * HTTPS server, running one in this process or detached, the registry of running emulators, the
 * simulated Security Service that signs capability images (decision 7), recovery, and the REST API
 * versions it can behave as.
 *
 * Rooms: `api/` (HTTPS server, routes, API-version shaping), `service/` (identity, Security
 * Service), `runtime/` (apps that run), `board/` (device models, control channel); the device core
 * (flash, state, secure boot, app states) and daemon control stay at this level.
 */
export { Device, type DeviceOptions, type AppRun, type RecoveryResult } from './device';
export { DeviceFault } from './fault';
export { DeviceServer, DEFAULT_LIMITS, dispatch, authorize, HANDLED_OPERATIONS, OLDEST_EMULATED_API_VERSION, checkEmulatedApiVersion, ACCESS_POINTS } from './api/index';
export type { ServerLimits, ServerOptions, Reply, RequestBody } from './api/index';
export { startEmulator, parseListen, urlOf, type StartOptions, type RunningEmulator } from './run';
export { startDetached, stopEmulator, tail, type DetachOptions } from './daemon';
export { deviceRequest, type ProbeOptions, type ProbeResponse } from './probe';
export {
  Registry, DEFAULT_NAME, EMULATOR_HOME_ENV, checkName, defaultStateDir, isAlive, lockStateDir, runtimeDir, type RegistryEntry,
} from './registry';
export {
  readDeviceCa, deviceIdOf, DEVICE_GROUPS, SECURITY_SERVICE_FILES, assignDeviceGroup, checkDeviceGroup, issueCapabilityImage, loadOrCreateSecurityService, readDeviceRecord,
  type DeviceRecord, type IssuedImage, type IssueOptions, type SecurityServiceCert,
} from './service/index';
export { loadOrCreateManufacturerRoot, manufacturerDir, MANUFACTURER_FILES } from './service/index';
export { recoverStateDir, recoverySocketPath, requestRecovery, serveRecovery, type RecoveryServer } from './recovery';
export { Flash, writeAtomic } from './flash';
export { startView, viewTokenPath, type ViewServer } from './view/index';
export { controlRequest, controlSocketPath, ControlError, GpioBoard, MT3620_RDB, MT3620_RDB_PARTS, BoardError, parseBoard, wiringOf, checkUartBridgePorts, UartBridgeError, checkSocat, UartPtyError, uartPtyPath, type BoardDescription } from './board/index';
export { readAppLog, appLogPath, DEFAULT_APP_MEMORY_KB, STOP_GRACE_MS, RESTART_BACKOFF_MS, HOST_TABLE, WASI_ERRNO, parseHostMap, type AppLogLine } from './runtime/index';
export { DEFAULT_PRESS_MS } from './control-ops';
export { loadScenarios, runScenarios, junitXml, ScenarioError, type ScenarioResult } from './scenario/index';
export { OS_COMPONENTS } from './images';
export * as LIMITS from './limits';
