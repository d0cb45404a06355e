/**
 * `sphere device network list-interfaces|show-status|enable|disable|update-interface|
 * list-firewall-rules|show-diagnostics` and `sphere device network proxy show|apply|enable|
 * disable|delete` (spec/azsphere-cli.md §11; REST /net/*, /wifi/diagnostics/networks).
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optList, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, fields, withDevice } from './device-context';
import type { NetworkProxy, NetworkProxyRequest } from '../../sideload/index';

const ifaceOption = { flags: '--interface <name>', description: 'Interface name, e.g. wlan0 or eth0' };

function ifaceName(ctx: CommandContext): string {
  const n = optString(ctx, 'interface');
  if (!n) throw new UsageError('Cannot change a network interface: no interface given. Pass --interface <name> ("sphere device network list-interfaces" shows them).', { code: 'NO_INTERFACE' });
  return n;
}

function proxyText(p: NetworkProxy | undefined): string {
  if (!p) return 'No proxy is configured.\n';
  return fields([['Enabled', p.enabled], ['Address', p.address], ['Port', p.port], ['Authentication', p.authenticationType], ...(p.username ? [['Username', p.username] as [string, unknown]] : []), ['No proxy addresses', p.noProxyAddresses.join(', ')]]);
}

async function proxyRequest(ctx: CommandContext, base: NetworkProxy | undefined, enabled: boolean): Promise<NetworkProxyRequest> {
  const s = await import('../../sideload/index');
  const address = optString(ctx, 'address') ?? base?.address;
  const portText = optString(ctx, 'port');
  const port = portText !== undefined ? Number(portText) : base?.port;
  if (!address) throw new UsageError('Cannot apply the proxy settings: no address given. Pass --address <host>.', { code: 'NO_PROXY_ADDRESS' });
  if (port === undefined || !Number.isInteger(port) || port < 0 || port > s.FIELD_LIMIT.portMax) throw new UsageError(`Cannot apply the proxy settings: port "${portText ?? ''}" is not 0-${s.FIELD_LIMIT.portMax}. Pass --port <n>.`, { code: 'BAD_PROXY_PORT' });
  const auth = (optString(ctx, 'authentication') ?? base?.authenticationType ?? 'anonymous') as 'anonymous' | 'basic';
  if (auth !== 'anonymous' && auth !== 'basic') throw new UsageError(`Cannot apply the proxy settings: --authentication "${String(auth)}" is not anonymous or basic.`, { code: 'BAD_PROXY_AUTH' });
  const noProxy = optList(ctx, 'bypassAddresses').flatMap((x) => x.split(/[\s,]+/)).filter(Boolean);
  const body: NetworkProxyRequest = { enabled, address, port, authenticationType: auth, noProxyAddresses: noProxy.length ? noProxy : base?.noProxyAddresses ?? [] };
  if (auth === 'basic') {
    const username = optString(ctx, 'username') ?? base?.username;
    const password = optString(ctx, 'password');
    if (!username || !password) throw new UsageError('Cannot apply basic proxy authentication without both --username and --password (the device never returns the password, so give it again).', { code: 'NO_PROXY_CREDENTIALS' });
    body.username = username;
    body.password = password;
  }
  return body;
}

const proxyOptions = [
  { flags: '-a, --address <host>', description: 'Proxy host name or IP address' },
  { flags: '-r, --port <port>', description: 'Proxy port' },
  { flags: '--authentication <type>', description: 'anonymous (default) or basic' },
  { flags: '--username <name>', description: 'Basic authentication user name' },
  { flags: '--password <password>', description: 'Basic authentication password' },
  { flags: '--bypass-addresses <list>', description: 'Addresses reached without the proxy (repeatable or comma-separated)', type: [String] },
];

export const commands: CommandDef[] = [
  {
    group: 'device network', name: 'list-interfaces', description: 'List the network interfaces and their state',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const list = (await api.interfaces()).interfaces;
      const rows = list.map((i) => ({ ...i, ipAddresses: i.ipAddresses.join(' ') }));
      return { data: list, table: { columns: ['interfaceName', 'interfaceUp', 'connectedToNetwork', 'ipAcquired', 'ipAddresses', 'hardwareAddress'], rows } };
    }),
  },
  {
    group: 'device network', name: 'show-status', description: 'Show whether the device is authenticated, time-synced and behind a proxy',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const n = await api.netStatus();
      return { data: n, text: fields([['Device authentication ready', n.deviceAuthenticationIsReady], ['Network time sync', n.networkTimeSync], ['Proxy', n.proxy]]) };
    }),
  },
  ...(['enable', 'disable'] as const).map((verb): CommandDef => ({
    group: 'device network', name: verb, description: `${verb === 'enable' ? 'Bring up' : 'Take down'} a network interface`,
    options: [...deviceOptions, ifaceOption],
    action: (ctx) => withDevice(ctx, async (api) => {
      const name = ifaceName(ctx);
      await api.patchInterface(name, { interfaceUp: verb === 'enable' });
      const i = await api.iface(name);
      return { data: i, text: `Interface ${name} is ${i.interfaceUp ? 'up' : 'down'}.\n` };
    }),
  })),
  {
    group: 'device network', name: 'update-interface', description: 'Set an Ethernet interface\'s hardware (MAC) address',
    options: [...deviceOptions, ifaceOption, { flags: '--hardware-address <mac>', description: 'e.g. a1:b2:c3:4d:e5:6f' }],
    async action(ctx) {
      const s = await import('../../sideload/index');
      const mac = optString(ctx, 'hardwareAddress') ?? '';
      if (!s.isHardwareAddress(mac)) throw new UsageError(`Cannot use hardware address "${mac}": expected six colon-separated hex pairs like a1:b2:c3:4d:e5:6f.`, { code: 'BAD_HARDWARE_ADDRESS' });
      return withDevice(ctx, async (api) => {
        const name = ifaceName(ctx);
        await api.patchInterface(name, { hardwareAddress: mac });
        const i = await api.iface(name);
        return { data: i, text: `Interface ${name} has hardware address ${i.hardwareAddress}.\n` };
      });
    },
  },
  {
    group: 'device network', name: 'list-firewall-rules', description: 'List the firewall rulesets',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const r = (await api.firewallRules()).rulesets;
      const text = r.map((set) => `${set.hook} (${set.isValid ? 'valid' : 'invalid'}): ${set.rules.length} rule(s)\n` + set.rules.map((x) => `  ${x.action} ${x.protocol ?? 'any'} ${x.sourceIP ?? '*'} -> ${x.destinationIP ?? '*'}${x.destinationPortRange ? `:${x.destinationPortRange.min}-${x.destinationPortRange.max}` : ''}\n`).join('')).join('');
      return { data: r, text: text || 'No firewall rulesets.\n' };
    }),
  },
  {
    group: 'device network', name: 'show-diagnostics', description: 'Show Wi-Fi connection failures',
    options: [...deviceOptions, { flags: '--network <id>', description: 'Only this network ID' }],
    action: (ctx) => withDevice(ctx, async (api) => {
      const id = optString(ctx, 'network');
      const all = (await api.wifiDiagnostics()).values;
      const list = id === undefined ? all : all.filter((x) => String(x.networkId) === id);
      return { data: list, table: { columns: ['timestamp', 'networkId', 'ssid', 'error', 'configState', 'connectionState'], rows: list as unknown as Record<string, unknown>[] } };
    }),
  },
  {
    group: 'device network proxy', name: 'show', description: 'Show the proxy settings',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => { const p = await api.proxy(); return { data: p ?? {}, text: proxyText(p) }; }),
  },
  {
    group: 'device network proxy', name: 'apply', description: 'Set the proxy (enabled unless --disable)',
    options: [...deviceOptions, ...proxyOptions, { flags: '--disable', description: 'Store the settings disabled' }],
    action: (ctx) => withDevice(ctx, async (api) => {
      await api.setProxy(await proxyRequest(ctx, undefined, !optBool(ctx, 'disable')));
      const p = await api.proxy();
      return { data: p ?? {}, text: proxyText(p) };
    }),
  },
  ...(['enable', 'disable'] as const).map((verb): CommandDef => ({
    group: 'device network proxy', name: verb, description: `${verb === 'enable' ? 'Enable' : 'Disable'} the configured proxy`,
    options: [...deviceOptions, { flags: '--password <password>', description: 'Basic authentication password (the device does not return it)' }],
    action: (ctx) => withDevice(ctx, async (api) => {
      const current = await api.proxy();
      if (!current) throw new UsageError(`Cannot ${verb} the proxy: none is configured. Set one with "sphere device network proxy apply --address <host> --port <n>".`, { code: 'NO_PROXY' });
      await api.setProxy(await proxyRequest(ctx, current, verb === 'enable'));
      const p = await api.proxy();
      return { data: p ?? {}, text: proxyText(p) };
    }),
  })),
  {
    group: 'device network proxy', name: 'delete', description: 'Remove the proxy settings',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => { await api.deleteProxy(); return { data: { deleted: true }, text: 'Deleted the proxy settings.\n' }; }),
  },
];
