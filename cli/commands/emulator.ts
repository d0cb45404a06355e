/**
 * `sphere emulator …`: run the bundled device (emulator/README.md) — start (foreground or
 * detached), stop, status, list, reset, logs, and ca-cert to pin its device CA. The emulator
 * library is loaded inside each action, so this table costs nothing at start-up.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

function entryText(e: RegistryEntry): string {
  return `${e.name}  ${e.url}  pid ${e.pid}\n  state   ${e.stateDir}\n  device  ${e.deviceId.slice(0, 16)}…\n`;
}

async function requireRunning(ctx: CommandContext): Promise<RegistryEntry> {
  const name = await nameOf(ctx);
  const e = (await registryOf(ctx)).get(name);
  if (!e) throw new NotFoundError(`Cannot find emulator "${name}": it is not running. Start it with "sphere emulator start --name ${name} --detach".`, { code: 'EMULATOR_NOT_RUNNING' });
  return e;
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
    ],
    examples: ['sphere emulator start --detach --capabilities appDevelopment', 'sphere emulator start --name b --listen 127.0.0.1:8443 --detach', 'sphere emulator start --name old --rest-api-version 4.2.0 --detach'],
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
      const registryDir = emu.runtimeDir(ctx.env, homedir());
      const running = new emu.Registry(registryDir).get(name);
      if (running) throw new UsageError(`Cannot start emulator "${name}": it already runs (pid ${running.pid}, ${running.url}). Stop it first or pick another --name.`, { code: 'ALREADY_RUNNING' });
      if (optBool(ctx, 'detach')) {
        const self = selfCommand();
        const args = [...self.prefix, 'emulator', 'start', '--foreground', '--name', name, '--state-dir', stateDir, '--listen', emu.urlOf(listen.host, listen.port).slice('https://'.length)];
        for (const f of trustFiles) args.push('--trust', f);
        if (capsText !== undefined) args.push('--capabilities', capabilities!.join(',') || 'none');
        if (restApiVersion !== undefined) args.push('--rest-api-version', restApiVersion);
        const ca = optString(ctx, 'caDir'); if (ca) args.push('--ca-dir', resolve(ctx.cwd, ca));
        const logFile = join(stateDir, 'emulator.log');
        const e = await emu.startDetached({ command: self.command, args, env: ctx.env, logFile, registryDir, name });
        return { data: { ...e, caPem: undefined, detached: true }, text: `Started emulator ${entryText(e)}  log     ${logFile}\nPin its CA with "sphere emulator ca-cert${name === DEFAULT_EMULATOR ? '' : ` --name ${name}`} > device-ca.pem".\n` };
      }
      const { caDir } = await import('../signing');
      const devCa = join(caDir({ caDir: optString(ctx, 'caDir') }, ctx.env), 'ca.pem');
      if (existsSync(devCa)) trust.push(readFileSync(devCa, 'utf8'));
      const stamp = () => new Date().toISOString();
      const run = await emu.startEmulator({
        stateDir, name, host: listen.host, port: listen.port, trust, registryDir, logFile: join(stateDir, 'emulator.log'),
        ...(capabilities === undefined ? {} : { capabilities }),
        ...(restApiVersion === undefined ? {} : { restApiVersion }),
        log: (line) => ctx.ui.note(`${stamp()} ${line}`),
      });
      ctx.ui.note(`${stamp()} emulator "${name}" listening on ${run.url} (device ${run.device.deviceId.slice(0, 16)}…, state ${stateDir}, REST API ${run.device.apiVersion}, capabilities [${run.device.state.capabilities.join(',')}])`);
      for (const [cid, why] of run.device.bootFailures) ctx.ui.warn(`secure boot refused component ${cid}: ${why}`);
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
    group: 'emulator', name: 'stop', description: 'Stop a running emulator',
    options: [nameOption],
    async action(ctx) {
      const { stopEmulator } = await emulatorLib();
      const e = await requireRunning(ctx);
      const r = await stopEmulator(e, (await registryOf(ctx)).dir);
      return { data: { name: e.name, pid: e.pid, stopped: true, forced: r.forced }, text: `Stopped emulator ${e.name} (pid ${e.pid})${r.forced ? ', forcibly' : ''}\n` };
    },
  },
  {
    group: 'emulator', name: 'status', description: 'Show whether an emulator runs, where, and its uptime and device ID',
    options: [nameOption],
    async action(ctx) {
      const { deviceRequest } = await emulatorLib();
      const name = await nameOf(ctx);
      const e = (await registryOf(ctx)).get(name);
      if (!e) return { data: { name, running: false }, text: `Emulator ${name} is not running\n`, exitCode: 3 };
      const s = await deviceRequest({ url: e.url, caPem: e.caPem, path: '/status', timeoutMs: 5000 }).catch((err: Error) => err);
      if (s instanceof Error) return { data: { ...e, caPem: undefined, running: true, answering: false, error: s.message }, text: `Emulator ${entryText(e)}  not answering: ${s.message}\n`, exitCode: 1 };
      const uptime = (s.json as { uptime?: number } | undefined)?.uptime;
      const version = s.headers['rest-api-version'];
      return { data: { ...e, caPem: undefined, running: true, answering: true, uptime, restApiVersion: version }, text: `Emulator ${entryText(e)}  uptime  ${uptime} s, REST API ${String(version)}\n` };
    },
  },
  {
    group: 'emulator', name: 'list', description: 'List running emulators',
    async action(ctx) {
      // The registry alone (the device contract reads it): listing loads no emulator code.
      const { readRegistry, runtimeDir } = await import('../../sideload/protocol/index');
      const list = readRegistry(runtimeDir(ctx.env, homedir())).map((e) => ({ name: e.name, url: e.url, pid: e.pid, stateDir: e.stateDir, deviceId: e.deviceId }));
      return { data: list, table: { columns: ['name', 'url', 'pid', 'stateDir'], rows: list } };
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
    group: 'emulator', name: 'logs', description: 'Print the log of a detached emulator',
    options: [nameOption, stateOption, { flags: '--lines <n>', description: 'How many of the last lines (default 100)' }],
    output: false,
    async action(ctx) {
      const { tail } = await emulatorLib();
      const name = await nameOf(ctx);
      const e = (await registryOf(ctx)).get(name);
      const file = e?.logFile ?? join(await stateDirOf(ctx, name), 'emulator.log');
      if (!existsSync(file)) throw new NotFoundError(`Cannot read the log of emulator "${name}": "${file}" does not exist. Start it with --detach to get a log.`, { code: 'NO_LOG', path: file });
      const n = Number(optString(ctx, 'lines') ?? 100);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`Cannot use --lines "${optString(ctx, 'lines')}": give a positive whole number.`, { code: 'BAD_LINES' });
      const text = tail(file, n);
      return { data: text, text: text ? text + '\n' : '' };
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
