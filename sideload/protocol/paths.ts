/**
 * The endpoints of the Azure Sphere device REST API (spec/device_rest_api.yaml `paths`, and
 * spec/device-rest-api.md §1, §2, §4): method, path template, who may call it
 * (`x-azsphere-authorizer`), the body it takes, its success status and the REST-API-Version it
 * appeared in. Also the transport facts a client needs: the version header, the host name the
 * server certificate is checked against, the default device address and content types.
 */

/** The newest version in the spec's history (4.6.0 added Wi-Fi power savings, which we serve). */
export const REST_API_VERSION = '4.6.0';
export const REST_API_VERSION_HEADER = 'REST-API-Version';
/** Host header and TLS name clients use instead of the IP (spec §2). */
export const DEVICE_HOST = '*.devices.sphere.azure.local';
/** A concrete name that the `*.devices.sphere.azure.local` wildcard matches, for TLS stacks that need one. */
export const DEVICE_TLS_NAME = 'device.devices.sphere.azure.local';
export const DEFAULT_DEVICE_ADDRESS = '192.168.35.2';
/** Attached devices get addresses in this range (spec §1). */
export const DEVICE_ADDRESS_RANGE = { first: '192.168.35.2', last: '192.168.35.254' } as const;
export const DEFAULT_DEVICE_PORT = 443;

export const CONTENT_TYPE = { json: 'application/json', binary: 'application/octet-stream', text: 'text/plain' } as const;

/** `x-azsphere-authorizer` values: `IsRESTAllowed` is the spec's global default. */
export type Authorizer = 'None' | 'IsRESTAllowed' | 'IsAppDevelopmentAllowed';
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface Endpoint {
  /** The spec's operationId. */
  id: string;
  method: HttpMethod;
  /** Path template with `{param}` segments. */
  path: string;
  authorizer: Authorizer;
  /** Request body: none, JSON (required or optional), raw image bytes, or POST /restart's text/plain. */
  body: 'none' | 'json' | 'json-optional' | 'binary' | 'restart';
  /** Success status and response kind. */
  success: 200 | 201;
  response: 'json' | 'binary';
  /** REST-API-Version that introduced the call (clients gate on it). */
  since: string;
}

const e = (id: string, method: HttpMethod, path: string, since: string, o: Partial<Pick<Endpoint, 'authorizer' | 'body' | 'success' | 'response'>> = {}): Endpoint => ({
  id, method, path, since, authorizer: o.authorizer ?? 'IsRESTAllowed', body: o.body ?? 'none', success: o.success ?? 200, response: o.response ?? 'json',
});
const open = { authorizer: 'None' } as const;

/** Every operation of device_rest_api.yaml. */
export const ENDPOINTS: readonly Endpoint[] = [
  e('getAbiVersions', 'GET', '/abi_versions', '3.1.0', open),
  e('getAppStatus', 'GET', '/app/status/{componentId}', '2.0.0'),
  e('setAppStatus', 'PATCH', '/app/status/{componentId}', '2.0.0', { body: 'json' }),
  e('removeComponent', 'DELETE', '/app/image/{componentId}', '2.0.0'),
  e('getAppQuota', 'GET', '/app/quota/{componentId}', '3.1.0'),
  e('getCertIdentifiers', 'GET', '/certstore/certs', '1.0.0'),
  e('getCertInformation', 'GET', '/certstore/certs/{identifier}', '1.0.0'),
  e('addCert', 'POST', '/certstore/certs/{identifier}', '1.0.0', { body: 'json' }),
  e('removeCert', 'DELETE', '/certstore/certs/{identifier}', '1.0.0'),
  e('getCertAvailableSpace', 'GET', '/certstore/space', '1.0.0'),
  e('getDeviceCapabilities', 'GET', '/device/capabilities', '3.1.0', open),
  e('getDeviceSecurityState', 'GET', '/device/security_state', '1.0.0', open),
  e('getDeviceManufacturingState', 'GET', '/device/manufacturing_state', '3.1.0', open),
  e('setDeviceManufacturingState', 'PUT', '/device/manufacturing_state', '3.1.0', { body: 'json' }),
  e('getImages', 'GET', '/images', '1.0.0'),
  e('getLog', 'GET', '/log', '1.2.0', { response: 'binary' }),
  e('getAllNetworkFirewallRulesets', 'GET', '/net/firewall/rulesets', '4.1.0'),
  e('getAllNetworkInterfaceStatus', 'GET', '/net/interfaces', '3.1.0'),
  e('getNetworkInterfaceStatus', 'GET', '/net/interfaces/{networkInterfaceName}', '3.1.0'),
  e('setNetworkInterfaceAttributes', 'PATCH', '/net/interfaces/{networkInterfaceName}', '4.3.0', { body: 'json' }),
  e('getNetProxy', 'GET', '/net/proxy', '1.0.0'),
  e('configNetworkProxy', 'POST', '/net/proxy', '1.0.0', { body: 'json' }),
  e('deleteNetworkProxy', 'DELETE', '/net/proxy', '1.0.0'),
  e('getNetworkStatus', 'GET', '/net/status', '3.1.0', open),
  e('restartDevice', 'POST', '/restart', '1.0.0', { body: 'restart' }),
  e('getDeviceStatus', 'GET', '/status', '1.0.0', open),
  e('getOsVersion', 'GET', '/osversion', '4.5.0', open),
  e('getMemoryStats', 'GET', '/stats/memory/groups/applications', '4.3.0', { authorizer: 'IsAppDevelopmentAllowed' }),
  e('getErrorReportData', 'GET', '/telemetry', '3.1.0', { response: 'binary' }),
  e('clearErrorReportData', 'DELETE', '/telemetry', '3.1.0'),
  e('installStagedImages', 'POST', '/update/install', '3.0.0', { body: 'json-optional' }),
  e('stageImage', 'PUT', '/update/stage', '3.0.0', { body: 'binary' }),
  e('getConfiguredWifiNetworks', 'GET', '/wifi/config/networks', '1.0.0'),
  e('addConfiguredWifiNetwork', 'POST', '/wifi/config/networks', '1.0.0', { body: 'json', success: 201 }),
  e('getConfiguredWifiNetwork', 'GET', '/wifi/config/networks/{wifiNetworkId}', '1.0.0'),
  e('removeConfiguredWifiNetwork', 'DELETE', '/wifi/config/networks/{wifiNetworkId}', '1.0.0'),
  e('changeConfiguredWifiNetwork', 'PATCH', '/wifi/config/networks/{wifiNetworkId}', '1.0.0', { body: 'json' }),
  e('getAllNetworkConnectionFailureLogs', 'GET', '/wifi/diagnostics/networks', '1.0.0'),
  e('getANetworksConnectionFailureLog', 'GET', '/wifi/diagnostics/networks/{networkId}', '1.0.0'),
  e('getWifiInterfaceState', 'GET', '/wifi/interface', '1.0.0'),
  e('changeWifiInterfaceStatus', 'PATCH', '/wifi/interface', '1.0.0', { body: 'json' }),
  e('getWifiScanResults', 'GET', '/wifi/scan', '1.0.0'),
];

export type EndpointId = (typeof ENDPOINTS)[number]['id'];

const BY_ID = new Map(ENDPOINTS.map((x) => [x.id, x]));

export function endpoint(id: string): Endpoint {
  const x = BY_ID.get(id);
  if (!x) throw new RangeError(`no endpoint "${id}"`);
  return x;
}

/** The request path of an endpoint, its `{param}` segments filled in (percent-encoded). */
export function endpointPath(id: string, params: Record<string, string | number> = {}): string {
  return endpoint(id).path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new RangeError(`endpoint "${id}" needs the parameter "${k}"`);
    return encodeURIComponent(String(v));
  });
}

export type RouteMatch =
  | { kind: 'ok'; endpoint: Endpoint; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: HttpMethod[] }
  | { kind: 'not-found' };

const COMPILED = ENDPOINTS.map((x) => ({
  x,
  re: new RegExp('^' + x.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)') + '/?$'),
}));

/** Finds the endpoint a method and path (without query) name; parameters are percent-decoded. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const allowed: HttpMethod[] = [];
  for (const { x, re } of COMPILED) {
    const m = re.exec(pathname);
    if (!m) continue;
    if (x.method !== method) { allowed.push(x.method); continue; }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      try { params[k] = decodeURIComponent(v); } catch { return { kind: 'not-found' }; }
    }
    return { kind: 'ok', endpoint: x, params };
  }
  return allowed.length ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}

/** Compares two MAJOR.MINOR.PATCH versions: negative, zero or positive. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
