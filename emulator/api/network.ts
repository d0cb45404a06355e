/**
 * Simulated networking (spec/device-rest-api.md §4.5): the interfaces `wlan0` (state from the
 * Wi-Fi simulation), `azspheresvc` (the servicing link the REST API answers on), `lo` and `eth0` (only
 * while a board configuration image is installed and verified, as Ethernet needs one), the
 * network status, the proxy configuration and the firewall rulesets.
 */
import { deviceAuthReady } from '../attest';
import { IMAGE_TYPE_BOARD_CONFIG } from '../../image-builder/index';
import {
  ENUMS, FIELD_LIMIT, isHardwareAddress,
  type FirewallRuleset, type NetStatusBody, type NetworkInterfaceDetails, type NetworkProxy,
} from '../../sideload/protocol/index';
import type { Device } from '../device';
import { fault } from '../fault';
import { macOf, reconnect, wifiIp, wifiLink } from './wifi';
import type { ProxyRecord } from '../state';

export function interfaceNames(d: Device): string[] {
  const eth = Object.values(d.state.images).some((r) => r.imageType === IMAGE_TYPE_BOARD_CONFIG && !d.bootFailures.has(r.componentId));
  return eth ? ['wlan0', 'eth0', 'azspheresvc', 'lo'] : ['wlan0', 'azspheresvc', 'lo'];
}

/** A name that is not one of the device's interfaces is not a resource of the device: 404 "Invalid request URI". */
function checkInterface(d: Device, name: string): void {
  if (!interfaceNames(d).includes(name)) fault('INVALID_URI', `no interface "${name}"`, 404);
}

function ifaceUp(d: Device, name: string): boolean {
  return d.state.net.interfaces[name]?.up ?? true;
}

/** The servicing link's address: the listen address where it is one of the link's (192.168.35.x), else the board's default. */
function serviceLinkAddress(d: Device): string {
  return /^192\.168\.35\.\d{1,3}$/.test(d.serviceAddress) ? d.serviceAddress : '192.168.35.2';
}

/**
 * One interface as the device reports it. The service link and loopback carry no hardware address
 * and no address assignment, and are never "connected to a network" (a board answers so).
 */
export function interfaceDetails(d: Device, name: string): NetworkInterfaceDetails {
  checkInterface(d, name);
  if (name === 'azspheresvc' || name === 'lo') {
    const ip = name === 'lo' ? '127.0.0.1' : serviceLinkAddress(d);
    return { interfaceName: name, interfaceUp: true, connectedToNetwork: false, ipAcquired: false, connectedToInternet: false, ipAddresses: [ip] };
  }
  const up = ifaceUp(d, name);
  const hardwareAddress = d.state.net.interfaces[name]?.hardwareAddress ?? macOf(d, name);
  if (name === 'wlan0') {
    const connected = up && wifiLink(d).connected !== undefined;
    return { interfaceName: name, interfaceUp: up, connectedToNetwork: connected, ipAssignment: 'dynamic', ipAcquired: connected, ipAddresses: connected ? [wifiIp(d)] : [], connectedToInternet: connected, hardwareAddress };
  }
  // eth0: the simulated cable is unplugged.
  return { interfaceName: name, interfaceUp: up, connectedToNetwork: false, ipAssignment: 'dynamic', ipAcquired: false, ipAddresses: [], connectedToInternet: false, hardwareAddress };
}

export function patchInterface(d: Device, name: string, body: Record<string, unknown>): void {
  checkInterface(d, name);
  for (const k of Object.keys(body)) if (k !== 'interfaceUp' && k !== 'hardwareAddress') fault('INVALID_ARGUMENT', `unknown field ${k}`);
  const up = body['interfaceUp'];
  const mac = body['hardwareAddress'];
  if (up !== undefined && typeof up !== 'boolean') fault('INVALID_ARGUMENT', 'interfaceUp must be a boolean');
  if (up === undefined && mac === undefined) fault('INVALID_ARGUMENT', 'give interfaceUp or hardwareAddress');
  if (mac !== undefined) {
    if (typeof mac !== 'string' || !isHardwareAddress(mac)) fault('INVALID_HARDWARE_ADDRESS');
    const first = parseInt(mac.slice(0, 2), 16);
    if ((first & 1) === 1 || /^(00:){5}00$/.test(mac)) fault('INVALID_HARDWARE_ADDRESS', 'a multicast or all-zero address');
    if (name !== 'eth0') fault('INVALID_ARGUMENT', 'only the Ethernet interface takes a hardware address');
  }
  if ((name === 'azspheresvc' || name === 'lo') && up === false) fault('INVALID_ARGUMENT', `the ${name === 'lo' ? 'loopback' : 'service'} interface cannot be brought down`);
  d.mutate((s) => {
    const cur = s.net.interfaces[name] ?? { up: true };
    if (typeof up === 'boolean') cur.up = up;
    if (typeof mac === 'string') cur.hardwareAddress = mac.toLowerCase();
    s.net.interfaces[name] = cur;
  });
  if (name === 'wlan0') reconnect(d);
}

export function netStatus(d: Device): NetStatusBody {
  const online = wifiLink(d).connected !== undefined;
  const p = d.state.net.proxy;
  return { deviceAuthenticationIsReady: deviceAuthReady(d), networkTimeSync: online ? 'complete' : 'incomplete', proxy: p?.enabled ? (online ? 'ready' : 'enabled') : 'disabled' };
}

/**
 * GET /net/proxy: `{}` when none is configured; else the stored settings in the device's key order
 * (address, enabled, port, authenticationType, username for basic, noProxyAddresses), never the password.
 */
export function proxyView(d: Device): NetworkProxy | Record<string, never> {
  const p = d.state.net.proxy;
  return p ? proxyBody(p, false) : {};
}

function proxyBody(p: ProxyRecord, withPassword: boolean): NetworkProxy & { password?: string } {
  const out: NetworkProxy & { password?: string } = { address: p.address, enabled: p.enabled, port: p.port, authenticationType: p.authenticationType } as NetworkProxy;
  if (p.username !== undefined) out.username = p.username;
  if (withPassword && p.password !== undefined) out.password = p.password;
  out.noProxyAddresses = [...p.noProxyAddresses];
  return out;
}

function addressOk(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= FIELD_LIMIT.networkAddressMax && !/\s/.test(v);
}

/** POST /net/proxy: anonymous or basic (username and password of 1–63 characters); answers the stored settings, password included, as a board does. */
export function configureProxy(d: Device, body: Record<string, unknown>): NetworkProxy & { password?: string } {
  const { enabled, address, port, noProxyAddresses, authenticationType: auth, username, password } = body;
  if (typeof enabled !== 'boolean') fault('INVALID_ARGUMENT', 'enabled must be a boolean');
  if (!addressOk(address)) fault('INVALID_ARGUMENT', `address must be 1-${FIELD_LIMIT.networkAddressMax} characters`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > FIELD_LIMIT.portMax) fault('INVALID_ARGUMENT', 'port must be an integer 0-65535');
  if (typeof auth !== 'string' || !(ENUMS.proxyAuthenticationType as readonly string[]).includes(auth)) fault('INVALID_ARGUMENT', 'authenticationType must be anonymous or basic');
  const list = noProxyAddresses ?? [];
  if (!Array.isArray(list) || !list.every(addressOk)) fault('INVALID_ARGUMENT', 'noProxyAddresses must be a list of addresses');
  const rec: ProxyRecord = { enabled, address, port, noProxyAddresses: list as string[], authenticationType: auth as ProxyRecord['authenticationType'] };
  if (auth === 'basic') {
    for (const [k, v] of [['username', username], ['password', password]] as const) {
      if (typeof v !== 'string' || v.length < 1 || v.length > FIELD_LIMIT.proxyCredentialMax) fault('INVALID_ARGUMENT', `${k} must be 1-${FIELD_LIMIT.proxyCredentialMax} characters`);
    }
    rec.username = username as string;
    rec.password = password as string;
  } else if (username !== undefined || password !== undefined) {
    fault('INVALID_ARGUMENT', 'anonymous authentication takes no username or password');
  }
  d.mutate((s) => { s.net.proxy = rec; });
  return proxyBody(rec, true);
}

export function deleteProxy(d: Device): void {
  if (d.state.net.proxy) d.mutate((s) => { delete s.net.proxy; });
}

/** The rulesets the emulated OS installs: servicing port open on azspheresvc, app server ports open, everything else dropped. */
export function firewall(d: Device): { rulesets: FirewallRuleset[] } {
  const input: FirewallRuleset = {
    hook: 'INPUT', isValid: true,
    rules: [
      { action: 'accept', state: 'established', protocol: 'any', packets: 0, bytes: 0 },
      { action: 'accept', interfaceInName: 'azspheresvc', protocol: 'tcp', destinationPortRange: { min: 443, max: 443 }, packets: d.requestsServed, bytes: 0 },
      { action: 'accept', interfaceInName: 'lo', protocol: 'any', packets: 0, bytes: 0 },
      { action: 'drop', protocol: 'any', packets: 0, bytes: 0 },
    ],
  };
  return {
    rulesets: [
      { hook: 'PREROUTING', isValid: true, rules: [] },
      input,
      { hook: 'FORWARD', isValid: true, rules: [{ action: 'drop', protocol: 'any', packets: 0, bytes: 0 }] },
      { hook: 'OUTPUT', isValid: true, rules: [{ action: 'accept', protocol: 'any', packets: 0, bytes: 0 }] },
      { hook: 'POSTROUTING', isValid: true, rules: [] },
    ],
  };
}

/** What an app may learn of the network: each interface's status bits (InterfaceUp 1, ConnectedToNetwork 2, IpAvailable 4, ConnectedToInternet 8) and whether any but the service interface has an address. */
export function appNetFacts(d: Device): { ready: boolean; interfaces: Record<string, number>; deviceAuthReady: boolean } {
  const interfaces: Record<string, number> = {};
  let ready = false;
  for (const name of interfaceNames(d)) {
    const x = interfaceDetails(d, name);
    interfaces[name] = (x.interfaceUp ? 1 : 0) | (x.connectedToNetwork ? 2 : 0) | (x.ipAcquired ? 4 : 0) | (x.connectedToInternet ? 8 : 0);
    if (name !== 'azspheresvc' && name !== 'lo' && x.ipAcquired) ready = true;
  }
  return { ready, interfaces, deviceAuthReady: deviceAuthReady(d) };
}
