/**
 * The model of `app_manifest.json`: its top-level fields (spec app-manifest.md §2) and every
 * capability (§3) with its value type, the app types that may use it and the device error the
 * device's parser reports for a malformed value (§5). The checks in fields.ts and capabilities.ts
 * are driven by these tables.
 */
import { APP_MANIFEST_ERROR as E } from './codes';

export type ApplicationType = 'Default' | 'RealTimeCapable';
export const APPLICATION_TYPES: readonly ApplicationType[] = ['Default', 'RealTimeCapable'];

export const SCHEMA_VERSION = 1;
/** Bytes of `Name` kept in the image package metadata (a 32-byte field with its terminator). */
export const NAME_STORED_BYTES = 31;

export type FieldType = 'integer' | 'string' | 'guid' | 'string-array' | 'object';
export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Required for these app types. */
  requiredFor: readonly ApplicationType[];
  /** AppManifestError id when missing / when malformed, where the device has one. */
  missingError?: number;
  typeError?: number;
  /** An example to quote in "add ..." advice. */
  example: string;
}

const BOTH: readonly ApplicationType[] = APPLICATION_TYPES;
const HL: readonly ApplicationType[] = ['Default'];
const RT: readonly ApplicationType[] = ['RealTimeCapable'];

/** Top-level fields in the order a new manifest lists them. */
export const MANIFEST_FIELDS: readonly FieldSpec[] = [
  { name: 'SchemaVersion', type: 'integer', requiredFor: BOTH, missingError: E.MissingSchemaVersion, typeError: E.IncompatibleSchemaVersion, example: '1' },
  { name: 'Name', type: 'string', requiredFor: BOTH, example: '"MyApp"' },
  { name: 'ComponentId', type: 'guid', requiredFor: BOTH, example: '"<a new GUID, e.g. from sphere manifest init>"' },
  { name: 'EntryPoint', type: 'string', requiredFor: BOTH, missingError: E.MissingEntryPoint, typeError: E.BadEntryPoint, example: '"/bin/app"' },
  { name: 'CmdArgs', type: 'string-array', requiredFor: HL, missingError: E.CmdArgParseError, typeError: E.CmdArgParseError, example: '[]' },
  { name: 'Capabilities', type: 'object', requiredFor: BOTH, missingError: E.MissingCapabilitiesList, typeError: E.MissingCapabilitiesList, example: '{}' },
  { name: 'ApplicationType', type: 'string', requiredFor: BOTH, typeError: E.NonStringAppType, example: '"Default"' },
  { name: 'TargetApplicationRuntimeVersion', type: 'integer', requiredFor: [], example: '17' },
  { name: 'TargetBetaApis', type: 'string', requiredFor: [], example: '"Beta2104"' },
  { name: 'MallocVersion', type: 'integer', requiredFor: [], typeError: E.MallocVersionParseError, example: '2' },
];

/**
 * Top-level names the device treats as policy (legacy on-device fields `debug`, `update`,
 * `toggle state` from its parser catalogue); compared ignoring case, spaces and underscores.
 */
export const POLICY_FIELDS: readonly string[] = ['debug', 'update', 'togglestate'];

export type CapabilityKind =
  | 'boolean'
  | 'peripherals'
  | 'hosts'
  | 'tcp-ports'
  | 'udp-ports'
  | 'app-connections'
  | 'device-auth'
  | 'storage'
  | 'power-controls';

export interface CapabilitySpec {
  name: string;
  kind: CapabilityKind;
  appTypes: readonly ApplicationType[];
  /** AppManifestError id for a value the device cannot parse. */
  parseError: number;
  /** For peripherals: the hardware definition `Type` a `$NAME` must resolve to. */
  peripheralType?: string;
}

/** Every capability of spec §3, alphabetical as in the spec. */
export const CAPABILITIES: readonly CapabilitySpec[] = [
  { name: 'Adc', kind: 'peripherals', appTypes: BOTH, parseError: E.PeripheralParseError, peripheralType: 'Adc' },
  { name: 'AllowedApplicationConnections', kind: 'app-connections', appTypes: BOTH, parseError: E.AllowedApplicationConnectionsParseError },
  { name: 'AllowedConnections', kind: 'hosts', appTypes: HL, parseError: E.ConnectionsParseError },
  { name: 'AllowedTcpServerPorts', kind: 'tcp-ports', appTypes: HL, parseError: E.TcpPortsParseError },
  { name: 'AllowedUdpServerPorts', kind: 'udp-ports', appTypes: HL, parseError: E.UdpPortsParseError },
  { name: 'CertStore', kind: 'boolean', appTypes: HL, parseError: E.CertStoreParseError },
  { name: 'DeviceAuthentication', kind: 'device-auth', appTypes: HL, parseError: E.DeviceAuthTenantIdParseError },
  { name: 'DhcpService', kind: 'boolean', appTypes: HL, parseError: E.DhcpServiceParseError },
  { name: 'EnterpriseWifiConfig', kind: 'boolean', appTypes: HL, parseError: E.EnterpriseWifiConfigParseError },
  { name: 'ExternalInterrupt', kind: 'peripherals', appTypes: RT, parseError: E.PeripheralParseError, peripheralType: 'ExternalInterrupt' },
  { name: 'Gpio', kind: 'peripherals', appTypes: BOTH, parseError: E.GpioParseError, peripheralType: 'Gpio' },
  { name: 'HardwareAddressConfig', kind: 'boolean', appTypes: HL, parseError: E.HardwareAddressConfigParseError },
  { name: 'HeapMemStats', kind: 'boolean', appTypes: HL, parseError: E.HeapMemStatsParseError },
  { name: 'I2cMaster', kind: 'peripherals', appTypes: BOTH, parseError: E.PeripheralParseError, peripheralType: 'I2cMaster' },
  { name: 'I2sSubordinate', kind: 'peripherals', appTypes: RT, parseError: E.PeripheralParseError, peripheralType: 'I2sSubordinate' },
  { name: 'MutableStorage', kind: 'storage', appTypes: HL, parseError: E.MutableStorageNotObject },
  { name: 'NetworkConfig', kind: 'boolean', appTypes: HL, parseError: E.NetworkConfigParseError },
  { name: 'PowerControls', kind: 'power-controls', appTypes: HL, parseError: E.PowerControlsMalformed },
  { name: 'Pwm', kind: 'peripherals', appTypes: BOTH, parseError: E.PeripheralParseError, peripheralType: 'Pwm' },
  { name: 'ReadNetworkProxyConfig', kind: 'boolean', appTypes: HL, parseError: E.ReadNetworkProxyConfigParseError },
  { name: 'SntpService', kind: 'boolean', appTypes: HL, parseError: E.SntpServiceParseError },
  { name: 'SoftwareUpdateDeferral', kind: 'boolean', appTypes: HL, parseError: E.SoftwareUpdateDeferralParseError },
  { name: 'SpiMaster', kind: 'peripherals', appTypes: BOTH, parseError: E.PeripheralParseError, peripheralType: 'SpiMaster' },
  { name: 'SystemEventNotifications', kind: 'boolean', appTypes: HL, parseError: E.SystemEventNotificationsParseError },
  { name: 'SystemTime', kind: 'boolean', appTypes: HL, parseError: E.SystemTimeParseError },
  { name: 'TimeSyncConfig', kind: 'boolean', appTypes: HL, parseError: E.TimeSyncConfigParseError },
  { name: 'Uart', kind: 'peripherals', appTypes: BOTH, parseError: E.PeripheralParseError, peripheralType: 'Uart' },
  { name: 'WifiConfig', kind: 'boolean', appTypes: HL, parseError: E.WifiParseError },
];

/** Names in the device's catalogue that only first-party components may request. */
export const RESERVED_CAPABILITIES: readonly string[] = ['ResetMemoryWatermarks'];

const _byName = new Map(CAPABILITIES.map((c) => [c.name, c]));
export function capabilitySpec(name: string): CapabilitySpec | undefined {
  return _byName.get(name);
}

/** Values allowed in `PowerControls`. */
export const POWER_CONTROLS: readonly string[] = ['ForcePowerDown', 'ForceReboot', 'SetPowerProfile'];
/** `MutableStorage.SizeKB` range (the documented quota is 64 KiB). */
export const STORAGE_SIZE_KB = { min: 1, max: 64 } as const;
/** Entry limit for `AllowedConnections`. */
export const MAX_ALLOWED_CONNECTIONS = 100;
/** Server port range. */
export const PORT_RANGE = { min: 1, max: 65535 } as const;
/** Peripheral types a hardware definition may declare (`int` values are code-only constants). */
export const PERIPHERAL_TYPES: readonly string[] = ['Gpio', 'Pwm', 'Adc', 'I2cMaster', 'SpiMaster', 'Uart', 'I2sSubordinate', 'ExternalInterrupt', 'int'];
