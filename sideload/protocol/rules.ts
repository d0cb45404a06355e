/**
 * The value rules the device enforces on requests (spec/device_rest_api.yaml schemas and
 * spec/device-rest-api.md §4): GUID syntax of component IDs, certificate identifiers, Wi-Fi and
 * proxy field lengths, enums, and the device capability numbers. A client may pre-check with these;
 * the device answers the error codes named beside each rule.
 */

/** Device capability numbers (spec §4.1). */
export const DEVICE_CAPABILITY = { appDevelopment: 11, enableRFTestMode: 12, fieldServicing: 13 } as const;
export type DeviceCapabilityName = keyof typeof DEVICE_CAPABILITY;

/** Lengths and ranges from the schemas. */
export const FIELD_LIMIT = {
  certIdentifierMax: 16,
  certPemMax: 8192,
  certPasswordMax: 256,
  wifiConfigNameMax: 16,
  ssidMax: 32,
  pskMin: 8,
  pskMax: 63,
  clientIdentityMax: 254,
  networkAddressMax: 255,
  proxyCredentialMax: 63,
  portMax: 65535,
  hardwareAddressLength: 17,
} as const;

export const ENUMS = {
  trigger: ['start', 'startDebug', 'stop'],
  appControlMode: ['Auto', 'Manual'],
  certType: ['Client', 'RootCA'],
  settableManufacturingState: ['Module1Complete', 'DeviceComplete'],
  manufacturingState: ['Blank', 'Module1Complete', 'DeviceComplete', 'Unknown'],
  wifiConfigState: ['unknown', 'enabled', 'disabled', 'temp-disabled'],
  wifiAddSecurityState: ['open', 'psk', 'eaptls'],
  proxyAuthenticationType: ['anonymous', 'basic'],
} as const;

/** The spec's `Uid` pattern (spec §4.3). */
export const COMPONENT_ID_PATTERN = /^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

export function isComponentId(text: string): boolean {
  return COMPONENT_ID_PATTERN.test(text);
}

/** Which rule a certificate identifier breaks: 1–16 characters of `[A-Za-z0-9._-]` (spec §4.4). */
export function certIdentifierProblem(id: string): 'CERT_IDENTIFIER_TOO_LONG' | 'CERT_INVALID_IDENTIFIER' | undefined {
  if (id.length > FIELD_LIMIT.certIdentifierMax) return 'CERT_IDENTIFIER_TOO_LONG';
  if (!/^[A-Za-z0-9._-]+$/.test(id)) return 'CERT_INVALID_IDENTIFIER';
  return undefined;
}

/** `a1:b2:c3:4d:e5:6f`: six colon-separated hex pairs. */
export function isHardwareAddress(text: string): boolean {
  return text.length === FIELD_LIMIT.hardwareAddressLength && /^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/.test(text);
}

/** A Wi-Fi network ID as it appears in a path: a non-negative int32 in decimal. */
export function parseNetworkId(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 0x7fffffff ? n : undefined;
}

/** UTF-8 length, which is what the device's byte buffers limit (SSIDs are up to 32 bytes). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * How capabilities reach an emulator (the `enable-development` / `enable-cloud-test` flow): an
 * image package of type 20 (Policy) whose payload is the UTF-8 JSON
 * `{"format": CAPABILITY_IMAGE.format, "deviceId": "<128 hex>", "capabilities": [11, …]}`
 * (zero padding after it is ignored), signed by the device's own Security Service certificate —
 * no other signer, however trusted for applications, and never the SDK Test one — and naming the
 * device's ID. Staged and installed like any image, it replaces the device's capability set, and
 * the device restarts to apply it (`restartingSystem: true`). A Spherekit convention: a board's
 * capability files come from Microsoft's Security Service, which only it can sign.
 */
export const CAPABILITY_IMAGE = { imageType: 20, format: 'sphere-capabilities-v1', componentId: '5f3c0a11-7e2b-4c9d-9a61-0d4e8b2f6c13' } as const;

export interface CapabilityImagePayload { format: typeof CAPABILITY_IMAGE.format; deviceId: string; capabilities: number[] }

/**
 * What a device may add to each image of `GET /images` (`ImageDetails`): the verdict of secure boot
 * on it — the emulator re-verifies every installed image at each boot. Extra fields only; the
 * spec's names are unchanged, and a device that does not report it leaves them out.
 */
export const IMAGE_VERIFICATION = { field: 'verification_status', detailField: 'verification_detail', verified: 'verified', failed: 'failed' } as const;
export type ImageVerificationStatus = typeof IMAGE_VERIFICATION.verified | typeof IMAGE_VERIFICATION.failed;
