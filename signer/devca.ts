/**
 * The development CA on disk (architecture decision 3, `sphere ca init`): a P-256 key in PKCS#8
 * PEM (mode 0600) and a self-signed 20-year root certificate, both written crash-safely (temp
 * file, fsync, rename, fsync of the directory) so a crash never leaves a half-written key. Also
 * the signing certificates the CA issues, so images may be signed by a key other than the CA's.
 */
// node:fs/promises is reached through fs.promises, which loads it only when a function here runs.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignerError } from './errors';
import { DEV_CA } from './format';
import { generateKeyPair, privateKeyFromPem, privateKeyToPem, publicPointFromPrivateKey } from './keys';
import { parseCertificate, type CertificateInfo } from './certificate';
import { createSelfSignedCertificate, issueCertificate, type ExtendedKeyUsage } from './x509';
import { bytesEqual } from './pem';

/** What `initDevCa` reports: where the CA is and what its certificate says. Holds no key. */
export interface DevCaInfo {
  dir: string;
  keyPath: string;
  certPath: string;
  certificate: CertificateInfo;
}

/** A loaded CA, able to issue certificates and sign. */
export interface DevCa extends DevCaInfo {
  certPem: string;
  keyPem: string;
  /** 32-byte secret scalar. */
  privateKey: Uint8Array;
}

/**
 * Where the dev CA lives: `$SPHERE_CA_DIR`, else `$XDG_CONFIG_HOME/sphere/ca`, else
 * `~/.config/sphere/ca`. Pure: the caller passes the environment and home directory. Empty
 * values count as unset, and a relative XDG_CONFIG_HOME is ignored as the XDG spec requires.
 */
export function defaultCaDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const explicit = env[DEV_CA.envDir];
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env[DEV_CA.envXdg];
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'sphere', 'ca');
  return join(homedir, '.config', 'sphere', 'ca');
}

async function _exists(path: string): Promise<boolean> {
  try {
    await fsp.stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Write `data` to `path` atomically with `mode`: temp file in the same directory, fsync, rename, fsync dir. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // the umask may have narrowed or (for 0644) kept the mode; make it exact
    await fh.sync();
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  const dh = await fsp.open(dir, fsConstants.O_RDONLY);
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

export interface InitDevCaOptions {
  dir: string;
  commonName?: string;
  organization?: string;
  /** Start of validity; default the current time. */
  now?: Date;
  /** Replace an existing CA. */
  force?: boolean;
  /** Fixed key (tests, or importing an existing key); default a new random key. */
  privateKey?: Uint8Array;
}

function _addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

/** Create `<dir>/ca.key.pem` and `<dir>/ca.pem`. Refuses to replace an existing CA unless `force`. */
export async function initDevCa(options: InitDevCaOptions): Promise<DevCaInfo> {
  const keyPath = join(options.dir, DEV_CA.keyFile);
  const certPath = join(options.dir, DEV_CA.certFile);
  if (options.force !== true) {
    for (const p of [keyPath, certPath]) {
      if (await _exists(p)) {
        throw new SignerError(
          `Cannot create development CA in "${options.dir}": "${p}" already exists. Use --force to replace it (images signed by the old CA will no longer verify against the new one).`,
          { code: 'CA_EXISTS', path: p },
        );
      }
    }
  }
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const privateKey = options.privateKey ?? generateKeyPair().privateKey;
  const certPem = createSelfSignedCertificate({
    privateKey,
    subject: { commonName: options.commonName ?? DEV_CA.defaultCommonName, organization: options.organization ?? DEV_CA.defaultOrganization },
    notBefore: now,
    notAfter: _addYears(now, DEV_CA.validityYears),
    isCa: true,
  });
  try {
    await fsp.mkdir(options.dir, { recursive: true, mode: DEV_CA.dirMode });
    // Key first: the certificate appearing is what makes the CA complete.
    await writeFileAtomic(keyPath, privateKeyToPem(privateKey), DEV_CA.keyMode);
    await writeFileAtomic(certPath, certPem, DEV_CA.certMode);
  } catch (cause) {
    throw new SignerError(`Cannot create development CA in "${options.dir}": ${(cause as Error).message}. Check the directory is writable.`, {
      code: 'CA_WRITE_FAILED',
      path: options.dir,
      cause,
    });
  }
  return { dir: options.dir, keyPath, certPath, certificate: parseCertificate(certPem) };
}

/** Load the CA of `dir`; SignerError `CA_NOT_FOUND` (exit code 3) when either file is missing. */
export async function loadDevCa(dir: string): Promise<DevCa> {
  const keyPath = join(dir, DEV_CA.keyFile);
  const certPath = join(dir, DEV_CA.certFile);
  const texts: string[] = [];
  for (const p of [keyPath, certPath]) {
    try {
      texts.push(await fsp.readFile(p, 'utf8'));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SignerError(`Cannot load development CA "${dir}": "${p}" does not exist. Run "sphere ca init" first.`, {
          code: 'CA_NOT_FOUND',
          exitCode: 3,
          path: p,
          cause,
        });
      }
      throw new SignerError(`Cannot load development CA "${dir}": cannot read "${p}" (${(cause as Error).message}). Check its permissions.`, {
        code: 'CA_READ_FAILED',
        path: p,
        cause,
      });
    }
  }
  const [keyPem, certPem] = texts as [string, string];
  const privateKey = _withPath(keyPath, () => privateKeyFromPem(keyPem));
  const certificate = _withPath(certPath, () => parseCertificate(certPem));
  if (!bytesEqual(publicPointFromPrivateKey(privateKey), certificate.publicKey)) {
    throw new SignerError(`Cannot load development CA "${dir}": "${keyPath}" is not the key of "${certPath}". Restore the matching pair or run "sphere ca init --force".`, {
      code: 'KEY_CERT_MISMATCH',
      path: keyPath,
    });
  }
  return { dir, keyPath, certPath, certificate, certPem, keyPem, privateKey };
}

function _withPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SignerError) throw new SignerError(`${e.message} (file "${path}")`, { code: e.code, exitCode: e.exitCode, path, cause: e });
    throw e;
  }
}

export interface IssueSigningCertOptions {
  ca: Pick<DevCa, 'certPem' | 'privateKey'>;
  /** The signing key's 65-byte public point. */
  publicKey: Uint8Array;
  commonName: string;
  organization?: string;
  now?: Date;
  /** Validity in days; default until the CA expires. */
  validityDays?: number;
}

/** A code-signing certificate issued by the CA, so images can be signed by a key other than the CA's. Returns PEM. */
export function issueSigningCert(options: IssueSigningCertOptions): string {
  const ca = parseCertificate(options.ca.certPem);
  const notBefore = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const notAfter =
    options.validityDays === undefined ? ca.notAfter : new Date(Math.min(ca.notAfter.getTime(), notBefore.getTime() + options.validityDays * 86_400_000));
  const usage: ExtendedKeyUsage[] = ['codeSigning'];
  return issueCertificate({
    issuer: { certPem: options.ca.certPem, privateKey: options.ca.privateKey },
    publicKey: options.publicKey,
    subject: { commonName: options.commonName, organization: options.organization ?? DEV_CA.defaultOrganization },
    notBefore,
    notAfter,
    extendedKeyUsage: usage,
  });
}
