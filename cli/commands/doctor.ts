/**
 * `sphere doctor`: gathers the world (tools on PATH, interfaces, the routing table, the CAs, the
 * running emulators and their answers) and reports cli/doctor.ts's checks. Exit 0 when nothing
 * failed (warnings allowed), 1 when a check failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { runningEmulators } from './device-context';

async function world(ctx: CommandContext): Promise<import('../doctor').DoctorWorld> {
  const sdk = await import('../sdk/index');
  const manifest = sdk.readSdkManifest(await sdk.sdkFiles());
  const tools = sdk.checkTools({ env: ctx.env, wasiLibc: manifest.wasiLibc });
  const { caDir } = await import('../signing');
  const dir = caDir(ctx.options, ctx.env);
  const s = await import('../../sideload/index');
  const { DEV_CA } = await import('../../signer/format');
  const deviceCaFile = ctx.env[s.DEVICE_CA_ENV] || join(s.configDir(ctx.env, homedir()), s.DEVICE_CA_FILE);
  let deviceCa: import('../doctor').DoctorWorld['deviceCa'] = { source: deviceCaFile, present: false };
  if (existsSync(deviceCaFile)) {
    const text = readFileSync(deviceCaFile, 'utf8');
    deviceCa = /-----BEGIN CERTIFICATE-----/.test(text) ? { source: deviceCaFile, present: true } : { source: deviceCaFile, present: false, problem: `${deviceCaFile} holds no PEM certificate` };
  }
  let routes: string | undefined;
  try { routes = readFileSync('/proc/net/route', 'utf8'); } catch { routes = undefined; }
  const refs = await runningEmulators(ctx.env);
  const candidates = await s.discoverDevices({ emulators: refs, boardAddresses: [] });
  const emulators = await Promise.all(candidates.map(async (c) => {
    const started = Date.now();
    const address = `${c.host}:${c.port}`;
    try {
      const api = s.connectDevice(c, { timeouts: { requestMs: 3000, connectMs: 3000 } });
      try { await api.status(); } finally { api.client.close(); }
      return { name: c.name, address, answer: { ok: true as const, ms: Date.now() - started } };
    } catch (e) {
      return { name: c.name, address, answer: { ok: false as const, error: (e as Error).message } };
    }
  }));
  return {
    platform: process.platform, interfaces: networkInterfaces(), routes, tools,
    devCa: { dir, present: existsSync(join(dir, DEV_CA.keyFile)) && existsSync(join(dir, DEV_CA.certFile)) }, deviceCa, emulators,
  };
}

export const commands: CommandDef[] = [
  {
    group: '', name: 'doctor', description: 'Check what sphere needs (app build toolchain, board link, CAs, running emulators) and say what to do for each missing piece',
    options: [{ flags: '--ca-dir <dir>', description: 'Development CA folder to check (default: $SPHERE_CA_DIR, else ~/.config/sphere/ca)' }],
    examples: ['sphere doctor', 'sphere doctor -o json --query "[?status!=\'ok\']"'],
    async action(ctx) {
      const d = await import('../doctor');
      const checks = d.diagnose(await world(ctx));
      return { data: checks, text: d.doctorText(checks), table: { columns: ['status', 'area', 'name', 'detail', 'fix'], rows: checks.map((c) => ({ ...c })) }, exitCode: d.doctorExitCode(checks) };
    },
  },
];
