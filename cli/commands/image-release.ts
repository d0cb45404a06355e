/**
 * `sphere image digest|sign|diff`: the release path. `digest` writes the signing request a key
 * holder reviews; `sign` attaches a signature made elsewhere (verified first) or re-signs with
 * another signer; `diff` compares two packages and, with `--fail-on`, stops a release whose
 * capabilities, signer or security version changed unexpectedly.
 */
import type { CommandContext, CommandDef } from '../command';
import { optList, optString } from '../command';
import { UsageError, ValidationError } from '../../image-builder/errors';
import { readPackageFile } from '../files';
import { resolve } from 'node:path';

const signerOptions = [
  { flags: '--signature <file>', description: 'Attach this signature of the package\'s digest (DER or raw r||s, detected); it is verified first' },
  { flags: '--cert <file>', description: 'Certificate (PEM) of the signing key (with --signature: default the CA\'s record for the package\'s thumbprint)' },
  { flags: '--key <file>', description: 'Re-sign with this private key (PKCS#8 PEM); needs --cert' },
  { flags: '--pkcs11 <uri>', description: 'Re-sign with a key in a PKCS#11 token (RFC 7512 URI); needs --cert' },
  { flags: '--sign-command <cmd>', description: 'Re-sign through an external signer (as image pack); needs --cert' },
  { flags: '--ca-dir <dir>', description: 'Development CA folder (default: $SPHERE_CA_DIR, else ~/.config/sphere/ca)' },
];

function destinationOf(ctx: CommandContext, what: string): string {
  const d = optString(ctx, 'destination');
  if (!d) throw new UsageError(`Cannot ${what}: no destination given. Pass --destination <file.imagepackage>.`, { code: 'NO_DESTINATION' });
  return d;
}

/** Attach: the certificate named by --cert, else the CA's record with the package's thumbprint. */
async function certForAttach(ctx: CommandContext, thumbprint: string): Promise<string> {
  const { readText, caDir, trustSetupFrom } = await import('../signing');
  const c = optString(ctx, 'cert');
  if (c) return readText(c, 'certificate');
  const known = trustSetupFrom([], caDir(ctx.options, ctx.env)).certificates.find((x) => x.thumbprint === thumbprint);
  if (!known) throw new UsageError(`Cannot attach a signature to a package signed by "${thumbprint}": no certificate with that thumbprint is known. Pass --cert <signer.pem>.`, { code: 'NEED_CERT' });
  return known.pem;
}

async function attach(ctx: CommandContext, file: string, bytes: Uint8Array, sigFile: string, destination: string) {
  const ib = await import('../../image-builder/index');
  const s = await import('../../signer/index');
  const request = ib.signingRequest(bytes, file);
  const cert = s.parseCertificate(await certForAttach(ctx, request.thumbprint));
  if (cert.thumbprint !== request.thumbprint) throw new ValidationError(`Cannot attach a signature to package "${file}": it names signer ${request.thumbprint}, but certificate "${cert.subject}" is ${cert.thumbprint}. Give the certificate the package was prepared for (pack --unsigned --cert).`, { code: 'CERT_MISMATCH', path: file });
  let raw: Uint8Array;
  try {
    raw = s.parseSignature(readPackageFileRaw(sigFile));
  } catch (e) {
    if (e instanceof s.SignerError) throw new ValidationError(`Cannot attach signature "${sigFile}": ${e.message.replace(/^Cannot [^:]*: /, '')}`, { code: 'BAD_SIGNATURE_ENCODING', path: sigFile });
    throw e;
  }
  if (!s.verifyDigest(Buffer.from(request.digest, 'hex'), raw, cert.publicKey)) {
    throw new ValidationError(`Cannot attach signature "${sigFile}": it is not a signature of digest ${request.digest} by certificate "${cert.subject}" (${cert.thumbprint}). Sign exactly the digest in "sphere image digest ${file}" with that key.`, { code: 'SIGNATURE_MISMATCH', path: sigFile });
  }
  const out = ib.withSignature(bytes, file, raw);
  ib.writeFileAtomic(destination, out);
  return { data: { file, destination, mode: 'attach', thumbprint: cert.thumbprint, signer: cert.commonName ?? cert.subject, digest: request.digest, size: out.length }, text: `Attached the signature: wrote ${destination} (${out.length} bytes), signed by "${cert.commonName ?? cert.subject}" (${cert.thumbprint})\n` };
}

function readPackageFileRaw(path: string): Uint8Array {
  const { readFileSync } = process.getBuiltinModule('node:fs');
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new UsageError(`Cannot read signature "${path}": the file does not exist or is unreadable. Check the path.`, { code: 'FILE_NOT_FOUND', path });
  }
}

async function resign(ctx: CommandContext, file: string, bytes: Uint8Array, destination: string) {
  const ib = await import('../../image-builder/index');
  const { signerFromFlags, caDir } = await import('../signing');
  const flags: Record<string, string> = { caDir: caDir(ctx.options, ctx.env) };
  for (const k of ['key', 'cert', 'signCommand', 'pkcs11'] as const) { const v = optString(ctx, k); if (v !== undefined) flags[k] = v; }
  if (!flags['key'] && !flags['pkcs11'] && !flags['signCommand'] && !flags['cert']) throw new UsageError(`Cannot sign package "${file}": no signer given. Pass --signature <sig> to attach one, or --cert with --key, --pkcs11 or --sign-command to re-sign.`, { code: 'NO_SIGNER' });
  const before = ib.signingRequest(bytes, file);
  const signer = await signerFromFlags(flags, ctx.env);
  const out = await ib.resignPackage(bytes, file, signer);
  ib.writeFileAtomic(destination, out);
  const thumbprint = Buffer.from(signer.thumbprint).toString('hex');
  return { data: { file, destination, mode: 'resign', previousThumbprint: before.thumbprint, thumbprint, size: out.length }, text: `Re-signed ${file} as ${destination} (${out.length} bytes)\n  signer ${before.thumbprint} -> ${thumbprint}\n` };
}

export const commands: CommandDef[] = [
  {
    group: 'image', name: 'digest <file>', description: 'Write the signing request of a package: the SHA-256 digest to sign and what the package is',
    options: [{ flags: '--destination <req.json>', description: 'Write the request (JSON) to this file instead of stdout' }],
    examples: ['sphere image digest app.unsigned.imagepackage --destination req.json'],
    async action(ctx, file) {
      const ib = await import('../../image-builder/index');
      const request = ib.signingRequest(readPackageFile(file!), file!);
      const destination = optString(ctx, 'destination');
      if (destination) ib.writeFileAtomic(destination, new TextEncoder().encode(JSON.stringify(request, null, 2) + '\n'));
      const caps = Object.entries(request.capabilities).map(([k, v]) => `    ${k}: ${v.join(', ')}\n`).join('');
      const text = `${destination ? `Wrote the signing request to ${destination}\n` : ''}digest     ${request.digest} (${request.algorithm}: sign these 32 bytes as given, no further hashing)\n  signer     ${request.thumbprint}\n  component  ${request.componentId}, image ${request.imageId}, ${request.imageTypeName}, security version ${request.securityVersion}\n  manifest   sha256 ${request.manifestSha256 ?? '(none)'}\n${caps ? `  capabilities\n${caps}` : ''}`;
      return { data: request, text };
    },
  },
  {
    group: 'image', name: 'sign <file>', description: 'Attach a signature made elsewhere (--signature), or re-sign a package with another signer',
    options: [{ flags: '--destination <file>', description: 'Package file to write (required; replaced atomically, so it may be the input)' }, ...signerOptions],
    examples: ['sphere image sign app.unsigned.imagepackage --signature sig.der --destination app.imagepackage', 'sphere image sign dev.imagepackage --cert release.pem --pkcs11 "pkcs11:token=rel;object=signkey?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:pin" --destination release.imagepackage'],
    async action(ctx, file) {
      const destination = destinationOf(ctx, `sign package "${file}"`);
      const bytes = readPackageFile(file!);
      const sig = optString(ctx, 'signature');
      if (sig && (optString(ctx, 'key') || optString(ctx, 'pkcs11') || optString(ctx, 'signCommand'))) throw new UsageError('Cannot both attach --signature and re-sign: give --signature alone, or a signer (--key, --pkcs11, --sign-command).', { code: 'TWO_SIGNERS' });
      return sig ? attach(ctx, file!, bytes, sig, destination) : resign(ctx, file!, bytes, destination);
    },
  },
  {
    group: 'image', name: 'diff <a> <b>', description: 'Compare two packages (identity, signer and root, capabilities, manifest, security version, files); --fail-on for a release gate',
    options: [
      { flags: '--fail-on <reasons>', description: 'Comma-separated reasons to exit 1 on, one line each on stderr: capability-added, capability-removed, signer-changed, root-changed, security-version-lowered, security-version-changed, component-changed, manifest-changed, files-changed' },
      { flags: '--trust <cert.pem>', description: 'Also trust these certificates or folders when finding each signer\'s root (repeatable)', type: [String] },
      { flags: '--ca-dir <dir>', description: 'Development CA folder, trusted when present' },
    ],
    examples: ['sphere image diff release-1.imagepackage release-2.imagepackage --fail-on capability-added,signer-changed,security-version-lowered'],
    async action(ctx, a, b) {
      const ib = await import('../../image-builder/index');
      const s = await import('../../signer/index');
      const { trustSetupFrom, caDir } = await import('../signing');
      const reasons = (optString(ctx, 'failOn') ?? '').split(',').map((r) => r.trim()).filter(Boolean);
      const unknown = reasons.find((r) => !(r in ib.FAIL_ON));
      if (unknown) throw new UsageError(`Cannot use --fail-on reason "${unknown}": expected one of ${Object.keys(ib.FAIL_ON).join(', ')}.`, { code: 'BAD_FAIL_ON' });
      const va = ib.readPackage(readPackageFile(a!)), vb = ib.readPackage(readPackageFile(b!));
      const trust = trustSetupFrom(optList(ctx, 'trust').map((t) => resolve(ctx.cwd, t)), caDir(ctx.options, ctx.env));
      const rootOf = (t: string): string | null => {
        const c = s.followChain(t, { anchors: trust.store, certificates: trust.certificates, revoked: new Set() });
        return c.ok ? c.links[c.links.length - 1]!.thumbprint : null;
      };
      const d = ib.diffPackages(va, vb, { rootOf });
      const failures = ib.failReasons(d, reasons);
      for (const f of failures) ctx.ui.error(f);
      return { data: { a, b, ...d, failOn: reasons, failures }, text: diffText(d, a!, b!), exitCode: failures.length ? 1 : 0 };
    },
  },
];

function diffText(d: import('../../image-builder/index').PackageDiff, a: string, b: string): string {
  if (d.identical) return `${a} and ${b} are identical\n`;
  const l: string[] = [`${a} -> ${b}`];
  const pair = (name: string, x: { from: unknown; to: unknown; same: boolean }) => l.push(`  ${name.padEnd(17)}${x.same ? `${String(x.from)} (same)` : `${String(x.from)} -> ${String(x.to)}`}`);
  pair('component', d.componentId); pair('image ID', d.imageId); pair('image type', d.imageType); pair('signer', d.signer);
  l.push(`  ${'signer root'.padEnd(17)}${d.signer.sameRoot ? `${d.signer.fromRoot} (same)` : `${d.signer.fromRoot ?? '(untrusted)'} -> ${d.signer.toRoot ?? '(untrusted)'}`}`);
  l.push(`  ${'security version'.padEnd(17)}${d.securityVersion.from}${d.securityVersion.change === 'same' ? ' (same)' : ` -> ${d.securityVersion.to} (${d.securityVersion.change})`}`);
  for (const c of d.capabilities.added) l.push(`  + capability ${c.capability} ${c.value}`);
  for (const c of d.capabilities.removed) l.push(`  - capability ${c.capability} ${c.value}`);
  for (const m of d.manifest) l.push(`  ~ manifest ${m.field}: ${JSON.stringify(m.from)} -> ${JSON.stringify(m.to)}`);
  for (const f of d.files) l.push(`  ${f.change === 'added' ? '+' : f.change === 'removed' ? '-' : '~'} file ${f.path} (${f.change === 'added' ? `${f.toSize} bytes` : f.change === 'removed' ? `${f.fromSize} bytes` : `${f.fromSize} -> ${f.toSize} bytes`})`);
  return l.join('\n') + '\n';
}
