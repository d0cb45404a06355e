/**
 * `sphere emulator …`: run the bundled device (emulator/README.md) — start (foreground or
 * detached), stop, status, list, reset, logs, and ca-cert to pin its device CA. The emulator
 * library is loaded inside each action, so this table costs nothing at start-up.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { optBool, optList, optString } from '../command';
import { NotFoundError, UsageError } from '../../image-builder/errors';
import type { Registry, RegistryEntry } from '../../emulator/index';

/** emulator/registry.ts `DEFAULT_NAME`, spelled out so the option table needs no import. */
const DEFAULT_EMULATOR = 'default';

const emulatorLib = () => import('../../emulator/index');

async function nameOf(ctx: CommandContext): Promise<string> {
  const { checkName } = await emulatorLib();
  return checkName(optString(ctx, 'name') ?? DEFAULT_EMULATOR);
}

async function registryOf(ctx: CommandContext): Promise<Registry> {
  const { Registry: R, runtimeDir } = await emulatorLib();
  return new R(runtimeDir(ctx.env, homedir()));
}

async function stateDirOf(ctx: CommandContext, name: string): Promise<string> {
  const d = optString(ctx, 'stateDir');
  if (d) return resolve(ctx.cwd, d);
  const { defaultStateDir } = await emulatorLib();
  return defaultStateDir(name, ctx.env, homedir());
}

/** `appDevelopment,13`, names or numbers; `none` for no capability. */
async function parseCapabilities(text: string): Promise<number[]> {
  if (text.trim() === '' || text.trim() === 'none') return [];
  const { DEVICE_CAPABILITY } = await import('../../sideload/protocol/index');
  return text.split(',').map((w) => w.trim()).filter(Boolean).map((w) => {
    if (/^\d{1,3}$/.test(w)) return Number(w);
    const n = (DEVICE_CAPABILITY as Record<string, number>)[w];
    if (n === undefined) throw new UsageError(`Cannot use capability "${w}": expected a number or one of ${Object.keys(DEVICE_CAPABILITY).join(', ')}. Fix --capabilities.`, { code: 'BAD_CAPABILITY' });
    return n;
  });
}

/** How to run this same program again: the single executable itself, or node with the script. */
function selfCommand(): { command: string; prefix: string[] } {
  const script = process.argv[1];
  if (script && /\.(c|m)?[jt]s$/.test(script)) return { command: process.execPath, prefix: [...process.execArgv, script] };
  return { command: process.execPath, prefix: [] };
}

const nameOption = { flags: '--name <name>', description: `Emulator name (default "${DEFAULT_EMULATOR}")` };
const stateOption = { flags: '--state-dir <dir>', description: 'State folder (default: $SPHERE_EMULATOR_HOME/devices/<name>, else $XDG_STATE_HOME/sphere/emulators/<name>)' };

/** `--device-service`: the PC-side device service, started in the background unless it runs (cli/commands/device-service.ts). */
async function withDeviceService(ctx: CommandContext): Promise<{ url: string; started: boolean }> {
  const { ensureDeviceService } = await import('./device-service');
  const r = await ensureDeviceService(ctx.env);
  return { url: `http://localhost:${r.record.port}/api/service/devices`, started: r.started };
}

function entryText(e: RegistryEntry): string {
  return `${e.name}  ${e.url}  pid ${e.pid}\n  state   ${e.stateDir}\n  device  ${e.deviceId.slice(0, 16)}…\n`;
}

/** The last line of a (crashed) emulator's own log, read with node:fs alone; '' when it has none. */
function lastLogLine(e: RegistryEntry): string {
  const file = e.logFile ?? join(e.stateDir, 'emulator.log');
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const n = Math.min(size, 8192);
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, size - n);
      return buf.toString('utf8').trimEnd().split('\n').pop() ?? '';
    } finally { closeSync(fd); }
  } catch { return ''; }
}

/** What `list` and `status` say of an emulator whose process is gone (it never removed its entry). */
function crashedView(e: RegistryEntry): { name: string; state: 'crashed'; pid: number; url: string; stateDir: string; startedAt: string; logFile: string; lastLogLine: string } {
  return { name: e.name, state: 'crashed', pid: e.pid, url: e.url, stateDir: e.stateDir, startedAt: e.startedAt, logFile: e.logFile ?? join(e.stateDir, 'emulator.log'), lastLogLine: lastLogLine(e) };
}

const nameFlag = (name: string) => (name === DEFAULT_EMULATOR ? '' : ` --name ${name}`);

function crashedText(c: ReturnType<typeof crashedView>): string {
  return `Emulator ${c.name} crashed: its process ${c.pid} is gone (started ${c.startedAt}).\n  last log line  ${c.lastLogLine || '(none)'}\n  log            ${c.logFile}\nStart it again with "sphere emulator start${nameFlag(c.name)} --detach", or clear it with "sphere emulator stop${nameFlag(c.name)}".\n`;
}

async function requireRunning(ctx: CommandContext): Promise<RegistryEntry> {
  const name = await nameOf(ctx);
  const e = (await registryOf(ctx)).get(name);
  if (!e) throw new NotFoundError(`Cannot find emulator "${name}": it is not running. Start it with "sphere emulator start --name ${name} --detach".`, { code: 'EMULATOR_NOT_RUNNING' });
  return e;
}

interface IoView {
  gpio: Record<string, { direction: string; value: number }>;
  parts: Record<string, { kind: 'led'; gpio: number; lit: boolean; brightness?: number } | { kind: 'button'; gpio: number; pressed: boolean } | { kind: 'potentiometer'; adcController: number; adcChannel: number; sample: number }>;
  changes: number;
  clock: { mode: string; nowMs: number };
}

/** Reads and checks a board description file; one line naming the file and the place when it is wrong. */
function readBoard(file: string, emu: typeof import('../../emulator/index')): import('../../emulator/index').BoardDescription {
  if (!existsSync(file)) throw new NotFoundError(`Cannot read board description "${file}": it does not exist. Give a JSON file ("sphere emulator board" prints the built-in one).`, { code: 'NO_BOARD', path: file });
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new UsageError(`Cannot use board description "${file}": it is not JSON (${(e as Error).message}).`, { code: 'BAD_BOARD', path: file });
  }
  try { return emu.parseBoard(raw); } catch (e) {
    if (e instanceof emu.BoardError) throw new UsageError(`Cannot use board description "${file}": ${e.message}. Fix the file ("sphere emulator board" prints a valid one).`, { code: 'BAD_BOARD', path: file });
    throw e;
  }
}

/** One line of the apps' log as a person reads it: wall time, time since boot, who, text. */
function appLogText(l: import('../../emulator/index').AppLogLine): string {
  const who = l.source === 'app' ? `${l.app.slice(0, 8)} app` : `${l.app.slice(0, 8)} emulator`;
  return `${new Date(l.t).toISOString()} (+${(l.clock / 1000).toFixed(3)} s) ${who}: ${l.text.endsWith('\n') ? l.text : l.text + '\n'}`;
}

/**
 * Prints each whole line appended to `file` from its current end, every 200 ms, until `ended()`
 * (the emulator stopped: what it wrote last is printed first), SIGINT or SIGTERM. A file that
 * shrinks was started anew (a restart truncates nothing, but a reset may remove it): read from 0.
 */
async function followFile(file: string, line: (l: string) => void, ended: () => boolean): Promise<void> {
  let at = (() => { try { return statSync(file).size; } catch { return 0; } })();
  let partial = '';
  const drain = () => {
    let size: number;
    try { size = statSync(file).size; } catch { return; }
    if (size < at) { at = 0; partial = ''; }
    if (size === at) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - at);
      const got = readSync(fd, buf, 0, buf.length, at);
      at += got;
      const lines = (partial + buf.subarray(0, got).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) line(l);
    } finally { closeSync(fd); }
  };
  await new Promise<void>((done) => {
    const stop = () => { clearInterval(timer); process.off('SIGINT', stop); process.off('SIGTERM', stop); drain(); if (partial) line(partial); done(); };
    const timer = setInterval(() => { drain(); if (ended()) stop(); }, 200);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** One request over a running emulator's control channel. */
async function control(ctx: CommandContext, op: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const e = await requireRunning(ctx);
  const emu = await emulatorLib();
  const path = e.control ?? emu.controlSocketPath(e.stateDir);
  try {
    return await emu.controlRequest(path, op, args);
  } catch (err) {
    if (err instanceof emu.ControlError && !err.unreachable) throw new UsageError(`Cannot ${op.replace('.', ' ')} on emulator "${e.name}": ${err.message}.`, { code: 'CONTROL_REFUSED' });
    throw new NotFoundError(`Cannot reach the control channel of emulator "${e.name}": ${(err as Error).message}. Check that it runs ("sphere emulator status").`, { code: 'CONTROL_UNREACHABLE' });
  }
}

export const commands: CommandDef[] = [
  {
    group: 'emulator', name: 'start', description: 'Start an emulated device (HTTPS device REST API); --detach runs it in the background',
    options: [
      nameOption, stateOption,
      { flags: '--listen <host:port>', description: 'Address to listen on (default 127.0.0.1 and a free port), e.g. 192.168.35.2:443' },
      { flags: '--detach', description: 'Run in the background; return once the device answers' },
      { flags: '--foreground', description: 'Run in this process until interrupted (the default)' },
      { flags: '--trust <cert.pem>', description: 'Add a certificate to the device keystore (repeatable; kept in the state)', type: [String] },
      { flags: '--capabilities <list>', description: 'Device capabilities to store, e.g. appDevelopment or 11,13 (none to clear)' },
      { flags: '--rest-api-version <version>', description: 'Behave as a device of an older REST API, 3.0.0 to 4.6.0 (this run only; default 4.6.0)' },
      { flags: '--ca-dir <dir>', description: 'Development CA folder whose certificate the device trusts (default: $SPHERE_CA_DIR, else ~/.config/sphere/ca)' },
      { flags: '--clock <mode>', description: 'The apps\' clock: real (default) or virtual (time moves only while every app waits, jumping to the next deadline)' },
      { flags: '--board <file.json>', description: 'Board description: its LEDs, buttons and what sits on each bus (default: the MT3620 RDB as the samples wire it; "sphere emulator board" prints it)' },
      { flags: '--app-memory <KiB>', description: 'Memory an app may allocate beyond its start, in KiB (default 256, the MT3620\'s application RAM); malloc fails past it' },
      { flags: '--host-map <name=address>', description: 'Resolve a host name to an IPv4 address for apps before DNS (repeatable), e.g. api.example.com=127.0.0.1; the manifest\'s AllowedConnections still decides what an app may reach', type: [String] },
      { flags: '--device-service', description: 'Also serve the PC-side device service (localhost:48938) unless it runs: "sphere device service start --detach"' },
      { flags: '--uart-pty <ISU>', description: 'Bridge that UART (e.g. ISU0) to a pseudo-terminal, linked at <state>/ISU0.pty, for a terminal program (needs socat; repeatable)', type: [String] },
    ],
    examples: ['sphere emulator start --detach --capabilities appDevelopment', 'sphere emulator start --detach --uart-pty ISU0', 'sphere emulator start --detach --clock virtual', 'sphere emulator start --name b --listen 127.0.0.1:8443 --detach', 'sphere emulator start --name old --rest-api-version 4.2.0 --detach'],
    async action(ctx) {
      const emu = await emulatorLib();
      const { readText } = await import('../signing');
      const name = await nameOf(ctx);
      const stateDir = await stateDirOf(ctx, name);
      const listenText = optString(ctx, 'listen');
      const listen = listenText ? emu.parseListen(listenText) : { host: '127.0.0.1', port: 0 };
      const trustFiles = optList(ctx, 'trust').map((f) => resolve(ctx.cwd, f));
      const trust = trustFiles.map((f) => {
        const pem = readText(f, 'certificate');
        if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`Cannot trust "${f}": it holds no PEM certificate. Give a PEM file with "-----BEGIN CERTIFICATE-----".`, { code: 'NO_CERTIFICATE', path: f });
        return pem;
      });
      const capsText = optString(ctx, 'capabilities');
      const capabilities = capsText === undefined ? undefined : await parseCapabilities(capsText);
      const versionText = optString(ctx, 'restApiVersion');
      const restApiVersion = versionText === undefined ? undefined : emu.checkEmulatedApiVersion(versionText);
      const clockText = optString(ctx, 'clock');
      if (clockText !== undefined && clockText !== 'real' && clockText !== 'virtual') throw new UsageError(`Cannot use --clock "${clockText}": expected real or virtual.`, { code: 'BAD_CLOCK' });
      const clock = clockText as 'real' | 'virtual' | undefined;
      const memText = optString(ctx, 'appMemory');
      const appMemoryKB = memText === undefined ? undefined : Number(memText);
      if (appMemoryKB !== undefined && (!Number.isInteger(appMemoryKB) || appMemoryKB < 64 || appMemoryKB > 1024 * 1024)) throw new UsageError(`Cannot use --app-memory "${memText}": give KiB as a whole number from 64 to 1048576.`, { code: 'BAD_APP_MEMORY' });
      const hostMapEntries = optList(ctx, 'hostMap');
      let hostMap: Record<string, string> | undefined;
      try { hostMap = hostMapEntries.length ? emu.parseHostMap(hostMapEntries) : undefined; } catch (e) {
        throw new UsageError(`${(e as Error).message}.`, { code: 'BAD_HOST_MAP' });
      }
      const boardFile = optString(ctx, 'board');
      const board = boardFile === undefined ? undefined : readBoard(resolve(ctx.cwd, boardFile), emu);
      const uartPty = [...new Set(optList(ctx, 'uartPty').map((u) => {
        const m = /^ISU([0-4])$/i.exec(u.trim());
        if (!m) throw new UsageError(`Cannot bridge UART "${u}" to a pseudo-terminal: expected ISU0 to ISU4. Fix --uart-pty.`, { code: 'BAD_UART' });
        return Number(m[1]);
      }))];
      try { for (const isu of uartPty) emu.checkSocat(isu); } catch (e) {
        if (e instanceof emu.UartPtyError) throw new UsageError(e.message, { code: 'UART_PTY' });
        throw e;
      }
      const registryDir = emu.runtimeDir(ctx.env, homedir());
      const running = new emu.Registry(registryDir).get(name);
      if (running) throw new UsageError(`Cannot start emulator "${name}": it already runs (pid ${running.pid}, ${running.url}). Stop it first or pick another --name.`, { code: 'ALREADY_RUNNING' });
      if (optBool(ctx, 'detach')) {
        if (board) {
          try { await emu.checkUartBridgePorts(emu.wiringOf(board).uartTcp); } catch (e) {
            if (e instanceof emu.UartBridgeError) throw new UsageError(e.message, { code: 'UART_BRIDGE' });
            throw e;
          }
        }
        const self = selfCommand();
        const args = [...self.prefix, 'emulator', 'start', '--foreground', '--name', name, '--state-dir', stateDir, '--listen', emu.urlOf(listen.host, listen.port).slice('https://'.length)];
        for (const f of trustFiles) args.push('--trust', f);
        if (capsText !== undefined) args.push('--capabilities', capabilities!.join(',') || 'none');
        if (restApiVersion !== undefined) args.push('--rest-api-version', restApiVersion);
        const ca = optString(ctx, 'caDir'); if (ca) args.push('--ca-dir', resolve(ctx.cwd, ca));
        if (clock) args.push('--clock', clock);
        if (appMemoryKB !== undefined) args.push('--app-memory', String(appMemoryKB));
        if (boardFile !== undefined) args.push('--board', resolve(ctx.cwd, boardFile));
        for (const isu of uartPty) args.push('--uart-pty', `ISU${isu}`);
        for (const h of hostMapEntries) args.push('--host-map', h);
        const logFile = join(stateDir, 'emulator.log');
        const e = await emu.startDetached({ command: self.command, args, env: ctx.env, logFile, registryDir, name });
        const service = optBool(ctx, 'deviceService') ? await withDeviceService(ctx) : undefined;
        const ptyPaths = uartPty.map((isu) => emu.uartPtyPath(stateDir, isu));
        return { data: { ...e, caPem: undefined, detached: true, ...(service ? { deviceService: service.url } : {}), ...(ptyPaths.length ? { uartPty: ptyPaths } : {}) }, text: `Started emulator ${entryText(e)}  log     ${logFile}\n${ptyPaths.map((p) => `  uart    ${p}\n`).join('')}${service ? `  device service ${service.url}\n` : ''}Pin its CA with "sphere emulator ca-cert${name === DEFAULT_EMULATOR ? '' : ` --name ${name}`} > device-ca.pem".\n` };
      }
      const { caDir } = await import('../signing');
      const devCa = join(caDir({ caDir: optString(ctx, 'caDir') }, ctx.env), 'ca.pem');
      if (existsSync(devCa)) trust.push(readFileSync(devCa, 'utf8'));
      const stamp = () => new Date().toISOString();
      const run = await emu.startEmulator({
        stateDir, name, host: listen.host, port: listen.port, trust, registryDir, logFile: join(stateDir, 'emulator.log'),
        ...(capabilities === undefined ? {} : { capabilities }),
        ...(restApiVersion === undefined ? {} : { restApiVersion }),
        ...(clock === undefined ? {} : { clock }),
        ...(appMemoryKB === undefined ? {} : { appMemoryKB }),
        ...(board === undefined ? {} : { board }),
        ...(uartPty.length ? { uartPty } : {}),
        ...(hostMap === undefined ? {} : { hostMap }),
        manufacturerDir: emu.manufacturerDir(ctx.env, homedir()),
        log: (line) => ctx.ui.note(`${stamp()} ${line}`),
      });
      ctx.ui.note(`${stamp()} emulator "${name}" listening on ${run.url} (device ${run.device.deviceId.slice(0, 16)}…, state ${stateDir}, REST API ${run.device.apiVersion}, capabilities [${run.device.state.capabilities.join(',')}], ${run.device.clock.mode} clock)`);
      for (const [isu, path] of run.device.board.uartPtys) ctx.ui.note(`${stamp()} UART ISU${isu} on the pseudo-terminal ${path}`);
      for (const [cid, why] of run.device.bootFailures) ctx.ui.warn(`secure boot refused component ${cid}: ${why}`);
      if (optBool(ctx, 'deviceService')) ctx.ui.note(`${stamp()} device service at ${(await withDeviceService(ctx)).url}`);
      const signal = await new Promise<string>((done) => {
        process.once('SIGINT', () => done('SIGINT'));
        process.once('SIGTERM', () => done('SIGTERM'));
      });
      await run.close();
      ctx.ui.note(`${stamp()} emulator "${name}" stopped (${signal})`);
      return { data: { name, stopped: true, signal }, text: '' };
    },
  },
  {
    group: 'emulator', name: 'stop', description: 'Stop a running emulator (and clear the entry of one that crashed); --all stops every one',
    options: [nameOption, { flags: '--all', description: 'Stop every running emulator and clear every crashed one' }],
    examples: ['sphere emulator stop', 'sphere emulator stop --name b', 'sphere emulator stop --all'],
    async action(ctx) {
      const { stopEmulator } = await emulatorLib();
      const registry = await registryOf(ctx);
      const stopOne = async (r: { entry: RegistryEntry; alive: boolean }) => {
        if (!r.alive) {
          registry.remove(r.entry.name, r.entry.pid);
          return { data: { name: r.entry.name, pid: r.entry.pid, stopped: false, crashed: true, forced: false }, text: `Cleared emulator ${r.entry.name}: it had crashed (pid ${r.entry.pid} was gone)\n` };
        }
        const x = await stopEmulator(r.entry, registry.dir);
        return { data: { name: r.entry.name, pid: r.entry.pid, stopped: true, crashed: false, forced: x.forced }, text: `Stopped emulator ${r.entry.name} (pid ${r.entry.pid})${x.forced ? ', forcibly' : ''}\n` };
      };
      if (optBool(ctx, 'all')) {
        if (optString(ctx, 'name') !== undefined) throw new UsageError('Cannot use --all with --name: --all stops every emulator. Pass one of them.', { code: 'BAD_OPTIONS' });
        const done = await Promise.all(registry.records().map(stopOne));
        return { data: done.map((d) => d.data), text: done.length ? done.map((d) => d.text).join('') : 'No emulator is running.\n' };
      }
      const name = await nameOf(ctx);
      const r = registry.record(name);
      if (!r) throw new NotFoundError(`Cannot stop emulator "${name}": it is not running. "sphere emulator list" shows the ones that are.`, { code: 'EMULATOR_NOT_RUNNING' });
      const one = await stopOne(r);
      return { data: one.data, text: one.text };
    },
  },
  {
    group: 'emulator', name: 'status', description: 'Show whether an emulator runs, where, and its uptime and device ID; one that crashed, with its last log line (exit 1)',
    options: [nameOption],
    async action(ctx) {
      const { deviceRequest } = await emulatorLib();
      const name = await nameOf(ctx);
      const r = (await registryOf(ctx)).record(name);
      if (r && !r.alive) {
        const c = crashedView(r.entry);
        return { data: { ...c, running: false, crashed: true }, text: crashedText(c), exitCode: 1 };
      }
      const e = r?.entry;
      if (!e) return { data: { name, running: false }, text: `Emulator ${name} is not running\n`, exitCode: 3 };
      const s = await deviceRequest({ url: e.url, caPem: e.caPem, path: '/status', timeoutMs: 5000 }).catch((err: Error) => err);
      if (s instanceof Error) return { data: { ...e, caPem: undefined, running: true, answering: false, error: s.message }, text: `Emulator ${entryText(e)}  not answering: ${s.message}\n`, exitCode: 1 };
      const uptime = (s.json as { uptime?: number } | undefined)?.uptime;
      const version = s.headers['rest-api-version'];
      return { data: { ...e, caPem: undefined, running: true, answering: true, uptime, restApiVersion: version }, text: `Emulator ${entryText(e)}  uptime  ${uptime} s, REST API ${String(version)}\n` };
    },
  },
  {
    group: 'emulator', name: 'list', description: 'List emulators: running ones, and ones that crashed with their last log line',
    async action(ctx) {
      // The registry alone (the device contract reads it): listing loads no emulator code.
      const { readRegistryRecords, runtimeDir } = await import('../../sideload/protocol/index');
      const list = readRegistryRecords(runtimeDir(ctx.env, homedir())).map(({ entry: e, alive }) => (alive
        ? { name: e.name, state: 'running', url: e.url, pid: e.pid, stateDir: e.stateDir, deviceId: e.deviceId }
        : { ...crashedView(e), deviceId: e.deviceId }));
      const crashed = list.filter((e) => e.state === 'crashed');
      const columns = ['name', 'state', 'url', 'pid', 'stateDir', ...(crashed.length ? ['lastLogLine'] : [])];
      return { data: list, table: { columns, rows: list } };
    },
  },
  {
    group: 'emulator', name: 'reset', description: 'Erase an emulator\'s flash (images, apps, settings); --all also forgets its identity and device CA',
    options: [nameOption, stateOption, { flags: '--all', description: 'Remove the whole state folder, identity key and device CA included' }],
    async action(ctx) {
      const name = await nameOf(ctx);
      const e = (await registryOf(ctx)).get(name);
      const stateDir = await stateDirOf(ctx, name);
      if (e && resolve(e.stateDir) === resolve(stateDir)) throw new UsageError(`Cannot reset emulator "${name}" while it runs (pid ${e.pid}). Run "sphere emulator stop --name ${name}" first.`, { code: 'EMULATOR_RUNNING' });
      const all = optBool(ctx, 'all');
      const removed = all ? [stateDir] : ['flash', 'storage'].map((d) => join(stateDir, d));
      for (const p of removed) rmSync(p, { recursive: true, force: true });
      return { data: { name, stateDir, removed }, text: `Reset emulator ${name}: ${all ? 'removed its state folder' : 'erased its flash'} (${stateDir})\n` };
    },
  },
  {
    group: 'emulator', name: 'logs', description: 'Print an emulator\'s log; --app ID (or --apps) prints apps\' output and the emulator\'s lines about them',
    options: [
      nameOption, stateOption,
      { flags: '--lines <n>', description: 'How many of the last lines (default 100)' },
      { flags: '--app <component-id>', description: 'One app\'s Log_Debug output and the emulator\'s lines about it (start, denial, crash, restart)' },
      { flags: '--apps', description: 'Every app\'s output and lines' },
      { flags: '--follow, -f', description: 'Keep printing new lines until interrupted or the emulator stops' },
    ],
    examples: ['sphere emulator logs --app 1689d8b2-c835-2e27-27ad-e894d6d15fa9 --follow', 'sphere emulator logs --apps -o json'],
    async action(ctx) {
      const emu = await emulatorLib();
      const name = await nameOf(ctx);
      const registry = await registryOf(ctx);
      const e = registry.get(name);
      const n = Number(optString(ctx, 'lines') ?? 100);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`Cannot use --lines "${optString(ctx, 'lines')}": give a positive whole number.`, { code: 'BAD_LINES' });
      const app = optString(ctx, 'app');
      const json = optString(ctx, 'output') === 'json';
      if (app === undefined && !optBool(ctx, 'apps')) {
        const file = e?.logFile ?? join(await stateDirOf(ctx, name), 'emulator.log');
        if (!existsSync(file)) throw new NotFoundError(`Cannot read the log of emulator "${name}": "${file}" does not exist. Start it with --detach to get a log.`, { code: 'NO_LOG', path: file });
        const text = emu.tail(file, n);
        if (!optBool(ctx, 'follow')) return { data: text.split('\n').filter(Boolean), text: text ? text + '\n' : '' };
        const out = ctx.out ?? (() => {});
        const line = (l: string) => out(json ? JSON.stringify(l) + '\n' : l + '\n');
        for (const l of text.split('\n').filter(Boolean)) line(l);
        await followFile(file, line, () => e !== undefined && !registry.get(name));
        return;
      }
      const stateDir = e?.stateDir ?? await stateDirOf(ctx, name);
      const filter = app === undefined ? {} : { app };
      const show = (l: import('../../emulator/index').AppLogLine) => (json ? JSON.stringify(l) + '\n' : appLogText(l));
      const lines = emu.readAppLog(stateDir, filter).slice(-n);
      if (!optBool(ctx, 'follow')) {
        return { data: lines, text: lines.map(appLogText).join('') };
      }
      const out = ctx.out ?? (() => {});
      for (const l of lines) out(show(l));
      let seen = emu.readAppLog(stateDir, filter).length;
      await new Promise<void>((done) => {
        const stop = () => { clearInterval(timer); done(); };
        const timer = setInterval(() => {
          const all = emu.readAppLog(stateDir, filter);
          if (all.length < seen) seen = 0; // the log was rotated
          for (const l of all.slice(seen)) out(show(l));
          seen = all.length;
          if (e && !registry.get(name)) stop();
        }, 200);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return;
    },
  },
  {
    group: 'emulator', name: 'test <...scenarios>', description: 'Run scenario files (Wokwi-style YAML) on fresh emulators with the virtual clock; exit 0 all passed, 1 a step failed, 42 timed out',
    options: [
      { flags: '--package <file>', description: 'Deploy this package before each scenario\'s steps' },
      { flags: '--timeout <ms>', description: 'Wall-clock bound of each scenario (default 30000)' },
      { flags: '--junit <file.xml>', description: 'Also write the results as JUnit XML' },
      { flags: '--board <file.json>', description: 'Board description (default: the MT3620 RDB)' },
      { flags: '--ca-dir <dir>', description: 'Development CA the devices trust (default: $SPHERE_CA_DIR, else ~/.config/sphere/ca)' },
    ],
    examples: ['sphere emulator test blink.yaml --package out/ARM-Debug/app.imagepackage --junit results.xml'],
    async action(ctx, ...files) {
      const emu = await emulatorLib();
      const timeoutText = optString(ctx, 'timeout');
      const timeoutMs = timeoutText === undefined ? 30_000 : Number(timeoutText);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`Cannot use --timeout "${timeoutText}": give milliseconds, e.g. --timeout 30000.`, { code: 'BAD_TIMEOUT' });
      const paths = files.flat().map((f) => resolve(ctx.cwd, f));
      for (const f of paths) if (!existsSync(f)) throw new NotFoundError(`Cannot read scenario "${f}": it does not exist.`, { code: 'NO_SCENARIO', path: f });
      let scenarios;
      try { scenarios = emu.loadScenarios(paths); } catch (e) {
        if (e instanceof emu.ScenarioError) throw new UsageError(`Cannot run scenario ${e.message}. Fix the file; nothing was run.`, { code: 'BAD_SCENARIO' });
        throw e;
      }
      const pkg = optString(ctx, 'package');
      if (pkg !== undefined && !existsSync(resolve(ctx.cwd, pkg))) throw new NotFoundError(`Cannot deploy "${resolve(ctx.cwd, pkg)}": it does not exist.`, { code: 'NO_PACKAGE' });
      const boardFile = optString(ctx, 'board');
      const board = boardFile === undefined ? undefined : readBoard(resolve(ctx.cwd, boardFile), emu);
      const { caDir } = await import('../signing');
      const devCa = join(caDir({ caDir: optString(ctx, 'caDir') }, ctx.env), 'ca.pem');
      const trust = existsSync(devCa) ? [readFileSync(devCa, 'utf8')] : [];
      const out = ctx.out ?? (() => {});
      const results = await emu.runScenarios(scenarios, { timeoutMs, trust, ...(pkg === undefined ? {} : { packagePath: resolve(ctx.cwd, pkg) }), ...(board ? { board } : {}) }, (r) => {
        if (optString(ctx, 'output') === 'json') return;
        out(`${r.ok ? 'PASS' : r.timedOut ? 'TIMEOUT' : 'FAIL'} ${r.name} (${r.file}) — ${(r.virtualMs / 1000).toFixed(3)} s emulated in ${(r.wallMs / 1000).toFixed(3)} s\n`);
        for (const st of r.steps) out(`  ${st.ok ? 'ok  ' : 'FAIL'} line ${st.line}: ${st.kind}${st.message ? ` — ${st.message}` : ''}\n`);
      });
      const junit = optString(ctx, 'junit');
      if (junit) (await import('../../image-builder/index')).writeFileAtomic(resolve(ctx.cwd, junit), Buffer.from(emu.junitXml(results)));
      const passed = results.filter((r) => r.ok).length;
      const code = results.some((r) => r.timedOut) ? 42 : passed === results.length ? 0 : 1;
      return { data: results, text: `${passed} passed, ${results.length - passed} failed\n`, exitCode: code };
    },
  },
  {
    group: 'emulator', name: 'board', description: 'Print the built-in board description (JSON): the MT3620 RDB as the samples wire it, a start for your own --board file',
    output: false,
    async action() {
      const { MT3620_RDB } = await emulatorLib();
      const text = JSON.stringify(MT3620_RDB, null, 2) + '\n';
      return { data: text, text };
    },
  },
  {
    group: 'emulator io', name: 'show', description: 'Show the board\'s GPIOs the app opened, its LEDs and buttons, and recent output changes',
    options: [nameOption],
    async action(ctx) {
      const v = await control(ctx, 'io.show') as IoView;
      const pins = Object.entries(v.gpio).map(([g, p]) => `GPIO ${g.padStart(3)}  ${p.direction.padEnd(6)}  ${p.value}`);
      const parts = Object.entries(v.parts).map(([n, p]) => (p.kind === 'led' ? `${n}: ${p.brightness !== undefined ? `brightness ${p.brightness} (PWM)` : p.lit ? 'lit' : 'off'} (GPIO ${p.gpio})`
        : p.kind === 'button' ? `button ${n}: ${p.pressed ? 'pressed' : 'released'} (GPIO ${p.gpio})`
          : `${n}: ADC controller ${p.adcController} channel ${p.adcChannel} reads ${p.sample}`));
      const text = `${pins.length ? pins.join('\n') : 'No GPIO is open.'}\n${parts.join('\n')}\nclock: ${v.clock.mode}, ${(v.clock.nowMs / 1000).toFixed(3)} s since boot; ${v.changes} output change(s)\n`;
      return { data: v, text };
    },
  },
  {
    group: 'emulator io', name: 'press <button>', description: 'Press a board button (a or b) for a while, then release it',
    options: [nameOption, { flags: '--for <ms>', description: 'How long to hold it, in ms of the emulator\'s clock (default 200)' }],
    examples: ['sphere emulator io press a', 'sphere emulator io press b --for 1500'],
    async action(ctx, button) {
      const forText = optString(ctx, 'for');
      const forMs = forText === undefined ? undefined : Number(forText);
      if (forMs !== undefined && (!Number.isFinite(forMs) || forMs < 0)) throw new UsageError(`Cannot use --for "${forText}": give milliseconds as a number, e.g. --for 500.`, { code: 'BAD_DURATION' });
      const r = await control(ctx, 'io.press', { button, ...(forMs === undefined ? {} : { forMs }) }) as { button: string; gpio: number; forMs: number };
      return { data: r, text: `Pressed button ${r.button} (GPIO ${r.gpio}) for ${r.forMs} ms\n` };
    },
  },
  {
    group: 'emulator io', name: 'set <what> <number> [value]', description: 'Drive an input from outside: set gpio <n> 0|1, set adc <channel> <0-4095> (the potentiometer is channel 0), or set motion <axis> <value> (ax ay az in milli-g, gx gy gz in milli-degrees/s)',
    options: [nameOption],
    examples: ['sphere emulator io set gpio 12 0', 'sphere emulator io set adc 0 3000', 'sphere emulator io set motion az 500', 'sphere emulator io set motion az -- -1000   (a negative value after --)'],
    async action(ctx, what, number, given) {
      const rest = ctx.options['--'];
      const value = given ?? (Array.isArray(rest) ? String(rest[0] ?? '') : undefined);
      if (what === 'motion') {
        if (!/^-?\d+(\.\d+)?$/.test(value ?? '')) throw new UsageError(`Cannot set motion ${number} to "${value}": give a number, e.g. "sphere emulator io set motion az 500".`, { code: 'BAD_IO_VALUE' });
        const m = await control(ctx, 'io.motion', { [number ?? '']: Number(value) }) as Record<string, number>;
        return { data: m, text: `Motion now ${Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ')}\n` };
      }
      if (what === 'adc') {
        if (!/^\d+$/.test(number ?? '') || !/^\d+$/.test(value ?? '')) throw new UsageError(`Cannot set adc "${number}" to "${value}": give a channel and a 12-bit sample, e.g. "sphere emulator io set adc 0 3000".`, { code: 'BAD_IO_VALUE' });
        const r = await control(ctx, 'io.adc', { channel: Number(number), value: Number(value) }) as { channel: number; value: number };
        return { data: r, text: `ADC channel ${r.channel} now reads ${r.value}\n` };
      }
      if (what !== 'gpio') throw new UsageError(`Cannot set "${what}": "gpio", "adc" and "motion" can be set, e.g. "sphere emulator io set gpio 12 0".`, { code: 'BAD_IO_TARGET' });
      if (!/^\d+$/.test(number ?? '') || (value !== '0' && value !== '1')) throw new UsageError(`Cannot set gpio "${number}" to "${value}": give a GPIO number and 0 or 1.`, { code: 'BAD_IO_VALUE' });
      const r = await control(ctx, 'io.set', { gpio: Number(number), value: Number(value) }) as { gpio: number; value: number };
      return { data: r, text: `GPIO ${r.gpio} driven to ${r.value}\n` };
    },
  },
  {
    group: 'emulator', name: 'root-cert', description: 'Print this installation\'s manufacturer root certificate (PEM): it issues every emulated device\'s identity certificate; trust it to verify attestation reports',
    output: false,
    async action(ctx) {
      const { loadOrCreateManufacturerRoot, manufacturerDir } = await emulatorLib();
      const pem = loadOrCreateManufacturerRoot(manufacturerDir(ctx.env, homedir())).certPem;
      return { data: pem, text: pem };
    },
  },
  {
    group: 'emulator', name: 'ca-cert', description: 'Print the emulator\'s device CA certificate (PEM), for clients to pin',
    options: [nameOption, stateOption],
    output: false,
    async action(ctx) {
      const { readDeviceCa } = await emulatorLib();
      const name = await nameOf(ctx);
      const e = (await registryOf(ctx)).get(name);
      const pem = e?.caPem ?? readDeviceCa(await stateDirOf(ctx, name));
      if (!pem) throw new NotFoundError(`Cannot print the device CA of emulator "${name}": it has never started. Run "sphere emulator start --name ${name}" once.`, { code: 'NO_DEVICE_CA' });
      return { data: pem, text: pem };
    },
  },
];
