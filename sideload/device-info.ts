/**
 * Read-only reports assembled from several device calls (spec/device-rest-api.md §4.1–4.3): the
 * security state (identity, capabilities, OS, manufacturing state, installed and staged images),
 * the deployment status, installed images, and app states. Calls the device's API version lacks
 * are reported as unavailable rather than failing the whole report.
 */
// The package format's constants module (no code): the image type numbers devices report are the Identity section's.
import { IMAGE_TYPE, IMAGE_TYPE_APPLICATIONS, IMAGE_TYPE_BOARD_CONFIG } from '../image-builder/format';
import { optional } from './errors';
import type { DeviceApi } from './device-api';
import { DEVICE_CAPABILITY, IMAGE_VERIFICATION, type AppState, type ComponentDetails, type ComponentList } from './protocol/index';

const CAPABILITY_NAME = new Map<number, string>(Object.entries(DEVICE_CAPABILITY).map(([k, v]) => [v, k]));

export function capabilityName(n: number): string {
  return CAPABILITY_NAME.get(n) ?? `capability${n}`;
}

/** Whether images of this type are the customer's (applications, board configurations) rather than the OS's. */
export function isCustomerImage(imageType: number): boolean {
  return imageType === IMAGE_TYPE_APPLICATIONS || imageType === IMAGE_TYPE_BOARD_CONFIG;
}

export interface ImageEntry {
  name: string;
  componentId: string;
  imageId: string;
  imageType: number;
  imageTypeName: string;
  sizeBytes: number;
  /** An image is installed (a staged-only component has none yet). */
  installed: boolean;
  /** A new image of this component is staged, waiting for install. */
  staged: boolean;
  /**
   * The device's secure-boot verdict on the image — `verified` or `failed` — where it reports one
   * (the emulator does: `IMAGE_VERIFICATION`), else `not reported`.
   */
  verification: 'verified' | 'failed' | 'not reported';
  /** Why it failed, when the device says. */
  verificationDetail: string | null;
}

/** The verdict fields a device may add to an image (not in the spec; rules.ts `IMAGE_VERIFICATION`). */
function verificationOf(c: ComponentDetails): Pick<ImageEntry, 'verification' | 'verificationDetail'> {
  const image = c.images[0] as Record<string, unknown> | undefined;
  const status = image?.[IMAGE_VERIFICATION.field];
  const detail = image?.[IMAGE_VERIFICATION.detailField];
  const verification = status === IMAGE_VERIFICATION.verified || status === IMAGE_VERIFICATION.failed ? status : 'not reported';
  return { verification, verificationDetail: typeof detail === 'string' && verification === 'failed' ? detail : null };
}

export function imageEntries(list: ComponentList, o: { all?: boolean } = {}): ImageEntry[] {
  return list.components
    .filter((c) => o.all || c.image_type === IMAGE_TYPE_APPLICATIONS)
    .map((c) => ({
      name: c.name, componentId: c.uid.toLowerCase(), imageId: (c.images[0]?.uid ?? '').toLowerCase(), imageType: c.image_type,
      imageTypeName: c.image_type === IMAGE_TYPE_APPLICATIONS ? 'Application' : IMAGE_TYPE[c.image_type] ?? `System software image type ${c.image_type}`,
      sizeBytes: c.images[0]?.length_in_bytes ?? 0, installed: c.images.length > 0, staged: c.is_update_staged, ...verificationOf(c),
    }));
}

export interface SecurityReport {
  deviceId: string;
  securityState: string;
  restApiVersion: string | null;
  osVersion: string | null;
  manufacturingState: string | null;
  capabilities: Array<{ id: number; name: string }> | null;
  installedImages: ImageEntry[];
  stagedImages: ImageEntry[];
  update: { otaInProgress: boolean; hasStagedUpdates: boolean; restartRequired: boolean };
}

export async function securityReport(api: DeviceApi): Promise<SecurityReport> {
  const restApiVersion = (await api.client.apiVersion()) ?? null;
  const [sec, os, mfg, caps, images] = await Promise.all([
    api.securityState(), optional(() => api.osVersion()), optional(() => api.manufacturingState()), optional(() => api.capabilities()), api.images(),
  ]);
  const all = imageEntries(images, { all: true });
  return {
    deviceId: sec.deviceIdentifier.toUpperCase(),
    securityState: sec.securityState,
    restApiVersion,
    osVersion: os?.osversion ?? null,
    manufacturingState: mfg?.manufacturingState ?? null,
    capabilities: Array.isArray(caps?.device_capabilities) ? caps.device_capabilities.map((id) => ({ id, name: capabilityName(id) })) : null,
    installedImages: all.filter((i) => i.installed),
    stagedImages: all.filter((i) => i.staged),
    update: { otaInProgress: images.is_ota_update_in_progress, hasStagedUpdates: images.has_staged_updates, restartRequired: images.restart_required },
  };
}

export interface DeploymentStatus {
  deviceId: string;
  osVersion: string | null;
  otaInProgress: boolean;
  hasStagedUpdates: boolean;
  restartRequired: boolean;
  applications: Array<{ name: string; componentId: string; imageId: string; state: AppState | 'unknown' }>;
}

/** What runs on the device now; there is no cloud service to compare with, so no "targeted" version. */
export async function deploymentStatus(api: DeviceApi): Promise<DeploymentStatus> {
  const [sec, os, images] = await Promise.all([api.securityState(), optional(() => api.osVersion()), api.images()]);
  const apps = imageEntries(images).filter((i) => i.installed);
  const states = await Promise.all(apps.map((a) => api.appStatus(a.componentId).then((s) => s.state, () => 'unknown' as const)));
  return {
    deviceId: sec.deviceIdentifier.toUpperCase(), osVersion: os?.osversion ?? null,
    otaInProgress: images.is_ota_update_in_progress, hasStagedUpdates: images.has_staged_updates, restartRequired: images.restart_required,
    applications: apps.map((a, i) => ({ name: a.name, componentId: a.componentId, imageId: a.imageId, state: states[i]! })),
  };
}

/** Every installed application's state (`app show-status` without a component ID). */
export async function appStates(api: DeviceApi): Promise<Array<{ componentId: string; name: string; state: AppState }>> {
  const apps = imageEntries(await api.images()).filter((i) => i.installed);
  const states = await Promise.all(apps.map((a) => api.appStatus(a.componentId)));
  return apps.map((a, i) => ({ componentId: a.componentId, name: a.name, state: states[i]!.state }));
}
