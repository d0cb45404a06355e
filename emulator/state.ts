/**
 * What the emulated device keeps in flash (flash/index.json): capabilities, manufacturing state,
 * the secure-boot keystore, installed and staged images, per-app settings, the certificate store,
 * Wi-Fi and network configuration. Runtime facts (uptime, running apps, boot verdicts) are not here.
 */
import type { ManufacturingState, NetworkProxyRequest, WifiConfigState, WifiSecurityState } from '../sideload/protocol/index';

export const STATE_FORMAT = 1;

/** One entry of the measured-boot log (emulator/service/measured-boot.ts keeps it). */
export interface Measurement {
  componentId: string;
  imageId: string;
  imageType: number;
  /** SHA-256 of the measured package, lower-case hex. */
  sha256: string;
  /** The package's anti-rollback security version, when it carries one (not part of the digest: the package hash covers it). */
  securityVersion?: number;
}

export interface MeasuredBoot {
  log: Measurement[];
  /** The running digest after the last measurement, lower-case hex. */
  digest: string;
}

export interface ImageRecord {
  /** Name of the blob in flash/blobs (SHA-256 of the package). */
  blob: string;
  componentId: string;
  imageId: string;
  imageType: number;
  name: string;
  size: number;
  uncompressedSize: number;
  thumbprint: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** Install order (the commit generation that installed it): the newest high-level app wins at boot. */
  seq?: number;
  /** From the app manifest, for applications. */
  app?: { highLevel: boolean; storageKB: number; runtimeVersion: number | undefined };
  /** For a capability image: the set it grants (applied at install, never kept as an installed image). */
  grants?: number[];
  /** The package's anti-rollback security version (its Revocation section), when it has one. */
  securityVersion?: number;
}

export interface AppSettings {
  /** Started at boot and after install (appControlMode Auto); Manual leaves it stopped. */
  autoStart: boolean;
}

export interface CertRecord {
  certType: 'Client' | 'RootCA';
  publicCert: string;
  privateKey?: string;
  at: number;
}

export interface WifiNetworkRecord {
  id: number;
  ssid: string;
  securityState: Exclude<WifiSecurityState, 'unknown'>;
  configState: WifiConfigState;
  targetedScan: boolean;
  configName?: string;
  psk?: string;
  clientIdentity?: string;
  clientCertStoreIdentifier?: string;
  rootCaCertStoreIdentifier?: string;
}

/** The proxy as stored: what the client set, password included (the device never answers it back). */
export type ProxyRecord = NetworkProxyRequest;

export interface DeviceState {
  format: number;
  /** Bumped by every commit. */
  generation: number;
  capabilities: number[];
  manufacturingState: Exclude<ManufacturingState, 'Unknown'>;
  /** PEM certificates of the secure-boot keystore besides the SDK Test entry. */
  trusted: string[];
  images: Record<string, ImageRecord>;
  staged: Record<string, ImageRecord>;
  apps: Record<string, AppSettings>;
  certs: Record<string, CertRecord>;
  wifi: { networks: WifiNetworkRecord[]; powerSavings: boolean };
  net: { interfaces: Record<string, { up: boolean; hardwareAddress?: string }>; proxy?: ProxyRecord };
  /** A board configuration changed since boot: the device must restart. */
  restartRequired: boolean;
  bootCount: number;
  /** What runs, as measured at the last boot, install or delete (service/measured-boot.ts). */
  measuredBoot?: MeasuredBoot;
  /** Anti-rollback: the highest security version ever installed, per component ID (never lowered). */
  securityVersions: Record<string, number>;
}

export function blankState(): DeviceState {
  return {
    format: STATE_FORMAT, generation: 0, capabilities: [], manufacturingState: 'Blank', trusted: [],
    images: {}, staged: {}, apps: {}, certs: {}, wifi: { networks: [], powerSavings: false },
    net: { interfaces: {} }, restartRequired: false, bootCount: 0, securityVersions: {},
  };
}

/** Reads a committed index, filling fields a newer format added; throws on a foreign file. */
export function parseState(raw: unknown): DeviceState {
  if (raw === null || typeof raw !== 'object' || (raw as { format?: unknown }).format !== STATE_FORMAT) {
    throw new Error(`unknown flash index format ${JSON.stringify((raw as { format?: unknown } | null)?.format)}`);
  }
  return { ...blankState(), ...(raw as Partial<DeviceState>) };
}

/** Every blob the state references (installed and staged images). */
export function referencedBlobs(s: DeviceState): Set<string> {
  return new Set([...Object.values(s.images), ...Object.values(s.staged)].map((r) => r.blob));
}

/** A deep copy to change and commit; the live state is replaced only once the commit succeeded. */
export function cloneState(s: DeviceState): DeviceState {
  return structuredClone(s);
}
