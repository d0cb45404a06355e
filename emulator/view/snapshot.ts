/**
 * What the board page shows of a running device, as plain data: the board's description (which
 * LEDs, buttons, potentiometers and UARTs it has, so the page draws the user's own board), its
 * live state (the same view `sphere emulator io show` gives), each app's state, and the device's
 * security state (manufacturing state, capabilities, images secure boot refused).
 */
import { DEVICE_CAPABILITY } from '../../sideload/protocol/index';
import type { Device } from '../device';
import { appStatuses } from '../control-ops';

export interface BoardLayout {
  name: string;
  leds: Array<{ name: string; gpio: number }>;
  buttons: Array<{ name: string; gpio: number }>;
  analog: Array<{ name: string; channel: number }>;
  uarts: string[];
}

/** The parts the page draws, from the board the device runs. */
export function layoutOf(d: Device, boardName: string): BoardLayout {
  const b = d.board;
  return {
    name: boardName,
    leds: b.parts.filter((p) => p.kind === 'led').map((p) => ({ name: p.name, gpio: p.gpio })),
    buttons: b.parts.filter((p) => p.kind === 'button').map((p) => ({ name: p.name, gpio: p.gpio })),
    analog: Object.entries(b.analog).map(([name, a]) => ({ name, channel: a.channel })),
    uarts: [...new Set([...b.wiring.uartLoopback, ...Object.keys(b.wiring.uartTcp).map(Number)])].sort().map((n) => `ISU${n}`),
  };
}

const CAPABILITY_NAMES = Object.fromEntries(Object.entries(DEVICE_CAPABILITY).map(([k, v]) => [v, k])) as Record<number, string>;

/** Everything live on the page except the log and the UART bytes (sent as they happen). */
export function snapshotOf(d: Device): Record<string, unknown> {
  const v = d.board.view();
  return {
    parts: v.parts,
    gpio: v.gpio,
    pwm: v.pwm,
    uart: v.uart,
    changes: v.changes,
    clock: { mode: d.clock.mode, nowMs: Math.round(d.clock.nowMs()) },
    apps: appStatuses(d).map((a) => ({ componentId: a.componentId, name: a.name, state: a.state, restarts: a.restarts, ...(a['startFailure'] ? { startFailure: a['startFailure'] } : {}) })),
    security: {
      manufacturingState: d.state.manufacturingState,
      capabilities: d.state.capabilities.map((c) => CAPABILITY_NAMES[c] ?? String(c)),
      appDevelopment: d.isAppDevelopmentAllowed(),
      secureBootRefused: [...d.bootFailures].map(([componentId, why]) => ({ componentId, why })),
      poweredDown: d.poweredDown,
    },
  };
}
