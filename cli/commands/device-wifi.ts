/**
 * `sphere device wifi add|list|show|show-status|enable|disable|forget|scan|reload-config`
 * (spec/azsphere-cli.md §10; REST /wifi/config/networks, /wifi/interface, /wifi/scan).
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, fields, withDevice } from './device-context';
import type { WifiNetworkConfig, WifiNetworkRequest } from '../../sideload/index';

const idOption = { flags: '-i, --id <id>', description: 'Network ID (from "sphere device wifi list")' };

function networkText(n: WifiNetworkConfig): string {
  return fields([['ID', n.id], ['SSID', n.ssid], ['Configuration state', n.configState], ['Connection state', n.connectionState], ['Security state', n.securityState], ['Targeted scan', n.targetedScan], ...(n.configName ? [['Configuration name', n.configName] as [string, unknown]] : [])]);
}

function networkId(ctx: CommandContext): string {
  const id = optString(ctx, 'id');
  if (id === undefined) throw new UsageError('Cannot change a Wi-Fi network: no network ID given. Pass --id <n> ("sphere device wifi list" shows them).', { code: 'NO_NETWORK_ID' });
  return id;
}

async function addBody(ctx: CommandContext): Promise<WifiNetworkRequest> {
  const s = await import('../../sideload/index');
  const ssid = optString(ctx, 'ssid');
  if (!ssid) throw new UsageError('Cannot add a Wi-Fi network: no SSID given. Pass --ssid <name>.', { code: 'NO_SSID' });
  if (s.utf8Length(ssid) > s.FIELD_LIMIT.ssidMax) throw new UsageError(`Cannot add Wi-Fi network "${ssid}": the SSID has ${s.utf8Length(ssid)} bytes and may have at most ${s.FIELD_LIMIT.ssidMax}.`, { code: 'SSID_TOO_LONG' });
  const psk = optString(ctx, 'psk');
  const clientCert = optString(ctx, 'clientCertId');
  let body: WifiNetworkRequest;
  if (clientCert !== undefined) {
    body = { ssid, securityState: 'eaptls', clientCertStoreIdentifier: clientCert };
    const root = optString(ctx, 'rootCaCertId'); if (root !== undefined) body.rootCaCertStoreIdentifier = root;
    const identity = optString(ctx, 'clientId'); if (identity !== undefined) body.clientIdentity = identity;
  } else if (psk !== undefined) {
    if (psk.length < s.FIELD_LIMIT.pskMin || psk.length > s.FIELD_LIMIT.pskMax) throw new UsageError(`Cannot add Wi-Fi network "${ssid}": the PSK has ${psk.length} characters; it needs ${s.FIELD_LIMIT.pskMin} to ${s.FIELD_LIMIT.pskMax}.`, { code: 'BAD_PSK' });
    body = { ssid, securityState: 'psk', psk };
  } else {
    body = { ssid, securityState: 'open' };
  }
  const name = optString(ctx, 'configName');
  if (name !== undefined) {
    if (name.length < 1 || name.length > s.FIELD_LIMIT.wifiConfigNameMax) throw new UsageError(`Cannot use configuration name "${name}": it must be 1-${s.FIELD_LIMIT.wifiConfigNameMax} characters.`, { code: 'BAD_CONFIG_NAME' });
    body.configName = name;
  }
  if (optBool(ctx, 'targetedScan')) body.targetedScan = true;
  if (optBool(ctx, 'disabled')) body.configState = 'disabled';
  return body;
}

export const commands: CommandDef[] = [
  {
    group: 'device wifi', name: 'add', description: 'Add a Wi-Fi network (open, PSK with --psk, or EAP-TLS with --client-cert-id)',
    options: [
      ...deviceOptions,
      { flags: '-s, --ssid <ssid>', description: 'Network name (up to 32 bytes)' },
      { flags: '--psk <key>', description: 'WPA2 pre-shared key (8-63 characters)' },
      { flags: '--targeted-scan', description: 'Scan for this network by name (hidden SSIDs)' },
      { flags: '--config-name <name>', description: 'A name for this configuration (1-16 characters)' },
      { flags: '--client-cert-id <id>', description: 'EAP-TLS: client certificate in the device store' },
      { flags: '--root-ca-cert-id <id>', description: 'EAP-TLS: root CA certificate in the device store' },
      { flags: '--client-id <identity>', description: 'EAP-TLS: client identity (user@domain)' },
      { flags: '--disabled', description: 'Add it disabled' },
    ],
    async action(ctx) {
      const body = await addBody(ctx);
      return withDevice(ctx, async (api) => {
        const n = await api.addWifi(body);
        return { data: n, text: `Added Wi-Fi network "${n.ssid}".\n${networkText(n)}` };
      });
    },
  },
  {
    group: 'device wifi', name: 'list', description: 'List the configured Wi-Fi networks',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const list = (await api.wifiNetworks()).values;
      return { data: list, text: list.length ? list.map(networkText).join('\n') : 'No Wi-Fi networks are configured.\n', table: { columns: ['id', 'ssid', 'configState', 'connectionState', 'securityState'], rows: list as unknown as Record<string, unknown>[] } };
    }),
  },
  {
    group: 'device wifi', name: 'show', description: 'Show one configured Wi-Fi network',
    options: [...deviceOptions, idOption],
    action: (ctx) => withDevice(ctx, async (api) => { const n = await api.wifiNetwork(networkId(ctx)); return { data: n, text: networkText(n) }; }),
  },
  {
    group: 'device wifi', name: 'show-status', description: 'Show the Wi-Fi interface state (also its MAC address)',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const w = await api.wifiInterface();
      return { data: w, text: fields([['SSID', w.ssid ?? ''], ['Configuration state', w.configState ?? ''], ['Connection state', w.connectionState], ['Security state', w.securityState ?? ''], ['Frequency', w.freq ?? ''], ['Mode', w.mode], ['Key management', w.key_mgmt ?? ''], ['WPA State', w.wpa_state], ['IP Address', w.ip_address ?? ''], ['MAC Address', w.address], ['Power savings', w.powerSavingsState]]) };
    }),
  },
  ...(['enable', 'disable'] as const).map((verb): CommandDef => ({
    group: 'device wifi', name: verb, description: `${verb === 'enable' ? 'Enable' : 'Disable'} a configured Wi-Fi network`,
    options: [...deviceOptions, idOption],
    action: (ctx) => withDevice(ctx, async (api) => {
      const n = await api.patchWifi(networkId(ctx), { configState: verb === 'enable' ? 'enabled' : 'disabled' });
      return { data: n, text: networkText(n) };
    }),
  })),
  {
    group: 'device wifi', name: 'forget', description: 'Remove a configured Wi-Fi network',
    options: [...deviceOptions, idOption],
    action: (ctx) => withDevice(ctx, async (api) => {
      const id = networkId(ctx);
      await api.forgetWifi(id);
      return { data: { id: Number(id), forgotten: true }, text: `Forgot Wi-Fi network ${id}.\n` };
    }),
  },
  {
    group: 'device wifi', name: 'scan', description: 'List the Wi-Fi networks in range',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const list = (await api.wifiScan()).values;
      return { data: list, table: { columns: ['ssid', 'bssid', 'freq', 'signal_level', 'securityState'], rows: list as unknown as Record<string, unknown>[] } };
    }),
  },
  {
    group: 'device wifi', name: 'reload-config', description: 'Reload the Wi-Fi configuration (after certificate changes)',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      await api.patchWifiInterface({ reloadConfig: true });
      return { data: { reloaded: true }, text: 'Reloaded the Wi-Fi configuration.\n' };
    }),
  },
];
