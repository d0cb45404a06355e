/**
 * The client's tunables and where it finds a board's device CA (documented in sideload/README.md;
 * spec/device-rest-api.md §2 "Timeouts" and "TLS"). Every value here is a default the caller can
 * override through `DeviceClientOptions`; the CLI also reads `SPHERE_DEVICE_TIMEOUT`.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { NotFoundError, UsageError } from '../image-builder/errors';

export interface Timeouts {
  /** Whole-request deadline for ordinary calls (the newer official client uses 15 s). */
  requestMs: number;
  /** Fixed part of an upload's deadline (stage + the device writing flash). */
  uploadBaseMs: number;
  /** Slowest link budgeted for an upload: the board's SLIP link moves ~90 KB/s, so a third of that. */
  uploadBytesPerSecond: number;
  /** TCP + TLS connection setup. */
  connectMs: number;
  /** How long `restart` waits for the device to answer again. */
  restartWaitMs: number;
  /** Poll interval while waiting for a restart (the official tests poll every 250 ms). */
  pollMs: number;
  /** How long a deployed app may take to reach its expected state. */
  appStateWaitMs: number;
  /** Discovery: how long a board address may take to accept a connection. */
  probeMs: number;
}

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = {
  requestMs: 15_000,
  uploadBaseMs: 60_000,
  uploadBytesPerSecond: 32 * 1024,
  connectMs: 5_000,
  restartWaitMs: 90_000,
  pollMs: 250,
  appStateWaitMs: 5_000,
  probeMs: 800,
};

export interface RetryPolicy {
  /** Tries in all when the device answers "busy" (error 10485765); the request is repeated as is. */
  busyAttempts: number;
  /** First wait; doubled after each busy answer, capped at `busyMaxDelayMs`. */
  busyBaseDelayMs: number;
  busyMaxDelayMs: number;
  /** A GET whose keep-alive connection the device closed under it is tried once more on a new one. */
  idempotentResetRetries: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = { busyAttempts: 5, busyBaseDelayMs: 200, busyMaxDelayMs: 2_000, idempotentResetRetries: 1 };

/** The deadline for sending `bytes` to the device and getting its answer. */
export function uploadTimeoutMs(bytes: number, t: Pick<Timeouts, 'uploadBaseMs' | 'uploadBytesPerSecond'> = DEFAULT_TIMEOUTS): number {
  return t.uploadBaseMs + Math.ceil((bytes / t.uploadBytesPerSecond) * 1000);
}

/** `SPHERE_DEVICE_TIMEOUT` (seconds) scales every deadline of a request. */
export function timeoutsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<Timeouts> {
  const raw = env['SPHERE_DEVICE_TIMEOUT'];
  if (raw === undefined || raw === '') return {};
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`Cannot use SPHERE_DEVICE_TIMEOUT "${raw}": expected seconds between 0 and 3600 (e.g. 30).`, { code: 'BAD_TIMEOUT' });
  const ms = Math.round(s * 1000);
  return { requestMs: ms, uploadBaseMs: Math.max(ms, DEFAULT_TIMEOUTS.uploadBaseMs), connectMs: Math.min(ms, DEFAULT_TIMEOUTS.connectMs) };
}

export const DEVICE_CA_ENV = 'SPHERE_DEVICE_CA';
export const DEVICE_CA_FILE = 'device-ca.pem';

/** The per-user config folder: `$XDG_CONFIG_HOME/sphere`, else `~/.config/sphere` (as for the dev CA). */
export function configDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? join(xdg, 'sphere') : join(home, '.config', 'sphere');
}

export interface PinnedCa {
  pem: string;
  /** Where it came from, for messages: `--device-ca x.pem`, `SPHERE_DEVICE_CA`, a path, `emulator "name"`. */
  source: string;
  path?: string;
}

/**
 * A board's CA: `--device-ca`, else `$SPHERE_DEVICE_CA`, else `<config>/device-ca.pem`.
 * Returns undefined when none is configured; throws when a named file is missing or holds no certificate.
 */
export function findBoardCa(o: { flag?: string; env: Readonly<Record<string, string | undefined>>; home: string }): PinnedCa | undefined {
  const envPath = o.env[DEVICE_CA_ENV];
  if (o.flag) return readCa(o.flag, `--device-ca "${o.flag}"`);
  if (envPath) return readCa(envPath, `${DEVICE_CA_ENV} "${envPath}"`);
  const file = join(configDir(o.env, o.home), DEVICE_CA_FILE);
  return existsSync(file) ? readCa(file, `"${file}"`) : undefined;
}

export function readCa(path: string, source: string): PinnedCa {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw new NotFoundError(`Cannot read the device CA ${source}: the file does not exist or is unreadable. Check the path.`, { code: 'DEVICE_CA_NOT_FOUND', path });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`Cannot pin the device CA ${source}: it holds no PEM certificate. Give the device's root certificate as PEM ("-----BEGIN CERTIFICATE-----").`, { code: 'DEVICE_CA_INVALID', path });
  }
  try {
    new X509Certificate(pem);
  } catch (e) {
    throw new UsageError(`Cannot pin the device CA ${source}: its certificate does not parse (${(e as Error).message}). Give the device's root certificate as PEM.`, { code: 'DEVICE_CA_INVALID', path });
  }
  return { pem, source, path };
}
