/**
 * Runs a checked scenario against a fresh emulated device in this process, on the virtual clock:
 * time stands still between steps and each step hands out exactly the time it needs (a `delay`,
 * a wait up to its timeout), so a run is the same every time and a minute of blinking takes
 * milliseconds. The steps act on the device as a person would through `sphere emulator io`:
 * the board's parts, the apps' log, the ISU0 UART, installs and reboots.
 */
import { readFileSync } from 'node:fs';
import type { Device } from '../device';
import type { AppLogLine } from '../runtime/index';
import type { Scenario, Step, Text } from './parse';

/** Waits hand out time in slices this long (ms of the virtual clock) and look after each. */
export const SLICE_MS = 10;
/** How long a wait step may take (virtual time) when it names no timeout. */
export const DEFAULT_WAIT_MS = 10_000;

export interface StepResult { line: number; kind: string; ok: boolean; ms: number; message?: string }
export interface ScenarioResult { file: string; name: string; ok: boolean; timedOut: boolean; steps: StepResult[]; wallMs: number; virtualMs: number }

export class ScenarioTimeout extends Error {}

const matches = (m: Text, s: string) => ('regex' in m ? m.regex.test(s) : s.includes(m.text));
const describe = (m: Text) => ('regex' in m ? String(m.regex) : JSON.stringify(m.text));

export interface RunOptions {
  device: Device;
  /** Wall-clock bound for the whole scenario (ms): past it the run stops as timed out. */
  timeoutMs: number;
  /** Reads a package a `deploy` step names (relative to the scenario file). */
  readPackage?: (path: string) => Uint8Array;
}

export async function runScenario(s: Scenario, o: RunOptions): Promise<ScenarioResult> {
  const d = o.device;
  const rt = d.runtime;
  const t0 = performance.now();
  const lines: AppLogLine[] = [];
  const listener = (l: AppLogLine) => { lines.push(l); };
  rt.log.listeners.add(listener);
  rt.setClockLimit(d.clock.nowNs());
  let component: string | undefined;
  const results: StepResult[] = [];
  const wallLeft = () => o.timeoutMs - (performance.now() - t0);
  const tick = () => new Promise((r) => setTimeout(r, 1));

  /**
   * Gives the apps up to `ms` of virtual time, in slices of SLICE_MS, checking `done` once each
   * slice has run out and every app waits again — so a condition is seen at the same emulated
   * moment in every run. Time then stands until the next step.
   */
  const runFor = async (ms: number, done?: () => boolean): Promise<boolean> => {
    const end = d.clock.nowNs() + BigInt(Math.round(ms * 1e6));
    const slice = BigInt(SLICE_MS * 1e6);
    try {
      for (;;) {
        if (done?.()) return true;
        const now = d.clock.nowNs();
        if (now >= end) return done?.() ?? true;
        const until = done && now + slice < end ? now + slice : end;
        rt.setClockLimit(until);
        for (let quiet = 0; quiet < 3;) {
          if (wallLeft() <= 0) throw new ScenarioTimeout(`the scenario ran past --timeout ${o.timeoutMs} ms of wall time`);
          await tick();
          // Settled: the clock reached the slice's end and every app waits again (three looks in a row).
          quiet = d.clock.nowNs() >= until && rt.settled() ? quiet + 1 : 0;
        }
      }
    } finally {
      rt.setClockLimit(d.clock.nowNs());
    }
  };

  const part = (name: string) => {
    const btn = name === 'btn-a' ? 'a' : name === 'btn-b' ? 'b' : name;
    return d.board.button(btn);
  };
  const pin = (p: string, n: string): number => {
    if (p === 'gpio') return d.board.level(Number(n)) ? 1 : 0;
    const view = d.board.view().parts[`${p}_${n}`] as { lit?: boolean } | undefined;
    return view?.lit ? 1 : 0;
  };
  const appLines = () => lines.filter((l) => l.source === 'app').map((l) => l.text.replace(/\n$/, ''));
  const seen = (what: string[]) => (what.length ? `the last line was ${JSON.stringify(what.at(-1))}` : 'no line yet');

  const run = async (step: Step): Promise<string | undefined> => {
    switch (step.kind) {
      case 'delay': await runFor(step.ms); return undefined;
      case 'wait-log': case 'wait-serial': {
        const pool = () => (step.kind === 'wait-serial' ? appLines() : lines.map((l) => l.text.replace(/\n$/, '')));
        const ok = await runFor(step.timeoutMs ?? DEFAULT_WAIT_MS, () => pool().some((t) => matches(step.match, t)));
        return ok ? undefined : `expected a line matching ${describe(step.match)} within ${step.timeoutMs ?? DEFAULT_WAIT_MS} ms; ${seen(pool())}`;
      }
      case 'expect-log-absent': {
        const hit = lines.find((l) => matches(step.match, l.text));
        return hit ? `expected no line matching ${describe(step.match)}, saw ${JSON.stringify(hit.text.trimEnd())}` : undefined;
      }
      case 'write-serial': rt.uartRx(0, Buffer.from(step.text, 'latin1')); await runFor(0); return undefined;
      case 'set-control': case 'press': case 'release': {
        const p = part(step.part);
        const pressed = step.kind === 'set-control' ? step.value === 1 : step.kind === 'press';
        d.board.setInput(p.gpio, (pressed === p.activeLow ? 0 : 1));
        return undefined;
      }
      case 'expect-pin': {
        const v = pin(step.part, step.pin);
        return v === step.value ? undefined : `expected ${step.part} ${step.pin} to be ${step.value}, it is ${v}`;
      }
      case 'wait-pin': {
        const ok = await runFor(step.timeoutMs ?? DEFAULT_WAIT_MS, () => pin(step.part, step.pin) === step.value);
        return ok ? undefined : `expected ${step.part} ${step.pin} to become ${step.value} within ${step.timeoutMs ?? DEFAULT_WAIT_MS} ms; it is ${pin(step.part, step.pin)}`;
      }
      case 'expect-app-state': {
        const cid = step.componentId ?? component;
        if (!cid) return 'no app was deployed, and the step names no component-id';
        const state = d.appState(cid.toLowerCase());
        return state === step.state ? undefined : `expected app ${cid} to be ${step.state}, it is ${state}`;
      }
      case 'set-adc': d.board.setAdc(step.channel, step.value); return undefined;
      case 'expect-pwm': {
        const st = d.board.pwm.get(step.pwm);
        if (!st) return `expected PWM ${step.pwm} to be applied; the app has not applied it`;
        const wrong = [
          step.dutyNs !== undefined && st.dutyNs !== step.dutyNs ? `duty ${st.dutyNs} ns, not ${step.dutyNs}` : '',
          step.periodNs !== undefined && st.periodNs !== step.periodNs ? `period ${st.periodNs} ns, not ${step.periodNs}` : '',
          step.enabled !== undefined && st.enabled !== step.enabled ? `enabled ${st.enabled}, not ${step.enabled}` : '',
        ].filter(Boolean);
        return wrong.length ? `PWM ${step.pwm} has ${wrong.join(', ')}` : undefined;
      }
      case 'expect-denied': {
        const denials = lines.filter((l) => l.source === 'emulator' && l.text.startsWith('denied ')).map((l) => l.text.trimEnd());
        const hit = step.match ? denials.some((t) => matches(step.match!, t)) : denials.length > 0;
        return hit ? undefined : `expected a capability denial${step.match ? ` matching ${describe(step.match)}` : ''}; ${denials.length ? `the denials were ${denials.map((t) => JSON.stringify(t)).join(', ')}` : 'none was logged'}`;
      }
      case 'deploy': {
        const bytes = (o.readPackage ?? ((p: string) => readFileSync(p)))(step.package);
        const rec = d.stage(bytes);
        d.install('Auto');
        component = rec.componentId;
        await runFor(0);
        return undefined;
      }
      case 'reboot': d.restart(); await runFor(0); return undefined;
    }
  };

  let timedOut = false;
  try {
    for (const step of s.steps) {
      const start = performance.now();
      let message: string | undefined;
      try {
        message = await run(step);
      } catch (e) {
        if (e instanceof ScenarioTimeout) { timedOut = true; message = e.message; } else message = (e as Error).message;
      }
      results.push({ line: step.line, kind: step.kind, ok: message === undefined, ms: performance.now() - start, ...(message === undefined ? {} : { message }) });
      if (message !== undefined) break;
    }
  } finally {
    rt.log.listeners.delete(listener);
  }
  return { file: s.file, name: s.name, ok: results.every((r) => r.ok) && results.length === s.steps.length, timedOut, steps: results, wallMs: performance.now() - t0, virtualMs: d.clock.nowMs() };
}

/** JUnit XML (the common schema: testsuites > testsuite[name, tests, failures, time] > testcase[name, time] > failure[message]). */
export function junitXml(results: readonly ScenarioResult[]): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
  const suites = results.map((r) => {
    const failures = r.steps.filter((x) => !x.ok).length;
    const cases = r.steps.map((x) => `    <testcase classname="${esc(r.name)}" name="${esc(`line ${x.line}: ${x.kind}`)}" time="${(x.ms / 1000).toFixed(3)}">${x.ok ? '' : `<failure message="${esc(x.message ?? 'failed')}"/>`}</testcase>`);
    return `  <testsuite name="${esc(r.name)}" tests="${r.steps.length}" failures="${failures}" errors="0" time="${(r.wallMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = results.reduce((n, r) => n + r.steps.length, 0);
  const failures = results.reduce((n, r) => n + r.steps.filter((x) => !x.ok).length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
