/**
 * `sphere device service start [--detach] [--port N] | stop | status`: the PC-side device service
 * (sideload/device-service.ts) that existing clients ask, at `http://localhost:48938/api/service/devices`,
 * which devices are attached — here the running emulators and the boards that answer. `--detach`
 * re-runs this binary in the background (output to `<registry>/device-service.log`) and returns
 * once the service answers; the running service is recorded in `<registry>/.device-service.json`.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { optBool, optString } from '../command';
import { SphereError, UsageError } from '../../image-builder/errors';
import type { ServiceDevice, ServiceRecord } from '../../sideload/device-service';
import { runningEmulators } from './device-context';

const lib = () => import('../../sideload/device-service');
const protocol = () => import('../../sideload/protocol/index');
/** Constants of sideload/device-service.ts, repeated so --help loads nothing (test/cli locks them equal). */
const DEVICES_PATH = '/api/service/devices';
const RECORD = '.device-service.json';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function recordPath(env: NodeJS.ProcessEnv): Promise<string> {
  return join((await protocol()).runtimeDir(env, homedir()), RECORD);
}

/** The running service's record; a stale one (process gone) is removed and read as absent. */
export async function readServiceRecord(env: NodeJS.ProcessEnv): Promise<ServiceRecord | undefined> {
  const p = await recordPath(env);
  let r: ServiceRecord;
  try { r = JSON.parse(readFileSync(p, 'utf8')) as ServiceRecord; } catch { return undefined; }
  if (!(await protocol()).isAlive(r.pid)) { rmSync(p, { force: true }); return undefined; }
  return r;
}

async function portOf(ctx: CommandContext): Promise<number> {
  const text = optString(ctx, 'port');
  if (text === undefined) {
    try { return (await lib()).deviceServicePort(ctx.env); } catch (e) { throw new UsageError(`Cannot use the device service port: ${(e as Error).message}.`, { code: 'BAD_PORT' }); }
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`Cannot use --port "${text}": give a port number 0-65535.`, { code: 'BAD_PORT' });
  return n;
}

/** The devices now: running emulators (from the registry), then boards that accept connections at the service addresses. */
async function devicesNow(env: NodeJS.ProcessEnv): Promise<ServiceDevice[]> {
  const s = await import('../../sideload/index');
  const emulators = await runningEmulators(env);
  const listed = env['SPHERE_DEVICE_ADDRESSES'];
  const boardAddresses = listed !== undefined ? listed.split(',').map((a) => a.trim()).filter(Boolean) : s.serviceAddresses();
  const found = await s.discoverDevices({ emulators, boardAddresses, probeMs: 500 });
  const { serviceAddressOf } = await lib();
  return found.map((c) => ({ IpAddress: serviceAddressOf(c.host, c.port), DeviceConnectionPath: c.kind === 'emulator' ? c.name : '' }));
}

/** GET /api/service/devices on 127.0.0.1:port; the devices, or an Error. */
export async function askDeviceService(port: number, timeoutMs = 3000): Promise<ServiceDevice[] | Error> {
  // Loaded here, not at the top: every command builds the command table that holds this file.
  const { request } = await import('../node-lazy');
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: DEVICES_PATH, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          resolve(res.statusCode === 200 && Array.isArray(body) ? body as ServiceDevice[] : new Error(`HTTP ${res.statusCode}`));
        } catch (e) { resolve(e as Error); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve(e));
    req.end();
  });
}

/** How to run this same program again: the single executable itself, or node with the script. */
function selfCommand(): { command: string; prefix: string[] } {
  const script = process.argv[1];
  if (script && /\.(c|m)?[jt]s$/.test(script)) return { command: process.execPath, prefix: [...process.execArgv, script] };
  return { command: process.execPath, prefix: [] };
}

/** Starts the service in the background and waits until it answers; returns its record. */
export async function startDetachedService(env: NodeJS.ProcessEnv, port: number, timeoutMs = 10_000): Promise<ServiceRecord> {
  const dir = (await protocol()).runtimeDir(env, homedir());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logFile = join(dir, 'device-service.log');
  const fd = openSync(logFile, 'a');
  const self = selfCommand();
  const { spawn } = await import('../node-lazy');
  const child = spawn(self.command, [...self.prefix, 'device', 'service', 'start', '--port', String(port)], { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  child.on('error', () => { exited = -1; });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      let log = '';
      try { log = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-3).join('\n'); } catch { /* none */ }
      throw new SphereError(`Cannot start the device service on port ${port}: it exited${exited === null ? '' : ` with code ${exited}`}.${log ? ` Its log says:\n${log}` : ` See ${logFile}.`}`, { code: 'SERVICE_EXITED', path: logFile });
    }
    const r = await readServiceRecord(env);
    if (r && r.pid === child.pid && !((await askDeviceService(r.port, 1000)) instanceof Error)) return r;
    await sleep(25);
  }
  try { process.kill(child.pid ?? -1, 'SIGTERM'); } catch { /* gone */ }
  throw new SphereError(`Cannot start the device service on port ${port}: it did not answer within ${Math.round(timeoutMs / 1000)} s. See ${logFile}.`, { code: 'SERVICE_TIMEOUT', path: logFile });
}

/** Starts the service detached unless one runs already (`emulator start --device-service`). */
export async function ensureDeviceService(env: NodeJS.ProcessEnv): Promise<{ record: ServiceRecord; started: boolean }> {
  const running = await readServiceRecord(env);
  if (running) return { record: running, started: false };
  return { record: await startDetachedService(env, (await lib()).deviceServicePort(env)), started: true };
}

const url = (r: { port: number }) => `http://localhost:${r.port}${DEVICES_PATH}`;

export const commands: CommandDef[] = [
  {
    group: 'device service', name: 'start', description: 'Serve the PC-side device service (http://localhost:48938/api/service/devices) for the emulators and boards; local connections only',
    options: [
      { flags: '--detach', description: 'Run in the background; return once it answers' },
      { flags: '--port <port>', description: 'Port on 127.0.0.1 and ::1 (default 48938, or $SPHERE_DEVICE_SERVICE_PORT)' },
    ],
    examples: ['sphere device service start --detach && curl http://localhost:48938/api/service/devices', 'sphere device service start --port 48939'],
    async action(ctx) {
      const port = await portOf(ctx);
      const running = await readServiceRecord(ctx.env);
      if (running) throw new UsageError(`Cannot start the device service: it already runs (pid ${running.pid}, port ${running.port}). Stop it first with "sphere device service stop".`, { code: 'ALREADY_RUNNING' });
      if (optBool(ctx, 'detach')) {
        const r = await startDetachedService(ctx.env, port);
        return { data: { ...r, url: url(r), detached: true }, text: `Started the device service (pid ${r.pid}) at ${url(r)}\n` };
      }
      let svc;
      try {
        svc = await (await lib()).serveDeviceService({ port, devices: () => devicesNow(ctx.env), log: (line) => ctx.ui.note(`${new Date().toISOString()} ${line}`) });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new SphereError(`Cannot start the device service: port ${port} on 127.0.0.1 is in use (another device service, such as Microsoft's, may run). Stop it, or pass --port.`, { code: 'PORT_IN_USE' });
        throw e;
      }
      const record: ServiceRecord = { pid: process.pid, port: svc.port, hosts: svc.hosts, startedAt: new Date().toISOString() };
      const file = await recordPath(ctx.env);
      mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
      ctx.ui.note(`device service listening on ${svc.hosts.map((h) => (h.includes(':') ? `[${h}]` : h) + `:${svc.port}`).join(' and ')}`);
      const signal = await new Promise<string>((done) => {
        process.once('SIGINT', () => done('SIGINT'));
        process.once('SIGTERM', () => done('SIGTERM'));
      });
      await svc.close();
      const now = await readServiceRecord(ctx.env);
      if (now?.pid === process.pid) rmSync(file, { force: true });
      ctx.ui.note(`device service stopped (${signal})`);
      return { data: { stopped: true, signal }, text: '' };
    },
  },
  {
    group: 'device service', name: 'stop', description: 'Stop the device service',
    async action(ctx) {
      const r = await readServiceRecord(ctx.env);
      if (!r) return { data: { running: false }, text: 'The device service is not running.\n', exitCode: 3 };
      const { isAlive } = await protocol();
      try { process.kill(r.pid, 'SIGTERM'); } catch { /* gone */ }
      const deadline = Date.now() + 5000;
      while (isAlive(r.pid) && Date.now() < deadline) await sleep(20);
      const forced = isAlive(r.pid);
      if (forced) { try { process.kill(r.pid, 'SIGKILL'); } catch { /* gone */ } }
      rmSync(await recordPath(ctx.env), { force: true });
      return { data: { pid: r.pid, stopped: true, forced }, text: `Stopped the device service (pid ${r.pid})${forced ? ', forcibly' : ''}.\n` };
    },
  },
  {
    group: 'device service', name: 'status', description: 'Show whether the device service runs, where, and the devices it lists',
    async action(ctx) {
      const r = await readServiceRecord(ctx.env);
      if (!r) return { data: { running: false }, text: 'The device service is not running. Start it with "sphere device service start --detach".\n', exitCode: 3 };
      const devices = await askDeviceService(r.port);
      if (devices instanceof Error) return { data: { ...r, running: true, answering: false, error: devices.message }, text: `The device service (pid ${r.pid}) at ${url(r)} does not answer: ${devices.message}\n`, exitCode: 1 };
      const list = devices.map((d) => `  ${d.IpAddress}${d.DeviceConnectionPath ? `  (${d.DeviceConnectionPath})` : ''}`).join('\n');
      return { data: { ...r, url: url(r), running: true, answering: true, devices }, text: `The device service (pid ${r.pid}) serves ${url(r)}: ${devices.length} device(s)${devices.length ? `\n${list}` : ''}\n` };
    },
  },
];
