/**
 * A real PKCS#11 token for tests and benches: a SoftHSM configuration with its own token folder in
 * a temp directory, a token made with softhsm2-util and a P-256 key generated inside it by
 * pkcs11-tool. `missing()` names the Debian package that is absent, for a one-line skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOFTHSM_MODULE = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p));

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why the token tests cannot run here, or undefined when they can. */
export function missing(): string | undefined {
  if (!has('softhsm2-util') || SOFTHSM_MODULE === undefined) return 'softhsm2 is not installed (apt-get install softhsm2)';
  if (!has('pkcs11-tool')) return 'pkcs11-tool is not installed (apt-get install opensc)';
  return undefined;
}

export interface Token {
  /** Environment the token is found in (SOFTHSM2_CONF). */
  env: Record<string, string>;
  module: string;
  label: string;
  pin: string;
  pinFile: string;
  /** URI of the key, PIN from the file. */
  uri: string;
}

/** Creates a token labelled `label` in `dir` with a P-256 key "signkey" (ID 01) generated inside it. */
export function makeToken(dir: string, label = 'release'): Token {
  const module = SOFTHSM_MODULE!;
  mkdirSync(join(dir, 'tokens'), { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: conf };
  const run = (cmd: string, args: string[], extra: Record<string, string> = {}) => execFileSync(cmd, args, { env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  const pin = '472901';
  // The test's own throw-away token: its PINs on the command line harm nothing.
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '10293847']);
  run('pkcs11-tool', ['--module', module, '--token-label', label, '--login', '--pin', 'env:P', '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'signkey', '--id', '01'], { P: pin });
  const pinFile = join(dir, 'pin.txt');
  writeFileSync(pinFile, pin + '\n', { mode: 0o600 });
  return { env, module, label, pin, pinFile, uri: `pkcs11:token=${label};object=signkey?module-path=${module}&pin-source=file:${pinFile}` };
}
