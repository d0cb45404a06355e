/**
 * The one clock the runtime and the board read (conventions: time is an input). Real mode follows
 * the machine's monotonic clock from the device's boot. Virtual mode moves only when told to:
 * the app manager jumps it to the next deadline while every app waits, so a minute of a blinking
 * app passes in milliseconds and runs the same every time. Timers set here (button releases,
 * restart back-off) fire on this clock in either mode.
 */
export type ClockMode = 'real' | 'virtual';

interface Timer { id: number; atNs: bigint; fn: () => void }

export class RuntimeClock {
  readonly mode: ClockMode;
  /** Wall-clock ms at boot (the app's CLOCK_REALTIME is boot + monotonic). */
  bootWallMs = Date.now();
  /** performance.timeOrigin + performance.now() at boot, ms. */
  bootPerfMs = performance.timeOrigin + performance.now();
  #virtualNs = 0n;
  #timers: Timer[] = [];
  #real = new Map<number, NodeJS.Timeout>();
  #nextId = 1;
  /** Called when a virtual timer is added, so the owner can move time if nothing runs. */
  onTimerAdded: () => void = () => {};

  constructor(mode: ClockMode = 'real') {
    this.mode = mode;
  }

  /** Starts counting from a new boot. */
  reboot(): void {
    this.bootWallMs = Date.now();
    this.bootPerfMs = performance.timeOrigin + performance.now();
    this.#virtualNs = 0n;
    for (const t of this.#real.values()) clearTimeout(t);
    this.#real.clear();
    this.#timers = [];
  }

  nowNs(): bigint {
    if (this.mode === 'virtual') return this.#virtualNs;
    return BigInt(Math.round((performance.timeOrigin + performance.now() - this.bootPerfMs) * 1e6));
  }

  nowMs(): number {
    return Number(this.nowNs() / 1_000_000n);
  }

  /** Wall-clock ms on this clock (the boot's wall time plus the clock's progress). */
  wallMs(): number {
    return this.bootWallMs + this.nowMs();
  }

  setTimer(delayMs: number, fn: () => void): number {
    const id = this.#nextId++;
    if (this.mode === 'real') {
      const t = setTimeout(() => { this.#real.delete(id); fn(); }, Math.max(0, delayMs));
      t.unref?.();
      this.#real.set(id, t);
      return id;
    }
    this.#timers.push({ id, atNs: this.#virtualNs + BigInt(Math.max(0, Math.round(delayMs * 1e6))), fn });
    this.#timers.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : a.id - b.id));
    this.onTimerAdded();
    return id;
  }

  clearTimer(id: number): void {
    const t = this.#real.get(id);
    if (t) { clearTimeout(t); this.#real.delete(id); }
    this.#timers = this.#timers.filter((x) => x.id !== id);
  }

  /** Virtual mode: when the next timer fires, in ns since boot. */
  nextTimerNs(): bigint | undefined {
    return this.#timers[0]?.atNs;
  }

  /** Virtual mode: moves time forward to `toNs`, firing every timer due on the way, in order. */
  advanceTo(toNs: bigint): void {
    if (this.mode !== 'virtual') return;
    for (;;) {
      const t = this.#timers[0];
      if (!t || t.atNs > toNs) break;
      this.#timers.shift();
      if (t.atNs > this.#virtualNs) this.#virtualNs = t.atNs;
      t.fn();
    }
    if (toNs > this.#virtualNs) this.#virtualNs = toNs;
  }
}
