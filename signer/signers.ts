/**
 * The `Signer` the packer calls to produce an image's trailing signature (imagepackage spec §2.4,
 * §2.5; architecture decision 4): a key file, an external command (HSM or KMS hook), or a
 * signature made earlier from a digest (two-step flow). Every signer knows its certificate, so
 * the SG section's thumbprint and a wrong-key mistake are caught before a package is written.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// node:fs/promises is reached through fs.promises, which loads it only when a function here runs.
import { promises as fsp } from 'node:fs';
import { SignerError } from './errors';
import { SIGN_COMMAND_ENV, SIGN_COMMAND_TIMEOUT_MS, SIGNING_TYPE } from './format';
import { digestOf, parseSignature, sign, signDigest, verifyDigest } from './ecdsa';
import { privateKeyFromPem, publicPointFromPrivateKey } from './keys';
import { parseCertificate, thumbprintBytes, type CertificateInfo } from './certificate';
import { bytesEqual, toHex } from './pem';

/**
 * node:child_process, loaded when a command signer first runs: verifying and device commands load
 * this module and never spawn.
 */
function childProcess(): typeof import('node:child_process') {
  return process.getBuiltinModule('node:child_process');
}

export interface Signer {
  /** SHA-1 of the signing certificate's DER (20 bytes), written in the SG section. */
  readonly thumbprint: Uint8Array;
  /** SG signingType: always ECDsa256. */
  readonly signingType: typeof SIGNING_TYPE.ECDSA256;
  /** The certificate's 65-byte uncompressed public point. */
  readonly publicKey: Uint8Array;
  /** Raw 64-byte r‖s ECDSA P-256 signature over SHA-256(message). */
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** The same signature from SHA-256(message), for signers that can take the digest alone. */
  signDigest?(digest: Uint8Array): Promise<Uint8Array>;
}

function _base(cert: CertificateInfo): Omit<Signer, 'sign'> {
  return { thumbprint: thumbprintBytes(cert.der), signingType: SIGNING_TYPE.ECDSA256, publicKey: cert.publicKey };
}

/** Signs with a PKCS#8 PEM key, deterministically; refuses a key that is not the certificate's. */
export function fileSigner(options: { keyPem: string; certPem: string }): Signer {
  const cert = parseCertificate(options.certPem);
  const privateKey = privateKeyFromPem(options.keyPem);
  if (!bytesEqual(publicPointFromPrivateKey(privateKey), cert.publicKey)) {
    throw new SignerError(
      `Cannot sign with certificate "${cert.subject}" (${cert.thumbprint}): the private key given is not its key. Give the key the certificate was made for.`,
      { code: 'KEY_CERT_MISMATCH' },
    );
  }
  return keySigner(privateKey, cert);
}

/** Signs with `privateKey`, deterministically, as `cert`'s key; the caller has checked that they belong together. */
export function keySigner(privateKey: Uint8Array, cert: CertificateInfo): Signer {
  return { ..._base(cert), sign: (message) => Promise.resolve(sign(message, privateKey)), signDigest: (digest) => Promise.resolve(signDigest(digest, privateKey)) };
}

/**
 * Uses a signature made earlier over this exact content (`--signature`, after `--digest-out`):
 * it is checked against the certificate and the bytes being signed before it is used.
 */
export function presignedSigner(options: { certPem: string; signature: Uint8Array }): Signer {
  const cert = parseCertificate(options.certPem);
  const raw = parseSignature(options.signature);
  return {
    ..._base(cert),
    sign(message) {
      const digest = digestOf(message);
      if (!verifyDigest(digest, raw, cert.publicKey)) {
        return Promise.reject(
          new SignerError(
            `Cannot attach signature to digest "${toHex(digest)}": it does not verify with certificate "${cert.subject}" (${cert.thumbprint}). Sign exactly this digest with that certificate's key, and rebuild with the same inputs (build time, image ID).`,
            { code: 'SIGNATURE_MISMATCH' },
          ),
        );
      }
      return Promise.resolve(raw);
    },
  };
}

export interface CommandSignerOptions {
  /** Shell command line, run with `/bin/sh -c`. */
  command: string;
  /** Certificate (PEM) whose key the command signs with. */
  certPem: string;
  cwd?: string;
  /** Environment of the command; default the current process environment. */
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  /** Where the digest file is written; default the OS temp directory. */
  tmpDir?: string;
}

interface _Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

const OUTPUT_LIMIT = 1 << 20;

function _run(o: CommandSignerOptions, digest: Uint8Array, file: string): Promise<_Run> {
  return new Promise((resolve, reject) => {
    const env = { ...(o.env ?? process.env), [SIGN_COMMAND_ENV.digestHex]: toHex(digest), [SIGN_COMMAND_ENV.digestFile]: file };
    // Own process group, so a timeout kills the whole pipeline the shell started.
    const child = childProcess().spawn('/bin/sh', ['-c', o.command], { cwd: o.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => {
      if ((outLen += b.length) <= OUTPUT_LIMIT) out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if ((errLen += b.length) <= OUTPUT_LIMIT) err.push(b);
    });
    child.stdin.on('error', () => {}); // a command that ignores stdin may close it early
    child.stdin.end(Buffer.from(digest));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutMs ?? SIGN_COMMAND_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut });
    });
  });
}

/**
 * Signs by running an external command (HSM/KMS hook). The command gets SHA-256 of the bytes to
 * sign as lower-case hex in $SPHERE_DIGEST_HEX, as a 32-byte file named by $SPHERE_DIGEST_FILE,
 * and as 32 raw bytes on stdin; it prints the ECDSA P-256 signature of that digest on stdout (DER,
 * 64 raw bytes r‖s, or hex/base64 of either). The result is verified against the certificate.
 */
export function commandSigner(options: CommandSignerOptions): Signer {
  const cert = parseCertificate(options.certPem);
  const what = `Cannot sign with command "${options.command}"`;
  return {
    ..._base(cert),
    async sign(message) {
      const digest = digestOf(message);
      const dir = await fsp.mkdtemp(join(options.tmpDir ?? tmpdir(), 'sphere-sign-'));
      let run: _Run;
      try {
        const file = join(dir, 'digest.bin');
        await fsp.writeFile(file, digest, { mode: 0o600 });
        run = await _run(options, digest, file);
      } catch (cause) {
        throw new SignerError(`${what}: it could not be started (${(cause as Error).message}). Check the command and working directory.`, {
          code: 'SIGN_COMMAND_FAILED',
          cause,
        });
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
      const firstLine = run.stderr.toString('utf8').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '(no error output)';
      if (run.timedOut) {
        throw new SignerError(`${what}: it did not finish within ${(options.timeoutMs ?? SIGN_COMMAND_TIMEOUT_MS) / 1000} s and was stopped. Check the command, or allow it more time.`, {
          code: 'SIGN_COMMAND_TIMEOUT',
        });
      }
      if (run.code !== 0) {
        const how = run.signal !== null ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
        throw new SignerError(`${what}: it ${how}: ${firstLine}. Fix the command; it runs with /bin/sh -c and gets the digest in $${SIGN_COMMAND_ENV.digestHex}, $${SIGN_COMMAND_ENV.digestFile} and on stdin.`, {
          code: 'SIGN_COMMAND_FAILED',
        });
      }
      let raw: Uint8Array;
      try {
        raw = parseSignature(new Uint8Array(run.stdout));
      } catch (cause) {
        throw new SignerError(`${what}: its output (${run.stdout.length} bytes) is not a signature. It must print the ECDSA P-256 signature of the digest as DER, 64 raw bytes, or hex/base64 text of either.`, {
          code: 'SIGN_COMMAND_BAD_OUTPUT',
          cause,
        });
      }
      if (!verifyDigest(digest, raw, cert.publicKey)) {
        throw new SignerError(`${what}: the signature it returned does not verify with the public key of certificate "${cert.subject}" (${cert.thumbprint}). Make the command sign with that certificate's private key.`, {
          code: 'SIGN_COMMAND_WRONG_KEY',
        });
      }
      return raw;
    },
  };
}
