import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_MANIFEST_ERROR, DEVICE_CATEGORY, IMAGE_UPDATE_ERROR, PERIPHERAL_ERROR, deviceErrorText } from '../../../image-builder/manifest/codes';
import { CAPABILITIES, POWER_CONTROLS, STORAGE_SIZE_KB, MAX_ALLOWED_CONNECTIONS, PORT_RANGE, NAME_STORED_BYTES } from '../../../image-builder/manifest/schema';
import { MT3620_GPIO_RANGES, MT3620_PIN_BLOCKS, MT3620_STRING_VALUES } from '../../../image-builder/manifest/mt3620';

// Packed device error numbers exactly as the spec quotes them (app-manifest.md §2–§5,
// device-rest-api.md §3): packed = (category << 20) | id.
const unpack = (n: number) => deviceErrorText(n >>> 20, n & 0xfffff);

test('AppManifestError ids match the packed numbers the spec quotes', () => {
  const quoted: Record<string, number> = {
    InvalidJson: 2097153, MissingEntryPoint: 2097155, CmdArgParseError: 2097157, MissingCapabilitiesList: 2097158,
    DisallowedCapability: 2097159, ConnectionsParseError: 2097161, GpioParseError: 2097162, WifiParseError: 2097167,
    BadEntryPoint: 2097168, IncompatibleSchemaVersion: 2097169, UartNotAvailable: 2097170, ErrorParsingPolicyCapabilities: 2097173,
    DeviceAuthTenantIdParseError: 2097176, BadAppType: 2097178, DeviceAuthTenantIdTooLong: 2097181, SystemTimeParseError: 2097182,
    MutableStorageNotObject: 2097183, MutableStorageMissingSize: 2097184, MutableStorageParseError: 2097185, MutableStorageTooLarge: 2097186,
    RequestedPeripheralsRequireSamePin: 2097187, TcpPortsParseError: 2097188, UdpPortsParseError: 2097189, TcpPortsInvalid: 2097190,
    UdpPortsInvalid: 2097191, TimeSyncConfigParseError: 2097192, DhcpServiceParseError: 2097193, SntpServiceParseError: 2097194,
    AllowedApplicationConnectionsParseError: 2097195, CertStoreParseError: 2097196, EnterpriseWifiConfigParseError: 2097197,
    SystemEventNotificationsParseError: 2097198, SoftwareUpdateDeferralParseError: 2097199, PowerControlsMalformed: 2097200,
    PowerControlsEmpty: 2097201, PowerControlsInvalidEntry: 2097202,
  };
  for (const [name, packed] of Object.entries(quoted))
    assert.is(deviceErrorText(DEVICE_CATEGORY.AppManifestError, APP_MANIFEST_ERROR[name as keyof typeof APP_MANIFEST_ERROR]), unpack(packed), name);
  // Ids the spec lists in its §5 table without a packed number.
  assert.equal(
    [APP_MANIFEST_ERROR.MissingSchemaVersion, APP_MANIFEST_ERROR.NetworkConfigParseError, APP_MANIFEST_ERROR.PeripheralParseError, APP_MANIFEST_ERROR.NonStringAppType,
      APP_MANIFEST_ERROR.HardwareAddressConfigParseError, APP_MANIFEST_ERROR.ReadNetworkProxyConfigParseError, APP_MANIFEST_ERROR.ResetMemoryWatermarksParseError,
      APP_MANIFEST_ERROR.HeapMemStatsParseError, APP_MANIFEST_ERROR.MallocVersionParseError],
    [4, 11, 13, 27, 51, 56, 57, 58, 59],
  );
  assert.is(Object.keys(APP_MANIFEST_ERROR).length, 45);
});

test('other device errors match the spec', () => {
  assert.equal(DEVICE_CATEGORY, { AppManagerError: 1, AppManifestError: 2, PeripheralError: 5, ImageUpdateError: 7 });
  assert.is(deviceErrorText(DEVICE_CATEGORY.ImageUpdateError, IMAGE_UPDATE_ERROR.InvalidComponentId), unpack(7340079));
  assert.is(deviceErrorText(DEVICE_CATEGORY.PeripheralError, PERIPHERAL_ERROR.GpioNotDefined), unpack(5242883));
});

test('each capability reports the parse error the spec gives for it', () => {
  const quoted: Record<string, number> = {
    AllowedConnections: 2097161, Gpio: 2097162, WifiConfig: 2097167, DeviceAuthentication: 2097176, SystemTime: 2097182,
    MutableStorage: 2097183, AllowedTcpServerPorts: 2097188, AllowedUdpServerPorts: 2097189, TimeSyncConfig: 2097192,
    DhcpService: 2097193, SntpService: 2097194, AllowedApplicationConnections: 2097195, CertStore: 2097196,
    EnterpriseWifiConfig: 2097197, SystemEventNotifications: 2097198, SoftwareUpdateDeferral: 2097199, PowerControls: 2097200,
  };
  const byId = (name: string) => CAPABILITIES.find((c) => c.name === name)!.parseError;
  for (const [name, packed] of Object.entries(quoted)) assert.is(deviceErrorText(2, byId(name)), unpack(packed), name);
  // §5 ids: NetworkConfig 11, HardwareAddressConfig 51, ReadNetworkProxyConfig 56, HeapMemStats 58, peripherals 13.
  assert.equal(['NetworkConfig', 'HardwareAddressConfig', 'ReadNetworkProxyConfig', 'HeapMemStats', 'Pwm', 'Adc', 'I2cMaster', 'SpiMaster', 'Uart'].map(byId), [11, 51, 56, 58, 13, 13, 13, 13, 13]);
});

test('the capability table is the spec §3 list with its app types', () => {
  assert.equal(CAPABILITIES.map((c) => c.name), [
    'Adc', 'AllowedApplicationConnections', 'AllowedConnections', 'AllowedTcpServerPorts', 'AllowedUdpServerPorts', 'CertStore',
    'DeviceAuthentication', 'DhcpService', 'EnterpriseWifiConfig', 'ExternalInterrupt', 'Gpio', 'HardwareAddressConfig', 'HeapMemStats',
    'I2cMaster', 'I2sSubordinate', 'MutableStorage', 'NetworkConfig', 'PowerControls', 'Pwm', 'ReadNetworkProxyConfig', 'SntpService',
    'SoftwareUpdateDeferral', 'SpiMaster', 'SystemEventNotifications', 'SystemTime', 'TimeSyncConfig', 'Uart', 'WifiConfig',
  ]);
  const both = CAPABILITIES.filter((c) => c.appTypes.length === 2).map((c) => c.name);
  const rtOnly = CAPABILITIES.filter((c) => c.appTypes.length === 1 && c.appTypes[0] === 'RealTimeCapable').map((c) => c.name);
  assert.equal(both, ['Adc', 'AllowedApplicationConnections', 'Gpio', 'I2cMaster', 'Pwm', 'SpiMaster', 'Uart']);
  assert.equal(rtOnly, ['ExternalInterrupt', 'I2sSubordinate']);
});

test('limits and MT3620 tables are the spec values', () => {
  assert.equal(POWER_CONTROLS, ['ForcePowerDown', 'ForceReboot', 'SetPowerProfile']);
  assert.equal(STORAGE_SIZE_KB, { min: 1, max: 64 });
  assert.is(MAX_ALLOWED_CONNECTIONS, 100);
  assert.equal(PORT_RANGE, { min: 1, max: 65535 });
  assert.is(NAME_STORED_BYTES, 31);
  assert.equal(MT3620_GPIO_RANGES, [[0, 23], [26, 48], [56, 75], [80, 80]]);
  assert.equal(MT3620_PIN_BLOCKS.map((b) => `${b.block}:${b.gpios[0]}-${b.gpios[1]}`), [
    'PWM-CONTROLLER-0:0-3', 'PWM-CONTROLLER-1:4-7', 'PWM-CONTROLLER-2:8-11', 'ISU0:26-30', 'ISU1:31-35', 'ISU2:36-40', 'ADC-CONTROLLER-0:41-48', 'ISU3:66-70', 'ISU4:71-75',
  ]);
  assert.equal(MT3620_STRING_VALUES.Uart, ['ISU0', 'ISU1', 'ISU2', 'ISU3', 'ISU4']);
  assert.equal(MT3620_STRING_VALUES.I2sSubordinate, ['I2S0', 'I2S1']);
  assert.equal([MT3620_STRING_VALUES.ExternalInterrupt[0], MT3620_STRING_VALUES.ExternalInterrupt.at(-1)], ['EINT0', 'EINT23']);
});

test.run();
