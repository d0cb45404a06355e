/**
 * Restarts and the wait for a device to answer again (spec/device-rest-api.md §4.1: `POST /restart`,
 * then poll `GET /status` — the official tests poll every 250 ms — until `uptime` shows a new boot).
 *
 * A restart is proven when the device reports less uptime than it must have had without one: if
 * `before` was read at time t0, an unrestarted device reports at least `before + floor(t - t0)` at
 * time t (uptime is whole seconds), so any smaller answer — or an answer after the device stopped
 * answering — means it booted again.
 */
import { DeviceError, SphereError } from '../image-builder/errors';
import type { DeviceApi } from './device-api';

export interface WaitOptions {
  /** Uptime (s) read before the restart was asked for, and when (ms, same clock as `now`). */
  before: { uptime: number; at: number };
  timeoutMs?: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RestartResult {
  /** Milliseconds from the request until the device answered after booting. */
  downMs: number;
  uptime: number;
  /** Whether the device stopped answering at some point (a real reboot rather than a fast in-place one). */
  wentAway: boolean;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls GET /status until the device has booted again. */
export async function waitForRestart(api: DeviceApi, o: WaitOptions): Promise<RestartResult> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? realSleep;
  const timeoutMs = o.timeoutMs ?? api.client.timeouts.restartWaitMs;
  const pollMs = o.pollMs ?? api.client.timeouts.pollMs;
  const start = now();
  let wentAway = false;
  let last = '';
  while (now() - start < timeoutMs) {
    const sentAt = now();
    try {
      const s = await api.client.json<{ uptime?: unknown }>('getDeviceStatus', { action: 'read the device status', ungated: true, timeoutMs: Math.max(500, Math.min(2_000, pollMs * 8)) });
      const uptime = typeof s.uptime === 'number' ? s.uptime : NaN;
      const floor = o.before.uptime + Math.floor((sentAt - o.before.at) / 1000);
      if (Number.isFinite(uptime) && (uptime < floor || wentAway)) return { downMs: now() - start, uptime, wentAway };
    } catch (e) {
      if (!(e instanceof SphereError)) throw e;
      wentAway = true;
      last = e.message;
    }
    await sleep(pollMs);
  }
  throw new DeviceError(
    `Cannot confirm that ${api.client.label} restarted: it did not come back within ${Math.round(timeoutMs / 1000)} s${last ? ` (last: ${last.replace(/^Cannot [^:]*: /, '').replace(/\.$/, '')})` : ''}. Check the device ("sphere device show-attached"); an emulator may need "sphere emulator status".`,
    { code: 'RESTART_TIMEOUT' },
  );
}

/**
 * The uptime to compare a restart against. A device up for less than a second reports 0, and a
 * fast restart (an emulator reboots in milliseconds) would report 0 again, proving nothing; so a
 * reading of 0 is repeated until it shows 1 (at most about a second).
 */
export async function uptimeBefore(api: DeviceApi, o: { now?: () => number; sleep?: (ms: number) => Promise<void>; pollMs?: number } = {}): Promise<{ uptime: number; at: number }> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? realSleep;
  const start = now();
  for (;;) {
    const s = await api.status();
    const at = now();
    if (s.uptime >= 1 || at - start > 1_500) return { uptime: s.uptime, at };
    await sleep(o.pollMs ?? 100);
  }
}

/** `device restart`: ask for a restart and wait until the device answers from its new boot. */
export async function restartDevice(api: DeviceApi, o: Omit<WaitOptions, 'before'> = {}): Promise<RestartResult & { restartingSystem: boolean }> {
  const before = await uptimeBefore(api, o);
  const r = await api.restart();
  const waited = await waitForRestart(api, { ...o, before });
  return { ...waited, restartingSystem: r.restartingSystem !== false };
}
