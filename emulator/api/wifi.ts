/**
 * Simulated Wi-Fi (spec/device-rest-api.md §4.6): configured networks persist in flash; the radio
 * environment is a fixed set of access points (documented in emulator/README.md); which network
 * the device is connected to follows from both, deterministically: the lowest-ID enabled network
 * whose access point is visible and whose security and key match. Each re-evaluation (after a
 * change, a reload or a boot) records the failure of every enabled network that did not connect.
 */
import { createHash } from 'node:crypto';
import {
  ENUMS, FIELD_LIMIT, utf8Length,
  type WifiConfigState, type WifiConnectionError, type WifiInterfaceBody, type WifiNetworkConfig, type WifiScanBody,
} from '../../sideload/protocol/index';
import type { Device } from '../device';
import { fault } from '../fault';
import { MAX_WIFI_NETWORKS } from '../limits';
import type { WifiNetworkRecord } from '../state';

export interface AccessPoint { ssid: string; bssid: string; freq: number; signal_level: number; securityState: 'open' | 'psk' | 'eaptls'; psk?: string }

/** The access points the emulated radio sees. */
export const ACCESS_POINTS: readonly AccessPoint[] = [
  { ssid: 'EmuOpen', bssid: '02:00:5e:00:53:01', freq: 2437, signal_level: -48, securityState: 'open' },
  { ssid: 'EmuHome', bssid: '02:00:5e:00:53:02', freq: 5180, signal_level: -55, securityState: 'psk', psk: 'sphere-emulator' },
  { ssid: 'EmuEnterprise', bssid: '02:00:5e:00:53:03', freq: 5220, signal_level: -61, securityState: 'eaptls' },
  { ssid: 'EmuGuest', bssid: '02:00:5e:00:53:04', freq: 2412, signal_level: -77, securityState: 'open' },
];

export interface WifiLink { connected?: { network: WifiNetworkRecord; ap: AccessPoint }; failures: Map<number, WifiConnectionError> }

function attempt(d: Device, n: WifiNetworkRecord): { ap: AccessPoint } | { error: WifiConnectionError } {
  const ap = ACCESS_POINTS.find((a) => a.ssid === n.ssid);
  if (!ap) return { error: 'NetworkNotFound' };
  if (ap.securityState !== n.securityState) return { error: 'SecurityTypeMismatch' };
  if (n.securityState === 'psk' && n.psk !== ap.psk) return { error: 'WrongKey' };
  if (n.securityState === 'eaptls') {
    const client = n.clientCertStoreIdentifier ? d.state.certs[n.clientCertStoreIdentifier] : undefined;
    if (client?.certType !== 'Client') return { error: 'AuthenticationFailed' };
    if (n.rootCaCertStoreIdentifier && d.state.certs[n.rootCaCertStoreIdentifier]?.certType !== 'RootCA') return { error: 'AuthenticationFailed' };
  }
  return { ap };
}

export function wifiUp(d: Device): boolean {
  return d.state.net.interfaces['wlan0']?.up ?? true;
}

/** Which network is connected, and why each other enabled network is not. */
export function wifiLink(d: Device): WifiLink {
  const failures = new Map<number, WifiConnectionError>();
  if (!wifiUp(d)) return { failures };
  let connected: WifiLink['connected'];
  for (const n of [...d.state.wifi.networks].sort((a, b) => a.id - b.id)) {
    if (n.configState !== 'enabled') continue;
    const r = attempt(d, n);
    if ('error' in r) failures.set(n.id, r.error);
    else if (!connected) connected = { network: n, ap: r.ap };
  }
  return connected ? { connected, failures } : { failures };
}

/** Re-evaluates the link and records a diagnostic for each failing network. */
export function reconnect(d: Device): void {
  const link = wifiLink(d);
  const at = new Date(d.now()).toISOString().replace(/\.\d{3}Z$/, '+0000');
  for (const [id, error] of link.failures) {
    const n = d.state.wifi.networks.find((x) => x.id === id)!;
    d.diag.recordWifiFailure({ timestamp: at, networkId: id, ssid: n.ssid, configState: n.configState, connectionState: 'disconnected', error });
  }
}

/**
 * A configured network as the device reports it: ssid, configState, connectionState, id,
 * securityState, targetedScan, then configName and clientCertStoreIdentifier when set — never the
 * PSK, the client identity or the root CA. `connectionState` is "connected" for the network the
 * device is on, else "disconnected" (a disabled network too); the reply to adding one says
 * "unknown", as the device has not tried it yet.
 */
export function networkView(d: Device, n: WifiNetworkRecord, link = wifiLink(d), justAdded = false): WifiNetworkConfig {
  const connectionState = justAdded ? 'unknown' : link.connected?.network.id === n.id ? 'connected' : 'disconnected';
  const out: WifiNetworkConfig = { ssid: n.ssid, configState: n.configState, connectionState, id: n.id, securityState: n.securityState, targetedScan: n.targetedScan };
  if (n.configName !== undefined) out.configName = n.configName;
  if (n.clientCertStoreIdentifier !== undefined) out.clientCertStoreIdentifier = n.clientCertStoreIdentifier;
  return out;
}

/** GET /wifi/scan, GET and DELETE /wifi/config/networks, GET /wifi/diagnostics/networks refuse while wlan0 is down. */
export function requireWifiUp(d: Device): void {
  if (!wifiUp(d)) fault('WIFI_INTERFACE_DISABLED', 'wlan0 is down');
}

export function findNetwork(d: Device, id: number): WifiNetworkRecord {
  const n = d.state.wifi.networks.find((x) => x.id === id);
  if (!n) fault('WIFI_NETWORK_NOT_FOUND');
  return n;
}

function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fault('INVALID_ARGUMENT', `${key} must be a string`);
  return v;
}

function checkPsk(psk: string): void {
  if (psk.length < FIELD_LIMIT.pskMin) fault('WIFI_PSK_TOO_SHORT');
  if (psk.length > FIELD_LIMIT.pskMax) fault('INVALID_ARGUMENT', `psk is longer than ${FIELD_LIMIT.pskMax} characters`);
}

function checkConfigState(v: unknown): WifiConfigState {
  if (typeof v !== 'string' || !(ENUMS.wifiConfigState as readonly string[]).includes(v)) fault('INVALID_ARGUMENT', `configState must be one of ${ENUMS.wifiConfigState.join(', ')}`);
  return v as WifiConfigState;
}

/** POST /wifi/config/networks: open, psk or eaptls. */
export function addNetwork(d: Device, body: Record<string, unknown>): WifiNetworkConfig {
  const ssid = optString(body, 'ssid');
  if (ssid === undefined || ssid.length === 0) fault('INVALID_ARGUMENT', 'ssid is required');
  if (utf8Length(ssid) > FIELD_LIMIT.ssidMax) fault('INVALID_ARGUMENT', `ssid is longer than ${FIELD_LIMIT.ssidMax} bytes`);
  const sec = body['securityState'];
  if (typeof sec !== 'string' || !(ENUMS.wifiAddSecurityState as readonly string[]).includes(sec)) fault('INVALID_ARGUMENT', 'securityState must be open, psk or eaptls');
  const configName = optString(body, 'configName');
  if (configName !== undefined && (configName.length === 0 || configName.length > FIELD_LIMIT.wifiConfigNameMax)) fault('CONFIG_NAME_TOO_LONG');
  const configState = body['configState'] === undefined ? 'enabled' : checkConfigState(body['configState']);
  const targeted = body['targetedScan'] ?? false;
  if (typeof targeted !== 'boolean') fault('INVALID_ARGUMENT', 'targetedScan must be a boolean');
  const rec: WifiNetworkRecord = { id: 0, ssid, securityState: sec as WifiNetworkRecord['securityState'], configState, targetedScan: targeted };
  if (configName !== undefined) rec.configName = configName;
  if (sec === 'psk') {
    const psk = optString(body, 'psk');
    if (psk === undefined) fault('INVALID_ARGUMENT', 'a psk network needs psk');
    checkPsk(psk);
    rec.psk = psk;
  } else if (body['psk'] !== undefined) {
    fault('INVALID_ARGUMENT', `a ${sec} network takes no psk`);
  }
  if (sec === 'eaptls') {
    const client = optString(body, 'clientCertStoreIdentifier');
    if (client === undefined) fault('INVALID_ARGUMENT', 'an eaptls network needs clientCertStoreIdentifier');
    for (const key of ['clientCertStoreIdentifier', 'rootCaCertStoreIdentifier'] as const) {
      const v = optString(body, key);
      if (v !== undefined && v.length > FIELD_LIMIT.certIdentifierMax) fault('CERT_IDENTIFIER_TOO_LONG');
      if (v !== undefined) rec[key] = v;
    }
    const identity = optString(body, 'clientIdentity');
    if (identity !== undefined && identity.length > FIELD_LIMIT.clientIdentityMax) fault('INVALID_ARGUMENT', `clientIdentity is longer than ${FIELD_LIMIT.clientIdentityMax} characters`);
    if (identity !== undefined) rec.clientIdentity = identity;
  }
  if (d.state.wifi.networks.some((n) => n.ssid === ssid && n.securityState === sec)) fault('WIFI_NETWORK_EXISTS');
  if (d.state.wifi.networks.length >= MAX_WIFI_NETWORKS) fault('INVALID_ARGUMENT', `the device holds at most ${MAX_WIFI_NETWORKS} networks`);
  const used = new Set(d.state.wifi.networks.map((n) => n.id));
  let id = 0;
  while (used.has(id)) id++;
  rec.id = id;
  d.mutate((s) => { s.wifi.networks.push(rec); });
  reconnect(d);
  return networkView(d, rec, undefined, true);
}

/** PATCH /wifi/config/networks/{id}: configState and/or psk. The PSK's length is checked before the network is looked up, as the device does. */
export function patchNetwork(d: Device, id: number, body: Record<string, unknown>): WifiNetworkConfig {
  const psk = optString(body, 'psk');
  if (psk !== undefined) checkPsk(psk);
  const n = findNetwork(d, id);
  const change: Partial<WifiNetworkRecord> = {};
  if (body['configState'] !== undefined) change.configState = checkConfigState(body['configState']);
  if (psk !== undefined) {
    if (n.securityState !== 'psk') fault('INVALID_ARGUMENT', `network ${id} is not a psk network`);
    change.psk = psk;
  }
  d.mutate((s) => { Object.assign(s.wifi.networks.find((x) => x.id === id)!, change); });
  reconnect(d);
  return networkView(d, findNetwork(d, id));
}

export function removeNetwork(d: Device, id: number): void {
  findNetwork(d, id);
  d.mutate((s) => { s.wifi.networks = s.wifi.networks.filter((x) => x.id !== id); });
  d.diag.forgetWifiNetwork(id);
  reconnect(d);
}

/** A stable locally administered MAC per device and interface. */
export function macOf(d: Device, ifname: string): string {
  const h = createHash('sha256').update(`${d.deviceId}/${ifname}`).digest();
  h[0] = (h[0]! & 0xfc) | 0x02;
  return [...h.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The address the simulated access point's DHCP gives (documentation range 192.0.2.0/24). */
export function wifiIp(d: Device): string {
  const h = createHash('sha256').update(`${d.deviceId}/dhcp`).digest();
  return `192.0.2.${10 + (h[0]! % 200)}`;
}

export function interfaceState(d: Device): WifiInterfaceBody {
  const link = wifiLink(d);
  const powerSavingsState = d.state.wifi.powerSavings ? 'enabled' : 'disabled';
  const address = d.state.net.interfaces['wlan0']?.hardwareAddress ?? macOf(d, 'wlan0');
  if (!wifiUp(d)) return { connectionState: 'disconnected', mode: 'station', wpa_state: 'INTERFACE_DISABLED', address, powerSavingsState };
  if (!link.connected) {
    const anyEnabled = d.state.wifi.networks.some((n) => n.configState === 'enabled');
    return { connectionState: 'disconnected', mode: 'station', wpa_state: anyEnabled ? 'SCANNING' : 'INACTIVE', address, powerSavingsState };
  }
  const { network: n, ap } = link.connected;
  const out: WifiInterfaceBody = {
    ssid: n.ssid, configState: n.configState, connectionState: 'connected', securityState: n.securityState, mode: 'station',
    key_mgmt: n.securityState === 'psk' ? 'WPA2-PSK' : n.securityState === 'eaptls' ? 'WPA-EAP' : 'NONE',
    wpa_state: 'COMPLETED', address, freq: ap.freq, ip_address: wifiIp(d), id: n.id, powerSavingsState,
  };
  if (n.configName !== undefined) out.configName = n.configName;
  return out;
}

export function patchInterface(d: Device, body: Record<string, unknown>): void {
  for (const k of Object.keys(body)) if (k !== 'reloadConfig' && k !== 'enablePowerSavings') fault('INVALID_ARGUMENT', `unknown field ${k}`);
  for (const k of ['reloadConfig', 'enablePowerSavings'] as const) if (body[k] !== undefined && typeof body[k] !== 'boolean') fault('INVALID_ARGUMENT', `${k} must be a boolean`);
  const ps = body['enablePowerSavings'] as boolean | undefined;
  if (ps !== undefined && ps !== d.state.wifi.powerSavings) d.mutate((s) => { s.wifi.powerSavings = ps; });
  if (body['reloadConfig'] === true) reconnect(d);
}

export function scan(d: Device): WifiScanBody {
  requireWifiUp(d);
  return { values: ACCESS_POINTS.map((a) => ({ bssid: a.bssid, freq: a.freq, securityState: a.securityState, signal_level: a.signal_level, ssid: a.ssid })) };
}
