/**
 * `sphere device app start|stop|show-status|show-quota|show-memory-stats` and
 * `sphere device capability show-attached` (spec/azsphere-cli.md §5, §8; REST /app/status,
 * /app/quota, /stats/memory/groups/applications, /device/capabilities).
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, withDevice, appStateLine } from './device-context';

const componentOption = { flags: '-i, --component-id <id>', description: 'The application\'s component ID (from its manifest)' };

async function requiredComponent(ctx: CommandContext, what: string): Promise<string> {
  const id = optString(ctx, 'componentId');
  if (!id) throw new UsageError(`Cannot ${what}: no component ID given. Pass --component-id <guid> ("sphere device image list-installed" lists them).`, { code: 'NO_COMPONENT_ID' });
  const s = await import('../../sideload/index');
  return s.checkComponentId(id);
}

export const commands: CommandDef[] = [
  {
    group: 'device app', name: 'start', description: 'Start an installed application (--debug-mode: under the debug server)',
    options: [...deviceOptions, componentOption, { flags: '--debug-mode', description: 'Start it for debugging; prints the GDB and output ports' }],
    async action(ctx) {
      const id = await requiredComponent(ctx, 'start an app');
      return withDevice(ctx, async (api) => {
        const r = await api.setAppStatus(id, optBool(ctx, 'debugMode') ? 'startDebug' : 'start');
        const data = { componentId: id, ...r };
        const ports = r.gdbPort !== undefined ? `Output Port: ${r.outPort}\nGDB Port: ${r.gdbPort}\n` : '';
        return { data, text: `${appStateLine(id, r.state)}\n${ports}` };
      });
    },
  },
  {
    group: 'device app', name: 'stop', description: 'Stop a running application',
    options: [...deviceOptions, componentOption],
    async action(ctx) {
      const id = await requiredComponent(ctx, 'stop an app');
      return withDevice(ctx, async (api) => {
        const r = await api.setAppStatus(id, 'stop');
        return { data: { componentId: id, ...r }, text: `${appStateLine(id, r.state)}\n` };
      });
    },
  },
  {
    group: 'device app', name: 'show-status', description: 'Show an application\'s state (every installed app without --component-id)',
    options: [...deviceOptions, componentOption],
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const given = optString(ctx, 'componentId');
      if (given !== undefined) {
        const id = s.checkComponentId(given);
        const r = await api.appStatus(id);
        return { data: { componentId: id, state: r.state }, text: `${appStateLine(id, r.state)}\n` };
      }
      const all = await s.appStates(api);
      const text = all.length ? all.map((a) => appStateLine(a.componentId, a.state)).join('\n') + '\n' : 'No applications are installed.\n';
      return { data: all, text, table: { columns: ['componentId', 'state', 'name'], rows: all } };
    }),
  },
  {
    group: 'device app', name: 'show-quota', description: 'Show an application\'s mutable storage use and limit',
    options: [...deviceOptions, componentOption],
    async action(ctx) {
      const id = await requiredComponent(ctx, 'show an app\'s quota');
      return withDevice(ctx, async (api) => {
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
