/**
 * Package verification (spec/imagepackage.md §5.2): structure, then the signature against a trust
 * store, then — for compressed production packages — the inner package, recursively. Returns a
 * verdict; only misuse throws.
 */
import { SIGNING_TYPE_ECDSA256 } from './format';
import { SphereError } from './errors';
import { readPackage, type PackageView } from './package';
import { asxipfsProblems } from './asxipfs';

export type VerifyReason =
  | 'EMPTY' | 'TRUNCATED' | 'BAD_MAGIC' | 'BAD_METADATA' | 'BAD_PAYLOAD' | 'BAD_CRC' | 'BAD_COMPRESSION'
  | 'UNSUPPORTED_SIGNING_TYPE' | 'BAD_SIGNATURE' | 'UNKNOWN_SIGNER' | 'REVOKED' | 'BAD_CHAIN';

/** What a verifier needs from a trust store: look up a signer by thumbprint and check a signature. */
export interface SignatureChecker {
  check(thumbprint: string, signed: Uint8Array, signature: Uint8Array): SignatureCheck;
  /** A hash the signed bytes can be fed to in order, for `checkStreamed` (`verifyPackageFile` uses both). */
  startStream?(): SignedStream;
  /** The same check for signed bytes already fed to `stream`. */
  checkStreamed?(thumbprint: string, stream: SignedStream, signature: Uint8Array): SignatureCheck;
  /** The same check off the caller's thread (`verifyPackageAsync` uses it when present). */
  checkAsync?(thumbprint: string, signed: Uint8Array, signature: Uint8Array): Promise<SignatureCheck>;
}

/** One certificate on the way from the signer to a trusted root. */
export interface ChainLinkInfo { thumbprint: string; name: string; trusted: boolean }

export type SignatureCheck =
  | { ok: true; signer: string; chain?: ChainLinkInfo[] }
  | { ok: false; reason: 'UNKNOWN_SIGNER' | 'BAD_SIGNATURE' | 'REVOKED' | 'BAD_CHAIN'; detail?: string; chain?: ChainLinkInfo[] };

export interface LayerVerdict {
  layer: 'outer' | 'inner';
  thumbprint: string | undefined;
  signer?: string;
  /** Signer first, trusted root last, when the checker followed a chain. */
  chain?: ChainLinkInfo[];
  ok: boolean;
  reason?: VerifyReason;
  detail?: string;
}

export type Verdict =
  | { ok: true; signer: string; thumbprint: string; layers: LayerVerdict[]; view: PackageView }
  | { ok: false; reason: VerifyReason; message: string; thumbprint?: string; offset?: number; layers: LayerVerdict[]; view?: PackageView };

const STRUCTURE_REASON: Record<string, VerifyReason> = {
  EMPTY: 'EMPTY', TRUNCATED: 'TRUNCATED', BAD_MAGIC: 'BAD_MAGIC', BAD_LENGTH: 'BAD_METADATA', BAD_SECTION_COUNT: 'BAD_METADATA',
  BAD_SECTION: 'BAD_METADATA', BAD_COMPRESSION: 'BAD_COMPRESSION',
};

/** Ranking: a broken structure outranks a bad signature, which outranks an unknown signer. */
const RANK: Record<VerifyReason, number> = {
  EMPTY: 0, TRUNCATED: 0, BAD_MAGIC: 0, BAD_METADATA: 0, BAD_PAYLOAD: 1, BAD_CRC: 1, BAD_COMPRESSION: 1,
  UNSUPPORTED_SIGNING_TYPE: 2, BAD_SIGNATURE: 2, REVOKED: 2, BAD_CHAIN: 3, UNKNOWN_SIGNER: 3,
};

/** A layer's structural verdict, or (undefined) that only its signature is left to check. */
function layerStructure(view: PackageView, layer: 'outer' | 'inner'): LayerVerdict | undefined {
  const sg = view.metadata.signature;
  const thumbprint = sg?.thumbprint;
  if (!view.metadata.identity || !sg) return { layer, thumbprint, ok: false, reason: 'BAD_METADATA', detail: `the package lacks its ${view.metadata.identity ? 'Signature' : 'Identity'} section` };
  if (view.asxipfs) {
    const problems = asxipfsProblems(view.asxipfs, view.split.payload.length);
    if (problems.length) return { layer, thumbprint, ok: false, reason: problems[0]!.startsWith('CRC') ? 'BAD_CRC' : 'BAD_PAYLOAD', detail: problems[0]! };
  }
  if (sg.signingType !== SIGNING_TYPE_ECDSA256 || view.split.signature.length !== 64) {
    return { layer, thumbprint, ok: false, reason: 'UNSUPPORTED_SIGNING_TYPE', detail: `signing type ${sg.signingType} with a ${view.split.signature.length}-byte signature is not ECDSA P-256` };
  }
  return undefined;
}

function layerSignature(layer: 'outer' | 'inner', thumbprint: string, r: SignatureCheck): LayerVerdict {
  const chain = r.chain ? { chain: r.chain } : {};
  if (r.ok) return { layer, thumbprint, ok: true, signer: r.signer, ...chain };
  const detail = r.detail ?? (r.reason === 'UNKNOWN_SIGNER' ? `no trusted certificate has thumbprint ${thumbprint}` : r.reason === 'BAD_SIGNATURE' ? 'the signature does not match the package bytes' : r.reason);
  return { layer, thumbprint, ok: false, reason: r.reason, detail, ...chain };
}

type Layer = { view: PackageView; name: 'outer' | 'inner' };

/** The package's layers, or the structural failure that stops verification before any signature. */
/** What a caller that streamed the bytes computed already: the outer layer's file-system CRC and signed-bytes digest. */
export interface Precomputed { asxipfsCrc: number; signed: SignedStream }

/** Signed bytes hashed as they are fed, checked once (signer/ecdsa.ts `StreamVerifier`). */
export interface SignedStream { update(chunk: Uint8Array): void; verify(signature: Uint8Array, publicKey: Uint8Array): boolean }

function layersOf(bytes: Uint8Array, pre?: Precomputed): { layers: Layer[]; view: PackageView } | { failed: Verdict } {
  let view: PackageView;
  try {
    view = readPackage(bytes, 0, pre ? { asxipfsCrc: pre.asxipfsCrc } : {});
  } catch (e) {
    if (!(e instanceof SphereError)) throw e;
    const reason = STRUCTURE_REASON[e.code] ?? (e.code.startsWith('LZMA') ? 'BAD_COMPRESSION' : 'BAD_PAYLOAD');
    return { failed: { ok: false, reason, message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }), layers: [] } };
  }
  const layers: Layer[] = [{ view, name: 'outer' }];
  if (view.inner) layers.push({ view: view.inner, name: 'inner' });
  return { layers, view };
}

function verdictOf(view: PackageView, verdicts: LayerVerdict[]): Verdict {
  const failed = verdicts.filter((l) => !l.ok).sort((a, b) => RANK[a.reason!] - RANK[b.reason!]);
  const worst = failed[0];
  const thumbprint = view.metadata.signature?.thumbprint ?? '';
  if (!worst) return { ok: true, signer: verdicts[0]!.signer!, thumbprint, layers: verdicts, view };
  const where = view.inner ? ` (${worst.layer} layer)` : '';
  return { ok: false, reason: worst.reason!, message: `${worst.detail}${where}`, thumbprint: worst.thumbprint ?? thumbprint, layers: verdicts, view };
}

/** Each layer's structural verdict, or the signature check it still needs (made by `check`). */
function layerVerdicts<T>(layers: Layer[], check: (name: 'outer' | 'inner', thumbprint: string, args: [string, Uint8Array, Uint8Array]) => T): Array<LayerVerdict | T> {
  return layers.map(({ view, name }) => {
    const structural = layerStructure(view, name);
    if (structural) return structural;
    const sg = view.metadata.signature!; // layerStructure refuses a layer without one
    return check(name, sg.thumbprint, [sg.thumbprint, view.split.signed, view.split.signature]);
  });
}

/** Verifies a package's bytes against the trust store behind `checker`. */
export function verifyPackage(bytes: Uint8Array, checker: SignatureChecker, pre?: Precomputed): Verdict {
  const found = layersOf(bytes, pre);
  if ('failed' in found) return found.failed;
  if (pre && !checker.checkStreamed) throw new TypeError('verifyPackage: streamed signed bytes need a checker with checkStreamed');
  return verdictOf(found.view, layerVerdicts(found.layers, (name, thumbprint, args) => layerSignature(name, thumbprint,
    pre && name === 'outer' ? checker.checkStreamed!(thumbprint, pre.signed, args[2]) : checker.check(...args))));
}

/**
 * `verifyPackage` with the signature checks (hashing every signed byte) handed to
 * `checker.checkAsync` when it has one, so the caller's thread is free meanwhile. Same verdicts.
 */
export async function verifyPackageAsync(bytes: Uint8Array, checker: SignatureChecker): Promise<Verdict> {
  const found = layersOf(bytes);
  if ('failed' in found) return found.failed;
  const pending = layerVerdicts(found.layers, async (name, thumbprint, args) => layerSignature(name, thumbprint, checker.checkAsync ? await checker.checkAsync(...args) : checker.check(...args)));
  return verdictOf(found.view, await Promise.all(pending));
}
