/** Shared by the release suites: a scratch folder with a dev CA and a copy of the sample, and OpenSSL's check of a package signature. */
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { derSignatureForOpenssl, sphere, tempDir } from '../helpers';

const SAMPLE = resolve('samples/hello');
export const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });


/** OpenSSL's verdict on a package's trailing signature with the certificate's public key. */
export function opensslVerifies(dir: string, pkg: string, certPem: string): boolean {
  const b = readFileSync(pkg);
  writeFileSync(join(dir, 'signed.bin'), b.subarray(0, b.length - 64));
  writeFileSync(join(dir, 'sig.der'), derSignatureForOpenssl(b.subarray(b.length - 64)));
  writeFileSync(join(dir, 'pub.pem'), openssl('x509', '-in', certPem, '-pubkey', '-noout'));
  try {
    return /Verified OK/.test(openssl('dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'signed.bin')));
  } catch {
    return false;
  }
}

export function setup() {
  const t = tempDir('sphere-release-');
  const env: Record<string, string> = { SPHERE_CA_DIR: join(t.dir, 'ca') };
  const run = (args: string[], extra: Record<string, string> = {}) => sphere(args, { cwd: t.dir, env: { ...env, ...extra } });
  const init = run(['ca', 'init']);
  assert.is(init.code, 0, init.stderr);
  const approot = join(t.dir, 'app');
  cpSync(SAMPLE, approot, { recursive: true });
  return { ...t, env, run, approot: join(approot, 'approot'), caDir: env['SPHERE_CA_DIR']! };
}

export const json = (s: string): Record<string, any> => JSON.parse(s) as Record<string, any>;

