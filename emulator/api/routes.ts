/**
 * One handler per operation of spec/device_rest_api.yaml: authorization from the endpoint's
 * `x-azsphere-authorizer`, validation of path parameters and bodies, the call into the device
 * model, and the answer's status and body. Transport-free, so tests can call `dispatch` directly;
 * http.ts only parses, limits and frames.
 */
import {
  ENUMS, hasApiFeature, isComponentId, parseNetworkId,
  type Endpoint, type MemoryStatsBody,
} from '../../sideload/protocol/index';
import { checkRequestForVersion, shapeReplyForVersion } from './api-version';
import type { Reply, RequestBody } from './exchange';
import type { Device } from '../device';
import { DeviceFault, fault } from '../fault';
import { ABI_VERSIONS, OS_VERSION } from '../limits';
import { customerComponents, OS_COMPONENTS } from '../images';
import { addCertificate, availableSpace, certInfo, removeCertificate } from './certstore';
import { configureProxy, deleteProxy, firewall, interfaceDetails, interfaceNames, netStatus, patchInterface as patchNetInterface, proxyView } from './network';
import { addNetwork, findNetwork, interfaceState, networkView, patchInterface as patchWifiInterface, patchNetwork, removeNetwork, requireWifiUp, scan, wifiLink } from './wifi';

const ok = (json: unknown = {}, status = 200): Reply => ({ status, json });

/**
 * The answer of a call that may restart the device (POST /update/install, DELETE /app/image):
 * `{"restartingSystem": true}` only when it does, and then the restart follows the answer;
 * otherwise `{}`, as a board answers.
 */
function mayRestart(d: Device, r: { restartingSystem: boolean }): Reply {
  return r.restartingSystem ? { ...ok({ restartingSystem: true }), after: () => d.restart() } : ok();
}

function componentId(params: Record<string, string>): string {
  const id = params['componentId'] ?? '';
  if (!isComponentId(id)) fault('INVALID_URI', `"${id}" is not a component ID`, 400);
  return id.toLowerCase();
}

function json(body: RequestBody): Record<string, unknown> {
  if (body.kind !== 'json') fault('INVALID_ARGUMENT', 'a JSON body is required');
  return body.value;
}

function networkId(params: Record<string, string>, key: string, missing: 'INVALID_ARGUMENT' | 'WIFI_NETWORK_NOT_FOUND'): number {
  const id = parseNetworkId(params[key] ?? '');
  if (id === undefined) fault(missing, `"${params[key]}" is not a network ID`);
  return id;
}

function memoryStats(d: Device): MemoryStatsBody {
  const apps = [...d.apps.entries()].filter(([c]) => d.state.images[c]?.app?.highLevel);
  let total = 0;
  const list = apps.map(([c, run]) => {
    const bytes = d.appMemory(c);
    run.peakBytes = Math.max(run.peakBytes, bytes);
    total += bytes;
    return { componentId: c, processes: [{ pid: run.pid, heapUsageByCaller: [{ name: 'app', usageInBytes: Math.floor(bytes / 2) }] }] };
  });
  const peak = apps.reduce((n, [, r]) => n + r.peakBytes, 0);
  return { memoryStats: { currentMemoryUsageInBytes: total + (total ? 16384 : 0), userModeMemoryUsageInBytes: total, peakUserModeMemoryUsageInBytes: peak }, apps: list };
}

type Handler = (d: Device, params: Record<string, string>, body: RequestBody) => Reply;

const HANDLERS: Record<string, Handler> = {
  getAbiVersions: () => ok({ ...ABI_VERSIONS }),
  getAppStatus: (d, p) => ok({ state: d.appState(componentId(p)) }),
  setAppStatus: (d, p, b) => {
    const id = componentId(p);
    const trigger = json(b)['trigger'];
    if (typeof trigger !== 'string' || !(ENUMS.trigger as readonly string[]).includes(trigger)) fault('INVALID_ARGUMENT', 'trigger must be start, startDebug or stop');
    return ok(trigger === 'stop' ? d.stopApp(id) : d.startApp(id, trigger === 'startDebug'));
  },
  removeComponent: (d, p) => mayRestart(d, d.remove(componentId(p))),
  getAppQuota: (d, p) => {
    const id = componentId(p);
    const rec = d.state.images[id];
    if (!rec?.app) fault('APP_NOT_PRESENT', undefined, 404);
    return ok({ UsageKB: 0, LimitKB: rec.app.storageKB });
  },
  getCertIdentifiers: (d) => ok({ identifiers: Object.keys(d.state.certs).sort() }),
  getCertInformation: (d, p) => ok(certInfo(d, p['identifier']!)),
  addCert: (d, p, b) => { addCertificate(d, p['identifier']!, json(b)); return ok(); },
  removeCert: (d, p) => { removeCertificate(d, p['identifier']!); return ok(); },
  getCertAvailableSpace: (d) => ok({ AvailableSpace: String(availableSpace(d)) }),
  getDeviceCapabilities: (d) => ok({ device_capabilities: [...d.state.capabilities] }),
  getDeviceSecurityState: (d) => ok({ securityState: 'SECURE', deviceIdentifier: d.deviceId, deviceIdentityPublicKey: Buffer.from(d.identity.key.publicKey).toString('hex').toUpperCase() }),
  getDeviceManufacturingState: (d) => ok({ manufacturingState: d.state.manufacturingState }),
  setDeviceManufacturingState: (d, _p, b) => {
    const want = json(b)['manufacturingState'];
    if (typeof want !== 'string' || !(ENUMS.settableManufacturingState as readonly string[]).includes(want)) fault('INVALID_ARGUMENT', 'manufacturingState must be Module1Complete or DeviceComplete');
    const order = ['Blank', 'Module1Complete', 'DeviceComplete'];
    const cur = d.state.manufacturingState;
    if (order.indexOf(want) < order.indexOf(cur)) fault('INVALID_ARGUMENT', `the manufacturing state cannot go back from ${cur} to ${want}`);
    if (want !== cur) {
      d.mutate((s) => { s.manufacturingState = want as 'Module1Complete' | 'DeviceComplete'; });
      d.diag.record('manufacturing-state', `${cur} → ${want}`);
    }
    return ok();
  },
  getImages: (d) => ok({
    has_staged_updates: Object.keys(d.state.staged).length > 0, is_ota_update_in_progress: false, restart_required: d.state.restartRequired,
    components: [...OS_COMPONENTS, ...customerComponents(d.state, d.bootFailures)],
  }),
  getLog: (d) => ({ status: 200, binary: d.diag.logBytes() }),
  getAllNetworkFirewallRulesets: (d) => ok(firewall(d)),
  getAllNetworkInterfaceStatus: (d) => ok({ interfaces: interfaceNames(d).map((n) => interfaceDetails(d, n)) }),
  getNetworkInterfaceStatus: (d, p) => ok(interfaceDetails(d, p['networkInterfaceName']!)),
  setNetworkInterfaceAttributes: (d, p, b) => { patchNetInterface(d, p['networkInterfaceName']!, json(b)); return ok(); },
  getNetProxy: (d) => ok(proxyView(d)),
  configNetworkProxy: (d, _p, b) => ok(configureProxy(d, json(b))),
  deleteNetworkProxy: (d) => { deleteProxy(d); return ok(); },
  getNetworkStatus: (d) => ok(netStatus(d)),
  restartDevice: (d) => ({ ...ok({ restartingSystem: true }), after: () => d.restart() }),
  getDeviceStatus: (d) => ok({ uptime: d.uptime }),
  getOsVersion: () => ok({ osversion: OS_VERSION }),
  getMemoryStats: (d) => ok(memoryStats(d)),
  getErrorReportData: (d) => ({ status: 200, binary: d.diag.telemetryBytes() }),
  clearErrorReportData: (d) => { d.diag.clearTelemetry(); return ok(); },
  installStagedImages: (d, _p, b) => {
    let mode: 'Auto' | 'Manual' = 'Auto';
    if (b.kind === 'json') {
      const m = b.value['appControlMode'];
      if (m !== undefined && (typeof m !== 'string' || !(ENUMS.appControlMode as readonly string[]).includes(m))) fault('INVALID_ARGUMENT', 'appControlMode must be Auto or Manual');
      if (m === 'Manual') mode = 'Manual';
    }
    return mayRestart(d, d.install(mode));
  },
  stageImage: (d, _p, b) => {
    if (b.kind !== 'binary' || b.bytes.length === 0) fault('IMAGE_NOT_STAGED', 'the body is empty');
    d.stage(b.bytes);
    return ok();
  },
  getConfiguredWifiNetworks: (d) => {
    requireWifiUp(d);
    const link = wifiLink(d);
    return ok({ values: [...d.state.wifi.networks].sort((a, b) => a.id - b.id).map((n) => networkView(d, n, link)) });
  },
  addConfiguredWifiNetwork: (d, _p, b) => ok(addNetwork(d, json(b)), 201),
  getConfiguredWifiNetwork: (d, p) => ok(networkView(d, findNetwork(d, networkId(p, 'wifiNetworkId', 'WIFI_NETWORK_NOT_FOUND')))),
  removeConfiguredWifiNetwork: (d, p) => { requireWifiUp(d); removeNetwork(d, networkId(p, 'wifiNetworkId', 'INVALID_ARGUMENT')); return ok(); },
  changeConfiguredWifiNetwork: (d, p, b) => ok(patchNetwork(d, networkId(p, 'wifiNetworkId', 'INVALID_ARGUMENT'), json(b))),
  getAllNetworkConnectionFailureLogs: (d) => { requireWifiUp(d); return ok({ values: Object.values(d.diag.data.wifiFailures).sort((a, b) => a.networkId - b.networkId) }); },
  getANetworksConnectionFailureLog: (d, p) => {
    const id = networkId(p, 'networkId', 'WIFI_NETWORK_NOT_FOUND');
    const f = d.diag.data.wifiFailures[String(id)];
    if (!f) fault('WIFI_NETWORK_NOT_FOUND');
    return ok(f);
  },
  getWifiInterfaceState: (d) => ok(interfaceState(d)),
  changeWifiInterfaceStatus: (d, _p, b) => { patchWifiInterface(d, json(b)); return ok(); },
  getWifiScanResults: (d) => ok(scan(d)),
};

/**
 * Authorizes and runs one request as the device's API version would (api-version.ts); device
 * refusals become `{"error": code}` answers.
 */
export function dispatch(d: Device, ep: Endpoint, params: Record<string, string>, body: RequestBody): Reply {
  try {
    authorize(d, ep);
    checkRequestForVersion(ep, body, d.apiVersion);
    const h = HANDLERS[ep.id];
    if (!h) throw new Error(`no handler for ${ep.id}`);
    return shapeReplyForVersion(ep, h(d, params, body), d.apiVersion);
  } catch (e) {
    if (e instanceof DeviceFault) return { status: e.status, json: { error: e.code } };
    throw e;
  }
}

/** Throws the device's refusal when the capabilities do not allow the call (from API 4.0.0 on). */
export function authorize(d: Device, ep: Endpoint): void {
  if (ep.authorizer === 'None' || !hasApiFeature(d.apiVersion, 'capabilityCheck')) return;
  if (!d.isRestAllowed()) fault('PERMISSION_DENIED');
  if (ep.authorizer === 'IsAppDevelopmentAllowed' && !d.isAppDevelopmentAllowed()) fault('PERMISSION_DENIED');
}

export const HANDLED_OPERATIONS = Object.keys(HANDLERS);
