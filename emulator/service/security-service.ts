/**
 * The emulator's simulated Security Service (architecture decisions 5 and 7; spec/azsphere-cli.md
 * §7 `enable-development` / `enable-cloud-test`, §8 capability files): the cloud's part of
 * changing a device's capabilities, played locally. Each emulator has its own signing key, made at
 * first start and kept in its state folder beside the identity key:
 *   security-service.key.pem  P-256 key (mode 0600)
 *   security-service.pem      its self-signed certificate; the device keeps it in its keystore and
 *                             accepts capability images (CAPABILITY_IMAGE) signed by it alone
 *   security-service.json     what the service recorded for its device: device group, whether
 *                             cloud application updates are on, the capabilities last issued
 * `issueCapabilityImage` is the service's answer to "a capability file for device X": a client on
 * the same machine that can read the state folder (found through the emulator registry) asks it,
 * then deploys the image like any other. Only this device's ID is served, as the cloud serves only
 * devices claimed in the tenant.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UsageError, ValidationError, buildPackage, randomGuid, type PackPlan } from '../../image-builder/index';
import {
  createSelfSignedCertificate, fileSigner, generateKeyPair, parseCertificate, privateKeyFromPem, privateKeyToPem, publicPointFromPrivateKey,
} from '../../signer/index';
import { CAPABILITY_IMAGE, type CapabilityImagePayload } from '../../sideload/protocol/index';
import { writeAtomic } from '../flash';
import { deviceIdOf } from './identity';

export const SECURITY_SERVICE_FILES = { key: 'security-service.key.pem', cert: 'security-service.pem', record: 'security-service.json' } as const;

/** The device groups the enable commands move a device to by default (spec/azsphere-cli.md §7). */
export const DEVICE_GROUPS = {
  development: { name: 'Development', applicationUpdates: false },
  fieldTest: { name: 'Field Test', applicationUpdates: true },
} as const;

export interface SecurityServiceCert {
  certPem: string;
  /** SHA-1 of the certificate, lower-case hex: the SG section of what it signs. */
  thumbprint: string;
}

export interface DeviceRecord {
  deviceId: string;
  deviceGroup: string;
  /** Cloud application updates: off in a development group, on in a cloud-test one. */
  applicationUpdates: boolean;
  /** The capabilities of the last image issued. */
  capabilities: number[];
  updatedAt: string;
}

const KEY_MODE = 0o600;

/** Loads this state folder's Security Service certificate, making key and certificate on first use. */
export function loadOrCreateSecurityService(stateDir: string, deviceId: string, now = new Date()): SecurityServiceCert {
  mkdirSync(stateDir, { recursive: true });
  const keyPath = join(stateDir, SECURITY_SERVICE_FILES.key);
  const certPath = join(stateDir, SECURITY_SERVICE_FILES.cert);
  let privateKey: Uint8Array;
  if (existsSync(keyPath)) {
    privateKey = privateKeyFromPem(readFileSync(keyPath, 'utf8'));
  } else {
    privateKey = generateKeyPair().privateKey;
    writeAtomic(keyPath, privateKeyToPem(privateKey), KEY_MODE);
  }
  let certPem = existsSync(certPath) ? readFileSync(certPath, 'utf8') : undefined;
  if (certPem !== undefined && Buffer.compare(Buffer.from(parseCertificate(certPem).publicKey), Buffer.from(publicPointFromPrivateKey(privateKey))) !== 0) certPem = undefined;
  if (certPem === undefined) {
    certPem = createSelfSignedCertificate({
      privateKey,
      subject: { commonName: `Sphere Emulator Security Service ${deviceId.slice(0, 16)}`, organization: 'Spherekit' },
      notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 30 * 365 * 86_400_000),
    });
    writeAtomic(certPath, certPem);
  }
  return { certPem, thumbprint: parseCertificate(certPem).thumbprint };
}

function checkCapabilities(list: readonly number[]): number[] {
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || c > 255) throw new UsageError(`Cannot issue capability "${c}": capabilities are numbers 0-255 (11 appDevelopment, 12 enableRFTestMode, 13 fieldServicing).`, { code: 'BAD_CAPABILITY' });
  }
  return [...new Set(list)].sort((a, b) => a - b);
}

/** The device this state folder belongs to (its identity key), checked against the ID asked for. */
function servedDevice(stateDir: string, deviceId: string): string {
  const idPath = join(stateDir, 'identity.key.pem');
  const keyPath = join(stateDir, SECURITY_SERVICE_FILES.key);
  if (!existsSync(idPath) || !existsSync(keyPath)) {
    throw new NotFoundError(`Cannot issue a capability image from state folder "${stateDir}": it holds no emulator identity or Security Service key. Start the emulator once ("sphere emulator start") so it makes them.`, { code: 'NO_SECURITY_SERVICE', path: stateDir });
  }
  const own = deviceIdOf(publicPointFromPrivateKey(privateKeyFromPem(readFileSync(idPath, 'utf8'))));
  if (!/^[0-9A-Fa-f]{128}$/.test(deviceId) || deviceId.toUpperCase() !== own) {
    throw new ValidationError(`Cannot issue a capability image for device "${deviceId.slice(0, 16)}…": the Security Service of state folder "${stateDir}" serves only device ${own.slice(0, 16)}…. Ask the emulator that has this device ID.`, { code: 'UNKNOWN_DEVICE', path: stateDir });
  }
  return own;
}

export interface IssueOptions {
  stateDir: string;
  /** The ID the device reported (GET /device/security_state). */
  deviceId: string;
  /** The whole set the device is to have afterwards. */
  capabilities: readonly number[];
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
}

export interface IssuedImage {
  bytes: Uint8Array;
  imageId: string;
  componentId: string;
  capabilities: number[];
  /** Thumbprint of the Security Service certificate that signed it. */
  signer: string;
}

/** Signs a capability image for the state folder's device: the package the device installs to take `capabilities`. */
export async function issueCapabilityImage(o: IssueOptions): Promise<IssuedImage> {
  const deviceId = servedDevice(o.stateDir, o.deviceId);
  const capabilities = checkCapabilities(o.capabilities);
  const cert = loadOrCreateSecurityService(o.stateDir, deviceId);
  const keyPem = readFileSync(join(o.stateDir, SECURITY_SERVICE_FILES.key), 'utf8');
  const body: CapabilityImagePayload = { format: CAPABILITY_IMAGE.format, deviceId, capabilities };
  const now = (o.now ?? Date.now)();
  const plan: PackPlan = {
    kind: 'board-config', imageType: CAPABILITY_IMAGE.imageType, componentId: CAPABILITY_IMAGE.componentId, imageId: randomGuid(), imageIdDerived: false,
    name: 'capabilities', buildTime: Math.floor(now / 1000), abiDepends: undefined, payload: Buffer.from(JSON.stringify(body), 'utf8'), warnings: [],
  };
  const bytes = await buildPackage(plan, fileSigner({ keyPem, certPem: cert.certPem }));
  return { bytes, imageId: plan.imageId!, componentId: CAPABILITY_IMAGE.componentId, capabilities, signer: cert.thumbprint };
}

/** A device group name as the Security Service takes it: 1-50 letters, digits and spaces. */
export function checkDeviceGroup(name: string): string {
  const n = name.trim();
  if (!/^[A-Za-z0-9 ]{1,50}$/.test(n)) {
    throw new UsageError(`Cannot use device group "${name}": a group name is 1-50 letters, digits and spaces. Pick another --device-group.`, { code: 'BAD_DEVICE_GROUP' });
  }
  return n;
}

/** Records the device's group (the cloud half of enable-development / enable-cloud-test). */
export function assignDeviceGroup(o: { stateDir: string; deviceId: string; deviceGroup: string; applicationUpdates: boolean; capabilities: readonly number[]; now?: () => number }): DeviceRecord {
  const deviceId = servedDevice(o.stateDir, o.deviceId);
  const name = checkDeviceGroup(o.deviceGroup);
  const record: DeviceRecord = {
    deviceId, deviceGroup: name, applicationUpdates: o.applicationUpdates, capabilities: checkCapabilities(o.capabilities),
    updatedAt: new Date((o.now ?? Date.now)()).toISOString(),
  };
  writeAtomic(join(o.stateDir, SECURITY_SERVICE_FILES.record), JSON.stringify(record, null, 2) + '\n');
  return record;
}

/** What the service recorded for the state folder's device, if anything yet. */
export function readDeviceRecord(stateDir: string): DeviceRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, SECURITY_SERVICE_FILES.record), 'utf8')) as DeviceRecord;
  } catch {
    return undefined;
  }
}
