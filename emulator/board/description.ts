/**
 * A board description: which part sits on which GPIO and which model on which bus, so users can
 * describe their own board (`sphere emulator start --board board.json`). The format, JSON:
 *
 *   {
 *     "name": "…",
 *     "leds":    { "<name>": { "gpio": 8, "activeLow": true, "pwm": "2/0" } },   pwm: controller/channel, optional
 *     "buttons": { "<name>": { "gpio": 12, "activeLow": true } },
 *     "uart":    { "ISU0": "loopback" | { "tcp": <port, 0 = any free> } },
 *     "i2c":     { "ISU2": { "0x6a": "lsm6ds3" } },
 *     "spi":     { "ISU1": { "A": "lsm6ds3" } },                                    chip select A or B
 *     "adc":     { "<name>": { "channel": 0, "initial": 2048 } }                     controller 0, 12 bits
 *   }
 *
 * `parseBoard` checks every field and refuses unknown models, a GPIO, bus or channel named twice,
 * with a message that names the place; MT3620_RDB is the built-in board the samples' hardware
 * definition wires (emulator/README.md).
 */
export interface LedPart { kind: 'led'; name: string; gpio: number; activeLow: boolean }
export interface ButtonPart { kind: 'button'; name: string; gpio: number; activeLow: boolean }
export type Part = LedPart | ButtonPart;

export const MODELS = ['lsm6ds3'] as const;
export type Model = (typeof MODELS)[number];

export interface BoardDescription {
  name: string;
  leds: Record<string, { gpio: number; activeLow: boolean; pwm?: string }>;
  buttons: Record<string, { gpio: number; activeLow: boolean }>;
  uart: Record<string, 'loopback' | { tcp: number }>;
  i2c: Record<string, Record<string, Model>>;
  spi: Record<string, Record<string, Model>>;
  adc: Record<string, { channel: number; initial: number }>;
}

/** What the runtime and the board need, flattened from a description. */
export interface Wiring {
  uartLoopback: readonly number[];
  /** ISU → TCP port (0: any free one) for UARTs bridged to a local TCP port. */
  uartTcp: Readonly<Record<number, number>>;
  i2c: Readonly<Record<number, Readonly<Record<number, Model>>>>;
  spi: Readonly<Record<number, Readonly<Record<number, Model>>>>;
  /** GPIO → [PWM controller, channel] for LEDs a PWM channel drives. */
  pwmLeds: Readonly<Record<number, readonly [number, number]>>;
}

export class BoardError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, why: string): never {
  throw new BoardError(`${where}: ${why}`);
}

/** The entries of an optional object field. */
function entriesOf(v: unknown, where: string): Array<[string, unknown]> {
  if (v === undefined) return [];
  if (!isObject(v)) fail(where, 'expected an object');
  return Object.entries(v);
}

function keys(v: unknown, where: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(v)) fail(where, 'expected an object');
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(`${where}.${k}`, `unknown field; expected ${allowed.join(', ')}`);
  return v;
}

function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(where, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function isu(k: string, where: string): number {
  const m = /^ISU([0-4])$/.exec(k);
  if (!m) fail(`${where}.${k}`, 'expected ISU0 to ISU4');
  return Number(m[1]);
}

function model(v: unknown, where: string): Model {
  if (!MODELS.includes(v as Model)) fail(where, `unknown model ${JSON.stringify(v)}; models: ${MODELS.join(', ')}`);
  return v as Model;
}

/** Checks a description (parsed JSON); throws BoardError naming the first problem. */
export function parseBoard(raw: unknown): BoardDescription {
  const top = keys(raw, 'board', ['name', 'leds', 'buttons', 'uart', 'i2c', 'spi', 'adc']);
  const gpios = new Map<number, string>();
  const claim = (g: number, where: string) => {
    const other = gpios.get(g);
    if (other) fail(where, `GPIO ${g} is already ${other}`);
    gpios.set(g, where);
  };
  const d: BoardDescription = { name: typeof top['name'] === 'string' ? top['name'] : 'custom board', leds: {}, buttons: {}, uart: {}, i2c: {}, spi: {}, adc: {} };
  const pwmUsed = new Map<string, string>();
  for (const [n, v] of entriesOf(top['leds'], 'leds')) {
    const w = `leds.${n}`;
    const o = keys(v, w, ['gpio', 'activeLow', 'pwm']);
    const gpio = int(o['gpio'], `${w}.gpio`, 0, 127);
    claim(gpio, w);
    const led: BoardDescription['leds'][string] = { gpio, activeLow: o['activeLow'] !== false };
    if (o['pwm'] !== undefined) {
      if (typeof o['pwm'] !== 'string' || !/^[0-2]\/[0-3]$/.test(o['pwm'])) fail(`${w}.pwm`, 'expected "controller/channel", controller 0-2, channel 0-3');
      if (pwmUsed.has(o['pwm'])) fail(`${w}.pwm`, `PWM ${o['pwm']} already drives ${pwmUsed.get(o['pwm'])}`);
      pwmUsed.set(o['pwm'], w);
      led.pwm = o['pwm'];
    }
    d.leds[n] = led;
  }
  for (const [n, v] of entriesOf(top['buttons'], 'buttons')) {
    const w = `buttons.${n}`;
    const o = keys(v, w, ['gpio', 'activeLow']);
    const gpio = int(o['gpio'], `${w}.gpio`, 0, 127);
    claim(gpio, w);
    d.buttons[n] = { gpio, activeLow: o['activeLow'] !== false };
  }
  const buses = new Map<number, string>();
  const claimBus = (n: number, where: string) => {
    const other = buses.get(n);
    if (other) fail(where, `ISU${n} is already ${other}`);
    buses.set(n, where);
  };
  for (const [k, v] of entriesOf(top['uart'], 'uart')) {
    const w = `uart.${k}`;
    claimBus(isu(k, 'uart'), w);
    if (v === 'loopback') d.uart[k] = 'loopback';
    else if (isObject(v) && Object.keys(v).length === 1 && 'tcp' in v) d.uart[k] = { tcp: int(v['tcp'], `${w}.tcp`, 0, 65535) };
    else fail(w, 'expected "loopback" or { "tcp": <port> }');
  }
  for (const bus of ['i2c', 'spi'] as const) {
    for (const [k, v] of entriesOf(top[bus], bus)) {
      const w = `${bus}.${k}`;
      claimBus(isu(k, bus), w);
      if (!isObject(v)) fail(w, 'expected an object of targets');
      const targets: Record<string, Model> = {};
      for (const [a, m] of Object.entries(v)) {
        if (bus === 'i2c' && !/^0x[0-7][0-9a-f]$/i.test(a)) fail(`${w}.${a}`, 'expected a 7-bit address such as 0x6a');
        if (bus === 'spi' && a !== 'A' && a !== 'B') fail(`${w}.${a}`, 'expected chip select A or B');
        targets[bus === 'i2c' ? a.toLowerCase() : a] = model(m, `${w}.${a}`);
      }
      d[bus][k] = targets;
    }
  }
  const channels = new Map<number, string>();
  for (const [n, v] of entriesOf(top['adc'], 'adc')) {
    const w = `adc.${n}`;
    const o = keys(v, w, ['channel', 'initial']);
    const channel = int(o['channel'], `${w}.channel`, 0, 7);
    if (channels.has(channel)) fail(`${w}.channel`, `ADC channel ${channel} is already ${channels.get(channel)}`);
    channels.set(channel, w);
    d.adc[n] = { channel, initial: o['initial'] === undefined ? 2048 : int(o['initial'], `${w}.initial`, 0, 4095) };
  }
  return d;
}

export function partsOf(d: BoardDescription): Part[] {
  return [
    ...Object.entries(d.leds).map(([name, l]): Part => ({ kind: 'led', name, gpio: l.gpio, activeLow: l.activeLow })),
    ...Object.entries(d.buttons).map(([name, b]): Part => ({ kind: 'button', name, gpio: b.gpio, activeLow: b.activeLow })),
  ];
}

export function wiringOf(d: BoardDescription): Wiring {
  const uartLoopback: number[] = [];
  const uartTcp: Record<number, number> = {};
  for (const [k, v] of Object.entries(d.uart)) {
    const n = Number(k.slice(3));
    if (v === 'loopback') uartLoopback.push(n); else uartTcp[n] = v.tcp;
  }
  const bus = (m: Record<string, Record<string, Model>>, addr: (a: string) => number) =>
    Object.fromEntries(Object.entries(m).map(([k, t]) => [Number(k.slice(3)), Object.fromEntries(Object.entries(t).map(([a, x]) => [addr(a), x]))]));
  const pwmLeds: Record<number, [number, number]> = {};
  for (const l of Object.values(d.leds)) if (l.pwm) { const [c, ch] = l.pwm.split('/').map(Number); pwmLeds[l.gpio] = [c!, ch!]; }
  return { uartLoopback, uartTcp, i2c: bus(d.i2c, (a) => parseInt(a, 16)), spi: bus(d.spi, (a) => (a === 'A' ? -1 : -2)), pwmLeds };
}

const rgb = (name: string, r: number, g: number, b: number, pwm?: [string, string, string]) => ({
  [`${name}_red`]: { gpio: r, activeLow: true, ...(pwm ? { pwm: pwm[0] } : {}) },
  [`${name}_green`]: { gpio: g, activeLow: true, ...(pwm ? { pwm: pwm[1] } : {}) },
  [`${name}_blue`]: { gpio: b, activeLow: true, ...(pwm ? { pwm: pwm[2] } : {}) },
});

/**
 * The MT3620 reference development board as the samples' hardware definition wires it: its LEDs
 * and buttons on the GPIOs mt3620_rdb.json names (active low), ISU0's UART looped back (header 2,
 * pins 1 and 3 joined), an LSM6DS3 on ISU2's I2C at 0x6a and on ISU1's SPI chip select A, LED 1
 * and the networking LED's blue on PWM controller 2, the potentiometer on ADC channel 0.
 */
export const MT3620_RDB: BoardDescription = {
  name: 'MT3620 RDB',
  leds: {
    ...rgb('led1', 8, 9, 10, ['2/0', '2/1', '2/2']),
    ...rgb('led2', 15, 16, 17),
    ...rgb('led3', 18, 19, 20),
    ...rgb('led4', 21, 22, 23),
    ...rgb('status_led', 45, 46, 47),
    networking_led_red: { gpio: 48, activeLow: true },
    networking_led_green: { gpio: 14, activeLow: true },
    networking_led_blue: { gpio: 11, activeLow: true, pwm: '2/3' },
  },
  buttons: { a: { gpio: 12, activeLow: true }, b: { gpio: 13, activeLow: true } },
  uart: { ISU0: 'loopback' },
  i2c: { ISU2: { '0x6a': 'lsm6ds3' } },
  spi: { ISU1: { A: 'lsm6ds3' } },
  adc: { potentiometer: { channel: 0, initial: 2048 } },
};

export const MT3620_RDB_PARTS: readonly Part[] = partsOf(MT3620_RDB);
export const MT3620_RDB_WIRING: Wiring = wiringOf(MT3620_RDB);
