/**
 * Client side of the emulator's extension paths (emulator/README.md "Extension paths"): the
 * attestation report, the device certificate and the whole security state. They are not part of
 * the device REST API contract, so they go straight through the client's transport; a device that
 * answers 404 does not have them (a real board), which callers learn as `undefined` or as a
 * NotFoundError naming what a real board does not provide.
 */
import { DeviceError, NotFoundError } from '../image-builder/errors';
import { CONTENT_TYPE } from './protocol/index';
import { errorCodeOf, type DeviceClient } from './client';
import { errorFromAnswer, errorFromTransport } from './errors';
import { TransportError } from './transport';

export const EXTENSION = {
  attestation: '/x-spherekit/attestation',
  deviceCertificate: '/x-spherekit/device-certificate',
  securityState: '/x-spherekit/security-state',
} as const;

export interface DeviceCertificateAnswer {
  certPem: string;
  caPem: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  lastAttestation: { at: string; verdict: string; message?: string } | null;
}

/** One extension call; undefined when the device does not have the path (HTTP 404). */
export async function extensionCall<T>(client: DeviceClient, o: { method: 'GET' | 'POST'; path: string; body?: unknown; action: string }): Promise<T | undefined> {
  const body = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body), 'utf8');
  const req: Parameters<DeviceClient['transport']['request']>[0] = {
    method: o.method, path: o.path, timeoutMs: client.timeouts.requestMs,
    headers: body ? { 'Content-Type': CONTENT_TYPE.json } : {},
  };
  if (body) req.body = body;
  let res;
  try {
    res = await client.transport.request(req);
  } catch (e) {
    if (e instanceof TransportError) throw errorFromTransport(e, { action: o.action, device: client.label, address: client.transport.address, caSource: 'the pinned CA', upload: false, timeoutMs: req.timeoutMs });
    throw e;
  }
  if (res.status === 404) return undefined;
  if (res.status < 200 || res.status >= 300) {
    const code = errorCodeOf(res.body);
    throw errorFromAnswer({ action: o.action, device: client.label, status: res.status, endpoint: o.path, ...(code === undefined ? {} : { code }) });
  }
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch {
    throw new DeviceError(`Cannot ${o.action} on ${client.label}: the device returned a response which could not be parsed. Check that it is a Spherekit emulator and retry.`, { code: 'DEVICE_BAD_ANSWER' });
  }
}

/** The one line for a device without the extension: what a real board does not provide. */
export function notProvided(client: DeviceClient, what: string): NotFoundError {
  return new NotFoundError(`Cannot get ${what} from ${client.label}: a real board does not provide it (only the emulator serves it). Use an emulated device ("sphere emulator start").`, { code: 'NOT_PROVIDED_BY_BOARD' });
}

/** The device's attestation report on `nonceHex`. */
export async function requestAttestation(client: DeviceClient, nonceHex: string): Promise<string> {
  const r = await extensionCall<{ report?: unknown }>(client, { method: 'POST', path: EXTENSION.attestation, body: { nonce: nonceHex }, action: 'get an attestation report' });
  if (r === undefined) throw notProvided(client, 'an attestation report');
  if (typeof r.report !== 'string') throw new DeviceError(`Cannot get an attestation report from ${client.label}: its answer holds no report. Check that it is a Spherekit emulator.`, { code: 'DEVICE_BAD_ANSWER' });
  return r.report;
}
