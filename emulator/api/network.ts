/**
 * Simulated networking (spec/device-rest-api.md §4.5): the interfaces `wlan0` (state from the
 * Wi-Fi simulation), `azspheresvc` (the servicing link the REST API answers on) and `eth0` (only
 * while a board configuration image is installed and verified, as Ethernet needs one), the
 * network status, the proxy configuration and the firewall rulesets.
 */
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
  return eth ? ['wlan0', 'eth0', 'azspheresvc'] : ['wlan0', 'azspheresvc'];
}

function ifaceUp(d: Device, name: string): boolean {
  return d.state.net.interfaces[name]?.up ?? true;
}

export function interfaceDetails(d: Device, name: string): NetworkInterfaceDetails {
  if (!interfaceNames(d).includes(name)) fault('NO_SUCH_DEVICE', `no interface "${name}"`);
  const up = ifaceUp(d, name);
  const hardwareAddress = d.state.net.interfaces[name]?.hardwareAddress ?? macOf(d, name);
  if (name === 'azspheresvc') {
    return { interfaceName: name, interfaceUp: true, connectedToNetwork: true, ipAssignment: 'static', ipAcquired: true, ipAddresses: [d.serviceAddress], connectedToInternet: false, hardwareAddress };
  }
  if (name === 'wlan0') {
    const connected = up && wifiLink(d).connected !== undefined;
    return { interfaceName: name, interfaceUp: up, connectedToNetwork: connected, ipAssignment: 'dynamic', ipAcquired: connected, ipAddresses: connected ? [wifiIp(d)] : [], connectedToInternet: connected, hardwareAddress };
  }
  // eth0: the simulated cable is unplugged.
  return { interfaceName: name, interfaceUp: up, connectedToNetwork: false, ipAssignment: 'dynamic', ipAcquired: false, ipAddresses: [], connectedToInternet: false, hardwareAddress };
}

export function patchInterface(d: Device, name: string, body: Record<string, unknown>): void {
  if (!interfaceNames(d).includes(name)) fault('NO_SUCH_DEVICE', `no interface "${name}"`);
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
  if (name === 'azspheresvc' && up === false) fault('INVALID_ARGUMENT', 'the service interface cannot be brought down');
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
  return { deviceAuthenticationIsReady: false, networkTimeSync: online ? 'complete' : 'incomplete', proxy: p?.enabled ? (online ? 'ready' : 'enabled') : 'disabled' };
}

export function proxyView(d: Device): NetworkProxy {
  const p = d.state.net.proxy;
  if (!p) return { enabled: false, address: '', port: 0, noProxyAddresses: [], authenticationType: 'anonymous' };
  const out: NetworkProxy = { enabled: p.enabled, address: p.address, port: p.port, noProxyAddresses: [...p.noProxyAddresses], authenticationType: p.authenticationType };
  if (p.username !== undefined) out.username = p.username;
  return out;
}

function addressOk(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= FIELD_LIMIT.networkAddressMax && !/\s/.test(v);
}

/** POST /net/proxy: anonymous or basic (username and password of 1–63 characters). */
export function configureProxy(d: Device, body: Record<string, unknown>): void {
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
    if (name !== 'azspheresvc' && x.ipAcquired) ready = true;
  }
  return { ready, interfaces, deviceAuthReady: false };
}
