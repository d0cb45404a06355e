/**
 * `get-support-data`: everything a support request needs from the device in one gzip'd tar (or a
 * zip, as azsphere writes it)
 * (spec/device-rest-api.md §4.7, and spec/azsphere-cli.md §12): the binary device log
 * (`GET /log`), the error reports (`GET /telemetry`), Wi-Fi diagnostics, and the device's state
 * as JSON. Each part the device cannot give is listed in `errors.json` instead of failing the lot.
 */
import { SphereError } from '../image-builder/errors';
import type { DeviceApi } from './device-api';
import { securityReport, appStates } from './device-info';

export interface SupportBundle {
  /** The .tar.gz bytes. */
  bytes: Buffer;
  entries: Array<{ name: string; size: number }>;
  /** Parts the device could not give, with the reason. */
  missing: Array<{ part: string; reason: string }>;
  telemetryCleared: boolean;
}

async function part<T>(missing: SupportBundle['missing'], name: string, f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof SphereError)) throw e;
    missing.push({ part: name, reason: e.message });
    return undefined;
  }
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2) + '\n', 'utf8');

/** Collects the bundle. `clearTelemetry` deletes the error reports after they were read (as azsphere does). */
export async function collectSupportData(api: DeviceApi, o: { now?: () => number; clearTelemetry?: boolean; format?: 'tar.gz' | 'zip' } = {}): Promise<SupportBundle> {
  const missing: SupportBundle['missing'] = [];
  const files: Array<[string, Buffer]> = [];
  const log = await part(missing, 'device log', () => api.log());
  if (log) files.push(['AzureSphere_DeviceLog.bin', log]);
  const telemetry = await part(missing, 'error reports', () => api.telemetry());
  if (telemetry) files.push(['error-reports.bin', telemetry]);
  const state: Record<string, unknown> = {};
  const put = async (key: string, f: () => Promise<unknown>) => { const v = await part(missing, key, f); if (v !== undefined) state[key] = v; };
  await put('status', () => api.status());
  await put('security', () => securityReport(api));
  await put('apps', () => appStates(api));
  await put('images', () => api.images());
  await put('networkStatus', () => api.netStatus());
  await put('interfaces', () => api.interfaces());
  await put('wifiStatus', () => api.wifiInterface());
  await put('wifiNetworks', () => api.wifiNetworks());
  await put('certificates', () => api.certIds());
  files.push(['device-state.json', json(state)]);
  const diag = await part(missing, 'Wi-Fi diagnostics', () => api.wifiDiagnostics());
  if (diag) files.push(['wifi-diagnostics.json', json(diag)]);
  let telemetryCleared = false;
  if (o.clearTelemetry && telemetry) telemetryCleared = (await part(missing, 'clear error reports', () => api.clearTelemetry())) !== undefined;
  if (missing.length) files.push(['errors.json', json(missing)]);
  const mtime = new Date(Math.floor((o.now ?? Date.now)() / 1000) * 1000);
  // node:zlib is loaded here, not with the module: the other device commands never need it.
  const bytes = o.format === 'zip'
    ? (await import('./zip')).zipOf(files.map(([name, data]) => ({ name: `support-data/${name}`, data })), mtime)
    : process.getBuiltinModule('node:zlib').gzipSync(await tarOf(files, mtime));
  return { bytes, entries: files.map(([name, b]) => ({ name, size: b.length })), missing, telemetryCleared };
}

async function tarOf(files: Array<[string, Buffer]>, mtime: Date): Promise<Buffer> {
  // Loaded on demand: only the commands that write archives pay for it at start-up.
  const { pack: tarPack } = await import('tar-stream');
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((res, rej) => { p.on('end', res); p.on('error', rej); });
  for (const [name, data] of files) p.entry({ name: `support-data/${name}`, size: data.length, mode: 0o644, mtime, uid: 0, gid: 0, uname: 'root', gname: 'root' }, data);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
