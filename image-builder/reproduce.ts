/**
 * Reproducible verification (`sphere image verify --reproduce <approot>`): rebuild an application
 * package from its source folder with the settings the package records — image ID and build time
 * (Identity and Debug sections), target API set (its manifest), security version (Revocation
 * section), signer thumbprint — and compare.
 * The package's own signature is reused, so a faithful rebuild is byte-identical; otherwise the
 * first difference is named: a file, a metadata section, or a byte offset.
 */
import { buildPackage, planApplicationPackage, type PackOptions } from './pack';
import { listFiles, manifestText, readPackage, type PackageView } from './package';
import { sectionName } from './metadata';
import { ValidationError } from './errors';

export interface ReproduceOptions {
  approot: string;
  hardwareDefinitionDirs?: string[];
  targetDefinition?: string;
  executables?: string[];
}

export type ReproduceResult =
  | { identical: true; size: number }
  | { identical: false; kind: 'file' | 'section' | 'bytes'; where: string; detail: string; offset?: number };

function _apiSet(view: PackageView): string | undefined {
  const t = manifestText(view);
  if (t === undefined) return undefined;
  try {
    const v = (JSON.parse(t) as { TargetApiSet?: unknown }).TargetApiSet;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** First difference between the package's files and the rebuild's, in the package's order. */
function _fileDifference(a: PackageView, b: PackageView): ReproduceResult | undefined {
  const fb = new Map(listFiles(b).map((f) => [f.path, f]));
  for (const f of listFiles(a)) {
    const g = fb.get(f.path);
    if (!g) return { identical: false, kind: 'file', where: f.path, detail: `"${f.path}" is in the package but not in the approot` };
    if (f.type !== g.type || f.mode !== g.mode) return { identical: false, kind: 'file', where: f.path, detail: `"${f.path}" is ${f.type} ${f.mode} in the package, ${g.type} ${g.mode} in the rebuild` };
    if (f.size !== g.size || f.sha256 !== g.sha256) return { identical: false, kind: 'file', where: f.path, detail: `"${f.path}" differs (${f.size} bytes in the package, ${g.size} in the approot)` };
    fb.delete(f.path);
  }
  const extra = fb.keys().next();
  if (!extra.done) return { identical: false, kind: 'file', where: extra.value, detail: `"${extra.value}" is in the approot but not in the package` };
  return undefined;
}

/** Rebuilds `view` (a parsed application package) from `o.approot` and compares. */
export async function reproducePackage(view: PackageView, o: ReproduceOptions): Promise<ReproduceResult> {
  const id = view.metadata.identity, sg = view.metadata.signature, dbg = view.metadata.debug;
  if (!id || !sg || !dbg || !view.asxipfs) {
    throw new ValidationError('Cannot reproduce the package: it is not an application package with Identity, Signature and Debug sections. Only packages made by image pack can be rebuilt.', { code: 'NOT_REPRODUCIBLE' });
  }
  const api = _apiSet(view);
  const pack: PackOptions = { approot: o.approot, imageId: id.imageId, buildTime: dbg.buildTime };
  if (api !== undefined) pack.targetApiSet = api;
  if (view.metadata.revocation) pack.securityVersion = view.metadata.revocation.securityVersion;
  if (o.hardwareDefinitionDirs) pack.hardwareDefinitionDirs = o.hardwareDefinitionDirs;
  if (o.targetDefinition) pack.targetDefinition = o.targetDefinition;
  if (o.executables) pack.executables = o.executables;
  const plan = planApplicationPackage(pack);
  const signature = view.split.signature.slice();
  const rebuilt = await buildPackage(plan, { thumbprint: Buffer.from(sg.thumbprint, 'hex'), signingType: sg.signingType, sign: () => Promise.resolve(signature) });
  const a = view.bytes;
  if (Buffer.compare(Buffer.from(a), Buffer.from(rebuilt)) === 0) return { identical: true, size: a.length };
  const other = readPackage(rebuilt);
  const file = _fileDifference(view, other);
  if (file) return file;
  const sb = other.split.sections;
  for (const [i, s] of view.split.sections.entries()) {
    const t = sb[i];
    if (!t || t.id !== s.id || Buffer.compare(Buffer.from(s.data), Buffer.from(t.data)) !== 0) {
      return { identical: false, kind: 'section', where: sectionName(s.id), detail: `the ${sectionName(s.id)} section differs${t && t.id !== s.id ? ` (the rebuild has ${sectionName(t.id)} there)` : ''}`, offset: s.offset };
    }
  }
  if (sb.length !== view.split.sections.length) return { identical: false, kind: 'section', where: 'metadata', detail: `the package has ${view.split.sections.length} metadata sections, the rebuild ${sb.length}` };
  let off = 0;
  while (off < a.length && off < rebuilt.length && a[off] === rebuilt[off]) off++;
  return { identical: false, kind: 'bytes', where: `offset ${off}`, detail: `the bytes differ from offset ${off} (file system layout)`, offset: off };
}
