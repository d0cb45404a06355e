/**
 * Scenario files for `sphere emulator test`: Wokwi's scenario format where it overlaps (`name`,
 * `version`, `steps:` with `delay`, `wait-serial`, `write-serial`, `set-control`, `expect-pin`),
 * extended for this platform (`deploy`, `wait-log`, `expect-log-absent`, `press`, `release`,
 * `wait-pin`, `expect-app-state`, `set-adc`, `expect-pwm`, `expect-denied`, `reboot`). Every step
 * is checked here, before any emulator starts; a problem names the file's line.
 *
 * Parts of the default board: `led1`…`led4` with pins `red`, `green`, `blue` (1 = lit), `btn-a`,
 * `btn-b` (control `pressed`), and `gpio` with the GPIO number as pin (the electrical level).
 * Durations are written as Wokwi writes them: `500ms`, `2s`, `1.5s`, `1m`.
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';

export type Text = { text: string } | { regex: RegExp };

export type Step =
  | { kind: 'delay'; ms: number }
  | { kind: 'wait-log' | 'wait-serial'; match: Text; timeoutMs?: number }
  | { kind: 'expect-log-absent'; match: Text }
  | { kind: 'write-serial'; text: string }
  | { kind: 'set-control'; part: string; control: string; value: number }
  | { kind: 'press' | 'release'; part: string }
  | { kind: 'expect-pin' | 'wait-pin'; part: string; pin: string; value: number; timeoutMs?: number }
  | { kind: 'expect-app-state'; state: string; componentId?: string }
  | { kind: 'set-adc'; channel: number; value: number }
  | { kind: 'expect-pwm'; pwm: string; dutyNs?: number; periodNs?: number; enabled?: boolean }
  | { kind: 'expect-denied'; match?: Text }
  | { kind: 'deploy'; package: string }
  | { kind: 'reboot' };

export interface Scenario { file: string; name: string; steps: Array<Step & { line: number }> }

export class ScenarioError extends Error {}

const KINDS = ['delay', 'wait-log', 'wait-serial', 'expect-log-absent', 'write-serial', 'set-control', 'press', 'release', 'expect-pin', 'wait-pin', 'expect-app-state', 'set-adc', 'expect-pwm', 'expect-denied', 'deploy', 'reboot'] as const;
const LED_PARTS = /^led[1-4]$/;
const BUTTON_PARTS = ['btn-a', 'btn-b'];

/** `500ms`, `2s`, `1.5s`, `1m` (or a bare number of milliseconds) → ms. */
export function duration(v: unknown): number | undefined {
  if (typeof v === 'number' && v >= 0) return v;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(v.trim()) : null;
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

function text(v: unknown): Text | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const m = /^\/(.+)\/([imsu]*)$/.exec(v);
  if (m) {
    try { return { regex: new RegExp(m[1]!, m[2]) }; } catch { return undefined; }
  }
  return { text: v };
}

export function checkPart(part: string, pinOrControl: string, what: 'pin' | 'control'): string | undefined {
  if (what === 'control') {
    if (!BUTTON_PARTS.includes(part)) return `unknown part "${part}"; buttons are ${BUTTON_PARTS.join(', ')}`;
    return pinOrControl === 'pressed' ? undefined : `"${part}" has the control "pressed", not "${pinOrControl}"`;
  }
  if (LED_PARTS.test(part)) return ['red', 'green', 'blue'].includes(pinOrControl) ? undefined : `"${part}" has the pins red, green, blue, not "${pinOrControl}"`;
  if (part === 'gpio') return /^\d{1,3}$/.test(pinOrControl) && Number(pinOrControl) < 128 ? undefined : `the gpio part's pin is a GPIO number 0-127, not "${pinOrControl}"`;
  return `unknown part "${part}"; parts are led1-led4, btn-a, btn-b, gpio`;
}

/** Parses and checks one scenario file's text; throws ScenarioError naming `file:line`. */
export function parseScenario(source: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const lineOf = (n: Node | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : 1);
  function fail(n: Node | null | undefined, why: string): never { throw new ScenarioError(`${file}:${lineOf(n)}: ${why}`); }
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ScenarioError(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML (${e.message.split('\n')[0]})`);
  }
  const top = doc.contents;
  if (!isMap(top)) fail(top, 'expected a mapping with name, version and steps');
  const name = top.get('name');
  const stepsNode = top.get('steps', true);
  for (const item of (top as { items: Array<{ key: Node }> }).items) {
    const k = String((item.key as { value?: unknown }).value);
    if (!['name', 'version', 'author', 'steps'].includes(k)) fail(item.key, `unknown key "${k}"; a scenario has name, version and steps`);
  }
  if (!isSeq(stepsNode)) fail(stepsNode ?? top, '"steps" must be a list');
  const steps: Scenario['steps'] = [];
  for (const node of stepsNode.items as Node[]) {
    const line = lineOf(node);
    function bad(why: string): never { return fail(node, why); }
    if (!isMap(node) || node.items.length !== 1) bad('each step is one "kind: value" entry');
    const kind = String((node.items[0]!.key as { value?: unknown }).value) as (typeof KINDS)[number];
    const v = (node.items[0]!.value as Node | null)?.toJSON() as unknown;
    if (!KINDS.includes(kind)) bad(`unknown step "${kind}"; steps are ${KINDS.join(', ')}`);
    const o = (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
    const timeout = (): number | undefined => {
      if (o['timeout'] === undefined) return undefined;
      const t = duration(o['timeout']);
      return t === undefined ? bad(`"timeout" must be a duration such as 500ms or 2s, got ${JSON.stringify(o['timeout'])}`) : t;
    };
    const matchOf = (x: unknown) => text(x) ?? bad(`${kind} needs a text or a /regex/, got ${JSON.stringify(x)}`);
    const num = (x: unknown, what: string, min: number, max: number) => {
      const n = typeof x === 'string' && x.trim() !== '' ? Number(x) : x;
      return typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max ? n : bad(`${what} must be a number from ${min} to ${max}, got ${JSON.stringify(x)}`);
    };
    switch (kind) {
      case 'delay': steps.push({ kind, ms: duration(v) ?? bad(`delay must be a duration such as 500ms or 2s, got ${JSON.stringify(v)}`), line }); break;
      case 'wait-log': case 'wait-serial': {
        const t = timeout();
        steps.push({ kind, match: matchOf(typeof v === 'string' ? v : o['text']), ...(t === undefined ? {} : { timeoutMs: t }), line });
        break;
      }
      case 'expect-log-absent': steps.push({ kind, match: matchOf(typeof v === 'string' ? v : o['text']), line }); break;
      case 'write-serial': {
        const t = typeof v === 'string' ? v : Array.isArray(v) ? String.fromCharCode(...v.map((c) => num(c, 'a byte', 0, 255))) : bad('write-serial takes a text or a list of byte values');
        steps.push({ kind, text: t, line });
        break;
      }
      case 'set-control': {
        const part = String(o['part-id'] ?? '');
        const control = String(o['control'] ?? '');
        const why = checkPart(part, control, 'control');
        if (why) bad(why);
        steps.push({ kind, part, control, value: num(o['value'], 'value', 0, 1), line });
        break;
      }
      case 'press': case 'release': {
        const part = typeof v === 'string' ? v : String(o['part-id'] ?? '');
        const why = checkPart(part, 'pressed', 'control');
        if (why) bad(why);
        steps.push({ kind, part, line });
        break;
      }
      case 'expect-pin': case 'wait-pin': {
        const part = String(o['part-id'] ?? '');
        const pin = String(o['pin'] ?? '');
        const why = checkPart(part, pin, 'pin');
        if (why) bad(why);
        const t = kind === 'wait-pin' ? timeout() : undefined;
        steps.push({ kind, part, pin, value: num(o['value'], 'value', 0, 1), ...(t === undefined ? {} : { timeoutMs: t }), line });
        break;
      }
      case 'expect-app-state': {
        const state = typeof v === 'string' ? v : String(o['state'] ?? '');
        if (!['running', 'stopped', 'debugging', 'notPresent'].includes(state)) bad(`expect-app-state takes running, stopped, debugging or notPresent, got ${JSON.stringify(state)}`);
        steps.push({ kind, state, ...(typeof o['component-id'] === 'string' ? { componentId: o['component-id'] } : {}), line });
        break;
      }
      case 'set-adc': steps.push({ kind, channel: num(o['channel'] ?? 0, 'channel', 0, 7), value: num(o['value'], 'value', 0, 4095), line }); break;
      case 'expect-pwm': {
        const pwm = String(o['pwm'] ?? '');
        if (!/^[0-2]\/[0-3]$/.test(pwm)) bad(`expect-pwm needs "pwm: controller/channel", e.g. 2/0, got ${JSON.stringify(o['pwm'])}`);
        steps.push({
          kind, pwm, line,
          ...(o['duty-ns'] === undefined ? {} : { dutyNs: num(o['duty-ns'], 'duty-ns', 0, 4e9) }),
          ...(o['period-ns'] === undefined ? {} : { periodNs: num(o['period-ns'], 'period-ns', 0, 4e9) }),
          ...(o['enabled'] === undefined ? {} : { enabled: o['enabled'] === true }),
        });
        break;
      }
      case 'expect-denied': steps.push(v === null || v === undefined || v === true ? { kind, line } : { kind, match: matchOf(typeof v === 'string' ? v : o['text']), line }); break;
      case 'deploy': {
        if (typeof v !== 'string' || !v) bad('deploy names a package file');
        steps.push({ kind, package: v as string, line });
        break;
      }
      case 'reboot': steps.push({ kind, line }); break;
    }
  }
  return { file, name: typeof name === 'string' ? name : file, steps };
}
