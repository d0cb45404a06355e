/**
 * Comparing two packages for a release gate (`sphere image diff`): identity, signer (and the
 * root it chains to), capabilities granted per peripheral, host or port, manifest fields,
 * security version (RV section, 0 when absent) and the file tree with sizes. `failReasons`
 * turns the comparison into the reasons a CI job stops on.
 */
import { IMAGE_TYPE } from './format';
import { listFiles, manifestText, type PackageView } from './package';
import { capabilitySummary } from './resign';

/** Every reason `--fail-on` accepts, with what it means (help text and README). */
export const FAIL_ON: Readonly<Record<string, string>> = {
  'capability-added': 'a capability value is granted that the first package did not have',
  'capability-removed': 'a capability value of the first package is gone',
  'signer-changed': 'the signing certificate (SG thumbprint) differs',
  'root-changed': 'the signers chain to different trusted roots (or one chains to none)',
  'security-version-lowered': 'the security version went down',
  'security-version-changed': 'the security version differs',
  'component-changed': 'the component ID or image type differs',
  'manifest-changed': 'a manifest field other than Capabilities differs',
  'files-changed': 'a file was added, removed or changed',
};

export interface FieldChange { field: string; from: unknown; to: unknown }
export interface FileChange { path: string; change: 'added' | 'removed' | 'changed'; fromSize?: number; toSize?: number }

export interface PackageDiff {
  componentId: { from: string | undefined; to: string | undefined; same: boolean };
  imageId: { from: string | undefined; to: string | undefined; same: boolean };
  imageType: { from: string | undefined; to: string | undefined; same: boolean };
  signer: { from: string | undefined; to: string | undefined; same: boolean; fromRoot: string | null; toRoot: string | null; sameRoot: boolean };
  securityVersion: { from: number; to: number; change: 'same' | 'raised' | 'lowered' };
  capabilities: { added: Array<{ capability: string; value: string }>; removed: Array<{ capability: string; value: string }> };
  manifest: FieldChange[];
  files: FileChange[];
  identical: boolean;
}

function _same<T>(a: T, b: T): { from: T; to: T; same: boolean } {
  return { from: a, to: b, same: a === b };
}

function _manifest(view: PackageView): Record<string, unknown> {
  const t = manifestText(view);
  if (t === undefined) return {};
  try {
    const j = JSON.parse(t) as Record<string, unknown>;
    return j !== null && typeof j === 'object' ? j : {};
  } catch {
    return {};
  }
}

export interface DiffOptions {
  /** The trusted root a signer thumbprint chains to, or null when none. */
  rootOf?: (thumbprint: string) => string | null;
}

/** Compares package `a` (the reference, e.g. the last release) with package `b`. */
export function diffPackages(a: PackageView, b: PackageView, o: DiffOptions = {}): PackageDiff {
  const ia = a.metadata.identity, ib = b.metadata.identity;
  const sa = a.metadata.signature?.thumbprint, sb = b.metadata.signature?.thumbprint;
  const rootOf = o.rootOf ?? (() => null);
  const fromRoot = sa === undefined ? null : rootOf(sa), toRoot = sb === undefined ? null : rootOf(sb);
  const va = a.metadata.revocation?.securityVersion ?? 0, vb = b.metadata.revocation?.securityVersion ?? 0;
  const ca = capabilitySummary(a), cb = capabilitySummary(b);
  const added: PackageDiff['capabilities']['added'] = [], removed: PackageDiff['capabilities']['removed'] = [];
  for (const k of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
    const x = new Set(ca[k] ?? []), y = new Set(cb[k] ?? []);
    for (const v of y) if (!x.has(v)) added.push({ capability: k, value: v });
    for (const v of x) if (!y.has(v)) removed.push({ capability: k, value: v });
  }
  const ma = _manifest(a), mb = _manifest(b);
  const manifest: FieldChange[] = [];
  for (const k of new Set([...Object.keys(ma), ...Object.keys(mb)])) {
    if (k === 'Capabilities') continue;
    if (JSON.stringify(ma[k]) !== JSON.stringify(mb[k])) manifest.push({ field: k, from: ma[k] ?? null, to: mb[k] ?? null });
  }
  const fa = new Map(listFiles(a).map((f) => [f.path, f])), fb = new Map(listFiles(b).map((f) => [f.path, f]));
  const files: FileChange[] = [];
  for (const [p, f] of fa) {
    const g = fb.get(p);
    if (!g) files.push({ path: p, change: 'removed', fromSize: f.size });
    else if (f.type !== g.type || f.mode !== g.mode || f.sha256 !== g.sha256 || f.size !== g.size) files.push({ path: p, change: 'changed', fromSize: f.size, toSize: g.size });
  }
  for (const [p, g] of fb) if (!fa.has(p)) files.push({ path: p, change: 'added', toSize: g.size });
  const typeName = (v: PackageView['metadata']['identity']) => (v ? IMAGE_TYPE[v.imageType] ?? String(v.imageType) : undefined);
  const d: PackageDiff = {
    componentId: _same(ia?.componentId, ib?.componentId),
    imageId: _same(ia?.imageId, ib?.imageId),
    imageType: _same(typeName(ia), typeName(ib)),
    signer: { ..._same(sa, sb), fromRoot, toRoot, sameRoot: fromRoot !== null && fromRoot === toRoot },
    securityVersion: { from: va, to: vb, change: vb === va ? 'same' : vb > va ? 'raised' : 'lowered' },
    capabilities: { added, removed },
    manifest,
    files,
    identical: false,
  };
  d.identical = Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes)) === 0;
  return d;
}

/** One line per `--fail-on` reason that the diff shows. */
export function failReasons(d: PackageDiff, reasons: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of reasons) {
    switch (r) {
      case 'capability-added': for (const c of d.capabilities.added) out.push(`capability-added: ${c.capability} ${c.value}`); break;
      case 'capability-removed': for (const c of d.capabilities.removed) out.push(`capability-removed: ${c.capability} ${c.value}`); break;
      case 'signer-changed': if (!d.signer.same) out.push(`signer-changed: ${d.signer.from} -> ${d.signer.to}`); break;
      case 'root-changed': if (!d.signer.sameRoot) out.push(`root-changed: ${d.signer.fromRoot ?? '(untrusted)'} -> ${d.signer.toRoot ?? '(untrusted)'}`); break;
      case 'security-version-lowered': if (d.securityVersion.change === 'lowered') out.push(`security-version-lowered: ${d.securityVersion.from} -> ${d.securityVersion.to}`); break;
      case 'security-version-changed': if (d.securityVersion.change !== 'same') out.push(`security-version-changed: ${d.securityVersion.from} -> ${d.securityVersion.to}`); break;
      case 'component-changed':
        if (!d.componentId.same) out.push(`component-changed: ${d.componentId.from} -> ${d.componentId.to}`);
        if (!d.imageType.same) out.push(`component-changed: image type ${d.imageType.from} -> ${d.imageType.to}`);
        break;
      case 'manifest-changed': for (const m of d.manifest) out.push(`manifest-changed: ${m.field} ${JSON.stringify(m.from)} -> ${JSON.stringify(m.to)}`); break;
      case 'files-changed': for (const f of d.files) out.push(`files-changed: ${f.change} ${f.path}`); break;
      default: throw new RangeError(`unknown --fail-on reason ${r}`);
    }
  }
  return out;
}
