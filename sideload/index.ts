/**
 * sideload/ public face: the device wire contract (re-exported from protocol/), the HTTPS client
 * with pinning, version gating, timeouts and busy retries, device discovery and selection, the
 * deploy planner and executor, applying capability images, and the multi-call reports (security
 * state, deployment status, support data). Nothing here prints or exits; see sideload/README.md
 * for the tunables.
 */
export * from './protocol/index';
export { DEFAULT_RETRY, DEFAULT_TIMEOUTS, DEVICE_CA_ENV, DEVICE_CA_FILE, configDir, findBoardCa, readCa, timeoutsFromEnv, uploadTimeoutMs, type PinnedCa, type RetryPolicy, type Timeouts } from './settings';
export { httpsTransport, classifyNetworkError, pinProblem, TransportError, MAX_RESPONSE_BYTES, type Transport, type TransportRequest, type TransportResponse, type TransportFailure, type HttpsTransportOptions } from './transport';
export { DeviceNotFoundError, DeviceUnreachableError, codePair, errorFromAnswer, errorFromTransport, optional } from './errors';
export { DeviceClient, errorCodeOf, type CallOptions, type ClientStats, type DeviceClientOptions } from './client';
export { DeviceApi, checkCertId, checkComponentId, checkNetworkId } from './device-api';
export { caFor, connectDevice, describeCandidate, discoverDevices, formatAddress, parseAddress, probeTcp, selectDevice, serviceAddresses, type ConnectOptions, type DeviceCandidate, type DiscoverOptions, type EmulatorRef } from './discovery';
export type { DeployPlan, DeployStep, DeviceFacts, LocalCheck, PackageFacts, PlanOptions, Refusal } from './deploy-plan';
export type { DeleteResult, DeployOptions, DeployResult } from './deploy';
/** checkPackage(Async), factsNeeded, planDeploy, readDeviceFacts, deploy, isListed, deleteSideloaded: loaded on first use. */
export const deployment = (): Promise<typeof import('./deployment')> => import('./deployment');
export { restartDevice, uptimeBefore, waitForRestart, type RestartResult, type WaitOptions } from './lifecycle';
export { appStates, capabilityName, deploymentStatus, imageEntries, isCustomerImage, securityReport, type DeploymentStatus, type ImageEntry, type SecurityReport } from './device-info';
export { collectSupportData, type SupportBundle } from './support-data';
export { applyCapabilityImage, type ApplyOptions, type CapabilityChange } from './capability';
export { EXTENSION, extensionCall, notProvided, requestAttestation, type DeviceCertificateAnswer } from './extensions';
