/**
 * Images on the emulated device (spec/device-rest-api.md §4.2, §6; imagepackage spec §5.2):
 * checking a package before it may be staged (structure, signature against the device keystore,
 * identity, app manifest; capability images from the device's Security Service only), the keystore
 * itself, and the `ComponentList` of GET /images — each customer image with its secure-boot
 * verdict — including the fixed set of OS images the emulator pretends to run.
 */
import { createHash } from 'node:crypto';
import {
  IMAGE_TYPE_APPLICATIONS, IMAGE_TYPE_BOARD_CONFIG, manifestText, randomGuid, verifyPackage, type PackageView, type SignatureChecker, type Verdict,
} from '../image-builder/index';
import { TrustStore, verifyImageSignature } from '../signer/index';
import { CAPABILITY_IMAGE, DEVICE_CAPABILITY, IMAGE_VERIFICATION, type ComponentDetails, type ImageDetails } from '../sideload/protocol/index';
import { fault } from './fault';
import { MAX_MUTABLE_STORAGE_KB, OS_VERSION } from './limits';
import type { DeviceState, ImageRecord } from './state';

const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * The secure-boot keystore: the device's own Security Service certificate, the trusted
 * certificates, and the SDK Test certificate only while appDevelopment is present.
 */
export function buildKeystore(state: Pick<DeviceState, 'trusted' | 'capabilities'>, securityServicePem?: string): TrustStore {
  const store = new TrustStore({ includeBuiltin: state.capabilities.includes(DEVICE_CAPABILITY.appDevelopment) });
  if (securityServicePem !== undefined) store.addPem(securityServicePem);
  for (const pem of state.trusted) store.addPem(pem);
  return store;
}

export function checkerOf(store: TrustStore): SignatureChecker {
  return {
    check(thumbprint, signed, signature) {
      const v = verifyImageSignature(store, thumbprint, signed, signature);
      return v.ok ? { ok: true, signer: v.signer.name } : { ok: false, reason: v.reason };
    },
  };
}

/** Maps a failed verification to the device's answer: untrusted or tampered → "not trusted", malformed → "could not be staged". */
export function refuseVerdict(v: Extract<Verdict, { ok: false }>): never {
  if (v.reason === 'UNKNOWN_SIGNER' || v.reason === 'BAD_SIGNATURE') fault('IMAGE_NOT_TRUSTED', v.message);
  fault('IMAGE_NOT_STAGED', v.message);
}

interface ManifestFacts { highLevel: boolean; storageKB: number; runtimeVersion: number | undefined; entryPoint: string | undefined }

function manifestFacts(view: PackageView, componentId: string): ManifestFacts {
  const text = manifestText(view);
  if (text === undefined) fault('MANIFEST_MISSING');
  let m: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    m = parsed as Record<string, unknown>;
  } catch {
    return fault('MANIFEST_INVALID_JSON');
  }
  if (m['SchemaVersion'] !== 1) fault('MANIFEST_SCHEMA_VERSION', `SchemaVersion is ${JSON.stringify(m['SchemaVersion'])}`);
  if (typeof m['ComponentId'] !== 'string' || m['ComponentId'].toLowerCase() !== componentId) fault('INVALID_COMPONENT_ID', 'the manifest ComponentId differs from the image identity');
  const caps = (m['Capabilities'] ?? {}) as Record<string, unknown>;
  const storage = (caps['MutableStorage'] ?? undefined) as { SizeKB?: unknown } | undefined;
  const storageKB = typeof storage?.SizeKB === 'number' ? storage.SizeKB : 0;
  if (storageKB > MAX_MUTABLE_STORAGE_KB) fault('MANIFEST_STORAGE_TOO_LARGE');
  const highLevel = m['ApplicationType'] !== 'RealTimeCapable';
  const abi = (view.inner ?? view).metadata.abiDepends?.find((a) => a.type === 3);
  return { highLevel, storageKB, runtimeVersion: abi?.version, entryPoint: typeof m['EntryPoint'] === 'string' ? m['EntryPoint'] : undefined };
}

/**
 * The manifest's EntryPoint must name a file of the image's file system: the device refuses to
 * stage an app it could never start (the path is read as the manifest writes it, `/` or not).
 */
function checkEntryPoint(view: PackageView, entryPoint: string | undefined): void {
  if (entryPoint === undefined || entryPoint.trim() === '') fault('APP_EXEC_FAILED', 'the manifest names no EntryPoint');
  const path = '/' + entryPoint.split('/').filter((p) => p !== '' && p !== '.').join('/');
  const node = view.asxipfs?.inodes.find((i) => i.path === path);
  if (!node || node.type !== 'file') fault('APP_EXEC_FAILED', `the manifest's EntryPoint "${entryPoint}" is not a file in the image`);
}

/** A capability image's grant, checked: signed by this device's Security Service certificate alone, naming this device (CAPABILITY_IMAGE). */
function capabilityGrant(view: PackageView, signerThumbprint: string, securityService: string | undefined, deviceId: string): number[] {
  if (securityService === undefined || signerThumbprint.toLowerCase() !== securityService.toLowerCase()) {
    fault('IMAGE_NOT_TRUSTED', 'capabilities are granted only by the device\'s own Security Service certificate');
  }
  let p: { format?: unknown; deviceId?: unknown; capabilities?: unknown };
  try {
    p = JSON.parse(Buffer.from(view.split.payload).toString('utf8').replace(/\0+$/, '')) as typeof p;
  } catch {
    return fault('IMAGE_NOT_STAGED', 'the capability payload is not JSON');
  }
  if (p.format !== CAPABILITY_IMAGE.format) fault('IMAGE_NOT_STAGED', `the capability payload format is not ${CAPABILITY_IMAGE.format}`);
  if (typeof p.deviceId !== 'string' || p.deviceId.toUpperCase() !== deviceId) fault('IMAGE_NOT_TRUSTED', 'the capability image is for another device');
  if (!Array.isArray(p.capabilities) || !p.capabilities.every((c) => Number.isInteger(c) && c >= 0 && c < 256)) fault('IMAGE_NOT_STAGED', 'capabilities must be a list of numbers');
  return [...new Set(p.capabilities as number[])].sort((a, b) => a - b);
}

/** Who the device is, for the checks that depend on it. */
export interface DeviceIdentityFacts {
  deviceId: string;
  /** Thumbprint of the device's Security Service certificate: the only signer of capability images. */
  securityService?: string;
}

/** Fully checks a package for PUT /update/stage; returns its record (blob name left for the caller) or throws a DeviceFault. */
export function inspectPackage(bytes: Uint8Array, store: TrustStore, now: number, device: DeviceIdentityFacts = { deviceId: '' }): Omit<ImageRecord, 'blob'> & { entryPoint?: string | undefined } {
  const v = verifyPackage(bytes, checkerOf(store));
  if (!v.ok) refuseVerdict(v);
  const id = v.view.metadata.identity!;
  const inner = v.view.inner ?? v.view;
  if (id.componentId === NIL_GUID) fault('INVALID_COMPONENT_ID', 'the component ID is the nil GUID');
  if (inner.metadata.identity && inner.metadata.identity.componentId !== id.componentId) fault('INVALID_COMPONENT_ID', 'the inner image names another component');
  if (id.imageType !== IMAGE_TYPE_APPLICATIONS && id.imageType !== IMAGE_TYPE_BOARD_CONFIG && id.imageType !== CAPABILITY_IMAGE.imageType) {
    fault('IMAGE_NOT_STAGED', `image type ${id.imageType} cannot be sideloaded; only applications (10), board configurations (21) and capability images (20)`);
  }
  const rec: Omit<ImageRecord, 'blob'> & { entryPoint?: string | undefined } = {
    componentId: id.componentId, imageId: id.imageId, imageType: id.imageType, name: v.view.metadata.debug?.name ?? '',
    size: bytes.length, uncompressedSize: inner.bytes.length, thumbprint: v.thumbprint, at: now,
  };
  const securityVersion = (v.view.metadata.revocation ?? inner.metadata.revocation)?.securityVersion;
  if (securityVersion !== undefined) rec.securityVersion = securityVersion;
  if (id.imageType === IMAGE_TYPE_APPLICATIONS) {
    if (inner.payloadKind !== 'asxipfs') fault('IMAGE_NOT_STAGED', 'an application image must hold an ASXipFS file system');
    const f = manifestFacts(v.view, id.componentId);
    checkEntryPoint(inner, f.entryPoint);
    rec.app = { highLevel: f.highLevel, storageKB: f.storageKB, runtimeVersion: f.runtimeVersion };
    rec.entryPoint = f.entryPoint;
  } else if (id.imageType === CAPABILITY_IMAGE.imageType) {
    rec.grants = capabilityGrant(inner, v.thumbprint, device.securityService, device.deviceId);
  } else if (inner.payloadKind !== 'flattened-device-tree') {
    fault('IMAGE_NOT_STAGED', 'a board configuration image must hold a flattened device tree');
  }
  return rec;
}

/** Re-verifies an installed image at boot against the current keystore; returns undefined when it may run, else why not. */
export function bootCheck(bytes: Buffer | undefined, rec: ImageRecord, store: TrustStore): string | undefined {
  if (bytes === undefined) return 'MISSING: the image is not in flash';
  if (createHash('sha256').update(bytes).digest('hex') !== rec.blob) return 'CORRUPT: the image bytes changed in flash';
  const v = verifyPackage(bytes, checkerOf(store));
  if (!v.ok) return `${v.reason}: ${v.message}`;
  const id = v.view.metadata.identity!;
  if (id.componentId !== rec.componentId || id.imageId !== rec.imageId) return 'BAD_METADATA: the identity differs from what was installed';
  return undefined;
}

interface OsImage { name: string; type: number; size: number }

const OS_IMAGES: readonly OsImage[] = [
  { name: '1BL', type: 1, size: 16384 },
  { name: 'PlutonRuntime', type: 2, size: 98304 },
  { name: 'WifiFirmware', type: 3, size: 358400 },
  { name: 'SecurityMonitor', type: 4, size: 73728 },
  { name: 'NW Loader', type: 5, size: 12288 },
  { name: 'NW DTB', type: 6, size: 8192 },
  { name: 'NW Kernel', type: 7, size: 2544816 },
  { name: 'NW Root Filesystem', type: 8, size: 1482752 },
  { name: 'System Services', type: 9, size: 2142208 },
  { name: 'Firmware Config', type: 13, size: 4096 },
  { name: 'Boot Manifest', type: 16, size: 4096 },
  { name: 'Trusted Keystore', type: 19, size: 4096 },
  { name: 'Policy', type: 20, size: 4096 },
  { name: 'Update Cert Store', type: 22, size: 8192 },
  { name: 'Base System Update Manifest', type: 23, size: 4096 },
  { name: 'Firmware Update Manifest', type: 24, size: 4096 },
];

function stableGuid(label: string): string {
  const d = createHash('sha256').update(`spherekit-emulator-os/${OS_VERSION}/${label}`).digest();
  return randomGuid(() => d.subarray(0, 16));
}

/** The OS components the emulator reports, with stable component and image IDs per OS version. */
export const OS_COMPONENTS: readonly ComponentDetails[] = OS_IMAGES.map((o) => ({
  uid: stableGuid(`${o.name}/component`), image_type: o.type, is_update_staged: false, does_image_type_require_restart: true, name: o.name,
  images: [{ uid: stableGuid(`${o.name}/image`), length_in_bytes: o.size, uncompressed_length_in_bytes: o.size, replica_type: 0 }],
}));

/**
 * The customer components of GET /images: installed ones (with their image and its secure-boot
 * verdict, `IMAGE_VERIFICATION`), then staged-only ones (no image yet). `bootFailures` holds why an
 * installed image failed verification; every other installed one passed it, at its boot or at staging.
 */
export function customerComponents(state: DeviceState, bootFailures: ReadonlyMap<string, string> = new Map()): ComponentDetails[] {
  const out: ComponentDetails[] = [];
  const detail = (r: ImageRecord): ImageDetails => {
    const failed = bootFailures.get(r.componentId);
    const d: ImageDetails = { uid: r.imageId, length_in_bytes: r.size, uncompressed_length_in_bytes: r.uncompressedSize, replica_type: 0 };
    d[IMAGE_VERIFICATION.field] = failed === undefined ? IMAGE_VERIFICATION.verified : IMAGE_VERIFICATION.failed;
    if (failed !== undefined) d[IMAGE_VERIFICATION.detailField] = failed;
    return d;
  };
  for (const r of Object.values(state.images).sort((a, b) => a.at - b.at)) {
    out.push({
      uid: r.componentId, image_type: r.imageType, is_update_staged: state.staged[r.componentId] !== undefined,
      does_image_type_require_restart: r.imageType === IMAGE_TYPE_BOARD_CONFIG, name: r.name, images: [detail(r)],
    });
  }
  for (const r of Object.values(state.staged).sort((a, b) => a.at - b.at)) {
    if (state.images[r.componentId]) continue;
    out.push({ uid: r.componentId, image_type: r.imageType, is_update_staged: true, does_image_type_require_restart: r.imageType === IMAGE_TYPE_BOARD_CONFIG, name: r.name, images: [] });
  }
  return out;
}
