/**
 * The pure half of `sideload deploy` (spec/device-rest-api.md §4.2 "Sideload sequence"): check a
 * package locally (structure, signature, embedded manifest) and say why a device would refuse it,
 * then — given what the device reports — decide to skip (same image already installed), refuse,
 * or upload, and list the steps: stage, install, confirm the image is listed, confirm the app's state.
 * No I/O: the executor in deploy.ts runs the plan.
 */
import {
  ABI_TYPE_APPLICATION_RUNTIME, IMAGE_TYPE, IMAGE_TYPE_APPLICATIONS, IMAGE_TYPE_BOARD_CONFIG, manifestText, verifyPackage, verifyPackageAsync,
  type SignatureChecker, type Verdict, type VerifyReason,
} from '../image-builder/index';
import { checkManifest } from '../image-builder/manifest/index';
import { SDK_TEST_CERT } from '../signer/index';
import { codePair } from './errors';
import { DEVICE_CAPABILITY, DEVICE_ERROR, type AbiVersionSet, type AppState, type ComponentList } from './protocol/index';

export interface PackageFacts {
  file: string;
  size: number;
  imageType: number;
  imageTypeName: string;
  componentId: string;
  imageId: string;
  name: string;
  thumbprint: string;
  signer: string;
  /** ApplicationRuntime version the image depends on (ABI Depends section), if any. */
  applicationRuntime?: number;
}

/** Why a package is refused before anything is sent; `code` is stable, `message` one line. */
export interface Refusal {
  code: 'PACKAGE_INVALID' | 'PACKAGE_BAD_SIGNATURE' | 'PACKAGE_UNTRUSTED' | 'UNSUPPORTED_IMAGE_TYPE' | 'MANIFEST_MISSING' | 'MANIFEST_INVALID'
    | 'COMPONENT_ID_MISMATCH' | 'NOT_DEVELOPMENT_DEVICE' | 'ABI_UNSUPPORTED';
  message: string;
}

export type LocalCheck = { ok: true; facts: PackageFacts } | { ok: false; refusal: Refusal; facts?: PackageFacts };

const UNTRUSTED_FIX = 'Sign it with your development CA ("sphere image pack" uses it by default), or pass the signer\'s certificate with --trust <cert.pem>';

function refusalFor(reason: VerifyReason, file: string, detail: string): Refusal {
  if (reason === 'UNKNOWN_SIGNER') return { code: 'PACKAGE_UNTRUSTED', message: `Cannot deploy package "${file}": ${detail}, so the device would refuse it as untrusted. ${UNTRUSTED_FIX}.` };
  if (reason === 'BAD_SIGNATURE' || reason === 'UNSUPPORTED_SIGNING_TYPE') return { code: 'PACKAGE_BAD_SIGNATURE', message: `Cannot deploy package "${file}": ${detail}. Pack and sign it again.` };
  return { code: 'PACKAGE_INVALID', message: `Cannot deploy package "${file}": it is not a valid image package (${reason}: ${detail}). Pack it again ("sphere image verify" shows the details).` };
}

/** Local verification: everything that can be said without the device. */
export function checkPackage(bytes: Uint8Array, o: { file: string; checker: SignatureChecker }): LocalCheck {
  return checkVerdict(bytes, verifyPackage(bytes, o.checker), o.file);
}

/** `checkPackage` with the signature hashed on the thread pool (`SignatureChecker.checkAsync`). */
export async function checkPackageAsync(bytes: Uint8Array, o: { file: string; checker: SignatureChecker }): Promise<LocalCheck> {
  return checkVerdict(bytes, await verifyPackageAsync(bytes, o.checker), o.file);
}

function checkVerdict(bytes: Uint8Array, v: Verdict, file: string): LocalCheck {
  const o = { file };
  const view = v.view;
  const id = view?.metadata.identity;
  let facts: PackageFacts | undefined;
  if (view && id) {
    const inner = view.inner ?? view;
    const arv = inner.metadata.abiDepends?.find((a) => a.type === ABI_TYPE_APPLICATION_RUNTIME)?.version;
    facts = {
      file: o.file, size: bytes.length, imageType: id.imageType, imageTypeName: IMAGE_TYPE[id.imageType] ?? 'Unknown', componentId: id.componentId.toLowerCase(),
      imageId: id.imageId.toLowerCase(), name: view.metadata.debug?.name ?? inner.metadata.debug?.name ?? '', thumbprint: view.metadata.signature?.thumbprint ?? '', signer: v.ok ? v.signer : '',
    };
    if (arv !== undefined) facts.applicationRuntime = arv;
  }
  const fail = (refusal: Refusal): LocalCheck => (facts ? { ok: false, refusal, facts } : { ok: false, refusal });
  if (!v.ok) return fail(refusalFor(v.reason, o.file, v.message));
  if (!facts) return fail({ code: 'PACKAGE_INVALID', message: `Cannot deploy package "${o.file}": it has no Identity section. Pack it again.` });
  if (facts.imageType !== IMAGE_TYPE_APPLICATIONS && facts.imageType !== IMAGE_TYPE_BOARD_CONFIG) {
    return fail({ code: 'UNSUPPORTED_IMAGE_TYPE', message: `Cannot deploy package "${o.file}": it is a ${facts.imageTypeName} image (type ${facts.imageType}), and only applications (10) and board configurations (21) can be sideloaded. Deploy an application package.` });
  }
  if (facts.imageType === IMAGE_TYPE_APPLICATIONS) {
    const text = manifestText(view!);
    if (text === undefined) return fail({ code: 'MANIFEST_MISSING', message: `Cannot deploy package "${o.file}": it has no app_manifest.json, so the device would refuse it (device error ${codePair(DEVICE_ERROR.MANIFEST_MISSING.code)}). Pack the app folder with its manifest.` });
    const m = checkManifest(text, { path: `${o.file}:app_manifest.json` });
    const first = m.diagnostics.find((d) => d.severity === 'error');
    if (!m.ok && first) {
      const code = first.deviceError ? ` (device error ${first.deviceError})` : '';
      return fail({ code: 'MANIFEST_INVALID', message: `Cannot deploy package "${o.file}": its manifest is invalid${code}: ${first.message.replace(/^Cannot /, 'cannot ')}` });
    }
    const cid = typeof m.manifest?.['ComponentId'] === 'string' ? (m.manifest['ComponentId'] as string).toLowerCase() : undefined;
    if (cid !== undefined && cid !== facts.componentId) {
      return fail({ code: 'COMPONENT_ID_MISMATCH', message: `Cannot deploy package "${o.file}": its manifest names component ${cid} but its Identity section ${facts.componentId}, so the device would refuse it (device error ${codePair(DEVICE_ERROR.INVALID_COMPONENT_ID.code)}). Pack it again.` });
    }
  }
  return { ok: true, facts };
}

/** What the device told us before the upload. */
export interface DeviceFacts {
  images: ComponentList;
  /** Undefined when the device's API version has no capabilities endpoint. */
  capabilities?: number[];
  abi?: AbiVersionSet;
}

/**
 * The device facts a plan for this package looks at: capabilities only for an SDK-Test-signed
 * image (the one check that uses them), ABI versions only for an image that depends on an
 * application runtime. Asking for less saves round trips on a slow link.
 */
export function factsNeeded(p: PackageFacts): { capabilities: boolean; abi: boolean } {
  return { capabilities: p.thumbprint === SDK_TEST_CERT.thumbprint, abi: p.applicationRuntime !== undefined };
}

export type DeployStep =
  | { kind: 'stage'; bytes: number }
  | { kind: 'install'; appControlMode: 'Auto' | 'Manual'; restarts: boolean }
  | { kind: 'confirm-listed'; componentId: string; imageId: string }
  | { kind: 'confirm-app-state'; componentId: string; state: AppState };

export type DeployPlan =
  | { action: 'skip'; package: PackageFacts; reason: string; steps: [] }
  | { action: 'upload'; package: PackageFacts; replaces?: string; steps: DeployStep[] }
  | { action: 'refuse'; package?: PackageFacts; refusal: Refusal; steps: [] };

export interface PlanOptions {
  force?: boolean;
  manualStart?: boolean;
}

/** Decides what to do with a locally checked package on a device in the given state. */
export function planDeploy(local: LocalCheck, device: DeviceFacts, o: PlanOptions = {}): DeployPlan {
  if (!local.ok) return local.facts ? { action: 'refuse', package: local.facts, refusal: local.refusal, steps: [] } : { action: 'refuse', refusal: local.refusal, steps: [] };
  const p = local.facts;
  const refuse = (refusal: Refusal): DeployPlan => ({ action: 'refuse', package: p, refusal, steps: [] });
  if (p.thumbprint === SDK_TEST_CERT.thumbprint && device.capabilities && !device.capabilities.includes(DEVICE_CAPABILITY.appDevelopment)) {
    return refuse({ code: 'NOT_DEVELOPMENT_DEVICE', message: `Cannot deploy package "${p.file}": it is signed with the SDK Test certificate, which the device trusts only with the appDevelopment capability, and the device lacks it (it would answer device error ${codePair(DEVICE_ERROR.IMAGE_NOT_TRUSTED.code)}). Enable development on the device ("sphere device enable-development").` });
  }
  const deviceArv = device.abi?.ApplicationRuntime;
  if (p.applicationRuntime !== undefined && deviceArv !== undefined && p.applicationRuntime > deviceArv) {
    return refuse({ code: 'ABI_UNSUPPORTED', message: `Cannot deploy package "${p.file}": it targets application runtime ${p.applicationRuntime} and the device provides ${deviceArv}. Pack it with --target-api-set ${deviceArv} or update the device's OS.` });
  }
  const present = device.images.components.find((c) => c.uid.toLowerCase() === p.componentId);
  const same = present?.images.some((i) => i.uid.toLowerCase() === p.imageId);
  if (same && !o.force) {
    return { action: 'skip', package: p, reason: `image ${p.imageId} of component ${p.componentId} is already installed`, steps: [] };
  }
  const mode = o.manualStart ? 'Manual' : 'Auto';
  const steps: DeployStep[] = [
    { kind: 'stage', bytes: p.size },
    { kind: 'install', appControlMode: mode, restarts: p.imageType === IMAGE_TYPE_BOARD_CONFIG },
    { kind: 'confirm-listed', componentId: p.componentId, imageId: p.imageId },
  ];
  if (p.imageType === IMAGE_TYPE_APPLICATIONS) steps.push({ kind: 'confirm-app-state', componentId: p.componentId, state: o.manualStart ? 'stopped' : 'running' });
  const plan: DeployPlan = { action: 'upload', package: p, steps };
  const old = present?.images[0]?.uid;
  if (old && !same) plan.replaces = old.toLowerCase();
  return plan;
}
