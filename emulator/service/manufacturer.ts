/**
 * The per-installation manufacturer root and each device's identity certificate (emulator/README.md
 * "Attestation"). Every emulated device of one installation is "made" by the same manufacturer: a
 * P-256 root CA kept in the installation's manufacturer folder
 *   root.key.pem   its private key (mode 0600)
 *   root.pem       its self-signed certificate (`sphere emulator root-cert` prints it)
 * and, in each device's state folder,
 *   identity.pem   the certificate of the device's identity key (identity.ts), issued by that
 *                  root, CN = the device ID. Made when missing (a device made before this existed
 *                  keeps its key and so its ID) and re-issued when the root changes.
 * Both root files are created with an exclusive link, so two emulators starting at once agree on
 * one root.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { X509Certificate, randomBytes } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import {
  createSelfSignedCertificate, generateKeyPair, issueCertificate, parseCertificate, privateKeyFromPem, privateKeyToPem,
  publicPointFromPrivateKey,
} from '../../signer/index';
import { EMULATOR_HOME_ENV } from '../../sideload/protocol/index';
import { fsyncDir, writeAtomic } from '../flash';
import type { Identity } from './identity';

export const MANUFACTURER_FILES = { key: 'root.key.pem', cert: 'root.pem', identityCert: 'identity.pem' } as const;

/** Identity certificates outlive any device; the root outlives them. */
const IDENTITY_YEARS = 25;
const ROOT_YEARS = 30;
const DAY_MS = 86_400_000;

export interface ManufacturerRoot {
  certPem: string;
  privateKey: Uint8Array;
  dir: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `$SPHERE_EMULATOR_HOME/manufacturer`, else `$XDG_STATE_HOME/sphere/manufacturer`, else `~/.local/state/sphere/manufacturer`. */
export function manufacturerDir(env: Env, homedir: string): string {
  const home = env[EMULATOR_HOME_ENV];
  if (home) return join(home, 'manufacturer');
  const xdg = env['XDG_STATE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'sphere', 'manufacturer');
  return join(homedir, '.local', 'state', 'sphere', 'manufacturer');
}

/** Writes `data` at `path` unless something is there already; returns what `path` holds afterwards. */
function _createOnce(path: string, data: string, mode: number): string {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode, flush: true });
  try {
    linkSync(tmp, path);
    fsyncDir(join(path, '..'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return readFileSync(path, 'utf8');
}

/** The installation's manufacturer root, made on first use. */
export function loadOrCreateManufacturerRoot(dir: string, now = new Date()): ManufacturerRoot {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, MANUFACTURER_FILES.key), certPath = join(dir, MANUFACTURER_FILES.cert);
  const privateKey = privateKeyFromPem(existsSync(keyPath) ? readFileSync(keyPath, 'utf8') : _createOnce(keyPath, privateKeyToPem(generateKeyPair().privateKey), 0o600));
  if (existsSync(certPath)) return { certPem: readFileSync(certPath, 'utf8'), privateKey, dir };
  const fresh = createSelfSignedCertificate({
    privateKey,
    subject: { commonName: 'Sphere Emulator Manufacturer Root', organization: 'Spherekit' },
    notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + ROOT_YEARS * 365 * DAY_MS), isCa: true, pathLength: 0,
  });
  return { certPem: _createOnce(certPath, fresh, 0o644), privateKey, dir };
}

/** The device's identity certificate, issued by `root` when missing or issued by another root or for another key. */
export function loadOrCreateIdentityCertificate(stateDir: string, identity: Identity, root: ManufacturerRoot, now = new Date()): string {
  const path = join(stateDir, MANUFACTURER_FILES.identityCert);
  if (existsSync(path)) {
    const pem = readFileSync(path, 'utf8');
    try {
      const signedByRoot = new X509Certificate(pem).verify(new X509Certificate(root.certPem).publicKey);
      if (signedByRoot && Buffer.compare(Buffer.from(parseCertificate(pem).publicKey), Buffer.from(identity.key.publicKey)) === 0) return pem;
    } catch { /* unreadable: issue a new one */ }
  }
  if (Buffer.compare(Buffer.from(publicPointFromPrivateKey(root.privateKey)), Buffer.from(parseCertificate(root.certPem).publicKey)) !== 0) {
    throw new Error(`the manufacturer root in "${root.dir}" does not match its key`);
  }
  const pem = issueCertificate({
    issuer: { certPem: root.certPem, privateKey: root.privateKey },
    publicKey: identity.key.publicKey,
    subject: { commonName: identity.deviceId, organization: 'Spherekit', organizationalUnit: 'Emulated device identity' },
    notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + IDENTITY_YEARS * 365 * DAY_MS),
  });
  writeAtomic(path, pem);
  return pem;
}
