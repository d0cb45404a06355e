import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkManifest, formatDiagnostic, type Diagnostic } from '../../../image-builder/manifest/index';

const HL = { SchemaVersion: 1, Name: 'Rules', ComponentId: '1689d8b2-c835-2e27-27ad-e894d6d15fa9', EntryPoint: '/bin/app', CmdArgs: [], ApplicationType: 'Default' };
const RT = { SchemaVersion: 1, Name: 'RulesRT', ComponentId: '005180bc-402f-4cb3-a662-72937dbcde47', EntryPoint: '/bin/app', ApplicationType: 'RealTimeCapable' };
const check = (caps: unknown, base: object = HL) => checkManifest(JSON.stringify({ ...base, Capabilities: caps }));
const codes = (caps: unknown, base: object = HL) => check(caps, base).diagnostics.map((d) => `${d.code} ${d.pointer}`);

test('what a device accepts passes without a diagnostic', () => {
  const ok: unknown[] = [
    { Gpio: [0, 23, 26, 48, 56, 75, 80] },
    { Gpio: [0, 1, 2, 3], Pwm: ['PWM-CONTROLLER-1', 'PWM-CONTROLLER-2'] }, // PWM 0's pins as GPIOs, other controllers whole
    { Uart: ['ISU0'], I2cMaster: ['ISU1'], SpiMaster: ['ISU2', 'ISU3'], Gpio: [71, 72] },
    { Adc: ['ADC-CONTROLLER-0'], Gpio: [40, 56] },
    { AllowedConnections: ['global.azure-devices-provisioning.net', '*.azure-devices.net', '192.168.35.1', 'localhost', 'xn--bcher-kva.example'] },
    { AllowedTcpServerPorts: [1, 11000, 65535], AllowedUdpServerPorts: [] },
    { AllowedApplicationConnections: ['005180BC-402F-4CB3-A662-72937DBCDE47'] },
    { DeviceAuthentication: '6f2b7a2e-8f1c-4b7e-9d3a-2c4e5f6a7b8c' },
    { MutableStorage: { SizeKB: 64 }, PowerControls: ['ForcePowerDown', 'ForceReboot', 'SetPowerProfile'] },
    { CertStore: true, DhcpService: false, EnterpriseWifiConfig: true, HardwareAddressConfig: true, HeapMemStats: true, NetworkConfig: true,
      ReadNetworkProxyConfig: true, SntpService: true, SoftwareUpdateDeferral: true, SystemEventNotifications: true, SystemTime: true, TimeSyncConfig: true, WifiConfig: true },
  ];
  for (const caps of ok) assert.equal(codes(caps), [], JSON.stringify(caps));
});

test('real-time apps: raw peripherals, I2S, external interrupts, and harmless false/[] for high-level capabilities', () => {
  assert.equal(codes({ Gpio: [12], Uart: ['ISU0'], I2sSubordinate: ['I2S0', 'I2S1'], ExternalInterrupt: ['EINT0', 'EINT23'] }, RT), []);
  assert.equal(codes({ WifiConfig: false, AllowedConnections: [] }, RT), []);
  // A GPIO and an interrupt on different pins of one block do not conflict.
  assert.equal(codes({ Gpio: [4], ExternalInterrupt: ['EINT5'] }, RT), []);
  assert.equal(codes({ Pwm: ['PWM-CONTROLLER-1'], ExternalInterrupt: ['EINT5'] }, RT), ['PIN_CONFLICT /Capabilities/ExternalInterrupt/0']);
  // CmdArgs is optional for real-time apps, but typed when present.
  assert.equal(check({}, { ...RT, CmdArgs: ['a'] }).diagnostics, []);
});

test('a missing or invalid ApplicationType applies the high-level rules', () => {
  const { ApplicationType: _, ...noType } = HL;
  assert.equal(codes({ I2sSubordinate: ['I2S0'] }, noType), ['FIELD_MISSING /ApplicationType', 'CAPABILITY_APP_TYPE /Capabilities/I2sSubordinate']);
});

test('the 31-byte Name limit counts UTF-8 bytes', () => {
  const name = (n: string) => checkManifest(JSON.stringify({ ...HL, Name: n, Capabilities: {} })).diagnostics.map((d) => d.code);
  assert.equal(name('x'.repeat(31)), []);
  assert.equal(name('x'.repeat(32)), ['NAME_TRUNCATED']);
  assert.equal(name('é'.repeat(15) + 'x'), []);
  assert.equal(name('é'.repeat(16)), ['NAME_TRUNCATED']);
  assert.match(checkManifest(JSON.stringify({ ...HL, Name: 'x'.repeat(29) + 'é€', Capabilities: {} })).diagnostics[0]!.message, /tools will show "x{29}é"/);
});

test('GUIDs: any case, no RFC 4122 version bits required; braces and wrong shapes refused', () => {
  const id = (c: string) => checkManifest(JSON.stringify({ ...HL, ComponentId: c, Capabilities: {} })).diagnostics.map((d) => d.code);
  for (const good of ['1689D8B2-C835-2E27-27AD-E894D6D15FA9', '55286fbe-3ec7-4a16-f997-6e0670fc97e2', '00000000-0000-0000-0000-000000000000']) assert.equal(id(good), [], good);
  for (const bad of ['1689d8b2c8352e2727ade894d6d15fa9', '1689d8b2-c835-2e27-27ad-e894d6d15fag', ' 1689d8b2-c835-2e27-27ad-e894d6d15fa9', '1689d8b-2c835-2e27-27ad-e894d6d15fa9']) assert.equal(id(bad), ['COMPONENT_ID_INVALID'], bad);
});

test('several findings come in source order, each with its own position', () => {
  const text = '{\n "SchemaVersion": 2,\n "Name": "",\n "ComponentId": "x",\n "EntryPoint": "/bin/app",\n "CmdArgs": [],\n "Capabilities": { "Gpio": [99] },\n "ApplicationType": "Default"\n}\n';
  const r = checkManifest(text, { path: 'app_manifest.json' });
  assert.equal(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`), ['2:19 SCHEMA_VERSION_UNSUPPORTED', '3:10 NAME_EMPTY', '4:17 COMPONENT_ID_INVALID', '7:29 GPIO_UNKNOWN']);
});

test('formatDiagnostic writes one line: file:line:col: severity CODE pointer: message (device error)', () => {
  const d: Diagnostic = { severity: 'error', code: 'GPIO_UNKNOWN', pointer: '/Capabilities/Gpio/0', line: 9, column: 7, file: 'app_manifest.json', message: 'Cannot use GPIO "25": no.\nUse another.', deviceError: '5.3' };
  assert.is(formatDiagnostic(d), 'app_manifest.json:9:7: error GPIO_UNKNOWN /Capabilities/Gpio/0: Cannot use GPIO "25": no. Use another. (device error 5.3)');
  assert.is(formatDiagnostic({ severity: 'warning', code: 'X', pointer: '', message: 'Cannot x: y. Z.' }), 'warning X: Cannot x: y. Z.');
  assert.is(formatDiagnostic({ severity: 'warning', code: 'X', pointer: '/a~1b', line: 1, message: 'm' }), '1: warning X /a~1b: m');
});

test('pointers escape "/" and "~" in keys (RFC 6901)', () => {
  const r = checkManifest(JSON.stringify({ ...HL, Capabilities: { 'a/b~c': true } }));
  assert.equal(r.diagnostics.map((d) => d.pointer), ['/Capabilities/a~1b~0c']);
});

test.run();
