/**
 * The app runtime's parts that need no running app: errno numbers locked against wasi-libc's
 * own headers (a second source), the module inspector, the virtual clock, the board's GPIO view
 * and the manifest facts the host checks calls against.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tempDir } from '../helpers';
import { AppLog, appLogPath, readAppLog, MAX_APP_LOG_BYTES } from '../../emulator/runtime/applog';
import { RuntimeClock, HOST_TABLE, WASI_ERRNO, appCapabilities, wasmImports, isWasm } from '../../emulator/runtime/index';
import { BoardError, GpioBoard, Lsm6ds3, LSM6DS3_WHO_AM_I, MT3620_RDB, parseBoard, partsOf, wiringOf } from '../../emulator/board/index';
import { WASM } from './wasm-builder';

const ERRNO_H = '/usr/include/wasm32-wasi/__errno_values.h';
const API_H = '/usr/include/wasm32-wasi/wasi/api.h';

const errno = suite('WASI errno numbering');
errno('every value the host returns is the one wasi-libc gives the app', (ctx) => {
  if (!existsSync(ERRNO_H) || !existsSync(API_H)) { console.log(`  (skipped: ${ERRNO_H} is not installed; the wasi-libc package provides it)`); return; }
  const names = new Map([...readFileSync(ERRNO_H, 'utf8').matchAll(/#define (E\w+) (__WASI_ERRNO_\w+)/g)].map((m) => [m[1]!, m[2]!]));
  const values = new Map([...readFileSync(API_H, 'utf8').matchAll(/#define (__WASI_ERRNO_\w+) \(UINT16_C\((\d+)\)\)/g)].map((m) => [m[1]!, Number(m[2])]));
  for (const [name, value] of Object.entries(WASI_ERRNO)) {
    if (name === 'SUCCESS') { assert.is(value, 0); continue; }
    assert.is(values.get(names.get(name)!), value, name);
  }
  void ctx;
});
errno('differs from the device\'s Linux numbers where the README says', () => {
  assert.equal([WASI_ERRNO.EACCES, WASI_ERRNO.EAGAIN, WASI_ERRNO.EINVAL, WASI_ERRNO.EBADF, WASI_ERRNO.EINTR], [2, 6, 28, 8, 27]);
});
errno.run();

const table = suite('host table');
table('has one row per import name and a capability gate on every resource call', () => {
  const names = HOST_TABLE.map((r) => r.name);
  assert.is(new Set(names).size, names.length);
  for (const n of ['gpio_open_input', 'gpio_open_output', 'storage_open_mutable', 'storage_delete_mutable', 'power_transition', 'power_set_profile', 'sysevent_register', 'sysevent_defer', 'sysevent_resume']) {
    assert.ok(HOST_TABLE.find((r) => r.name === n)?.gate, `${n} is gated`);
  }
});
table('every import of the C contract has a row', () => {
  const header = readFileSync('sdk/sysroot/src/applibs/sphere_host.h', 'utf8');
  const declared = [...header.matchAll(/SPHERE_IMPORT\("(\w+)"\)/g)].map((m) => m[1]!);
  assert.ok(declared.length > 20);
  assert.equal([...declared].sort(), HOST_TABLE.map((r) => r.name).sort());
});
table.run();

const info = suite('module inspection');
info('lists imports and tells WebAssembly from other binaries', () => {
  assert.equal(wasmImports(WASM.exit(3)).map((i) => `${i.module}.${i.name}:${i.kind}`), ['wasi_snapshot_preview1.proc_exit:function']);
  assert.equal(wasmImports(WASM.trap()), []);
  assert.ok(isWasm(WASM.trap()));
  assert.not.ok(isWasm(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46])));
  assert.not.ok(isWasm(undefined));
});
info('reads the memory import\'s limits', () => {
  // (module (import "env" "memory" (memory 2 5)))
  const m = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 0x10, 1, 3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 1, 2, 5]);
  assert.ok(WebAssembly.validate(m));
  assert.equal(wasmImports(m), [{ module: 'env', name: 'memory', kind: 'memory', minPages: 2, maxPages: 5 }]);
});
info.run();

const clock = suite('virtual clock');
clock('fires timers in time order as it advances, and stands still otherwise', () => {
  const c = new RuntimeClock('virtual');
  const fired: string[] = [];
  c.setTimer(300, () => fired.push(`b@${c.nowMs()}`));
  c.setTimer(100, () => fired.push(`a@${c.nowMs()}`));
  const cancel = c.setTimer(200, () => fired.push('never'));
  c.clearTimer(cancel);
  assert.is(c.nowMs(), 0);
  assert.is(c.nextTimerNs(), 100_000_000n);
  c.advanceTo(250_000_000n);
  assert.equal(fired, ['a@100']);
  assert.is(c.nowMs(), 250);
  c.advanceTo(1_000_000_000n);
  assert.equal(fired, ['a@100', 'b@300']);
  assert.is(c.nowMs(), 1000);
});
clock.run();

const board = suite('board GPIOs');
board('a PWM channel sets the brightness of the active-low LED it drives', () => {
  const b = new GpioBoard();
  b.appPwm([{ controller: 2, channel: 0, periodNs: 20000, dutyNs: 5000, polarity: 1, enabled: true }, { controller: 2, channel: 1, periodNs: 20000, dutyNs: 5000, polarity: 0, enabled: true }, { controller: 2, channel: 2, periodNs: 20000, dutyNs: 5000, polarity: 1, enabled: false }]);
  const v = b.view();
  assert.equal(v.parts['led1_red'], { kind: 'led', gpio: 8, lit: true, brightness: 0.25 });
  assert.equal(v.parts['led1_green'], { kind: 'led', gpio: 9, lit: true, brightness: 0.75 });
  assert.equal(v.parts['led1_blue'], { kind: 'led', gpio: 10, lit: false, brightness: 0 });
  b.setAdc(0, 100);
  assert.equal(b.view().parts['potentiometer'], { kind: 'potentiometer', adcController: 0, adcChannel: 0, sample: 100 });
  assert.throws(() => b.setAdc(0, 4096), /0 to 4095/);
});
board('buttons idle high, LEDs are lit at 0, only changes enter the history', () => {
  const b = new GpioBoard();
  assert.is(b.inputs[12], 1);
  assert.is(b.inputs[13], 1);
  b.appOpened(8, 'output');
  b.appDrove([[8, 1, 0], [8, 1, 5e8], [8, 0, 1e9]], 0);
  const v = b.view();
  assert.equal(v.gpio['8'], { direction: 'output', value: 0 });
  assert.equal(v.parts['led1_red'], { kind: 'led', gpio: 8, lit: true });
  assert.equal(v.history.map((h) => [h.value, h.atMs]), [[1, 0], [0, 1000]]);
  assert.is(v.changes, 3);
  b.setInput(12, 0);
  assert.equal(b.view().parts['a'], { kind: 'button', gpio: 12, pressed: true });
  assert.throws(() => b.setInput(500, 1), /GPIO 500 does not exist/);
  assert.throws(() => b.button('c'), /no button "c"/);
});
board.run();

const caps = suite('manifest capabilities');
caps('takes the GPIOs, storage, power controls and event flags of a resolved manifest', () => {
  assert.equal(appCapabilities({ Capabilities: { Gpio: [8, 12, '13'], Uart: ['ISU0'], I2cMaster: ['ISU2', 'bogus'], MutableStorage: { SizeKB: 8 }, PowerControls: ['ForceReboot'], SystemEventNotifications: true } }),
    { spi: [], pwm: [], adc: [], uart: [0], i2c: [2], gpio: [8, 12, 13], mutableStorageKB: 8, powerControls: ['ForceReboot'], systemEventNotifications: true, softwareUpdateDeferral: false, allowedConnections: [], allowedTcpServerPorts: [] });
  assert.equal(appCapabilities({}), { spi: [], pwm: [], adc: [], uart: [], i2c: [], gpio: [], mutableStorageKB: 0, powerControls: [], systemEventNotifications: false, softwareUpdateDeferral: false, allowedConnections: [], allowedTcpServerPorts: [] });
});
caps.run();

const sensor = suite('LSM6DS3 model');
sensor('identifies itself, resets, runs the accelerometer at the set scale and reads registers in a row', () => {
  let az = 1000;
  const s = new Lsm6ds3(() => ({ ax: 0, ay: 0, az, gx: 0, gy: 0, gz: 0 }));
  const read = (reg: number, n: number) => { s.write(Uint8Array.of(reg)); const out = new Uint8Array(n); s.read(out); return [...out]; };
  assert.equal(read(0x0f, 1), [LSM6DS3_WHO_AM_I]);
  assert.equal(read(0x1e, 1), [0], 'no data before CTRL1_XL starts the accelerometer');
  s.write(Uint8Array.of(0x10, 0x18)); // 12.5 Hz, ±4 g: 0.122 mg per LSB
  assert.equal(read(0x1e, 1), [1]);
  const [lo, hi] = read(0x2c, 2);
  assert.is(((hi! << 8) | lo!) << 16 >> 16, Math.round(1000 / 0.122));
  az = -500;
  const [lo2, hi2] = read(0x2c, 2);
  assert.is(((hi2! << 8) | lo2!) << 16 >> 16, Math.round(-500 / 0.122));
  s.write(Uint8Array.of(0x12, 0x01)); // software reset
  assert.equal(read(0x12, 1), [0x04], 'the reset bit clears itself; IF_INC is set again');
  assert.equal(read(0x1e, 1), [0]);
});
sensor.run();

const applog = suite('apps\' log on flash');
applog('rolls over past its bound, keeps the newest lines, and reads back across both files', () => {
  const t = tempDir('sphere-applog-');
  try {
    const log = new AppLog(t.dir);
    const text = 'x'.repeat(200) + '\n';
    for (let i = 0; i < 12_000; i++) { log.write({ t: i, clock: i, app: i % 2 ? 'a' : 'b', source: 'app', text: `${i} ${text}` }); if (i % 1000 === 999) log.flush(); }
    log.flush();
    const path = appLogPath(t.dir);
    assert.ok(statSync(path).size <= MAX_APP_LOG_BYTES);
    assert.ok(statSync(path + '.1').size <= MAX_APP_LOG_BYTES);
    const all = readAppLog(t.dir);
    assert.ok(all.length > 4000 && all.length < 12_000, `${all.length} lines kept`);
    assert.is(all.at(-1)!.text.split(' ')[0], '11999');
    assert.ok(all.every((x, i) => i === 0 || x.t > all[i - 1]!.t), 'in order');
    assert.ok(readAppLog(t.dir, { app: 'A' }).every((x) => x.app === 'a'));
  } finally { t.done(); }
});
applog.run();

const boards = suite('board descriptions');
boards('the built-in RDB is a valid description and gives the wiring the samples expect', () => {
  const d = parseBoard(JSON.parse(JSON.stringify(MT3620_RDB)));
  assert.equal(d, MT3620_RDB);
  const w = wiringOf(d);
  assert.equal(w.uartLoopback, [0]);
  assert.equal(w.i2c, { 2: { 0x6a: 'lsm6ds3' } });
  assert.equal(w.spi, { 1: { [-1]: 'lsm6ds3' } });
  assert.equal(w.pwmLeds[8], [2, 0]);
  assert.is(partsOf(d).filter((p) => p.kind === 'button').map((p) => `${p.name}:${p.gpio}`).join(','), 'a:12,b:13');
});
boards('refuses unknown models, a GPIO or bus named twice, and malformed values, naming the place', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ i2c: { ISU2: { '0x6a': 'bmp280' } } }, /^i2c\.ISU2\.0x6a: unknown model "bmp280"; models: lsm6ds3$/],
    [{ leds: { x: { gpio: 8 } }, buttons: { y: { gpio: 8 } } }, /^buttons\.y: GPIO 8 is already leds\.x$/],
    [{ uart: { ISU2: 'loopback' }, i2c: { ISU2: {} } }, /^i2c\.ISU2: ISU2 is already uart\.ISU2$/],
    [{ uart: { ISU9: 'loopback' } }, /^uart\.ISU9: expected ISU0 to ISU4$/],
    [{ uart: { ISU0: { tcp: 70000 } } }, /^uart\.ISU0\.tcp: expected a whole number from 0 to 65535/],
    [{ leds: { x: { gpio: 8, colour: 'red' } } }, /^leds\.x\.colour: unknown field/],
    [{ adc: { a: { channel: 0 }, b: { channel: 0 } } }, /^adc\.b\.channel: ADC channel 0 is already adc\.a$/],
    [{ wheels: 4 }, /^board\.wheels: unknown field/],
  ];
  for (const [raw, why] of bad) assert.throws(() => parseBoard(raw), (e: Error) => e instanceof BoardError && why.test(e.message), JSON.stringify(raw));
});
boards.run();
