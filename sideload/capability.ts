/**
 * Applying a capability image (spec/azsphere-cli.md §7 `enable-development` / `enable-cloud-test`,
 * §8; the emulator's form is `CAPABILITY_IMAGE` in protocol/rules.ts): staged and installed through
 * the ordinary `PUT /update/stage` + `POST /update/install`, after which the device restarts to
 * apply it; the restart is waited for, and `GET /device/capabilities` must then show the set the
 * image carries. Who signs the image is the caller's business (for an emulator, its Security Service).
 */
import { DeviceError } from '../image-builder/errors';
import { optional } from './errors';
import type { DeviceApi } from './device-api';
import { uptimeBefore, waitForRestart } from './lifecycle';

export interface CapabilityChange {
  /** The set before, or null when the device's API version cannot say (before 3.1.0). */
  before: number[] | null;
  /** The set the device reports afterwards, or null when it cannot say. */
  after: number[] | null;
  restarted: boolean;
  ms: { stage: number; install: number; total: number };
}

export interface ApplyOptions {
  /** The set the image grants: what the device must report afterwards. */
  expect: readonly number[];
  onStep?: (step: 'stage' | 'install' | 'restart-wait' | 'confirm') => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const sorted = (list: readonly number[]) => [...new Set(list)].sort((a, b) => a - b);

/** Stages and installs a capability image, waits for the restart, and confirms the new set. */
export async function applyCapabilityImage(api: DeviceApi, image: Uint8Array, o: ApplyOptions): Promise<CapabilityChange> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const wait = { now, ...(o.sleep ? { sleep: o.sleep } : {}) };
  const before = (await optional(() => api.capabilities()))?.device_capabilities ?? null;
  o.onStep?.('stage');
  await api.stage(image);
  const staged = now();
  o.onStep?.('install');
  const up = await uptimeBefore(api, wait);
  const r = await api.install('Auto');
  let restarted = false;
  if (r.restartingSystem) {
    o.onStep?.('restart-wait');
    await waitForRestart(api, { ...wait, before: up });
    restarted = true;
  }
  const installed = now();
  o.onStep?.('confirm');
  const after = (await optional(() => api.capabilities()))?.device_capabilities ?? null;
  const want = sorted(o.expect);
  if (after !== null && sorted(after).join(',') !== want.join(',')) {
    throw new DeviceError(`Cannot confirm the capability change on ${api.client.label}: it reports [${sorted(after).join(', ')}] where [${want.join(', ')}] was expected after the install. Check "sphere device capability show-attached" and the device log ("sphere device get-support-data").`, { code: 'CAPABILITY_NOT_APPLIED' });
  }
  return { before: before === null ? null : sorted(before), after: after === null ? null : sorted(after), restarted, ms: { stage: staged - t0, install: installed - staged, total: now() - t0 } };
}
