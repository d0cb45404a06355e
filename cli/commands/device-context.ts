/**
 * What every `sphere device …` command shares: the `--device/-d` and `--device-ca` options, finding
 * the candidates (running emulators from the emulator registry, boards at the service addresses or
 * `SPHERE_DEVICE_ADDRESSES`), choosing one, and opening a client that is closed when the action
 * ends. Also the human text for device results, in the layouts scripts already parse
 * (spec/azsphere-cli.md §6: the arrow list of `image list-installed`; §5 `<id>: App state: <state>`),
 * and the upload progress line (bytes, rate, ETA), drawn on stderr by the UI on a terminal only.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { CommandContext, OptionDef } from '../command';
import { optString } from '../command';
import type { DeviceApi, DeviceCandidate, EmulatorRef, ImageEntry, PinnedCa } from '../../sideload/index';
import type { Ui } from '../ui';
import { traceTransport } from '../http-trace';

export const deviceOptions: OptionDef[] = [
  { flags: '-d, --device <device>', description: 'Emulator name, IP address[:port] or device ID (default: $SPHERE_DEVICE, else the only attached device)' },
  { flags: '--device-ca <file>', description: 'CA certificate (PEM) the device\'s TLS certificate must chain to (default: an emulator\'s own CA; for boards $SPHERE_DEVICE_CA, else ~/.config/sphere/device-ca.pem)' },
];

export interface Found {
  candidates: DeviceCandidate[];
  boardCa: PinnedCa | undefined;
  caOverride: PinnedCa | undefined;
}

/** Emulators from the registry (stale entries dropped by the registry itself). */
export async function runningEmulators(env: NodeJS.ProcessEnv): Promise<EmulatorRef[]> {
  const s = await import('../../sideload/index');
  return s.readRegistry(s.runtimeDir(env, homedir())).map((e) => ({
    name: e.name, host: e.host, port: e.port, deviceId: e.deviceId, stateDir: e.stateDir,
    ca: { pem: e.caPem, source: `of emulator "${e.name}"` },
  }));
}

function selectorOf(ctx: CommandContext): string | undefined {
  return optString(ctx, 'device') ?? (ctx.env['SPHERE_DEVICE'] || undefined);
}

/** Every candidate device; boards are probed only when the selector could name one. */
export async function findDevices(ctx: CommandContext, o: { probeBoards?: boolean } = {}): Promise<Found> {
  const s = await import('../../sideload/index');
  const flag = optString(ctx, 'deviceCa');
  const caOverride = flag ? s.readCa(resolve(ctx.cwd, flag), `--device-ca "${flag}"`) : undefined;
  const boardCa = caOverride ?? s.findBoardCa({ env: ctx.env, home: homedir() });
  const emulators = await runningEmulators(ctx.env);
  const selector = selectorOf(ctx);
  const named = selector !== undefined && (emulators.some((e) => e.name === selector) || s.parseAddress(selector) !== undefined);
  const listed = ctx.env['SPHERE_DEVICE_ADDRESSES'];
  const addresses = o.probeBoards === false || named ? [] : listed !== undefined ? listed.split(',').map((a) => a.trim()).filter(Boolean) : s.serviceAddresses();
  const d: Parameters<typeof s.discoverDevices>[0] = { emulators, boardAddresses: addresses };
  if (boardCa) d.boardCa = boardCa;
  return { candidates: await s.discoverDevices(d), boardCa, caOverride };
}

/** The chosen device, not yet connected, and how to open a client to it (or to another candidate). */
export interface Chosen {
  target: DeviceCandidate;
  found: Found;
  connect(c?: DeviceCandidate): DeviceApi;
}

/** --debug: the HTTPS transport connectDevice would make, wrapped to report each exchange. */
function traceOf(s: typeof import('../../sideload/index'), ctx: CommandContext, connectMs: number | undefined) {
  return (c: DeviceCandidate, ca: PinnedCa) => traceTransport(s.httpsTransport({ host: c.host, port: c.port, caPem: ca.pem, connectTimeoutMs: connectMs ?? 5_000 }), (l) => ctx.ui.debug(l));
}

/** Chooses the device; asks candidates for their IDs only when `--device` looks like one. */
export async function chooseDevice(ctx: CommandContext): Promise<Chosen> {
  const s = await import('../../sideload/index');
  const found = await findDevices(ctx);
  const connect = (c: DeviceCandidate) => {
    const o: Parameters<typeof s.connectDevice>[1] = {
      timeouts: s.timeoutsFromEnv(ctx.env),
      onBusy: (attempt, ms) => ctx.ui.note(`The device is busy; trying again in ${ms} ms (attempt ${attempt + 1}).`),
    };
    if (found.caOverride) o.caOverride = found.caOverride;
    if (ctx.ui.debugging) o.transport = traceOf(s, ctx, o.timeouts?.connectMs);
    return s.connectDevice(c, o);
  };
  const sel: Parameters<typeof s.selectDevice>[2] = {
    deviceIdOf: async (c) => {
      const api = connect(c);
      try { return (await api.securityState()).deviceIdentifier; } finally { api.client.close(); }
    },
  };
  if (found.boardCa) sel.boardCa = found.boardCa;
  ctx.ui.verbose(`found ${found.candidates.length} device(s): ${found.candidates.map((c) => `${c.name} (${c.host}:${c.port})`).join(', ') || 'none'}`);
  const target = await s.selectDevice(found.candidates, selectorOf(ctx), sel);
  ctx.ui.verbose(`using ${target.kind} ${target.name} at ${target.host}:${target.port}`);
  return { target, found, connect: (c = target) => connect(c) };
}

/** Chooses the device and opens a client to it. */
export async function openDevice(ctx: CommandContext): Promise<{ api: DeviceApi; target: DeviceCandidate }> {
  const chosen = await chooseDevice(ctx);
  return { api: chosen.connect(), target: chosen.target };
}

/** Runs `f` against the chosen device and always closes the connection. */
export async function withDevice<T>(ctx: CommandContext, f: (api: DeviceApi, target: DeviceCandidate) => Promise<T>): Promise<T> {
  const { api, target } = await openDevice(ctx);
  try {
    return await f(api, target);
  } finally {
    api.client.close();
  }
}

/** `Label:   value` lines with the values aligned. */
export function fields(rows: Array<[string, unknown]>): string {
  const w = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${(k + ':').padEnd(w)} ${v === null || v === undefined ? '(not available)' : String(v)}`).join('\n') + '\n';
}

/**
 * ` --> Name` blocks; empty string for no images. `verification`: always add the secure-boot
 * verdict line, or (`reported`) only for images whose device reports one, which keeps a board's
 * listing in the classic three-line layout.
 */
export function imagesText(images: ImageEntry[], o: { verification?: boolean | 'reported' } = {}): string {
  return images.map((i) => {
    const rows = [
      ` --> ${i.name || '(unnamed)'}`,
      `   --> Image type:   ${i.imageTypeName}`,
      `   --> Component ID: ${i.componentId}`,
      `   --> Image ID:     ${i.imageId || '(staged, not installed)'}`,
    ];
    if (o.verification === true || (o.verification === 'reported' && i.verification !== 'not reported')) {
      rows.push(`   --> Verification: ${i.verification}${i.verificationDetail ? ` (${i.verificationDetail})` : ''}`);
    }
    return rows.join('\n') + '\n';
  }).join('');
}

export function appStateLine(componentId: string, state: string): string {
  return `${componentId}: App state: ${state}`;
}

function size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** A progress callback for uploads: `Uploading 1.2 MiB/4.0 MiB, 3.1 MiB/s, ETA 1 s`. None when not interactive (the upload is then one write). */
export function uploadProgress(ui: Ui, now: () => number = Date.now): ((sent: number, total: number) => void) | undefined {
  if (!ui.interactive) return undefined;
  const start = now();
  let last = 0;
  return (sent, total) => {
    const t = now();
    if (sent < total && t - last < 100) return;
    last = t;
    const secs = Math.max(0.001, (t - start) / 1000);
    const rate = sent / secs;
    const eta = rate > 0 ? Math.ceil((total - sent) / rate) : 0;
    ui.progress(`Uploading ${size(sent)}/${size(total)}, ${size(rate)}/s, ETA ${eta} s`, sent, total);
  };
}
