/**
 * One run of one app: its worker thread, the control memory it shares with the main thread, and
 * how it ends. SIGTERM is a bit in that memory plus a wake-up (the app's handler runs at its next
 * blocking point); a stop that the app does not honour within the grace time ends the worker.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { ADC_BASE, BIG, CELL, CONTROL_BYTES, GPIO_INPUT_BASE, GPIO_OUTPUT_BASE, GPIO_COUNT, MOTION_BASE, SIGTERM, type ExitReason, type WorkerInit, type WorkerMessage } from './protocol';

declare const __SPHERE_APP_WORKER__: string | undefined;

/** One app to run: what its worker needs of the app itself, and whether it runs in debug mode (no restarts). */
export type AppSpec = Pick<WorkerInit, 'componentId' | 'name' | 'wasm' | 'args' | 'files' | 'storageFile' | 'capabilities' | 'networkingReady' | 'interfaces' | 'deviceAuthReady' | 'deviceAuthCert'> & { debug: boolean };

export interface ExitInfo {
  code: number;
  reason: ExitReason | 'stopped';
  detail: string;
  memoryCapReached: boolean;
  /** Emulated ms since boot. */
  atMs: number;
}

export interface ProcessHost {
  clock: { mode: 'real' | 'virtual'; nowNs(): bigint; bootWallMs: number; bootPerfMs: number };
  memoryCap: number;
  osVersion: string;
  inputs: readonly number[];
  wiring: WorkerInit['wiring'];
  /** The motion sensor's readings: ax, ay, az (mg), gx, gy, gz (mdps). */
  motion: readonly number[];
  /** ADC samples per channel. */
  adc: readonly number[];
  onMessage(p: AppProcess, m: WorkerMessage): void;
}

function spawn(data: WorkerInit & { sphereApp: true; inbox: MessagePort }): Worker {
  const o = { workerData: data, transferList: [data.inbox], resourceLimits: { maxOldGenerationSizeMb: 64 }, stdout: true, stderr: true };
  if (typeof __SPHERE_APP_WORKER__ === 'string') return new Worker(__SPHERE_APP_WORKER__, { ...o, eval: true });
  // From the sources (tests under tsx): the worker module through tsx's CommonJS hook.
  const file = new URL('./worker.ts', import.meta.url).pathname;
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { ...o, eval: true });
}

export class AppProcess {
  readonly spec: AppSpec;
  readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  readonly ctl = new Int32Array(this.control);
  readonly big = new BigInt64Array(this.control);
  readonly worker: Worker;
  readonly ended: Promise<ExitInfo>;
  readonly startedAtMs: number;
  readonly #port: MessagePort;
  readonly #host: ProcessHost;
  /** Set when the emulator asked it to stop (the reason is kept for the log). */
  stopReason: string | undefined;
  #result: Omit<ExitInfo, 'atMs'> | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  exited = false;
  #sigtermSent = false;

  constructor(spec: AppSpec, host: ProcessHost) {
    this.spec = spec;
    this.#host = host;
    this.startedAtMs = Number(host.clock.nowNs() / 1_000_000n);
    for (let g = 0; g < GPIO_COUNT; g++) { this.ctl[GPIO_INPUT_BASE + g] = host.inputs[g] ?? 0; this.ctl[GPIO_OUTPUT_BASE + g] = -1; }
    this.setMotion(host.motion);
    this.setAdc(host.adc);
    this.big[BIG.now] = host.clock.nowNs();
    this.big[BIG.deadline] = -1n;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.worker = spawn({
      sphereApp: true, inbox: port2,
      componentId: spec.componentId, name: spec.name, wasm: spec.wasm, args: spec.args, files: spec.files, storageFile: spec.storageFile,
      control: this.control, clock: host.clock.mode, bootWallMs: host.clock.bootWallMs, bootPerfMs: host.clock.bootPerfMs,
      memoryCap: host.memoryCap, capabilities: spec.capabilities, osVersion: host.osVersion, wiring: host.wiring,
      networkingReady: spec.networkingReady, interfaces: spec.interfaces, deviceAuthReady: spec.deviceAuthReady,
      ...(spec.deviceAuthCert ? { deviceAuthCert: spec.deviceAuthCert } : {}),
    });
    // Anything the worker itself prints (it should not) is not the device's output.
    this.worker.stdout?.resume();
    this.worker.stderr?.resume();
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.t === 'exit') this.#result = { code: m.code, reason: m.reason, detail: m.detail, memoryCapReached: m.memoryCapReached };
      host.onMessage(this, m);
    });
    this.ended = new Promise<ExitInfo>((resolve) => {
      const done = (fallback: Omit<ExitInfo, 'atMs'>) => {
        if (this.exited) return;
        this.exited = true;
        if (this.#killTimer) clearTimeout(this.#killTimer);
        this.#port.close();
        const r = this.#result ?? fallback;
        const atMs = Number(host.clock.nowNs() / 1_000_000n);
        resolve(this.stopReason !== undefined && r.reason !== 'load' && r.reason !== 'trap' && !(r.reason === 'exit' && r.code !== 0)
          ? { ...r, reason: 'stopped', detail: `${!this.#result ? (this.#sigtermSent ? 'did not end after SIGTERM; ended' : 'ended') : r.reason === 'signal' ? 'ended by SIGTERM' : `ended after SIGTERM, ${r.detail}`} (${this.stopReason})`, atMs }
          : { ...r, atMs });
      };
      this.worker.on('error', (e) => done({ code: -1, reason: 'trap', detail: `trap: ${e.message}`, memoryCapReached: false }));
      this.worker.on('exit', () => done({ code: -1, reason: 'signal', detail: 'ended', memoryCapReached: false }));
    });
  }

  /** Wakes the app if it waits (an event, a signal, time moved). */
  wake(): void {
    Atomics.add(this.ctl, CELL.wake, 1);
    Atomics.notify(this.ctl, CELL.wake);
  }

  get waiting(): boolean {
    return Atomics.load(this.ctl, CELL.waiting) === 1;
  }

  get deadlineNs(): bigint | undefined {
    const d = Atomics.load(this.big, BIG.deadline);
    return d < 0n ? undefined : d;
  }

  setNow(ns: bigint): void {
    Atomics.store(this.big, BIG.now, ns);
  }

  setAdc(samples: readonly number[]): void {
    samples.forEach((v, i) => Atomics.store(this.ctl, ADC_BASE + i, v));
  }

  setMotion(m: readonly number[]): void {
    m.forEach((v, i) => Atomics.store(this.ctl, MOTION_BASE + i, v));
  }

  setInput(gpio: number, value: number): void {
    Atomics.store(this.ctl, GPIO_INPUT_BASE + gpio, value);
    this.wake();
  }

  sysEvent(e: { event: number; status: number; maxDeferral: number; updateType: number }): void {
    this.#port.postMessage({ t: 'sysevent', ...e });
    this.wake();
  }

  /** Bytes arriving on a UART's RX from outside (a TCP bridge). */
  uartRx(isu: number, data: Uint8Array): void {
    this.#port.postMessage({ t: 'uart', isu, data });
    this.wake();
  }

  /** An answer of the network broker (a connection's data, a resolved name, a finished transfer). */
  netEvent(e: import('./net-protocol').NetEvent): void {
    if (this.exited) return;
    this.#port.postMessage(e);
    this.wake();
  }

  /** New network facts (an interface went up or down, Wi-Fi connected). */
  netFacts(f: { ready: boolean; interfaces: Record<string, number>; deviceAuthReady: boolean }): void {
    this.#port.postMessage({ t: 'net', ...f });
  }

  /** SIGTERM now; the worker is ended if the app has not finished after `graceMs`. */
  stop(why: string, graceMs: number): Promise<ExitInfo> {
    if (this.exited) return this.ended;
    if (this.stopReason === undefined) {
      this.stopReason = why;
      this.#sigtermSent = true;
      Atomics.or(this.ctl, CELL.signals, 1 << SIGTERM);
      this.wake();
      this.#killTimer = setTimeout(() => { void this.worker.terminate(); }, graceMs);
      this.#killTimer.unref?.();
    }
    return this.ended;
  }

  /** Ends the worker at once (a reboot, the emulator stopping). */
  kill(why: string): Promise<ExitInfo> {
    if (this.stopReason === undefined) this.stopReason = why;
    void this.worker.terminate();
    return this.ended;
  }

  clockMode(): 'real' | 'virtual' {
    return this.#host.clock.mode;
  }
}
