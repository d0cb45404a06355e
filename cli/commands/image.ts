/**
 * `sphere image …`: pack, pack-board-config, show, verify, extract. Actions load the libraries
 * lazily so that `sphere --version` and help stay fast.
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optList, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { packageFilePath, readPackageFile } from '../files';
import { showText, verifyText } from './image-text';

/** `--build-time` / SOURCE_DATE_EPOCH: Unix seconds or an ISO 8601 date. */
export function parseBuildTime(text: string, what = '--build-time'): number {
  const t = text.trim();
  if (/^\d{1,12}$/.test(t)) return Number(t);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN;
  if (Number.isNaN(ms) || ms < 0) throw new UsageError(`Cannot use ${what} "${text}": expected Unix seconds (e.g. 1700000000) or an ISO 8601 date (e.g. 2024-01-31T12:00:00Z).`, { code: 'BAD_BUILD_TIME' });
  return Math.floor(ms / 1000);
}

/** `--security-version`: a u32 written as the package's Revocation section. */
export function parseSecurityVersion(ctx: CommandContext): { securityVersion?: number } {
  const text = optString(ctx, 'securityVersion');
  if (text === undefined) return {};
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t) || Number(t) > 0xffffffff) throw new UsageError(`Cannot use --security-version "${text}": expected a whole number from 0 to 4294967295.`, { code: 'BAD_SECURITY_VERSION' });
  return { securityVersion: Number(t) };
}

function reproducibility(ctx: CommandContext): { buildTime?: number; reproducible: boolean } {
  const flag = optString(ctx, 'buildTime');
  const epoch = ctx.env['SOURCE_DATE_EPOCH'];
  const out: { buildTime?: number; reproducible: boolean } = { reproducible: optBool(ctx, 'reproducible') || (epoch !== undefined && epoch !== '') };
  if (flag !== undefined) out.buildTime = parseBuildTime(flag);
  else if (epoch) out.buildTime = parseBuildTime(epoch, 'SOURCE_DATE_EPOCH');
  return out;
}

const signingOptions = [
  { flags: '--key <file>', description: 'Private key (PKCS#8 PEM) to sign with; default: the development CA key' },
  { flags: '--cert <file>', description: 'Certificate (PEM) of the signing key; its SHA-1 thumbprint goes in the package' },
  { flags: '--sign-command <cmd>', description: 'External signer (HSM/KMS): run via sh with SPHERE_DIGEST_HEX / SPHERE_DIGEST_FILE (SHA-256 of the bytes to sign); print a P-256 signature (DER or raw r||s, binary, hex or base64)' },
  { flags: '--pkcs11 <uri>', description: 'Sign with a key in a PKCS#11 token (RFC 7512 URI: token, object/id, module-path, pin-source=file:<path>|env:<NAME>; default PIN from $SPHERE_PKCS11_PIN); needs --cert' },
  { flags: '--digest-out <file>', description: 'Two-step signing, step 1: write the SHA-256 digest to sign (32 bytes) and stop; use fixed --build-time/--image-id or SOURCE_DATE_EPOCH' },
  { flags: '--unsigned', description: 'Write the package up to its signature (all-zero trailer, --cert\'s thumbprint in place) for "image digest" and "image sign --signature"' },
  { flags: '--signature <file>', description: 'Two-step signing, step 2: attach this signature of the digest (DER or raw r||s); needs --cert' },
  { flags: '--ca-dir <dir>', description: 'Development CA folder (default: $SPHERE_CA_DIR, else ~/.config/sphere/ca)' },
];

const reproOptions = [
  { flags: '--image-id <guid>', description: 'Image ID; default random, or derived from the content when reproducible' },
  { flags: '--build-time <time>', description: 'Build time as Unix seconds or ISO 8601; default SOURCE_DATE_EPOCH, else now' },
  { flags: '--reproducible', description: 'Derive the image ID from the content (implied by SOURCE_DATE_EPOCH)' },
  { flags: '--security-version <n>', description: 'Anti-rollback security version (u32, Revocation section); a device refuses a lower one than it has installed. Default: none' },
  { flags: '--dry-run', description: 'Plan only: report the layout without signing or writing' },
];

async function signerFor(ctx: CommandContext) {
  const { signerFromFlags, caDir } = await import('../signing');
  const flags: Record<string, string> = { caDir: caDir(ctx.options, ctx.env) };
  for (const k of ['key', 'cert', 'signCommand', 'signature', 'pkcs11'] as const) { const v = optString(ctx, k); if (v !== undefined) flags[k] = v; }
  return signerFromFlags(flags, ctx.env);
}

/** Loads the signer first (a missing CA fails before any work), then plans, builds and writes. */
async function packWith(ctx: CommandContext, planner: () => import('../../image-builder/index').PackPlan, destination: string) {
  const ib = await import('../../image-builder/index');
  const digestOut = optString(ctx, 'digestOut');
  if (digestOut) return digestStep(ctx, planner(), digestOut);
  if (optBool(ctx, 'unsigned')) return unsignedStep(ctx, planner(), destination);
  const signer = optBool(ctx, 'dryRun') ? undefined : await signerFor(ctx);
  const plan = planner();
  for (const w of plan.warnings) ctx.ui.warn(w);
  const summary = (extra: Record<string, unknown>) => ({
    destination, kind: plan.kind, imageType: plan.imageType, componentId: plan.componentId, imageId: plan.imageId ?? null,
    name: plan.name, buildTime: plan.buildTime, buildTimeUtc: ib.isoSeconds(plan.buildTime),
    ...(plan.securityVersion === undefined ? {} : { securityVersion: plan.securityVersion }),
    ...(plan.layout ? { payloadSize: plan.layout.size, inodes: plan.layout.files, files: plan.layout.nodes.map((n) => ({ path: n.path, mode: '0' + n.node.mode.toString(8), size: n.size, offset: n.offset })) } : {}),
    ...extra,
  });
  if (!signer) {
    const data = summary({ dryRun: true });
    return { data, text: `Would write ${destination}: ${plan.name} (${plan.componentId}), ${plan.layout ? `${plan.layout.files} inodes, ${plan.layout.size} payload bytes` : 'board configuration'}\n` };
  }
  const size = await ib.writePackageFile(plan, signer, destination);
  const data = summary({ size, signerThumbprint: Buffer.from(signer.thumbprint).toString('hex'), imageIdDerived: plan.imageIdDerived });
  return { data, text: `Packed ${destination} (${size} bytes)\n  name ${plan.name}, component ${plan.componentId}, image ${plan.imageId}${plan.securityVersion === undefined ? '' : `, security version ${plan.securityVersion}`}\n  signed by ${Buffer.from(signer.thumbprint).toString('hex')}\n` };
}

/** `--unsigned`: the package with the certificate's thumbprint in place and an all-zero signature. */
async function unsignedStep(ctx: CommandContext, plan: import('../../image-builder/index').PackPlan, destination: string) {
  const ib = await import('../../image-builder/index');
  const s = await import('../../signer/index');
  const { readText } = await import('../signing');
  const certPath = optString(ctx, 'cert');
  if (!certPath) throw new UsageError('Cannot pack --unsigned without --cert: the package names its signer by the certificate\'s thumbprint. Pass the certificate of the key that will sign it.', { code: 'NEED_CERT' });
  const cert = s.parseCertificate(readText(certPath, 'certificate'));
  for (const w of plan.warnings) ctx.ui.warn(w);
  const bytes = await ib.buildPackage(plan, ib.placeholderSigner(Buffer.from(cert.thumbprint, 'hex'), s.SIGNING_TYPE.ECDSA256));
  ib.writeFileAtomic(destination, bytes);
  const data = { destination, unsigned: true, size: bytes.length, componentId: plan.componentId, imageId: plan.imageId, signerThumbprint: cert.thumbprint };
  return { data, text: `Packed ${destination} unsigned (${bytes.length} bytes) for ${cert.thumbprint}\n  next: sphere image digest ${destination}, sign the digest, then sphere image sign ${destination} --signature <sig> --destination <signed.imagepackage>\n` };
}

/** Step 1 of two-step signing: the digest an external signer must sign, with the certificate's thumbprint in place. */
async function digestStep(ctx: CommandContext, plan: import('../../image-builder/index').PackPlan, file: string) {
  const ib = await import('../../image-builder/index');
  const s = await import('../../signer/index');
  const { readText } = await import('../signing');
  const certPath = optString(ctx, 'cert');
  if (!certPath) throw new UsageError('Cannot compute the digest without --cert: the signed bytes include the signing certificate\'s thumbprint. Pass the release certificate.', { code: 'NEED_CERT' });
  if (plan.imageId === undefined && !reproducibility(ctx).reproducible) throw new UsageError('Cannot use --digest-out with a random image ID: step 2 must rebuild the same bytes. Pass --image-id and --build-time, or set SOURCE_DATE_EPOCH.', { code: 'NOT_REPRODUCIBLE' });
  if (optString(ctx, 'buildTime') === undefined && !ctx.env['SOURCE_DATE_EPOCH']) throw new UsageError('Cannot use --digest-out without a fixed build time: step 2 must rebuild the same bytes. Pass --build-time or set SOURCE_DATE_EPOCH.', { code: 'NOT_REPRODUCIBLE' });
  const cert = s.parseCertificate(readText(certPath, 'certificate'));
  let digest: Uint8Array | undefined;
  await ib.buildPackage(plan, {
    thumbprint: Buffer.from(cert.thumbprint, 'hex'), signingType: 1,
    sign: async (m) => { digest = s.digestOf(m); return new Uint8Array(64); },
  });
  ib.writeFileAtomic(file, digest!);
  const hexDigest = Buffer.from(digest!).toString('hex');
  const data = { digestFile: file, digest: hexDigest, algorithm: 'ECDSA P-256 over SHA-256; sign this digest as given (no further hashing)', imageId: plan.imageId, buildTime: plan.buildTime, certificate: cert.thumbprint };
  return { data, text: `Wrote the SHA-256 digest to ${file}\n  ${hexDigest}\nSign it with the key of ${cert.thumbprint} (ECDSA P-256, prehashed), then run the same pack command with --signature <file> instead of --digest-out.\n` };
}

export const commands: CommandDef[] = [
  {
    group: 'image', name: 'pack <approot>', description: 'Pack an application folder into a signed .imagepackage',
    options: [
      { flags: '--destination <file>', description: 'Package file to write (required)', deprecated: ['-o'] },
      { flags: '--manifest <file>', description: 'Application manifest (default: <approot>/app_manifest.json)' },
      { flags: '--hardware-definitions <dir>', description: 'Folder(s) searched for hardware definitions (repeatable)', type: [String] },
      { flags: '--target-definition <file>', description: 'Target hardware definition JSON resolving $NAME peripherals' },
      { flags: '--target-api-set <n>', description: 'Target API set (application runtime version), e.g. 16' },
      { flags: '--executables <path>', description: 'Extra files stored as executable (repeatable)', type: [String] },
      ...signingOptions, ...reproOptions,
    ],
    examples: ['sphere image pack samples/hello/approot --destination hello.imagepackage --target-api-set 16'],
    async action(ctx, approot) {
      const destination = optString(ctx, 'destination');
      if (!destination) throw new UsageError('Cannot pack: no destination given. Pass --destination <file.imagepackage>.', { code: 'NO_DESTINATION' });
      const ib = await import('../../image-builder/index');
      const o: import('../../image-builder/index').PackOptions = { approot: approot!, destination, ...reproducibility(ctx), ...parseSecurityVersion(ctx) };
      const manifest = optString(ctx, 'manifest'); if (manifest) o.manifest = manifest;
      const hw = optList(ctx, 'hardwareDefinitions'); if (hw.length) o.hardwareDefinitionDirs = hw;
      const td = optString(ctx, 'targetDefinition'); if (td) o.targetDefinition = td;
      const api = optString(ctx, 'targetApiSet'); if (api) o.targetApiSet = api;
      const ex = optList(ctx, 'executables'); if (ex.length) o.executables = ex;
      const id = optString(ctx, 'imageId'); if (id) o.imageId = id;
      return packWith(ctx, () => ib.planApplicationPackage(o), destination);
    },
  },
  {
    group: 'image', name: 'pack-board-config', description: 'Pack a board configuration package (type 21) from a preset',
    options: [
      { flags: '--preset <name>', description: 'Board configuration preset, e.g. lan-enc28j60-isu0-int5' },
      { flags: '--destination <file>', description: 'Package file to write (required)', deprecated: ['-o'] },
      { flags: '--component-id <guid>', description: 'Component ID; default random, or derived when reproducible' },
      ...signingOptions, ...reproOptions,
    ],
    async action(ctx) {
      const destination = optString(ctx, 'destination');
      const preset = optString(ctx, 'preset');
      if (!preset) throw new UsageError('Cannot pack a board configuration: no preset given. Pass --preset (e.g. lan-enc28j60-isu0-int5).', { code: 'NO_PRESET' });
      if (!destination) throw new UsageError('Cannot pack: no destination given. Pass --destination <file.imagepackage>.', { code: 'NO_DESTINATION' });
      const ib = await import('../../image-builder/index');
      const o: import('../../image-builder/index').BoardConfigOptions = { preset, ...reproducibility(ctx), ...parseSecurityVersion(ctx) };
      const id = optString(ctx, 'imageId'); if (id) o.imageId = id;
      const cid = optString(ctx, 'componentId'); if (cid) o.componentId = cid;
      return packWith(ctx, () => ib.planBoardConfigPackage(o), destination);
    },
  },
  {
    group: 'image', name: 'show <file>', description: 'Show every metadata section, the file tree and the manifest of a package',
    async action(ctx, file) {
      const ib = await import('../../image-builder/index');
      const { sdkTestChecker } = await import('./image-sdk');
      const view = ib.readPackage(readPackageFile(file!));
      const data = ib.describePackage(view, { file: file!, verifiesWithSdkTest: sdkTestChecker });
      return { data, text: showText(view, data, file!) };
    },
  },
  {
    group: 'image', name: 'verify <file>', description: 'Check a package\'s structure and signature against the trust store',
    options: [
      { flags: '--trust <cert.pem>', description: 'Also trust these certificates (repeatable)', type: [String] },
      { flags: '--ca-dir <dir>', description: 'Development CA folder, trusted when present' },
      { flags: '--reproduce <approot>', description: 'Also rebuild the package from this folder with the settings it records; report identical or the first difference' },
      { flags: '--hardware-definitions <dir>', description: 'With --reproduce: folder(s) searched for hardware definitions (repeatable)', type: [String] },
    ],
    async action(ctx, file) {
      const ib = await import('../../image-builder/index');
      const { localChecker } = await import('../signing');
      const approot = optString(ctx, 'reproduce');
      if (approot) return (await import('./image-reproduce')).verifyReproduce(ctx, file!, approot);
      const path = packageFilePath(file!, ctx.cwd);
      const verdict = ib.verifyPackageFile(path, localChecker(ctx), () => readPackageFile(file!, ctx.cwd));
      const data = verdict.ok
        ? { file, valid: true, signer: verdict.signer, thumbprint: verdict.thumbprint, layers: verdict.layers }
        : { file, valid: false, reason: verdict.reason, message: verdict.message, thumbprint: verdict.thumbprint ?? null, layers: verdict.layers };
      return { data, text: verifyText(verdict, file!), exitCode: verdict.ok ? 0 : 1 };
    },
  },
  {
    group: 'image', name: 'extract <file>', description: 'Write the files of a package to a folder or a tar archive',
    options: [
      { flags: '--destination <dir>', description: 'Folder to create (must be absent or empty)', deprecated: ['-o'] },
      { flags: '--tar <file>', description: 'Write a tar archive instead of a folder' },
      { flags: '--force', description: 'Extract into a folder that is not empty' },
    ],
    async action(ctx, file) {
      const ib = await import('../../image-builder/index');
      const dest = optString(ctx, 'destination');
      const tar = optString(ctx, 'tar');
      if (!dest === !tar) throw new UsageError('Cannot extract: give exactly one of --destination <folder> or --tar <file>.', { code: 'NEED_DESTINATION' });
      const view = ib.readPackage(readPackageFile(file!));
      const entries = tar ? await ib.extractToTar(view, tar) : ib.extractToFolder(view, dest!, { force: optBool(ctx, 'force') });
      const data = { file, destination: tar ?? dest, format: tar ? 'tar' : 'folder', entries };
      return { data, text: `Extracted ${entries.filter((e) => e.type === 'file').length} files to ${tar ?? dest}\n` };
    },
  },
];
