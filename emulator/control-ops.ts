/**
 * What the local control channel (board/control.ts) answers for a running device: the board's
 * I/O (`sphere emulator io show|press|set`), the app runtime's view of each app (state, whether
 * its code runs, how its last run ended, restarts) and the apps' clock.
 */
import type { Device } from './device';

/** How long `io press` holds a button when no duration is given. */
export const DEFAULT_PRESS_MS = 200;

function num(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

const AXES = ['ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const;
function motionView(m: readonly number[]): Record<string, number> {
  return Object.fromEntries(AXES.map((k, i) => [k, m[i]!]));
}

export function appStatuses(d: Device): Array<Record<string, unknown>> {
  return Object.values(d.state.images).filter((r) => r.app).map((r) => {
    const run = d.apps.get(r.componentId);
    const end = d.lastEnd.get(r.componentId);
    const failure = d.startFailures.get(r.componentId) ?? d.bootFailures.get(r.componentId);
    return {
      componentId: r.componentId,
      name: r.name,
      state: d.appState(r.componentId),
      executed: run ? run.executed : undefined,
      restarts: d.runtime.restartCount(r.componentId),
      ...(end ? { lastExit: { reason: end.reason, exitCode: end.code, detail: end.detail, memoryCapReached: end.memoryCapReached, atMs: end.atMs, ...(end.restartInMs === undefined ? {} : { restartInMs: end.restartInMs }) } } : {}),
      ...(failure ? { startFailure: failure } : {}),
    };
  });
}

export function controlHandlers(d: Device): Record<string, (a: Record<string, unknown>) => unknown> {
  return {
    'io.show': () => ({ ...d.board.view(), motion: motionView(d.board.motion), clock: { mode: d.clock.mode, nowMs: d.clock.nowMs() } }),
    'io.adc': (a) => { d.board.setAdc(num(a['channel'], 'channel'), num(a['value'], 'value')); return { channel: a['channel'], value: a['value'] }; },
    'io.motion': (a) => motionView(d.board.setMotion(Object.fromEntries(Object.entries(a).map(([k, v]) => [k, num(v, k)])))),
    'io.set': (a) => {
      const gpio = num(a['gpio'], 'gpio');
      const value = num(a['value'], 'value');
      if (value !== 0 && value !== 1) throw new RangeError(`value must be 0 or 1, got ${value}`);
      d.board.setInput(gpio, value);
      return { gpio, value };
    },
    'io.press': (a) => {
      const part = d.board.button(String(a['button'] ?? ''));
      const forMs = a['forMs'] === undefined ? DEFAULT_PRESS_MS : num(a['forMs'], 'forMs');
      if (forMs < 0 || forMs > 600_000) throw new RangeError(`forMs must be 0 to 600000, got ${forMs}`);
      d.board.setInput(part.gpio, part.activeLow ? 0 : 1);
      d.clock.setTimer(forMs, () => d.board.setInput(part.gpio, part.activeLow ? 1 : 0));
      return { button: part.name, gpio: part.gpio, forMs };
    },
    'app.status': () => appStatuses(d),
    'clock': () => ({ mode: d.clock.mode, nowMs: d.clock.nowMs() }),
  };
}
