/**
 * Device error codes of the Azure Sphere device REST API (spec/device-rest-api.md §3): the body of
 * every error answer is `{"error": <int32>}`, the int being `(category << 20) | id` with the
 * categories of the device's error catalogue. Each code the device client or the emulator uses is
 * a named constant here with its message and the HTTP status the device answers it with; the
 * client-side wording per HTTP status is here too. test/emulator/protocol.test.ts locks every value.
 *
 * Where a code comes from: `catalogue` = the device's own code table (spec §3 and the public device
 * API clients' code-to-message maps: value and meaning, messages in our words where shortened);
 * `emulator` = no published code covers the case, so the emulator picks one in the category that
 * fits and says so here. A device sends no bare Linux errno (2, 5, 16, 17, 19, 22, 90, 95) except
 * 13 (permission denied), which the clients' tables list; test/emulator/protocol.test.ts locks the table.
 */

/** Category IDs of the device's error catalogue (spec §3). */
export const ERROR_CATEGORY = {
  LinuxError: 0, AppManagerError: 1, AppManifestError: 2, LifetimeManagerError: 3, MounterError: 4,
  PeripheralError: 5, PermissionsError: 6, ImageUpdateError: 7, RestError: 10, NetworkdError: 11,
  WifiRequestError: 12, WifiError: 13, RestAppError: 14, HttpError: 15, RestUpdateError: 16,
  LogManagerError: 17, JsonError: 18, CurlError: 21, WolfSslError: 22, DeviceAuthError: 23,
  FlashImageBuilderError: 25, PartitionError: 26, RecoveryTableBuilderError: 27, WolfCryptError: 28,
  ProvServicesClientError: 29, NetConfigError: 30, IpcError: 31, HalError: 32, SpiError: 33, I2cError: 34,
  ResourceManagerError: 35, CertStorageError: 37, SystemEventManagerError: 38, RecoveryError: 39,
  HalMt3620Error: 40, ImageMetadataError: 42, ByteReaderError: 43, FirewallRulesError: 44, AzcoreError: 45,
  PlutonRtError: 46, SdEmmcError: 47, BspGenericError: 48, SecurityMonitorSyscallErrors: 49,
} as const;
export type ErrorCategoryName = keyof typeof ERROR_CATEGORY;

/** Bits of the packed code below the category. */
export const ERROR_CATEGORY_SHIFT = 20;
export const ERROR_ID_MASK = (1 << ERROR_CATEGORY_SHIFT) - 1;

export function packErrorCode(category: number, id: number): number {
  if (!Number.isInteger(category) || category < 0 || category > 0x7ff || !Number.isInteger(id) || id < 0 || id > ERROR_ID_MASK) {
    throw new RangeError(`an error category is 0..2047 and an id 0..${ERROR_ID_MASK}`);
  }
  return category * (1 << ERROR_CATEGORY_SHIFT) + id;
}

export function unpackErrorCode(code: number): { category: number; id: number; categoryName: string | undefined } {
  const category = Math.floor(code / (1 << ERROR_CATEGORY_SHIFT));
  const name = (Object.keys(ERROR_CATEGORY) as ErrorCategoryName[]).find((k) => ERROR_CATEGORY[k] === category);
  return { category, id: code & ERROR_ID_MASK, categoryName: name };
}

export interface DeviceErrorDef {
  code: number;
  /** HTTP status the device answers with. */
  status: 400 | 403 | 404 | 409 | 415 | 500;
  message: string;
  source: 'catalogue' | 'emulator';
}

const def = (code: number, status: DeviceErrorDef['status'], message: string, source: DeviceErrorDef['source'] = 'catalogue'): DeviceErrorDef => ({ code, status, message, source });

/** Every device error the contract names. */
export const DEVICE_ERROR = {
  // LinuxError: only EACCES, as the device sends it
  PERMISSION_DENIED: def(13, 403, "Permission denied; application development capability may be required ('azsphere device enable-development')"),
  // AppManagerError
  APP_EXEC_FAILED: def(1048591, 409, 'Could not execute application; the application image is not valid.'),
  APP_OPERATION_NOT_PERMITTED: def(1048596, 403, "Operation not permitted; check if application development capability is enabled ('azsphere device enable-development')"),
  APP_PINS_IN_USE: def(1048601, 409, 'Application manifest requested pins that are already in use'),
  // AppManifestError
  MANIFEST_INVALID_JSON: def(2097153, 400, 'Could not parse application manifest JSON. Check the manifest and re-package the image.'),
  MANIFEST_SCHEMA_VERSION: def(2097169, 400, "Application manifest 'SchemaVersion' field is not compatible. Update the manifest and re-package the image."),
  MANIFEST_MISSING: def(2097177, 400, 'Application manifest is missing from image'),
  MANIFEST_STORAGE_TOO_LARGE: def(2097186, 400, "Application manifest 'MutableStorage' specifies a 'SizeKB' that is too large. Reduce it and re-package the image."),
  MANIFEST_PIN_CONFLICT: def(2097187, 400, 'Application manifest specifies peripherals that use the same underlying pin'),
  // LifetimeManagerError
  APP_ALREADY_EXISTS: def(3145729, 409, 'Application already exists on the device'),
  REBOOT_REQUIRED: def(3145735, 409, 'A reboot is required'),
  DEBUG_SERVER_MISSING: def(3145738, 409, "Cannot start application in debug mode; Debugging server is not present on device; try running 'azsphere device enable-development'."),
  // MounterError
  ALREADY_DEPLOYED: def(4194306, 409, 'The application has already been deployed to this device'),
  // PeripheralError
  GPIO_NOT_DEFINED: def(5242883, 409, 'Application manifest requests a GPIO that is not defined on this device. Check the manifest against the hardware definition.'),
  GPIO_IN_USE: def(5242884, 409, 'Application manifest requests a GPIO that is already in use by another application'),
  PERIPHERAL_IN_USE: def(5242888, 409, 'Application manifest requests a peripheral that is already in use by another application'),
  // ImageUpdateError
  IMAGE_NOT_TRUSTED: def(7340047, 400, "Image not trusted by device; check if application development capability is enabled ('azsphere device enable-development')"),
  IMAGE_NOT_STAGED: def(7340050, 400, 'Image could not be staged; check that it is a valid image package'),
  OTA_IN_PROGRESS: def(7340071, 409, 'Over-the-air updating of the device is in progress and sideloading is temporarily disabled. Please retry later.'),
  INVALID_COMPONENT_ID: def(7340079, 400, 'Image has an invalid component ID. Re-package your image and retry.'),
  // RestError
  INVALID_ARGUMENT: def(10485761, 400, 'Possible invalid parameter entry'),
  DEVICE_BUSY: def(10485765, 409, 'Device is busy and refused request'),
  /** The same code as DEVICE_BUSY, for a resource the request needs being taken (the one high-level app slot, both real-time cores). */
  RESOURCE_BUSY: def(10485765, 409, 'Device is busy and refused request'),
  CONFIG_NAME_TOO_LONG: def(10485776, 400, 'Configuration name too long. Configuration name must be 1-16 characters in length.'),
  // WifiError
  WIFI_NETWORK_EXISTS: def(13631490, 400, 'Network already exists'),
  WIFI_NETWORK_NOT_FOUND: def(13631491, 404, 'Network not found'),
  WIFI_INITIALIZING: def(13631505, 409, 'The Wi-Fi interface is still initializing. Please try again.'),
  WIFI_INTERFACE_DISABLED: def(13631506, 500, 'Wi-Fi interface is disabled'),
  WIFI_PSK_TOO_SHORT: def(13631513, 400, 'PSK is too short.'),
  // RestAppError
  APP_NOT_PRESENT: def(14680076, 409, 'Application is not present'),
  INSUFFICIENT_SPACE: def(14680082, 400, 'Insufficient free space on the device'),
  // HttpError
  INTERNAL_ERROR: def(15728641, 500, 'The device could not complete the request', 'emulator'),
  INVALID_URI: def(15728642, 404, 'Invalid request URI.'),
  CONTENT_TOO_LARGE: def(15728644, 400, 'The content provided is too large.'),
  // NetConfigError
  INVALID_HARDWARE_ADDRESS: def(31457286, 400, 'Invalid hardware address.'),
  // CertStorageError
  CERT_INVALID_IDENTIFIER: def(38797314, 400, 'The supplied certificate identifier is invalid. Certificate identifiers may only consist of alphanumeric characters or .-_'),
  CERT_IDENTIFIER_TOO_LONG: def(38797316, 400, 'Certificate identifier too long. Certificate identifiers must be 1-16 characters in length.'),
  CERT_NOT_FOUND: def(38797319, 404, 'No certificate with that identifier could be found on the device.'),
  CERT_STORE_FULL: def(38797323, 400, 'Unable to add certificate. Certificate store is out of space.'),
  CERT_ROOT_WITH_KEY: def(38797329, 400, 'A root CA certificate cannot carry a private key.'),
  CERT_ROOT_WITH_PASSWORD: def(38797331, 400, 'A root CA certificate cannot carry a password.'),
  CERT_KEY_MISMATCH: def(38797332, 400, 'Certificate and Private Key pair do not match.'),
} as const satisfies Record<string, DeviceErrorDef>;
export type DeviceErrorName = keyof typeof DEVICE_ERROR;

/** Names that share another name's code; a code reads back as its first name. */
export const DEVICE_ERROR_ALIASES: Readonly<Partial<Record<DeviceErrorName, DeviceErrorName>>> = { RESOURCE_BUSY: 'DEVICE_BUSY' };

const BY_CODE = new Map<number, DeviceErrorName>();
for (const k of Object.keys(DEVICE_ERROR) as DeviceErrorName[]) if (!BY_CODE.has(DEVICE_ERROR[k].code)) BY_CODE.set(DEVICE_ERROR[k].code, k);

/** The named error for a packed code, if the contract knows it. */
export function deviceErrorByCode(code: number): (DeviceErrorDef & { name: DeviceErrorName }) | undefined {
  const name = BY_CODE.get(code);
  return name === undefined ? undefined : { ...DEVICE_ERROR[name], name };
}

/** A human text for any code: the contract's message, else "Device error <category>.<id>" as the classic CLI printed. */
export function describeDeviceError(code: number): string {
  const known = deviceErrorByCode(code);
  if (known) return known.message;
  const { category, id } = unpackErrorCode(code);
  return `Device error ${category}.${id}`;
}

/** What a client says per HTTP status of an error answer (spec §3); `<detail>` follows. */
export const HTTP_ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'An invalid request was made to the device.',
  403: 'You do not have permission to perform this operation on this device.',
  404: 'This resource is unavailable on this device.',
  409: 'The device could not perform this request due to the resource being in a conflicting state.',
  412: 'This resource is unavailable on this device.',
  415: 'The media type provided for this operation is unsupported.',
  500: 'An internal device error occurred.',
};
