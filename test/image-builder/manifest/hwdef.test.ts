import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { checkManifest, formatDiagnostic, resolveHardwareDefinition, MAX_HWDEF_FILES } from '../../../image-builder/manifest/index';
import { HW, RDB_DIRS, rdb } from './_fixtures';

/** An in-memory folder tree for readFile. */
function memfs(files: Record<string, unknown>): (p: string) => Uint8Array {
  return (p: string) => {
    const v = files[p];
    if (v === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  };
}
const META = { Type: 'Azure Sphere Hardware Definition', Version: 1 };
const chip = { Metadata: META, Peripherals: [
  { Name: 'CHIP_GPIO8', Type: 'Gpio', MainCoreHeaderValue: '(8)', AppManifestValue: 8 },
  { Name: 'CHIP_ISU0_UART', Type: 'Uart', MainCoreHeaderValue: '(4)', AppManifestValue: 'ISU0' },
  { Name: 'CHIP_NOVALUE', Type: 'Gpio', MainCoreHeaderValue: '(9)' },
  { Name: 'CHIP_CHANNEL', Type: 'int', MainCoreHeaderValue: '(1)' },
] };
const def = (imports: string[], peripherals: unknown[]) => ({ Metadata: META, Imports: imports.map((Path) => ({ Path })), Peripherals: peripherals });
const codes = (d: { diagnostics: { code: string }[] }) => d.diagnostics.map((x) => x.code);

test('resolves the MT3620 RDB sample appliance through its imports (spec §6.4 values)', () => {
  const hw = rdb();
  assert.ok(hw.ok, hw.diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(hw.files.map((f) => f.path), [join(HW, 'mt3620_rdb/sample_appliance.json'), join(HW, 'sdk-20.x/mt3620_rdb.json'), join(HW, 'sdk-20.x/mt3620.json')]);
  const value = (n: string) => hw.peripherals.get(n)?.value;
  assert.equal(
    ['SAMPLE_LED', 'SAMPLE_BUTTON_1', 'SAMPLE_BUTTON_2', 'SAMPLE_RGBLED_RED', 'SAMPLE_NRF52_RESET', 'SAMPLE_NRF52_DFU', 'SAMPLE_PENDING_UPDATE_LED'].map(value),
    [8, 12, 13, 15, 5, 44, 20],
  );
  assert.equal(
    ['SAMPLE_UART_LOOPBACK', 'SAMPLE_LSM6DS3_I2C', 'SAMPLE_LSM6DS3_SPI', 'SAMPLE_DEBUG_UART', 'SAMPLE_POTENTIOMETER_ADC_CONTROLLER', 'SAMPLE_LED_PWM_CONTROLLER'].map(value),
    ['ISU0', 'ISU2', 'ISU1', 'ISU1', 'ADC-CONTROLLER-0', 'PWM-CONTROLLER-2'],
  );
  assert.is(value('SAMPLE_LSM6DS3_SPI_CS'), undefined); // an int constant has no manifest value
  assert.equal(hw.peripherals.get('SAMPLE_LED')!.chain, ['SAMPLE_LED', 'MT3620_RDB_LED1_RED', 'MT3620_GPIO8']);
  const led = hw.peripherals.get('SAMPLE_LED')!;
  assert.equal([led.type, led.line, led.comment], ['Gpio', 26, 'MT3620 RDB: LED 1 (red channel)']);
});

test('a board file that is not in any folder is reported at the import, with file and line', () => {
  const hw = resolveHardwareDefinition('sample_appliance.json', { hardwareDefinitionDirs: [join(HW, 'avnet_mt3620_sk'), join(HW, 'sdk-20.x')] });
  assert.not.ok(hw.ok);
  const d = hw.diagnostics.find((x) => x.code === 'HWDEF_NOT_FOUND')!;
  assert.equal([d.file, d.pointer, d.line], [join(HW, 'avnet_mt3620_sk/sample_appliance.json'), '/Imports/0/Path', 20]);
  assert.match(d.message, /^Cannot import "avnet_mt3620_sk\.json": /);
  // Its mappings then have nowhere to point.
  assert.ok(codes(hw).includes('HWDEF_MAPPING_NOT_FOUND'));
});

test('a missing target definition is one clear error', () => {
  const hw = resolveHardwareDefinition('nope.json', { hardwareDefinitionDirs: RDB_DIRS });
  assert.equal(codes(hw), ['HWDEF_NOT_FOUND']);
  assert.match(hw.diagnostics[0]!.message, /^Cannot find hardware definition "nope\.json": .*--hardware-definitions\.$/);
});

test('an Imports cycle is reported at the import that closes it, and resolution still works', () => {
  const readFile = memfs({
    '/hw/a.json': def(['b.json'], [{ Name: 'A_LED', Type: 'Gpio', Mapping: 'B_LED' }]),
    '/hw/b.json': def(['a.json', 'chip.json'], [{ Name: 'B_LED', Type: 'Gpio', Mapping: 'CHIP_GPIO8' }]),
    '/hw/chip.json': chip,
  });
  const hw = resolveHardwareDefinition('/hw/a.json', { readFile });
  assert.equal(codes(hw), ['HWDEF_IMPORT_CYCLE']);
  const d = hw.diagnostics[0]!;
  assert.equal([d.file, d.pointer, d.line], ['/hw/b.json', '/Imports/0/Path', 8]);
  assert.match(d.message, /a\.json → b\.json → a\.json/);
  assert.is(hw.peripherals.get('A_LED')!.value, 8);
  const self = resolveHardwareDefinition('/hw/s.json', { readFile: memfs({ '/hw/s.json': def(['s.json'], []) }) });
  assert.equal(codes(self), ['HWDEF_IMPORT_CYCLE']);
});

test('diamond imports 30 levels deep load each file once (no exponential walk)', () => {
  const files: Record<string, unknown> = { '/d/chip.json': chip };
  const levels = 29;
  for (let i = 0; i < levels; i++)
    for (const side of ['l', 'r']) {
      const next = i + 1 < levels ? [`${i + 1}l.json`, `${i + 1}r.json`] : ['chip.json'];
      files[`/d/${i}${side}.json`] = def(next, [{ Name: `P${i}${side.toUpperCase()}`, Type: 'Gpio', Mapping: i + 1 < levels ? `P${i + 1}L` : 'CHIP_GPIO8' }]);
    }
  let reads = 0;
  const inner = memfs(files);
  const t0 = performance.now();
  const hw = resolveHardwareDefinition('/d/0l.json', { readFile: (p) => (reads++, inner(p)) });
  const ms = performance.now() - t0;
  assert.ok(hw.ok, hw.diagnostics.map(formatDiagnostic).join('\n'));
  assert.is(hw.files.length, 2 * levels);
  assert.is(reads, 2 * levels);
  assert.is(hw.peripherals.get('P0L')!.value, 8);
  assert.ok(ms < 1000, `${ms} ms`);
});

test('more files than the limit stop with one error', () => {
  const files: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) files[`/c/${i}.json`] = def([`${i + 1}.json`], []);
  files['/c/100.json'] = def([], []);
  const hw = resolveHardwareDefinition('/c/0.json', { readFile: memfs(files) });
  assert.equal(codes(hw), ['HWDEF_TOO_MANY_FILES']);
  assert.is(hw.files.length, MAX_HWDEF_FILES);
});

test('mapping problems: not found, not imported, wrong type, duplicate names', () => {
  const readFile = memfs({
    '/m/app.json': def(['board.json', 'other.json'], [
      { Name: 'APP_MISSING', Type: 'Gpio', Mapping: 'NOWHERE' },
      { Name: 'APP_WRONG_TYPE', Type: 'Uart', Mapping: 'BOARD_LED' },
      { Name: 'APP_OK', Type: 'Gpio', Mapping: 'BOARD_LED' },
    ]),
    '/m/board.json': def(['chip.json'], [
      { Name: 'BOARD_LED', Type: 'Gpio', Mapping: 'CHIP_GPIO8' },
      { Name: 'BOARD_SIBLING', Type: 'Gpio', Mapping: 'OTHER_LED' },
    ]),
    '/m/other.json': def(['chip.json'], [
      { Name: 'OTHER_LED', Type: 'Gpio', Mapping: 'CHIP_GPIO8' },
      { Name: 'BOARD_LED', Type: 'Gpio', Mapping: 'CHIP_GPIO8' },
    ]),
    '/m/chip.json': chip,
  });
  const hw = resolveHardwareDefinition('/m/app.json', { readFile });
  const summary = hw.diagnostics.map((d) => `${d.code} ${d.file?.slice(3)} ${d.pointer}`).sort();
  assert.equal(summary, [
    'HWDEF_DUPLICATE_NAME other.json /Peripherals/1/Name',
    'HWDEF_MAPPING_NOT_FOUND app.json /Peripherals/0/Mapping',
    'HWDEF_MAPPING_NOT_FOUND board.json /Peripherals/1/Mapping',
    'HWDEF_MAPPING_TYPE app.json /Peripherals/1/Mapping',
  ]);
  assert.match(hw.diagnostics.find((d) => d.file === '/m/board.json' && d.code === 'HWDEF_MAPPING_NOT_FOUND')!.message, /declared in other\.json, which board\.json does not import/);
  assert.is(hw.peripherals.get('APP_OK')!.value, 8);
  assert.equal(hw.peripherals.get('APP_OK')!.chain, ['APP_OK', 'BOARD_LED', 'CHIP_GPIO8']);
});

test('malformed definitions are reported field by field', () => {
  const readFile = memfs({
    '/x/bad.json': {
      Metadata: { Type: 'Something else', Version: 1 },
      Peripherals: [
        { Type: 'Gpio', Mapping: 'X' },
        { Name: '9LIVES', Type: 'Gpio', Mapping: 'X' },
        { Name: 'NO_TYPE', Mapping: 'X' },
        { Name: 'ODD_TYPE', Type: 'Spi', Mapping: 'X' },
        { Name: 'BOTH', Type: 'Gpio', Mapping: 'X', MainCoreHeaderValue: '(1)' },
        { Name: 'NEITHER', Type: 'Gpio' },
        { Name: 'MAP_AND_VALUE', Type: 'Gpio', Mapping: 'X', AppManifestValue: 3 },
        { Name: 'BAD_VALUE', Type: 'Gpio', MainCoreHeaderValue: '(1)', AppManifestValue: true },
        { Name: 'TWO_LINES', Type: 'Gpio', MainCoreHeaderValue: '(1)\n#define EVIL 1' },
        'not an object',
      ],
    },
    '/x/json.json': '{"Metadata": ',
    '/x/array.json': '[]',
  });
  const bad = resolveHardwareDefinition('/x/bad.json', { readFile });
  assert.equal(bad.diagnostics.map((d) => `${d.code} ${d.pointer}`), [
    'HWDEF_INVALID /Metadata/Type',
    'HWDEF_INVALID /Peripherals/0/Name',
    'HWDEF_INVALID /Peripherals/1/Name',
    'HWDEF_INVALID /Peripherals/2/Type',
    'HWDEF_INVALID /Peripherals/3/Type',
    'HWDEF_INVALID /Peripherals/4',
    'HWDEF_INVALID /Peripherals/5',
    'HWDEF_INVALID /Peripherals/6/AppManifestValue',
    'HWDEF_INVALID /Peripherals/7/AppManifestValue',
    'HWDEF_INVALID /Peripherals/8/MainCoreHeaderValue',
    'HWDEF_INVALID /Peripherals/9',
  ]);
  assert.ok(bad.diagnostics.every((d) => d.file === '/x/bad.json' && d.line !== undefined && /^Cannot use hardware definition "\/x\/bad\.json": /.test(d.message)));
  assert.equal(codes(resolveHardwareDefinition('/x/json.json', { readFile })), ['JSON_SYNTAX']);
  assert.equal(codes(resolveHardwareDefinition('/x/array.json', { readFile })), ['HWDEF_INVALID']);
});

test('checkManifest reports int peripherals, missing values and broken chains at the manifest entry', () => {
  const readFile = memfs({
    '/k/app.json': def(['chip.json'], [
      { Name: 'APP_LED', Type: 'Gpio', Mapping: 'CHIP_GPIO8' },
      { Name: 'APP_HOLLOW', Type: 'Gpio', Mapping: 'CHIP_NOVALUE' },
      { Name: 'APP_BROKEN', Type: 'Gpio', Mapping: 'CHIP_GONE' },
    ]),
    '/k/chip.json': chip,
  });
  const manifest = (caps: unknown) => JSON.stringify({ SchemaVersion: 1, Name: 'K', ComponentId: '1689d8b2-c835-2e27-27ad-e894d6d15fa9', EntryPoint: '/bin/app', CmdArgs: [], Capabilities: caps, ApplicationType: 'Default' });
  const check = (caps: unknown) => checkManifest(manifest(caps), { targetDefinition: '/k/app.json', readFile });
  const own = (r: ReturnType<typeof check>) => r.diagnostics.filter((d) => d.file === undefined).map((d) => `${d.code} ${d.pointer}`);
  assert.equal(own(check({ Gpio: ['$APP_LED', '$CHIP_GPIO8'] })), ['PERIPHERAL_DUPLICATE /Capabilities/Gpio/1']);
  assert.equal(own(check({ Gpio: ['$APP_HOLLOW'] })), ['HWDEF_NO_VALUE /Capabilities/Gpio/0']);
  assert.equal(own(check({ Gpio: ['$CHIP_CHANNEL'] })), ['HWDEF_INT_PERIPHERAL /Capabilities/Gpio/0']);
  const broken = check({ Gpio: ['$APP_BROKEN'] });
  assert.equal(own(broken), ['HWDEF_NO_VALUE /Capabilities/Gpio/0']);
  // The definition's own error comes with it, located in the definition file.
  const inDef = broken.diagnostics.filter((d) => d.file === '/k/app.json');
  assert.equal(inDef.map((d) => `${d.code} ${d.pointer} ${d.line}`), ['HWDEF_MAPPING_NOT_FOUND /Peripherals/2/Mapping 22']);
  assert.not.ok(broken.ok);
  assert.equal(check({ Uart: ['$CHIP_ISU0_UART'] }).manifest!['Capabilities'], { Uart: ['ISU0'] });
});

test.run();
