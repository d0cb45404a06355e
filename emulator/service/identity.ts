/**
 * The device's identity and TLS material (architecture decision 5; spec/device-rest-api.md §2):
 *   identity.key.pem   P-256 identity key made at first start (the emulated Pluton key). The
 *                      device ID is the upper-case hex of its 64-byte x‖y public key.
 *   tls/ca.pem         this emulator's own device CA (self-signed), which clients pin
 *   tls/ca.key.pem
 *   tls/server.pem     the HTTPS server certificate issued by that CA, SAN
 *   tls/server.key.pem `*.devices.sphere.azure.local`, `localhost` and the listen IP(s)
 * Keys are written mode 0600, every file atomically; the server certificate is re-issued when the
 * listen address changes.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import {
  createSelfSignedCertificate, generateKeyPair, issueCertificate, parseCertificate, privateKeyFromPem, privateKeyToPem,
  publicPointFromPrivateKey, type KeyPair,
} from '../../signer/index';
import { DEVICE_HOST } from '../../sideload/protocol/index';
import { writeAtomic } from '../flash';

export interface Identity {
  key: KeyPair;
  /** 128 upper-case hex characters. */
  deviceId: string;
}

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const KEY_MODE = 0o600;

function loadOrCreateKey(path: string, random?: () => KeyPair): KeyPair {
  if (existsSync(path)) {
    const privateKey = privateKeyFromPem(readFileSync(path, 'utf8'));
    return { privateKey, publicKey: publicPointFromPrivateKey(privateKey) };
  }
  const key = random ? random() : generateKeyPair();
  writeAtomic(path, privateKeyToPem(key.privateKey), KEY_MODE);
  return key;
}

export function deviceIdOf(publicKey: Uint8Array): string {
  return Buffer.from(publicKey.subarray(1)).toString('hex').toUpperCase();
}

export function loadOrCreateIdentity(stateDir: string): Identity {
  mkdirSync(stateDir, { recursive: true });
  const key = loadOrCreateKey(join(stateDir, 'identity.key.pem'));
  return { key, deviceId: deviceIdOf(key.publicKey) };
}

/** The IPs the server certificate names for a listen host: the host itself, or every local address when it is a wildcard. */
export function certificateIps(host: string): string[] {
  const ips = new Set<string>(['127.0.0.1']);
  if (host === '0.0.0.0' || host === '::' || host === '') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.address.includes('%')) ips.add(a.address);
  } else if (/^[\d.]+$/.test(host) || host.includes(':')) {
    ips.add(host);
  }
  return [...ips].sort();
}

function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

/** Loads the device CA and server certificate, making them on first use and re-issuing the server certificate when its IPs differ. */
export function loadOrCreateTls(stateDir: string, deviceId: string, listenHost: string, now = new Date()): TlsMaterial {
  const dir = join(stateDir, 'tls');
  mkdirSync(dir, { recursive: true });
  const caKeyPath = join(dir, 'ca.key.pem'), caPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'server.key.pem'), certPath = join(dir, 'server.pem');
  const caKey = loadOrCreateKey(caKeyPath);
  let caPem = existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined;
  if (caPem === undefined) {
    caPem = createSelfSignedCertificate({
      privateKey: caKey.privateKey,
      subject: { commonName: `Sphere Emulator Device CA ${deviceId.slice(0, 16)}`, organization: 'Spherekit' },
      notBefore: daysFrom(now, -1), notAfter: daysFrom(now, 20 * 365), isCa: true, pathLength: 0,
    });
    writeAtomic(caPath, caPem);
  }
  const serverKey = loadOrCreateKey(keyPath);
  const ips = certificateIps(listenHost);
  let certPem = existsSync(certPath) ? readFileSync(certPath, 'utf8') : undefined;
  if (certPem !== undefined) {
    const info = parseCertificate(certPem);
    const sameIps = [...info.ipAddresses].sort().join(',') === ips.join(',');
    const sameIssuer = info.issuer === parseCertificate(caPem).subject;
    if (!sameIps || !sameIssuer || info.notAfter.getTime() < now.getTime()) certPem = undefined;
  }
  if (certPem === undefined) {
    certPem = issueCertificate({
      issuer: { certPem: caPem, privateKey: caKey.privateKey },
      publicKey: serverKey.publicKey,
      subject: { commonName: DEVICE_HOST, organization: 'Spherekit' },
      notBefore: daysFrom(now, -1), notAfter: daysFrom(now, 10 * 365),
      dnsNames: [DEVICE_HOST, 'localhost'], ipAddresses: ips, extendedKeyUsage: ['serverAuth'],
    });
    writeAtomic(certPath, certPem);
  }
  return { caPem, certPem, keyPem: privateKeyToPem(serverKey.privateKey) };
}

/** The device CA PEM of a state folder, if the emulator has made one. */
export function readDeviceCa(stateDir: string): string | undefined {
  const p = join(stateDir, 'tls', 'ca.pem');
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
