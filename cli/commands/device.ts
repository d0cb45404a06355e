/**
 * `sphere device …` (spec/azsphere-cli.md §7, §12): finding devices and reading their state —
 * list-attached, show-attached, show-security-state, show-os-version, show-deployment-status —
 * and restart, recover and get-support-data. enable-development / enable-cloud-test and the
 * sub-groups live in device-*.ts.
 */
import { resolve } from 'node:path';
import type { CommandDef } from '../command';
import { optBool, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, fields, findDevices, withDevice, imagesText } from './device-context';
import { recoverEmulator } from './device-recover';
import { commands as sideloadCommands } from './device-sideload';
import { commands as appCommands } from './device-app';
import { commands as certCommands } from './device-cert';
import { commands as wifiCommands } from './device-wifi';
import { commands as networkCommands } from './device-network';
import { commands as enableCommands } from './device-enable';
import { commands as serviceCommands } from './device-service';

const main: CommandDef[] = [
  {
    group: 'device', name: 'list-attached', description: 'List running emulators and boards answering at the service addresses',
    options: [{ flags: '--device-ca <file>', description: 'CA certificate (PEM) for boards (default $SPHERE_DEVICE_CA, else ~/.config/sphere/device-ca.pem)' }],
    async action(ctx) {
      const s = await import('../../sideload/index');
      const found = await findDevices(ctx);
      const rows = await Promise.all(found.candidates.map(async (c) => {
        const row = { name: c.name, kind: c.kind, address: s.formatAddress(c.host, c.port), deviceId: c.deviceId ?? null as string | null, answering: false, error: null as string | null };
        try {
          const api = s.connectDevice(c, { ...(found.caOverride ? { caOverride: found.caOverride } : {}), timeouts: { requestMs: 3_000 } });
          try { row.deviceId = (await api.securityState()).deviceIdentifier.toUpperCase(); row.answering = true; } finally { api.client.close(); }
        } catch (e) {
          row.error = (e as Error).message;
        }
        return row;
      }));
      const text = rows.length === 0
        ? 'No devices found. Start an emulator ("sphere emulator start --detach") or attach a board.\n'
        : rows.map((r) => `${r.kind === 'emulator' ? `Emulator: ${r.name}` : `Board:    ${r.name}`}\n  Device ID:  ${r.deviceId ?? '(unknown)'}\n  Address:    ${r.address}\n  Answering:  ${r.answering ? 'yes' : `no (${r.error})`}`).join('\n') + '\n';
      return { data: rows, text, table: { columns: ['name', 'kind', 'address', 'deviceId', 'answering'], rows } };
    },
  },
  {
    group: 'device', name: 'show-attached', description: 'Show the device ID, address and API version of the chosen device',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api, t) => {
      const s = await import('../../sideload/index');
      const sec = await api.securityState();
      const data = { deviceId: sec.deviceIdentifier.toUpperCase(), ipAddress: t.host, port: t.port, kind: t.kind, name: t.name, connectionPath: '', restApiVersion: (await api.client.apiVersion()) ?? null };
      return { data, text: fields([['Device ID', data.deviceId], ['IP address', s.formatAddress(t.host, t.port)], ['Device', s.describeCandidate(t)], ['REST API version', data.restApiVersion]]) };
    }),
  },
  {
    group: 'device', name: 'show-security-state', description: 'Security state, device ID, capabilities, OS version, manufacturing state, images, and (emulated devices) measured boot, last attestation, device certificate and security versions',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const r = await s.securityReport(api);
      const { attestationSection } = await import('./attestation');
      const extra = await attestationSection(api);
      const caps = r.capabilities === null ? null : r.capabilities.length ? r.capabilities.map((c) => `${c.name} (${c.id})`).join(', ') : 'none';
      // The customer's images in full, with their secure-boot verdicts; the OS's as a count, unless one failed.
      const os = r.installedImages.filter((i) => !s.isCustomerImage(i.imageType));
      const verdicts = (['verified', 'failed', 'not reported'] as const).map((v) => [v, os.filter((i) => i.verification === v).length] as const).filter(([, n]) => n > 0);
      const osText = verdicts.every(([v]) => v === 'not reported') ? `${os.length} installed (the device does not report their verification)` : `${os.length} installed: ${verdicts.map(([v, n]) => `${n} ${v}`).join(', ')}`;
      const shown = r.installedImages.filter((i) => s.isCustomerImage(i.imageType) || i.verification === 'failed');
      const text = fields([['Device ID', r.deviceId], ['Security state', r.securityState], ['OS version', r.osVersion], ['REST API version', r.restApiVersion], ['Manufacturing state', r.manufacturingState], ['Capabilities', caps], ['Update in progress', r.update.otaInProgress ? 'yes' : 'no'], ['Restart required', r.update.restartRequired ? 'yes' : 'no'], ['OS images', osText]])
        + `Installed images:\n${imagesText(shown, { verification: true }) || '  none\n'}Staged images:\n${imagesText(r.stagedImages) || '  none\n'}` + extra.text;
      return { data: { ...r, attestation: extra.data }, text };
    }),
  },
  {
    group: 'device', name: 'show-os-version', description: 'Show the OS version the device runs',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const v = (await api.osVersion()).osversion;
      return { data: { osVersion: v }, text: `Azure Sphere OS version ${v}.\n` };
    }),
  },
  {
    group: 'device', name: 'show-deployment-status', description: 'Show the OS version, pending updates and the state of every installed app',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const d = await s.deploymentStatus(api);
      const apps = d.applications.map((a) => `  ${a.componentId}  ${a.state.padEnd(10)} ${a.name}`).join('\n');
      const text = `Your device is running Azure Sphere OS version ${d.osVersion ?? '(unknown)'}.\n`
        + `Update in progress: ${d.otaInProgress ? 'yes' : 'no'}; staged updates: ${d.hasStagedUpdates ? 'yes' : 'no'}; restart required: ${d.restartRequired ? 'yes' : 'no'}.\n`
        + (apps ? `Applications:\n${apps}\n` : 'No applications are installed.\n');
      return { data: d, text };
    }),
  },
  {
    group: 'device', name: 'restart', description: 'Restart the device and wait until it answers again',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      ctx.ui.note(`Restarting ${api.client.label}…`);
      const r = await s.restartDevice(api);
      return { data: { restarted: true, uptime: r.uptime, waitedMs: r.downMs }, text: `The device restarted and answers again (after ${(r.downMs / 1000).toFixed(1)} s).\n` };
    }),
  },
  {
    group: 'device', name: 'recover', description: 'Emulator: reflash the base OS image set and wipe apps and settings, keeping the device identity',
    options: deviceOptions,
    action: (ctx) => recoverEmulator(ctx),
  },
  {
    group: 'device', name: 'get-support-data', description: 'Save the device log, error reports and state as a .zip (as azsphere) or .tar.gz',
    options: [
      ...deviceOptions,
      { flags: '--destination <file>', description: 'Archive to write, *.zip or *.tar.gz (default support-data.tar.gz)', deprecated: ['-o'] },
      { flags: '--clear-telemetry', description: 'Delete the error reports on the device after reading them' },
    ],
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const { writeFileAtomic } = await import('../../image-builder/index');
      const file = resolve(ctx.cwd, optString(ctx, 'destination') ?? 'support-data.tar.gz');
      const format = /\.zip$/i.test(file) ? 'zip' : /\.(tar\.gz|tgz)$/.test(file) ? 'tar.gz' : undefined;
      if (!format) throw new UsageError(`Cannot write support data to "${file}": the archive is a zip or a gzip'd tar. Name it *.zip or *.tar.gz.`, { code: 'BAD_DESTINATION' });
      const b = await s.collectSupportData(api, { clearTelemetry: optBool(ctx, 'clearTelemetry'), format });
      writeFileAtomic(file, b.bytes);
      for (const m of b.missing) ctx.ui.warn(`left out ${m.part}: ${m.reason}`);
      const data = { destination: file, size: b.bytes.length, entries: b.entries, missing: b.missing, telemetryCleared: b.telemetryCleared };
      return { data, text: `Wrote ${file} (${b.bytes.length} bytes): ${b.entries.map((e) => e.name).join(', ')}\n` };
    }),
  },
];

export const commands: CommandDef[] = [...main, ...enableCommands, ...sideloadCommands, ...appCommands, ...certCommands, ...wifiCommands, ...networkCommands, ...serviceCommands];

export const DEVICE_GROUPS: Record<string, string> = {
  device: 'Talk to a device: an emulator or a board attached over USB',
  'device sideload': 'Deploy and delete application images',
  'device app': 'Start, stop and inspect applications',
  'device image': 'Images installed on the device',
  'device capability': 'Device capabilities',
  'device certificate': 'The device certificate store',
  'device wifi': 'Wi-Fi networks and interface',
  'device network': 'Network interfaces, status, proxy and firewall',
  'device network proxy': 'The network proxy',
  'device manufacturing-state': 'The manufacturing state',
  'device service': 'The PC-side device service (localhost:48938) that device clients ask for attached devices',
};
