/**
 * `sphere device app start|stop|show-status|show-quota|show-memory-stats` and
 * `sphere device capability show-attached` (spec/azsphere-cli.md §5, §8; REST /app/status,
 * /app/quota, /stats/memory/groups/applications, /device/capabilities).
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, withDevice, appStateLine } from './device-context';
import type { DeviceCandidate } from '../../sideload/index';

/** What the emulator's runtime knows of each app (does its code run, how did its last run end); undefined for a board. */
async function runtimeStatus(target: DeviceCandidate): Promise<RuntimeApp[] | undefined> {
  if (target.kind !== 'emulator' || !target.stateDir) return undefined;
  const emu = await import('../../emulator/index');
  try {
    return await emu.controlRequest(emu.controlSocketPath(target.stateDir), 'app.status', {}, 5000) as RuntimeApp[];
  } catch {
    return undefined;
  }
}

interface RuntimeApp {
  componentId: string;
  executed?: boolean;
  restarts: number;
  lastExit?: { reason: string; exitCode: number; detail: string; memoryCapReached: boolean; atMs: number; restartInMs?: number };
  startFailure?: string;
}

function runtimeLines(r: RuntimeApp | undefined): string {
  if (!r) return '';
  const lines: string[] = [];
  if (r.executed === true) lines.push('  Code: runs in the emulator (WebAssembly)');
  else if (r.executed === false) lines.push('  Code: not executed — bin/app is not WebAssembly (an ARM binary); its states are simulated');
  if (r.startFailure) lines.push(`  Cannot start: ${r.startFailure}`);
  if (r.lastExit) lines.push(`  Last exit: ${r.lastExit.detail}${r.lastExit.memoryCapReached ? ' (memory cap reached)' : ''} at ${(r.lastExit.atMs / 1000).toFixed(3)} s since boot${r.lastExit.restartInMs !== undefined ? `; restarting after ${r.lastExit.restartInMs} ms` : ''}`);
  if (r.restarts) lines.push(`  Restarts: ${r.restarts}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

function runtimeData(r: RuntimeApp | undefined): Record<string, unknown> {
  if (!r) return {};
  return {
    ...(r.executed === undefined ? {} : { executed: r.executed }),
    ...(r.lastExit ? { exitCode: r.lastExit.exitCode, lastExit: r.lastExit } : {}),
    ...(r.startFailure ? { startFailure: r.startFailure } : {}),
    restarts: r.restarts,
  };
}

/** Streams a debug-mode app's output from the device's output port until interrupted or the port closes. */
async function followOutput(host: string, port: number, out: (s: string) => void): Promise<void> {
  const { createConnection } = process.getBuiltinModule('node:net') as typeof import('node:net');
  await new Promise<void>((done) => {
    const s = createConnection({ host, port });
    s.setEncoding('utf8');
    s.on('data', (t: string) => out(t));
    const stop = () => { s.destroy(); done(); };
    s.on('close', stop);
    s.on('error', stop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

const componentOption = { flags: '-i, --component-id <id>', description: 'The application\'s component ID (from its manifest; default: the only installed application)' };

/** The component to act on: --component-id, else the only installed application (as azsphere does). */
async function componentOf(ctx: CommandContext, api: import('../../sideload/index').DeviceApi, what: string): Promise<string> {
  const s = await import('../../sideload/index');
  const id = optString(ctx, 'componentId');
  if (id) return s.checkComponentId(id);
  const apps = await s.appStates(api);
  if (apps.length === 1) { ctx.ui.verbose(`using the only installed application, ${apps[0]!.componentId}`); return apps[0]!.componentId; }
  if (apps.length === 0) throw new UsageError(`Cannot ${what}: no application is installed. Deploy one with "sphere device sideload deploy --image-package <file>".`, { code: 'NO_COMPONENT_ID' });
  throw new UsageError(`Cannot ${what}: ${apps.length} applications are installed (${apps.map((a) => a.componentId).join(', ')}). Pass --component-id <guid>.`, { code: 'NO_COMPONENT_ID' });
}

export const commands: CommandDef[] = [
  {
    group: 'device app', name: 'start', description: 'Start an installed application (--debug-mode: under the debug server)',
    options: [
      ...deviceOptions, componentOption,
      { flags: '--debug-mode', description: 'Start it for debugging (no automatic restart); prints the GDB and output ports' },
      { flags: '--follow', description: 'With --debug-mode: print the app\'s output from the output port until interrupted' },
    ],
    async action(ctx) {
      return withDevice(ctx, async (api, target) => {
        const id = await componentOf(ctx, api, 'start an app');
        const r = await api.setAppStatus(id, optBool(ctx, 'debugMode') ? 'startDebug' : 'start');
        const data = { componentId: id, ...r };
        const wasm = (await runtimeStatus(target))?.find((a) => a.componentId === id)?.executed === true;
        const gdbNote = wasm ? ' (nothing listens: a WebAssembly app has no GDB server; its output streams on the output port)' : '';
        const ports = r.gdbPort !== undefined ? `Output Port: ${r.outPort}\nGDB Port: ${r.gdbPort}${gdbNote}\n` : '';
        const text = `${appStateLine(id, r.state)}\n${ports}`;
        if (optBool(ctx, 'follow') && r.outPort !== undefined && ctx.out) {
          ctx.out(text);
          ctx.ui.note(`Showing the output of ${id} from port ${r.outPort}; Ctrl-C ends.`);
          await followOutput(target.host, r.outPort, ctx.out);
          return;
        }
        return { data, text };
      });
    },
  },
  {
    group: 'device app', name: 'stop', description: 'Stop a running application',
    options: [...deviceOptions, componentOption],
    async action(ctx) {
      return withDevice(ctx, async (api) => {
        const id = await componentOf(ctx, api, 'stop an app');
        const r = await api.setAppStatus(id, 'stop');
        return { data: { componentId: id, ...r }, text: `${appStateLine(id, r.state)}\n` };
      });
    },
  },
  {
    group: 'device app', name: 'show-status', description: 'Show an application\'s state (every installed app without --component-id)',
    options: [...deviceOptions, componentOption],
    action: (ctx) => withDevice(ctx, async (api, target) => {
      const s = await import('../../sideload/index');
      const given = optString(ctx, 'componentId');
      if (given !== undefined) {
        const id = s.checkComponentId(given);
        const r = await api.appStatus(id);
        const rt = (await runtimeStatus(target))?.find((a) => a.componentId === id);
        return { data: { componentId: id, state: r.state, ...runtimeData(rt) }, text: `${appStateLine(id, r.state)}\n${runtimeLines(rt)}` };
      }
      const all = await s.appStates(api);
      const rts = await runtimeStatus(target);
      const rows = all.map((a) => ({ ...a, ...runtimeData(rts?.find((x) => x.componentId === a.componentId)) }));
      const text = all.length ? all.map((a) => appStateLine(a.componentId, a.state) + '\n' + runtimeLines(rts?.find((x) => x.componentId === a.componentId))).join('') : 'No applications are installed.\n';
      return { data: rows, text, table: { columns: ['componentId', 'state', 'name'], rows } };
    }),
  },
  {
    group: 'device app', name: 'show-quota', description: 'Show an application\'s mutable storage use and limit',
    options: [...deviceOptions, componentOption],
    async action(ctx) {
      return withDevice(ctx, async (api) => {
        const id = await componentOf(ctx, api, 'show an app\'s quota');
        const q = await api.appQuota(id);
        const data = { componentId: id, usageKB: q.UsageKB, limitKB: q.LimitKB };
        return { data, text: `${q.UsageKB} KB used of ${q.LimitKB} KB of mutable storage (${id}).\n` };
      });
    },
  },
  {
    group: 'device app', name: 'show-memory-stats', description: 'Show the memory use of the running applications',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const m = await api.memoryStats();
      const st = m.memoryStats;
      const text = `Current memory usage:  ${st.currentMemoryUsageInBytes} bytes\nUser-mode usage:       ${st.userModeMemoryUsageInBytes} bytes\nPeak user-mode usage:  ${st.peakUserModeMemoryUsageInBytes} bytes\n`
        + (m.apps ?? []).map((a) => `${a.componentId}: ${a.processes.map((p) => `pid ${p.pid}, ${p.heapUsageByCaller.reduce((n, h) => n + h.usageInBytes, 0)} heap bytes`).join('; ') || 'no processes'}`).join('\n') + ((m.apps ?? []).length ? '\n' : '');
      return { data: m, text };
    }),
  },
  {
    group: 'device capability', name: 'show-attached', description: 'Show the capabilities of the device',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const caps = (await api.capabilities()).device_capabilities.map((id) => ({ id, name: s.capabilityName(id) }));
      const text = caps.length ? caps.map((c) => `${c.name} (${c.id})`).join('\n') + '\n' : 'The device has no capabilities.\n';
      return { data: caps, text, table: { columns: ['id', 'name'], rows: caps } };
    }),
  },
];
