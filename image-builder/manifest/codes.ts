/**
 * The catalogue of diagnostic codes, and the device error numbers they prevent.
 *
 * Device errors are packed as `(category << 20) | id` (spec device-rest-api.md §3); the classic CLI
 * showed unknown ones as `<category>.<id>`, which is what a user sees and what `deviceError` holds.
 * Ids come from the on-device manifest parser catalogue (spec app-manifest.md §5) and the
 * component-id / GPIO errors quoted in spec §2–§3. A test locks every number below.
 */

/** Device error categories (spec device-rest-api.md §3). */
export const DEVICE_CATEGORY = { AppManagerError: 1, AppManifestError: 2, PeripheralError: 5, ImageUpdateError: 7 } as const;

/** AppManifestError ids (category 2) that a host-side check can prevent. */
export const APP_MANIFEST_ERROR = {
  InvalidJson: 1,
  MissingEntryPoint: 3,
  MissingSchemaVersion: 4,
  CmdArgParseError: 5,
  MissingCapabilitiesList: 6,
  DisallowedCapability: 7,
  ConnectionsParseError: 9,
  GpioParseError: 10,
  NetworkConfigParseError: 11,
  PeripheralParseError: 13,
  WifiParseError: 15,
  BadEntryPoint: 16,
  IncompatibleSchemaVersion: 17,
  UartNotAvailable: 18,
  ErrorParsingPolicyCapabilities: 21,
  DeviceAuthTenantIdParseError: 24,
  BadAppType: 26,
  NonStringAppType: 27,
  DeviceAuthTenantIdTooLong: 29,
  SystemTimeParseError: 30,
  MutableStorageNotObject: 31,
  MutableStorageMissingSize: 32,
  MutableStorageParseError: 33,
  MutableStorageTooLarge: 34,
  RequestedPeripheralsRequireSamePin: 35,
  TcpPortsParseError: 36,
  UdpPortsParseError: 37,
  TcpPortsInvalid: 38,
  UdpPortsInvalid: 39,
  TimeSyncConfigParseError: 40,
  DhcpServiceParseError: 41,
  SntpServiceParseError: 42,
  AllowedApplicationConnectionsParseError: 43,
  CertStoreParseError: 44,
  EnterpriseWifiConfigParseError: 45,
  SystemEventNotificationsParseError: 46,
  SoftwareUpdateDeferralParseError: 47,
  PowerControlsMalformed: 48,
  PowerControlsEmpty: 49,
  PowerControlsInvalidEntry: 50,
  HardwareAddressConfigParseError: 51,
  ReadNetworkProxyConfigParseError: 56,
  ResetMemoryWatermarksParseError: 57,
  HeapMemStatsParseError: 58,
  MallocVersionParseError: 59,
} as const;

/** Other device errors quoted in the spec: invalid component ID (7340079), undefined GPIO (5242883). */
export const IMAGE_UPDATE_ERROR = { InvalidComponentId: 47 } as const;
export const PERIPHERAL_ERROR = { GpioNotDefined: 3 } as const;

/** `2.35` style text for a device error. */
export function deviceErrorText(category: number, id: number): string {
  return `${category}.${id}`;
}
/** `2.<id>` for an AppManifestError id. */
export function manifestError(id: number): string {
  return deviceErrorText(DEVICE_CATEGORY.AppManifestError, id);
}

export type Severity = 'error' | 'warning';

/**
 * Every code with its severity. Codes are stable: tools and tests match on them, so a code is
 * never renamed or reused for another meaning.
 */
export const CODES = {
  // The text itself
  MANIFEST_TOO_LARGE: 'error',
  JSON_INVALID_UTF8: 'error',
  JSON_BOM: 'error',
  JSON_SYNTAX: 'error',
  JSON_TOO_DEEP: 'error',
  JSON_DUPLICATE_KEY: 'error',
  MANIFEST_NOT_OBJECT: 'error',
  // Top-level fields
  FIELD_MISSING: 'error',
  MANIFEST_SNIPPET: 'warning',
  FIELD_TYPE: 'error',
  FIELD_UNKNOWN: 'warning',
  POLICY_FIELD: 'error',
  VALUE_OUT_OF_RANGE: 'error',
  SCHEMA_VERSION_UNSUPPORTED: 'error',
  NAME_EMPTY: 'error',
  NAME_TRUNCATED: 'warning',
  COMPONENT_ID_INVALID: 'error',
  ENTRY_POINT_INVALID: 'error',
  APPLICATION_TYPE_UNKNOWN: 'error',
  TARGET_BETA_APIS: 'warning',
  // Capabilities
  CAPABILITY_UNKNOWN: 'warning',
  CAPABILITY_RESERVED: 'error',
  CAPABILITY_TYPE: 'error',
  CAPABILITY_APP_TYPE: 'error',
  ITEM_TYPE: 'error',
  DUPLICATE_ENTRY: 'warning',
  GPIO_UNKNOWN: 'error',
  PERIPHERAL_UNKNOWN: 'error',
  PERIPHERAL_DUPLICATE: 'error',
  PIN_CONFLICT: 'error',
  HOST_INVALID: 'error',
  HOST_UNDERSCORE: 'warning',
  HOSTS_TOO_MANY: 'error',
  PORT_INVALID: 'error',
  APP_CONNECTION_INVALID: 'error',
  APP_CONNECTION_SELF: 'warning',
  DEVICE_AUTH_INVALID: 'error',
  DEVICE_AUTH_PLACEHOLDER: 'warning',
  STORAGE_SIZE_MISSING: 'error',
  STORAGE_SIZE_RANGE: 'error',
  POWER_CONTROLS_EMPTY: 'error',
  POWER_CONTROL_UNKNOWN: 'error',
  POWER_CONTROLS_DUPLICATE: 'error',
  // $NAME references and hardware definitions
  HWDEF_REQUIRED: 'error',
  HWDEF_UNRESOLVED: 'error',
  HWDEF_TYPE_MISMATCH: 'error',
  HWDEF_INT_PERIPHERAL: 'error',
  HWDEF_NO_VALUE: 'error',
  HWDEF_NOT_FOUND: 'error',
  HWDEF_INVALID: 'error',
  HWDEF_IMPORT_CYCLE: 'error',
  HWDEF_TOO_MANY_FILES: 'error',
  HWDEF_DUPLICATE_NAME: 'error',
  HWDEF_MAPPING_NOT_FOUND: 'error',
  HWDEF_MAPPING_TYPE: 'error',
  // Output bound
  DIAGNOSTICS_TRUNCATED: 'warning',
} as const satisfies Record<string, Severity>;

export type DiagnosticCode = keyof typeof CODES;
