/**
 * The worker side of one running app: its linear memory, the host's file-descriptor table
 * (GPIOs, timers, storage and image files, system events at 1000 and above), the app's clock,
 * signals, and the blocking wait every sleep, poll and blocking read goes through. WASI calls on
 * the host's descriptors (fd_read, fd_write, fd_seek, fd_close, fd_fdstat_get, fd_filestat_get,
 * poll_oneoff) and the clocks are served here; node:wasi serves the rest (arguments, an empty
 * environment, randomness, exit). The app sees no host file, variable or clock.
 */
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ADC_BASE, BIG, CELL, GPIO_INPUT_BASE, GPIO_OUTPUT_BASE, MOTION_BASE, SIGTERM, type PwmChannelState, type WorkerInit, type WorkerMessage } from './protocol';
import { Lsm6ds3, type Motion } from '../board/index';
import { E } from './errno';
import { NetHost, type SocketFd } from './net-host';
import type { NetEvent } from './net-protocol';

export const FIRST_HOST_FD = 1000;
const HISTORY = 64;

export interface SysEventNote { t: 'sysevent'; event: number; status: number; maxDeferral: number; updateType: number }
/** Main thread → worker, read synchronously: a system event, or new network facts. */
export type InboxMessage = SysEventNote | NetEvent | { t: 'net'; ready: boolean; interfaces: Record<string, number>; deviceAuthReady: boolean } | { t: 'uart'; isu: number; data: Uint8Array };

export type HostFd =
  | { kind: 'gpio'; gpio: number; output: boolean }
  | { kind: 'timer'; clock: 0 | 1; nonblocking: boolean; nextNs: bigint; intervalNs: bigint; armed: boolean; count: bigint }
  | { kind: 'mutable'; fd: number; pos: number; capBytes: number }
  | { kind: 'image'; data: Uint8Array; pos: number }
  | { kind: 'sysevent' }
  | { kind: 'uart'; isu: number; rx: Buffer[]; loopback: boolean; bridged: boolean }
  | { kind: 'i2c'; isu: number; target: number }
  | { kind: 'spi'; isu: number; cs: number }
  | { kind: 'pwm'; controller: number }
  | { kind: 'adc'; controller: number }
  | SocketFd;

/** Thrown from a host call to end the app (default action of SIGTERM); unwinds wasi.start. */
export class AppSignalled extends Error {
  constructor(readonly signal: number) { super(`ended by signal ${signal}`); }
}

export class AppHost {
  readonly init: WorkerInit;
  readonly post: (m: WorkerMessage) => void;
  readonly ctl: Int32Array;
  readonly big: BigInt64Array;
  readonly fds = new Map<number, HostFd>();
  readonly gpioOpen = new Map<number, number>();
  memory!: WebAssembly.Memory;
  table: WebAssembly.Table | undefined;
  #view: DataView | undefined;
  #bytes: Uint8Array | undefined;
  #buffer: ArrayBuffer | undefined;
  #nextFd = FIRST_HOST_FD;
  /** Signal dispositions: 0 default, 1 ignore, 2 handler (function-table index). */
  readonly sigKind = new Map<number, number>();
  readonly sigHandler = new Map<number, number>();
  sigBlocked = false;
  /** GPIO output history not yet posted: flat [gpio, value, atNs] triples, newest last. */
  #changes: Array<[number, number, number]> = [];
  #dropped = 0;
  #opened: Array<[number, 'input' | 'output']> = [];
  /** PWM channels applied since the last flush, by "controller/channel". */
  readonly #pwm = new Map<string, PwmChannelState>();
  #closed: number[] = [];
  #changeChecks = 0;
  #lastFlush = 0;
  memoryCapReached = false;
  /** Bytes the linear memory may grow to (Infinity for a module that brings its own memory). */
  memoryMax = Infinity;
  #stdio: Record<number, string> = { 1: '', 2: '' };
  readonly pendingSysEvents: SysEventNote[] = [];
  sysEventMask = 0;
  /** System events from the main thread, read synchronously (the worker never returns to its event loop while the app runs). */
  inbox: MessagePort | undefined;
  /** Sockets, the resolver and the manifest's firewall (net-host.ts). */
  readonly net: NetHost;

  constructor(init: WorkerInit, post: (m: WorkerMessage) => void) {
    this.init = init;
    this.post = post;
    this.ctl = new Int32Array(init.control);
    this.big = new BigInt64Array(init.control);
    this.net = new NetHost(this);
  }

  // ---- memory ------------------------------------------------------------------------------

  #refresh(): void {
    if (this.#buffer !== this.memory.buffer) {
      this.#buffer = this.memory.buffer as ArrayBuffer;
      this.#view = new DataView(this.#buffer);
      this.#bytes = new Uint8Array(this.#buffer);
      if (this.#buffer.byteLength >= this.memoryMax && !this.memoryCapReached) {
        this.memoryCapReached = true;
        this.emulatorLog(`memory cap reached: ${Math.round(this.memoryMax / 1024)} KiB of linear memory in use (${Math.round(this.init.memoryCap / 1024)} KiB allowance); further allocations fail`);
      }
    }
  }

  get view(): DataView { this.#refresh(); return this.#view!; }
  get bytes(): Uint8Array { this.#refresh(); return this.#bytes!; }

  /** Bounds-checked slice of guest memory; undefined when it runs outside (the caller answers EFAULT). */
  slice(ptr: number, len: number): Uint8Array | undefined {
    const b = this.bytes;
    if (ptr < 0 || len < 0 || ptr + len > b.length) return undefined;
    return b.subarray(ptr, ptr + len);
  }

  string(ptr: number, len: number): string | undefined {
    const s = this.slice(ptr, len);
    return s === undefined ? undefined : Buffer.from(s).toString('utf8');
  }

  // ---- time --------------------------------------------------------------------------------

  /** Monotonic nanoseconds since the device's boot, on the emulated clock. */
  nowNs(): bigint {
    if (this.init.clock === 'virtual') return Atomics.load(this.big, BIG.now);
    return BigInt(Math.round((performance.timeOrigin + performance.now() - this.init.bootPerfMs) * 1e6));
  }

  realtimeNs(): bigint {
    return BigInt(Math.round(this.init.bootWallMs * 1e6)) + this.nowNs();
  }

  // ---- output ------------------------------------------------------------------------------

  appLog(text: string): void {
    this.post({ t: 'log', source: 'app', text, at: Number(this.nowNs() / 1_000_000n) });
  }

  emulatorLog(text: string): void {
    this.post({ t: 'log', source: 'emulator', text, at: Number(this.nowNs() / 1_000_000n) });
  }

  /** A call the manifest does not allow: one line naming the call, the resource and the field. */
  deny(call: string, resource: string, field: string): number {
    this.emulatorLog(`denied ${call}: ${resource} is not allowed by the manifest (${field})`);
    return -E.EACCES;
  }

  /** stdout/stderr of the app go to its log, a line at a time. */
  stdio(fd: 1 | 2, text: string): void {
    let buf = this.#stdio[fd] + text;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      this.appLog(buf.slice(0, nl + 1));
      buf = buf.slice(nl + 1);
    }
    if (buf.length > 4096) { this.appLog(buf + '\n'); buf = ''; }
    this.#stdio[fd] = buf;
  }

  flushStdio(): void {
    for (const fd of [1, 2] as const) if (this.#stdio[fd]) { this.appLog(this.#stdio[fd] + '\n'); this.#stdio[fd] = ''; }
  }

  // ---- GPIO state ----------------------------------------------------------------------------

  gpioChanged(gpio: number, value: number): void {
    Atomics.store(this.ctl, GPIO_OUTPUT_BASE + gpio, value);
    if (this.#changes.length >= HISTORY) { this.#changes.shift(); this.#dropped++; }
    this.#changes.push([gpio, value, Number(this.nowNs())]);
    if (++this.#changeChecks >= 4096) {
      this.#changeChecks = 0;
      const t = performance.now();
      if (t - this.#lastFlush > 50) this.flushGpio();
    }
  }

  gpioOpened(gpio: number, direction: 'input' | 'output'): void {
    this.#opened.push([gpio, direction]);
    this.flushGpio();
  }

  gpioClosed(gpio: number): void {
    this.#closed.push(gpio);
    this.flushGpio();
  }

  gpioInput(gpio: number): number {
    return Atomics.load(this.ctl, GPIO_INPUT_BASE + gpio);
  }

  pwmApplied(s: PwmChannelState): void {
    this.#pwm.set(`${s.controller}/${s.channel}`, s);
    if (++this.#changeChecks >= 4096) { this.#changeChecks = 0; if (performance.now() - this.#lastFlush > 50) this.flushGpio(); }
  }

  /** Posts what the app drove since the last flush (GPIO changes, opened and closed pins, PWM channels). */
  flushGpio(): void {
    this.#lastFlush = performance.now();
    if (!this.#changes.length && !this.#opened.length && !this.#closed.length && !this.#dropped && !this.#pwm.size) return;
    const m: WorkerMessage = { t: 'gpio', changes: this.#changes, dropped: this.#dropped };
    if (this.#opened.length) m.opened = this.#opened;
    if (this.#closed.length) m.closed = this.#closed;
    if (this.#pwm.size) { m.pwm = [...this.#pwm.values()]; this.#pwm.clear(); }
    this.post(m);
    this.#changes = [];
    this.#opened = [];
    this.#closed = [];
    this.#dropped = 0;
  }

  // ---- descriptors -------------------------------------------------------------------------

  addFd(f: HostFd): number {
    const fd = this.#nextFd++;
    this.fds.set(fd, f);
    return fd;
  }

  closeFd(fd: number): number {
    const f = this.fds.get(fd);
    if (!f) return E.EBADF;
    this.fds.delete(fd);
    if (f.kind === 'gpio') {
      this.gpioOpen.delete(f.gpio);
      if (f.output) Atomics.store(this.ctl, GPIO_OUTPUT_BASE + f.gpio, -1);
      this.gpioClosed(f.gpio);
    } else if (f.kind === 'mutable') {
      try { closeSync(f.fd); } catch { /* already gone */ }
    } else if (f.kind === 'sysevent') {
      this.sysEventMask = 0;
    } else if (f.kind === 'socket') {
      this.net.closed(f);
    }
    return E.SUCCESS;
  }

  openMutable(capBytes: number): number {
    const path = this.init.storageFile;
    try {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(path, 'a+');
      closeSync(fd);
      return this.addFd({ kind: 'mutable', fd: openSync(path, 'r+'), pos: 0, capBytes });
    } catch {
      return -E.EIO;
    }
  }

  /** Expirations of a timer up to now (advancing it); 0n when none. Timers keep monotonic times (a realtime timer's absolute time is converted when set). */
  expire(t: Extract<HostFd, { kind: 'timer' }>, now: bigint): bigint {
    if (!t.armed || now < t.nextNs) return t.count;
    if (t.intervalNs > 0n) {
      const n = 1n + (now - t.nextNs) / t.intervalNs;
      t.count += n;
      t.nextNs += n * t.intervalNs;
    } else {
      t.count += 1n;
      t.armed = false;
    }
    return t.count;
  }

  /** When (monotonic ns) a timer fd next becomes readable; undefined when never on its own. */
  timerDeadline(t: Extract<HostFd, { kind: 'timer' }>): bigint | undefined {
    if (t.count > 0n) return 0n;
    return t.armed ? t.nextNs : undefined;
  }

  readable(fd: number, now: bigint): boolean {
    const f = this.fds.get(fd);
    if (!f) return fd === 0 ? false : true;
    switch (f.kind) {
      case 'timer': return this.expire(f, now) > 0n;
      case 'sysevent': this.#drainInbox(); return this.pendingSysEvents.length > 0;
      case 'uart': this.#drainInbox(); return f.rx.length > 0;
      case 'socket': this.#drainInbox(); return this.net.readable(f);
      default: return true;
    }
  }

  /** Whether poll() sees the fd ready for writing (a socket once connected or failed). */
  writable(fd: number): boolean {
    const f = this.fds.get(fd);
    if (f?.kind === 'socket') { this.#drainInbox(); return this.net.writable(f); }
    return fd !== 0;
  }

  #drainInbox(): void {
    if (!this.inbox) return;
    for (let m = receiveMessageOnPort(this.inbox); m; m = receiveMessageOnPort(this.inbox)) {
      const msg = m.message as InboxMessage;
      if (msg.t === 'uart') {
        for (const f of this.fds.values()) if (f.kind === 'uart' && f.isu === msg.isu) f.rx.push(Buffer.from(msg.data));
      } else if (msg.t === 'netr' || msg.t === 'sock') {
        this.net.receive(msg);
      } else if (msg.t === 'net') {
        this.init.networkingReady = msg.ready;
        this.init.interfaces = msg.interfaces;
        this.init.deviceAuthReady = msg.deviceAuthReady;
      } else if (this.sysEventMask & msg.event) this.pendingSysEvents.push(msg);
    }
  }

  /** The device facts as they are now (the main thread posts every change). */
  facts(): WorkerInit {
    this.#drainInbox();
    return this.init;
  }

  nextSysEvent(): SysEventNote | undefined {
    this.#drainInbox();
    return this.pendingSysEvents.shift();
  }

  // ---- signals and waiting -----------------------------------------------------------------

  /** The wake cell now: read it before checking for an event, then pass it to block(). */
  wakeSeq(): number {
    return Atomics.load(this.ctl, CELL.wake);
  }

  /** Runs pending signals the app is not blocking; true when a handler ran (the blocking call then fails with EINTR). */
  deliverSignals(): boolean {
    const pending = Atomics.load(this.ctl, CELL.signals);
    if (!(pending & (1 << SIGTERM)) || this.sigBlocked) return false;
    Atomics.and(this.ctl, CELL.signals, ~(1 << SIGTERM));
    const kind = this.sigKind.get(SIGTERM) ?? 0;
    if (kind === 1) return false;
    if (kind === 0 || !this.table) throw new AppSignalled(SIGTERM);
    const handler = this.table.get(this.sigHandler.get(SIGTERM)!) as ((n: number) => void) | null;
    if (!handler) throw new AppSignalled(SIGTERM);
    handler(SIGTERM);
    return true;
  }

  /**
   * Blocks until the wake cell moves (an event, a signal, virtual time) or the deadline
   * (monotonic ns) passes. In virtual mode time moves only while the app waits here: the main
   * thread advances the clock to the deadline and wakes it. `since` is the wake cell as read
   * before the caller last looked for what it waits for (so an event in between is not missed).
   */
  block(deadline: bigint | undefined, since?: number): void {
    this.flushGpio();
    this.flushStdio();
    const seq = since ?? Atomics.load(this.ctl, CELL.wake);
    if (this.init.clock === 'virtual') {
      Atomics.store(this.big, BIG.deadline, deadline ?? -1n);
      Atomics.add(this.ctl, CELL.waitSeq, 1);
      Atomics.store(this.ctl, CELL.waiting, 1);
      this.post({ t: 'idle' });
      Atomics.wait(this.ctl, CELL.wake, seq);
      Atomics.store(this.ctl, CELL.waiting, 0);
      return;
    }
    if (deadline === undefined) { Atomics.wait(this.ctl, CELL.wake, seq); return; }
    const ms = Number(deadline - this.nowNs()) / 1e6;
    if (ms > 0) Atomics.wait(this.ctl, CELL.wake, seq, ms);
  }

  /** Sleeps until `deadline` (monotonic ns): EINTR when a signal handler ran first. */
  sleepUntil(deadline: bigint): number {
    for (;;) {
      if (this.deliverSignals()) return E.EINTR;
      if (this.nowNs() >= deadline) return E.SUCCESS;
      this.block(deadline);
    }
  }

  // ---- files -------------------------------------------------------------------------------

  /** read() on a host fd into one buffer; returns bytes or -errno. */
  read(fd: number, into: Uint8Array): number {
    const f = this.fds.get(fd)!;
    switch (f.kind) {
      case 'timer': {
        if (into.length < 8) return -E.EINVAL;
        for (;;) {
          const n = this.expire(f, this.nowNs());
          if (n > 0n) {
            Buffer.from(into.buffer, into.byteOffset, 8).writeBigUInt64LE(n);
            f.count = 0n;
            return 8;
          }
          if (f.nonblocking) return -E.EAGAIN;
          if (this.deliverSignals()) return -E.EINTR;
          this.block(this.timerDeadline(f));
        }
      }
      case 'mutable': {
        try {
          const n = readSync(f.fd, into, 0, into.length, f.pos);
          f.pos += n;
          return n;
        } catch { return -E.EIO; }
      }
      case 'image': {
        const n = Math.max(0, Math.min(into.length, f.data.length - f.pos));
        into.set(f.data.subarray(f.pos, f.pos + n));
        f.pos += n;
        return n;
      }
      case 'uart': {
        this.#drainInbox();
        if (!f.rx.length) return -E.EAGAIN;
        let n = 0;
        while (n < into.length && f.rx.length) {
          const c = f.rx[0]!;
          const take = Math.min(c.length, into.length - n);
          into.set(c.subarray(0, take), n);
          n += take;
          if (take === c.length) f.rx.shift(); else f.rx[0] = c.subarray(take);
        }
        return n;
      }
      case 'i2c': return this.i2cTransfer(f, f.target, new Uint8Array(0), into);
      case 'socket': return this.net.recv(f, into);
      case 'pwm': case 'adc': case 'spi': return -E.EINVAL;
      case 'gpio': return -E.EINVAL;
      case 'sysevent': return -E.EINVAL;
    }
  }

  write(fd: number, data: Uint8Array): number {
    const f = this.fds.get(fd)!;
    if (f.kind === 'mutable') {
      if (data.length === 0) return 0;
      const room = f.capBytes - f.pos;
      if (room <= 0) {
        this.emulatorLog(`mutable storage full: a write at offset ${f.pos} passes the manifest's MutableStorage.SizeKB (${f.capBytes / 1024} KiB)`);
        return -E.ENOSPC;
      }
      try {
        const n = writeSync(f.fd, data, 0, Math.min(room, data.length), f.pos);
        f.pos += n;
        return n;
      } catch { return -E.EIO; }
    }
    if (f.kind === 'image') return -E.EBADF;
    if (f.kind === 'uart') {
      // Looped back on the board: what the app sends comes back on its RX.
      if (f.loopback) f.rx.push(Buffer.from(data));
      // The host sees every write (a TCP bridge forwards it; the board page shows it).
      this.post({ t: 'uart', isu: f.isu, data: Uint8Array.from(data) });
      return data.length;
    }
    if (f.kind === 'i2c') return this.i2cTransfer(f, f.target, data, new Uint8Array(0));
    if (f.kind === 'socket') return this.net.send(f, data);
    return -E.EINVAL;
  }

  /** Targets on each I2C bus, made from the board's wiring at the first transfer. */
  readonly #i2cTargets = new Map<number, Map<number, Lsm6ds3>>();

  /** One I2C transaction: bytes moved, or -ENXIO when nothing answers at the address. */
  i2cTransfer(f: Extract<HostFd, { kind: 'i2c' }>, address: number, write: Uint8Array, read: Uint8Array): number {
    let bus = this.#i2cTargets.get(f.isu);
    if (!bus) {
      bus = new Map();
      for (const [addr, model] of Object.entries(this.init.wiring.i2c[f.isu] ?? {})) {
        if (model === 'lsm6ds3') bus.set(Number(addr), new Lsm6ds3(() => this.motion()));
      }
      this.#i2cTargets.set(f.isu, bus);
    }
    const target = bus.get(address);
    if (!target) return -E.ENXIO;
    if (write.length) target.write(write);
    if (read.length) target.read(read);
    return write.length + read.length;
  }

  adcSample(channel: number): number {
    return Atomics.load(this.ctl, ADC_BASE + channel);
  }

  /** SPI targets by "isu/chip select", made from the board's wiring at the first transfer. */
  readonly #spiTargets = new Map<string, Lsm6ds3 | undefined>();

  /**
   * One SPI sequence with the chip select held, as the LSM6DS3 speaks it: the first byte written
   * is the register, bit 7 set for a read; a read returns registers from there on, a write stores
   * the bytes that follow. With nothing on the chip select, reads see 0xff (MISO pulled up).
   */
  spiSequence(f: Extract<HostFd, { kind: 'spi' }>, items: Array<{ write?: Uint8Array; read?: Uint8Array }>): number {
    const key = `${f.isu}/${f.cs}`;
    if (!this.#spiTargets.has(key)) {
      const model = this.init.wiring.spi[f.isu]?.[f.cs];
      this.#spiTargets.set(key, model === 'lsm6ds3' ? new Lsm6ds3(() => this.motion()) : undefined);
    }
    const target = this.#spiTargets.get(key);
    let cmd: number | undefined;
    let addressed = false;
    const data: number[] = [];
    let moved = 0;
    for (const it of items) {
      if (it.write) {
        for (const b of it.write) { if (cmd === undefined) cmd = b; else data.push(b); }
        moved += it.write.length;
      }
      if (it.read) {
        if (!target || cmd === undefined || !(cmd & 0x80)) it.read.fill(0xff);
        else {
          if (!addressed) { target.write(Uint8Array.of(cmd & 0x7f)); addressed = true; }
          target.read(it.read);
        }
        moved += it.read.length;
      }
    }
    if (target && cmd !== undefined && !(cmd & 0x80)) target.write(Uint8Array.from([cmd, ...data]));
    return moved;
  }

  motion(): Motion {
    const c = (i: number) => Atomics.load(this.ctl, MOTION_BASE + i);
    return { ax: c(0), ay: c(1), az: c(2), gx: c(3), gy: c(4), gz: c(5) };
  }

  seek(fd: number, offset: bigint, whence: number): bigint | number {
    const f = this.fds.get(fd)!;
    if (f.kind !== 'mutable' && f.kind !== 'image') return -E.ESPIPE;
    const size = f.kind === 'image' ? f.data.length : (() => { try { return fstatSync(f.fd).size; } catch { return 0; } })();
    const base = whence === 0 ? 0 : whence === 1 ? f.pos : whence === 2 ? size : NaN;
    if (Number.isNaN(base)) return -E.EINVAL;
    const to = BigInt(base) + offset;
    if (to < 0n) return -E.EINVAL;
    f.pos = Number(to);
    return to;
  }

  size(fd: number): number {
    const f = this.fds.get(fd)!;
    if (f.kind === 'image') return f.data.length;
    if (f.kind === 'mutable') { try { return fstatSync(f.fd).size; } catch { return 0; } }
    return 0;
  }

  truncate(fd: number, size: bigint): number {
    const f = this.fds.get(fd);
    if (f?.kind !== 'mutable') return E.EINVAL;
    if (size > BigInt(f.capBytes)) return E.EFBIG;
    try { ftruncateSync(f.fd, Number(size)); return E.SUCCESS; } catch { return E.EIO; }
  }
}
