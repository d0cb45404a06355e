/**
 * Packing (spec/imagepackage.md §5, §5.1): plan an application or board-configuration package
 * (pure: tree, layout, manifest, metadata fields), then build its bytes, sign them, and write the
 * file atomically so a failure never leaves a partial package behind.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { SphereError, UsageError, ValidationError } from './errors';
import { layoutAsxipfs, writeAsxipfs, type AsxipfsLayout, type FsNode } from './asxipfs';
import { readApproot, type FileSource } from './approot';
import { abiSection, buildMetadata, debugSection, identitySection, signatureSection, u32Section, type SectionInput } from './metadata';
import { guidFromDigest, normalizeGuid, randomGuid } from './guid';
import { prepareManifest, type PreparedManifest } from './manifest-rewrite';
import { ABI_TYPE_APPLICATION_RUNTIME, IMAGE_TYPE_APPLICATIONS, IMAGE_TYPE_BOARD_CONFIG, SECTION, TEMPORARY_FLAG } from './format';
import { boardConfigImageName, buildBoardConfigPayload } from './board-config';
import { align, ioBuffer } from './bytes';

/** What the packer needs from a signer (signer/ provides file-key and external-command ones). */
export interface PackageSigner {
  thumbprint: Uint8Array;
  signingType: number;
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** The same signature from SHA-256(message), when the signer can take the digest (lets `writePackageFile` stream). */
  signDigest?(digest: Uint8Array): Promise<Uint8Array>;
}

export interface PackOptions {
  approot: string;
  /** Source manifest; default `<approot>/app_manifest.json`. */
  manifest?: string;
  hardwareDefinitionDirs?: string[];
  targetDefinition?: string;
  targetApiSet?: string;
  executables?: string[];
  imageId?: string;
  /** Unix seconds. */
  buildTime?: number;
  /** Derive the image ID from the content when none is given. */
  reproducible?: boolean;
  /** The destination, left out of the tree when it lies inside the approot. */
  destination?: string;
  /** Anti-rollback security version, written as the Revocation section (§2.10); absent when not given. */
  securityVersion?: number;
  now?: () => number;
  random?: (n: number) => Uint8Array;
}

export interface PackPlan {
  kind: 'application' | 'board-config';
  imageType: number;
  componentId: string;
  imageId: string | undefined;
  imageIdDerived: boolean;
  name: string;
  buildTime: number;
  abiDepends: Array<{ version: number; type: number }> | undefined;
  /** Revocation section value; undefined writes no section. */
  securityVersion?: number;
  manifest?: PreparedManifest;
  tree?: FsNode;
  layout?: AsxipfsLayout;
  payload?: Uint8Array;
  warnings: string[];
}

/** A security version is a u32 (§2.10); anything else is a caller error. */
function checkSecurityVersion(v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) throw new RangeError(`a security version is an integer from 0 to 4294967295, got ${v}`);
}

function resolveBuildTime(o: { buildTime?: number; now?: () => number }): number {
  if (o.buildTime !== undefined) return o.buildTime;
  return Math.floor((o.now ?? Date.now)() / 1000);
}

/** The manifest's EntryPoint must be a file of the approot: a device could not start the app otherwise. */
function checkEntryPoint(tree: FsNode, entryPoint: string, approot: string, manifestPath: string): void {
  let node: FsNode | undefined = tree;
  for (const part of entryPoint.split('/').filter(Boolean)) {
    node = node?.children?.find((c) => Buffer.from(c.name).toString('utf8') === part);
  }
  if (!node || node.children !== undefined) {
    throw new ValidationError(`Cannot pack "${approot}": the manifest's EntryPoint "/${entryPoint.replace(/^\/+/, '')}" is not a file in the approot. Build the app into "${join(approot, entryPoint)}" or fix EntryPoint in "${manifestPath}".`, { code: 'ENTRY_POINT_MISSING', path: join(approot, entryPoint) });
  }
}

/** Plans an application package: reads the folder and manifest, lays out the file system. */
export function planApplicationPackage(o: PackOptions): PackPlan {
  const approot = resolve(o.approot);
  const manifestPath = o.manifest ?? join(approot, 'app_manifest.json');
  const m = prepareManifest(manifestPath, {
    ...(o.targetApiSet === undefined ? {} : { targetApiSet: o.targetApiSet }),
    ...(o.hardwareDefinitionDirs === undefined ? {} : { hardwareDefinitionDirs: o.hardwareDefinitionDirs }),
    ...(o.targetDefinition === undefined ? {} : { targetDefinition: o.targetDefinition }),
  });
  const executables = [...(o.executables ?? [])];
  if (m.entryPoint) executables.push(m.entryPoint);
  const tree = readApproot(approot, {
    executables,
    exclude: o.destination ? [resolve(o.destination), resolve(o.destination) + '.tmp'] : [],
    overrides: new Map([['app_manifest.json', m.bytes]]),
  });
  if (m.entryPoint) checkEntryPoint(tree, m.entryPoint, approot, manifestPath);
  const layout = layoutAsxipfs(tree);
  const plan: PackPlan = {
    kind: 'application', imageType: IMAGE_TYPE_APPLICATIONS, componentId: m.componentId,
    imageId: o.imageId === undefined ? undefined : normalizeGuid(o.imageId, 'image ID'), imageIdDerived: false,
    name: m.name, buildTime: resolveBuildTime(o),
    abiDepends: m.runtimeVersion === undefined ? [] : [{ version: m.runtimeVersion, type: ABI_TYPE_APPLICATION_RUNTIME }],
    manifest: m, tree, layout, warnings: [...m.warnings],
  };
  checkSecurityVersion(o.securityVersion);
  if (o.securityVersion !== undefined) plan.securityVersion = o.securityVersion;
  if (plan.imageId === undefined && !o.reproducible) plan.imageId = randomGuid(o.random);
  return plan;
}

export interface BoardConfigOptions {
  preset: string;
  componentId?: string;
  imageId?: string;
  buildTime?: number;
  reproducible?: boolean;
  securityVersion?: number;
  now?: () => number;
  random?: (n: number) => Uint8Array;
}

/** Plans a board configuration package (type 21, FDT payload, no ND section; §4). */
export function planBoardConfigPackage(o: BoardConfigOptions): PackPlan {
  const payload = buildBoardConfigPayload(o.preset);
  const componentId = o.componentId ? normalizeGuid(o.componentId, 'component ID')
    : o.reproducible ? guidFromDigest(createHash('sha256').update('board-config:').update(payload).digest()) : randomGuid(o.random);
  const plan: PackPlan = {
    kind: 'board-config', imageType: IMAGE_TYPE_BOARD_CONFIG, componentId,
    imageId: o.imageId === undefined ? undefined : normalizeGuid(o.imageId, 'image ID'), imageIdDerived: false,
    name: boardConfigImageName(o.preset, componentId), buildTime: resolveBuildTime(o), abiDepends: undefined, payload, warnings: [],
  };
  checkSecurityVersion(o.securityVersion);
  if (o.securityVersion !== undefined) plan.securityVersion = o.securityVersion;
  if (plan.imageId === undefined && !o.reproducible) plan.imageId = randomGuid(o.random);
  return plan;
}

function fillFromSource(node: FsNode, target: Uint8Array): void {
  const src = node.source as FileSource;
  if ('bytes' in src) { target.set(src.bytes); return; }
  const fd = openSync(src.path, 'r');
  try {
    let done = 0;
    while (done < target.length) {
      const n = readSync(fd, target, done, target.length - done, done);
      if (n === 0) throw new ValidationError(`Cannot pack file "${src.path}": it shrank while being read. Pack again when nothing is writing to the folder.`, { code: 'FILE_CHANGED', path: src.path });
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

export function metadataSections(plan: PackPlan, imageId: string, signer: PackageSigner): SectionInput[] {
  const s: SectionInput[] = [
    identitySection(plan.imageType, plan.componentId, imageId),
    signatureSection(signer.thumbprint, signer.signingType),
    debugSection(plan.buildTime, plan.name),
    u32Section(SECTION.TemporaryImage, TEMPORARY_FLAG.UnderDevelopment),
  ];
  if (plan.abiDepends) s.push(abiSection(SECTION.ABIDepends, plan.abiDepends));
  if (plan.securityVersion !== undefined) s.push(u32Section(SECTION.Revocation, plan.securityVersion));
  return s;
}

/** Builds and signs the package bytes of a plan. */
export async function buildPackage(plan: PackPlan, signer: PackageSigner): Promise<Uint8Array> {
  const payloadSize = plan.layout ? plan.layout.size : align(plan.payload!.length, 4);
  const zeroId = '00000000-0000-0000-0000-000000000000';
  const metaLen = buildMetadata(metadataSections(plan, zeroId, signer)).length;
  const out = ioBuffer(payloadSize + metaLen + 64);
  if (plan.layout) writeAsxipfs(plan.layout, out, fillFromSource);
  else out.set(plan.payload!, 0);
  let imageId = plan.imageId;
  if (imageId === undefined) {
    // Reproducible: the image ID is a digest of everything else the package holds.
    const h = createHash('sha256').update(out.subarray(0, payloadSize)).update(buildMetadata(metadataSections(plan, zeroId, signer)));
    imageId = guidFromDigest(h.digest());
    plan.imageId = imageId;
    plan.imageIdDerived = true;
  }
  out.set(buildMetadata(metadataSections(plan, imageId, signer)), payloadSize);
  const sig = await signer.sign(out.subarray(0, payloadSize + metaLen));
  if (sig.length !== 64) throw new SphereError(`Cannot sign the package: the signer returned ${sig.length} bytes, expected a 64-byte r‖s signature.`, { code: 'BAD_SIGNER_OUTPUT' });
  out.set(sig, payloadSize + metaLen);
  return out;
}

/**
 * Writes bytes to `dest` atomically: a temporary file beside it, then rename, so a killed process
 * leaves either the old file or the new one. `durable` adds an fsync before the rename (power-loss
 * safety) for state that must survive a crash; package output skips it, as other build tools do.
 */
export function writeFileAtomic(dest: string, bytes: Uint8Array, mode = 0o644, durable = false): void {
  const tmp = join(dirname(resolve(dest)), `.${basename(dest)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', mode);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, dest);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw writeError(dest, e);
  }
}

/** The error to report for a failed write of `dest`: a usage error for the usual causes, else `e` itself. */
export function writeError(dest: string, e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR' || err.code === 'ENOTDIR') {
    return new UsageError(`Cannot write file "${dest}": ${err.code === 'ENOENT' ? 'its folder does not exist' : err.code === 'EACCES' ? 'permission denied' : 'a folder is in the way'}. Choose another destination.`, { code: 'CANNOT_WRITE', path: dest });
  }
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return new SphereError(`Cannot write file "${dest}": ${err.code === 'ENOSPC' ? 'the disk is full' : 'the disk quota is used up'}. Free some space or choose a destination on another disk.`, { code: 'DISK_FULL', path: dest });
  }
  if (err.code === 'EROFS') {
    return new UsageError(`Cannot write file "${dest}": its file system is read-only. Choose another destination.`, { code: 'CANNOT_WRITE', path: dest });
  }
  return e;
}

export { UsageError };
