/**
 * Measured boot (emulator/README.md "Attestation"): at every boot, and whenever an install or a
 * delete changes what runs, the device lists one measurement per verified component in boot order
 *   1. the OS image set, one entry per OS component (images.ts `OS_COMPONENTS`; the emulator has no
 *      OS packages, so each is measured by the SHA-256 of a fixed stand-in naming the OS version
 *      and component),
 *   2. board configurations, then
 *   3. applications, each group in install order,
 * each naming the component ID, image ID, image type and the SHA-256 of the verified package.
 * The running digest starts as 32 zero bytes and each measurement extends it:
 *   digest = SHA-256(digest ‖ measurement.sha256)
 * A component that failed secure boot is not measured: it does not run.
 */
import { createHash } from 'node:crypto';
import { IMAGE_TYPE_APPLICATIONS, IMAGE_TYPE_BOARD_CONFIG } from '../../image-builder/index';
import type { ImageRecord, MeasuredBoot, Measurement } from '../state';

export const ZERO_DIGEST = '00'.repeat(32);

/** One extension step: SHA-256(digest ‖ sha256), both 32 bytes given as hex. */
export function extendDigest(digest: string, sha256: string): string {
  return createHash('sha256').update(Buffer.from(digest, 'hex')).update(Buffer.from(sha256, 'hex')).digest('hex');
}

/** The running digest of a log, from 32 zero bytes. */
export function runningDigest(log: readonly Pick<Measurement, 'sha256'>[]): string {
  return log.reduce((d, m) => extendDigest(d, m.sha256), ZERO_DIGEST);
}

export interface OsComponent { uid: string; image_type: number; name: string; images: Array<{ uid: string }> }

/** The stand-in an OS component is measured by (it has no package in the emulator). */
export function osMeasurement(c: OsComponent, osVersion: string): Measurement {
  const sha256 = createHash('sha256').update(`spherekit-emulator-os/${osVersion}/${c.name}/package`).digest('hex');
  return { componentId: c.uid, imageId: c.images[0]?.uid ?? c.uid, imageType: c.image_type, sha256 };
}

function _order(a: ImageRecord, b: ImageRecord): number {
  return (a.seq ?? 0) - (b.seq ?? 0) || a.at - b.at || a.componentId.localeCompare(b.componentId);
}

/** The measured boot of a device: OS set, then its board configurations and apps that passed verification. */
export function measureBoot(o: {
  os: readonly OsComponent[];
  osVersion: string;
  images: readonly ImageRecord[];
  failed: ReadonlySet<string> | ReadonlyMap<string, unknown>;
}): MeasuredBoot {
  const runs = o.images.filter((r) => !o.failed.has(r.componentId)).sort(_order);
  const of = (type: number) => runs.filter((r) => r.imageType === type)
    .map((r): Measurement => ({
      componentId: r.componentId, imageId: r.imageId, imageType: r.imageType, sha256: r.blob,
      ...(r.securityVersion === undefined ? {} : { securityVersion: r.securityVersion }),
    }));
  const log = [...o.os.map((c) => osMeasurement(c, o.osVersion)), ...of(IMAGE_TYPE_BOARD_CONFIG), ...of(IMAGE_TYPE_APPLICATIONS)];
  return { log, digest: runningDigest(log) };
}

/** Whether two measured boots record the same thing. */
export function sameMeasuredBoot(a: MeasuredBoot | undefined, b: MeasuredBoot): boolean {
  return a !== undefined && a.digest === b.digest && a.log.length === b.log.length;
}
