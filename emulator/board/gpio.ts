/**
 * The board's GPIO pins as a person or a script sees them: which GPIOs the app opened and how,
 * the level each has, the recent changes an app drove (with the emulated time of each), and the
 * inputs driven from outside (buttons pressed, `sphere emulator io set`). It knows nothing of the
 * app or the REST API: the runtime reports what the app did, and is told when an input changes.
 */
import { MT3620_RDB, MT3620_RDB_PARTS, MT3620_RDB_WIRING, type Part, type Wiring } from './description';

export const GPIO_PINS = 128;
const HISTORY = 64;

export interface PinView { direction: 'output' | 'input'; value: 0 | 1 }
export interface Change { gpio: number; value: number; atMs: number }

export class GpioBoard {
  readonly parts: readonly Part[];
  /** Levels driven from outside, per GPIO (buttons idle high). */
  readonly inputs = new Array<number>(GPIO_PINS).fill(0);
  readonly opened = new Map<number, 'input' | 'output'>();
  readonly outputs = new Map<number, number>();
  readonly history: Change[] = [];
  /** Output changes since boot, including those the history no longer holds. */
  changes = 0;
  /** Told of every input change (the runtime copies it to the running apps and wakes them). */
  onInput: (gpio: number, value: number) => void = () => {};
  /** Which models sit on the buses (the samples' wiring of the RDB by default). */
  readonly wiring: Wiring;
  /** What the motion sensor feels: ax, ay, az (mg), gx, gy, gz (mdps); at rest, flat: 1 g down. */
  motion: number[] = [0, 0, 1000, 0, 0, 0];
  onMotion: (m: readonly number[]) => void = () => {};
  /** PWM channels as the app last applied them, by "controller/channel". */
  readonly pwm = new Map<string, { controller: number; channel: number; periodNs: number; dutyNs: number; polarity: number; enabled: boolean }>();
  /** 12-bit samples of ADC controller 0's channels (the RDB's potentiometer is channel 0, at mid travel). */
  adc: number[];
  onAdc: (samples: readonly number[]) => void = () => {};
  /** Told after anything `view()` shows may have changed (the board page's live updates). */
  readonly watchers = new Set<() => void>();
  #changed(): void { for (const w of this.watchers) w(); }

  appPwm(states: ReadonlyArray<{ controller: number; channel: number; periodNs: number; dutyNs: number; polarity: number; enabled: boolean }>): void {
    for (const s of states) this.pwm.set(`${s.controller}/${s.channel}`, { ...s });
    this.#changed();
  }

  setAdc(channel: number, value: number): void {
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.adc.length) throw new RangeError(`ADC channel ${channel} does not exist (0-${this.adc.length - 1})`);
    if (!Number.isInteger(value) || value < 0 || value > 4095) throw new RangeError(`an ADC sample is 0 to 4095 (12 bits), got ${value}`);
    this.adc[channel] = value;
    this.onAdc(this.adc);
    this.#changed();
  }

  /** Share of the time an active-low LED on a PWM channel is lit (0..1), when one drives it. */
  #brightness(gpio: number): number | undefined {
    const ch = this.wiring.pwmLeds[gpio];
    const s = ch && this.pwm.get(`${ch[0]}/${ch[1]}`);
    if (!s) return undefined;
    if (!s.enabled || s.periodNs === 0) return 0;
    // Lit while the pin is low: during the duty cycle when inversed, outside it when normal.
    const low = s.polarity === 1 ? s.dutyNs : s.periodNs - s.dutyNs;
    return Math.round((low / s.periodNs) * 1000) / 1000;
  }

  setMotion(m: Partial<Record<'ax' | 'ay' | 'az' | 'gx' | 'gy' | 'gz', number>>): number[] {
    const keys = ['ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const;
    for (const k of Object.keys(m)) if (!(keys as readonly string[]).includes(k)) throw new RangeError(`no motion axis "${k}"; the axes are ${keys.join(', ')} (milli-g, milli-degrees per second)`);
    this.motion = keys.map((k, i) => {
      const v = m[k];
      if (v === undefined) return this.motion[i]!;
      if (!Number.isFinite(v) || Math.abs(v) > 2_000_000) throw new RangeError(`${k} must be a number within ±2000000, got ${v}`);
      return Math.round(v);
    });
    this.onMotion(this.motion);
    return this.motion;
  }

  /** Local TCP ports of the bridged UARTs, by ISU (set when the bridges listen). */
  readonly uartBridges = new Map<number, number>();
  /** Pseudo-terminals of the UARTs bridged to one (`--uart-pty`), by ISU. */
  readonly uartPtys = new Map<number, string>();
  /** The analog parts (on ADC controller 0) by name. */
  readonly analog: Readonly<Record<string, { channel: number; initial: number }>>;

  constructor(parts: readonly Part[] = MT3620_RDB_PARTS, wiring: Wiring = MT3620_RDB_WIRING, analog: Readonly<Record<string, { channel: number; initial: number }>> = MT3620_RDB.adc) {
    this.parts = parts;
    this.wiring = wiring;
    this.analog = analog;
    this.adc = new Array<number>(8).fill(0);
    for (const a of Object.values(analog)) this.adc[a.channel] = a.initial;
    for (const p of parts) if (p.kind === 'button') this.inputs[p.gpio] = p.activeLow ? 1 : 0;
  }

  /** The app's run ended: its pins are released (outputs keep no level). */
  releaseAll(): void {
    this.opened.clear();
    this.outputs.clear();
    this.pwm.clear();
    this.#changed();
  }

  appOpened(gpio: number, direction: 'input' | 'output'): void {
    this.opened.set(gpio, direction);
    this.#changed();
  }

  appClosed(gpio: number): void {
    this.opened.delete(gpio);
    this.outputs.delete(gpio);
    this.#changed();
  }

  appDrove(changes: ReadonlyArray<readonly [number, number, number]>, dropped: number): void {
    this.changes += dropped;
    for (const [gpio, value, atNs] of changes) {
      this.changes++;
      const before = this.outputs.get(gpio);
      this.outputs.set(gpio, value);
      if (before === value) continue;
      this.history.push({ gpio, value, atMs: atNs / 1e6 });
      if (this.history.length > HISTORY) this.history.shift();
    }
    this.#changed();
  }

  setInput(gpio: number, value: 0 | 1): void {
    if (!Number.isInteger(gpio) || gpio < 0 || gpio >= GPIO_PINS) throw new RangeError(`GPIO ${gpio} does not exist on this board (0-${GPIO_PINS - 1})`);
    this.inputs[gpio] = value;
    this.onInput(gpio, value);
    this.#changed();
  }

  button(name: string): Part {
    const p = this.parts.find((x) => x.kind === 'button' && x.name === name.toLowerCase());
    if (!p) throw new RangeError(`no button "${name}" on this board; it has ${this.parts.filter((x) => x.kind === 'button').map((x) => x.name).join(', ')}`);
    return p;
  }

  level(gpio: number): number {
    const out = this.outputs.get(gpio);
    return this.opened.get(gpio) === 'output' && out !== undefined ? out : this.inputs[gpio] ?? 0;
  }

  /** `sphere emulator io show`: every opened GPIO, and the board's parts with their state. */
  view(): { gpio: Record<string, PinView>; parts: Record<string, unknown>; pwm: Record<string, unknown>; adc: number[]; uart: Record<string, string>; history: Change[]; changes: number } {
    const gpio: Record<string, PinView> = {};
    for (const [n, direction] of [...this.opened].sort((a, b) => a[0] - b[0])) gpio[String(n)] = { direction, value: this.level(n) ? 1 : 0 };
    const parts: Record<string, unknown> = {};
    for (const p of this.parts) {
      const level = this.level(p.gpio);
      const active = p.activeLow ? level === 0 : level === 1;
      const brightness = p.kind === 'led' ? this.#brightness(p.gpio) : undefined;
      parts[p.name] = p.kind === 'led'
        ? brightness !== undefined ? { kind: 'led', gpio: p.gpio, lit: brightness > 0, brightness } : { kind: 'led', gpio: p.gpio, lit: this.opened.get(p.gpio) === 'output' && active }
        : { kind: 'button', gpio: p.gpio, pressed: active };
    }
    for (const [name, a] of Object.entries(this.analog)) parts[name] = { kind: 'potentiometer', adcController: 0, adcChannel: a.channel, sample: this.adc[a.channel] };
    const pwm = Object.fromEntries([...this.pwm].sort().map(([k, s]) => [k, { periodNs: s.periodNs, dutyNs: s.dutyNs, polarity: s.polarity === 1 ? 'inversed' : 'normal', enabled: s.enabled }]));
    const uart: Record<string, string> = {};
    for (const isu of this.wiring.uartLoopback) uart[`ISU${isu}`] = 'loopback';
    for (const [isu, port] of this.uartBridges) uart[`ISU${isu}`] = `tcp 127.0.0.1:${port}`;
    for (const [isu, path] of this.uartPtys) uart[`ISU${isu}`] = `pty ${path}`;
    return { gpio, parts, pwm, adc: [...this.adc], uart, history: [...this.history], changes: this.changes };
  }
}
