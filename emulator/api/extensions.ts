/**
 * The emulator's extension paths of the device REST API (emulator/README.md "Extension paths"):
 * calls a real device does not have, under their own prefix so that they never mix with the
 * device's standard routes or replies. A board answers them 404 (INVALID_URI), which clients read
 * as "a real board does not provide this".
 *   POST /x-spherekit/attestation         {"nonce": "<16-128 hex>"} → {"report": "<JWS>"}
 *   GET  /x-spherekit/device-certificate  → the Security Service's device certificate and its CA
 *   GET  /x-spherekit/security-state      → the whole security state (show-security-state)
 * Authorization as the standard calls: REST must be allowed (a development or field-servicing
 * device, or one still in manufacturing).
 */
import { NONCE_MAX_BYTES, NONCE_MIN_BYTES } from '../../attestation/index';
import type { Device } from '../device';
import { DeviceFault, fault } from '../fault';
import { deviceCertificate, deviceReport, securityStateView } from '../attest';
import { readAttestationRecord } from '../service/device-auth';
import type { Reply, RequestBody } from './exchange';

export const EXTENSION_PREFIX = '/x-spherekit/';

export const EXTENSION_PATHS = {
  attestation: '/x-spherekit/attestation',
  deviceCertificate: '/x-spherekit/device-certificate',
  securityState: '/x-spherekit/security-state',
} as const;

type Handler = (d: Device, body: RequestBody) => Reply;

function nonceOf(body: RequestBody): Uint8Array {
  const hex = body.kind === 'json' ? body.value['nonce'] : undefined;
  if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(hex)) fault('INVALID_ARGUMENT', 'nonce must be hex');
  const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
  if (bytes.length < NONCE_MIN_BYTES || bytes.length > NONCE_MAX_BYTES) fault('INVALID_ARGUMENT', `the nonce must be ${NONCE_MIN_BYTES} to ${NONCE_MAX_BYTES} bytes`);
  return bytes;
}

const ROUTES: Record<string, { method: string; body: boolean; run: Handler }> = {
  [EXTENSION_PATHS.attestation]: { method: 'POST', body: true, run: (d, b) => ({ status: 200, json: { report: deviceReport(d, nonceOf(b)) } }) },
  [EXTENSION_PATHS.deviceCertificate]: {
    method: 'GET', body: false,
    run: (d) => {
      const c = deviceCertificate(d);
      if (!c) fault('CERT_NOT_FOUND', 'the Security Service issued no device certificate');
      return { status: 200, json: { ...c, lastAttestation: readAttestationRecord(d.stateDir) ?? null } };
    },
  },
  [EXTENSION_PATHS.securityState]: { method: 'GET', body: false, run: (d) => ({ status: 200, json: securityStateView(d) }) },
};

/** Whether a path is one of ours (then http.ts hands the request here). */
export function isExtensionPath(path: string): boolean {
  return path.startsWith(EXTENSION_PREFIX);
}

/** Runs an extension call; the method and body kind were checked against `extensionRoute`. */
export function dispatchExtension(d: Device, method: string, path: string, body: RequestBody): Reply {
  const r = ROUTES[path];
  try {
    if (!r) fault('INVALID_URI', undefined, 404);
    if (r.method !== method) fault('INVALID_URI', `${path} takes ${r.method}`, 405);
    if (!d.isRestAllowed()) fault('PERMISSION_DENIED');
    return r.run(d, body);
  } catch (e) {
    if (e instanceof DeviceFault) return { status: e.status, json: { error: e.code } };
    throw e;
  }
}

/** Whether the route reads a JSON body. */
export function extensionTakesBody(path: string): boolean {
  return ROUTES[path]?.body === true;
}
