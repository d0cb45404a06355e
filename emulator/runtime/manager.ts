/**
 * The app manager: starts and stops app runs, writes their output and the emulator's lines about
 * them to the apps' log, feeds what they drive to the board, restarts an app that ended on its
 * own (not in debug mode) with back-off, and — with the virtual clock — moves time while every
 * app waits. What the device records about an end (state, error report) is the owner's, told
 * through `onEnded`.
 */
import { AppLog } from './applog';
import type { RuntimeClock } from './clock';
import { AppProcess, type AppSpec, type ExitInfo } from './process';
import type { PwmChannelState, WorkerInit, WorkerMessage } from './protocol';
import { NetBroker } from './net-broker';

/** Time an app has after SIGTERM before its worker is ended. */
export const STOP_GRACE_MS = 2000;
/** Restart delays after successive ends; the last repeats. A run of RESTART_RESET_MS resets the count. */
export const RESTART_BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 32000, 60000] as const;
export const RESTART_RESET_MS = 60_000;
/** What an app may allocate beyond its starting memory, by default: the MT3620's 256 KiB of application RAM. */
export const DEFAULT_APP_MEMORY_KB = 256;

export interface BoardSink {
  inputs: readonly number[];
  /** What the board's motion sensor feels: ax, ay, az (mg), gx, gy, gz (mdps). */
  motion: readonly number[];
  /** Which models sit on which buses. */
  wiring: WorkerInit['wiring'];
  appOpened(gpio: number, direction: 'input' | 'output'): void;
  appClosed(gpio: number): void;
  appDrove(changes: ReadonlyArray<readonly [number, number, number]>, dropped: number): void;
  appPwm(states: readonly PwmChannelState[]): void;
  /** ADC samples per channel of controller 0. */
  adc: readonly number[];
  releaseAll(): void;
}

export interface RuntimeOptions {
  stateDir: string;
  clock: RuntimeClock;
  board: BoardSink;
  osVersion: string;
  appMemoryKB?: number;
  /** A run ended; `restartInMs` says when the manager will restart it (undefined: it will not). */
  onEnded?: (componentId: string, info: ExitInfo, restartInMs: number | undefined) => void;
  /** Called when a restart is due; the owner starts the app again (or not, if it is gone). */
  onRestart?: (componentId: string) => void;
  onPower?: (state: 'reboot' | 'powerdown', residencySeconds: number) => void;
  onSysEvent?: (componentId: string, op: 'defer' | 'resume', event: number, minutes: number) => void;
  /** What an app wrote to a bridged UART. */
  onUartTx?: (isu: number, data: Uint8Array) => void;
  /** Names apps resolve to local addresses before DNS (`emulator start --host-map`). */
  hostMap?: Readonly<Record<string, string>>;
}

export class AppRuntime {
  readonly log: AppLog;
  readonly clock: RuntimeClock;
  readonly procs = new Map<string, AppProcess>();
  readonly lastExit = new Map<string, ExitInfo>();
  readonly #restarts = new Map<string, { count: number; timer?: number }>();
  readonly #o: RuntimeOptions;
  readonly memoryCap: number;
  /** The apps' connections and transfers. */
  readonly net: NetBroker;
  #advanceQueued = false;
  /** Virtual clock: time does not pass this point (ns since boot) until it is raised; undefined runs free. */
  #limitNs: bigint | undefined;

  /** Caps (or, with undefined, frees) the virtual clock: scenario steps hand out time this way. */
  setClockLimit(ns: bigint | undefined): void {
    this.#limitNs = ns;
    this.#queueAdvance();
  }

  /** Every running app waits (for time or an event): nothing moves until time or an input does. */
  settled(): boolean {
    return [...this.procs.values()].every((p) => p.exited || p.waiting);
  }

  get clockLimitNs(): bigint | undefined {
    return this.#limitNs;
  }

  constructor(o: RuntimeOptions) {
    this.#o = o;
    this.clock = o.clock;
    this.log = new AppLog(o.stateDir);
    this.memoryCap = (o.appMemoryKB ?? DEFAULT_APP_MEMORY_KB) * 1024;
    this.net = new NetBroker(o.hostMap ?? {});
    this.clock.onTimerAdded = () => this.#queueAdvance();
  }

  /** One line of the emulator's own about an app, in the apps' log. */
  note(componentId: string, text: string): void {
    this.log.write({ t: this.clock.wallMs(), clock: this.clock.nowMs(), app: componentId, source: 'emulator', text: text.endsWith('\n') ? text : text + '\n' });
  }

  restartCount(componentId: string): number {
    return this.#restarts.get(componentId)?.count ?? 0;
  }

  /** Starts a run (after the previous run of the same app, if one is still ending). */
  async start(spec: AppSpec, o: { restart?: boolean } = {}): Promise<AppProcess> {
    const prev = this.procs.get(spec.componentId);
    if (prev && !prev.exited) await prev.kill('replaced by a new start');
    const r = this.#restarts.get(spec.componentId);
    if (r?.timer !== undefined) { this.clock.clearTimer(r.timer); delete r.timer; }
    if (!o.restart) this.#restarts.delete(spec.componentId);
    const p = new AppProcess(spec, {
      clock: this.clock, memoryCap: this.memoryCap, osVersion: this.#o.osVersion, inputs: this.#o.board.inputs,
      wiring: this.#o.board.wiring, motion: this.#o.board.motion, adc: this.#o.board.adc,
      onMessage: (proc, m) => this.#message(proc, m),
    });
    this.procs.set(spec.componentId, p);
    this.note(spec.componentId, `${o.restart ? 'restarted' : 'started'} "${spec.name}" (WebAssembly${spec.debug ? ', debug mode: no automatic restart' : ''})`);
    void p.ended.then((info) => this.#ended(p, info));
    return p;
  }

  /** SIGTERM, then the worker ends after the grace time. */
  stop(componentId: string, why: string, graceMs = STOP_GRACE_MS): Promise<ExitInfo> | undefined {
    this.#cancelRestart(componentId);
    const p = this.procs.get(componentId);
    if (!p || p.exited) return undefined;
    this.note(componentId, `stopping: SIGTERM sent (${why}); the app has ${graceMs} ms to end`);
    return p.stop(why, graceMs);
  }

  /** Ends every run at once (a reboot, the emulator stopping). */
  async killAll(why: string): Promise<void> {
    for (const c of [...this.#restarts.keys()]) this.#cancelRestart(c);
    await Promise.all([...this.procs.values()].filter((p) => !p.exited).map((p) => p.kill(why)));
  }

  /** SIGTERM to every run, waiting for each to end (at most the grace time). */
  async stopAll(why: string): Promise<void> {
    await Promise.all([...this.procs.keys()].map((c) => this.stop(c, why)));
  }

  running(componentId: string): AppProcess | undefined {
    const p = this.procs.get(componentId);
    return p && !p.exited ? p : undefined;
  }

  setInput(gpio: number, value: number): void {
    for (const p of this.procs.values()) if (!p.exited) p.setInput(gpio, value);
  }

  setMotion(m: readonly number[]): void {
    for (const p of this.procs.values()) if (!p.exited) p.setMotion(m);
  }

  uartRx(isu: number, data: Uint8Array): void {
    for (const p of this.procs.values()) if (!p.exited) p.uartRx(isu, data);
  }

  setAdc(samples: readonly number[]): void {
    for (const p of this.procs.values()) if (!p.exited) p.setAdc(samples);
  }

  sysEvent(e: { event: number; status: number; maxDeferral: number; updateType: number }): void {
    for (const p of this.procs.values()) if (!p.exited) p.sysEvent(e);
  }

  netFacts(f: { ready: boolean; interfaces: Record<string, number>; deviceAuthReady: boolean }): void {
    for (const p of this.procs.values()) if (!p.exited) p.netFacts(f);
  }

  #cancelRestart(componentId: string): void {
    const r = this.#restarts.get(componentId);
    if (r?.timer !== undefined) { this.clock.clearTimer(r.timer); delete r.timer; }
  }

  #message(p: AppProcess, m: WorkerMessage): void {
    const current = this.procs.get(p.spec.componentId) === p;
    switch (m.t) {
      case 'log':
        this.log.write({ t: this.clock.bootWallMs + m.at, clock: m.at, app: p.spec.componentId, source: m.source, text: m.text.endsWith('\n') ? m.text : m.text + '\n' });
        break;
      case 'gpio':
        if (!current) break;
        for (const [g, d] of m.opened ?? []) this.#o.board.appOpened(g, d);
        this.#o.board.appDrove(m.changes, m.dropped);
        for (const g of m.closed ?? []) this.#o.board.appClosed(g);
        if (m.pwm) this.#o.board.appPwm(m.pwm);
        break;
      case 'idle':
        this.#queueAdvance();
        break;
      case 'uart':
        if (current) this.#o.onUartTx?.(m.isu, m.data);
        break;
      case 'power':
        if (current) this.#o.onPower?.(m.state, m.residencySeconds);
        break;
      case 'net':
        this.net.handle(p, m.req);
        break;
      case 'sysevent':
        if (current) this.#o.onSysEvent?.(p.spec.componentId, m.op, m.event, m.minutes);
        break;
      default:
        break;
    }
  }

  #ended(p: AppProcess, info: ExitInfo): void {
    const cid = p.spec.componentId;
    this.lastExit.set(cid, info);
    this.net.closeAll(p);
    if (this.procs.get(cid) === p) this.#o.board.releaseAll();
    const memory = info.memoryCapReached ? ' after reaching its memory cap' : '';
    this.note(cid, `ended: ${info.detail}${memory}`);
    let restartIn: number | undefined;
    const own = p.stopReason === undefined && info.reason !== 'load' && this.procs.get(cid) === p;
    if (own && !p.spec.debug) {
      const ran = info.atMs - p.startedAtMs;
      const r = this.#restarts.get(cid) ?? { count: 0 };
      if (ran >= RESTART_RESET_MS) r.count = 0;
      restartIn = RESTART_BACKOFF_MS[Math.min(r.count, RESTART_BACKOFF_MS.length - 1)]!;
      r.count++;
      this.#restarts.set(cid, r);
      this.note(cid, `restarting in ${restartIn} ms (restart ${r.count})`);
      r.timer = this.clock.setTimer(restartIn, () => {
        delete r.timer;
        this.#o.onRestart?.(cid);
      });
    }
    this.#o.onEnded?.(cid, info, restartIn);
    this.#queueAdvance();
  }

  /** Virtual clock: when every app waits, jump to the earliest deadline (an app's or a board timer's). */
  #queueAdvance(): void {
    if (this.clock.mode !== 'virtual' || this.#advanceQueued) return;
    this.#advanceQueued = true;
    setImmediate(() => {
      this.#advanceQueued = false;
      const live = [...this.procs.values()].filter((p) => !p.exited);
      if (live.some((p) => !p.waiting)) return;
      let target = this.clock.nextTimerNs();
      for (const p of live) {
        const d = p.deadlineNs;
        if (d !== undefined && (target === undefined || d < target)) target = d;
      }
      const now = this.clock.nowNs();
      // A scenario's limit: time runs up to it (even with nothing due) and stands there.
      if (this.#limitNs !== undefined && (target === undefined || target > this.#limitNs)) {
        if (this.#limitNs <= now) return;
        target = this.#limitNs;
      }
      if (target === undefined) return;
      this.clock.advanceTo(target < now ? now : target);
      for (const p of live) { p.setNow(this.clock.nowNs()); p.wake(); }
      if (!live.length && this.clock.nextTimerNs() !== undefined) this.#queueAdvance();
    });
  }
}
