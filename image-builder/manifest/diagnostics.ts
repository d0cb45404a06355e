/**
 * Diagnostics: what a check found, where, and what to do about it, in the project's message
 * grammar (`Cannot <action> <thing> "<value>": <why>. <what to do>`), plus the device error the
 * finding prevents (spec app-manifest.md §5) so users can match what they saw on a device.
 */
import { CODES, type DiagnosticCode, type Severity } from './codes';
import type { JsonNode } from './json';

export interface Diagnostic {
  severity: Severity;
  /** Stable code from the catalogue in codes.ts. */
  code: string;
  /** JSON pointer (RFC 6901) inside `file`; `''` is the whole document. */
  pointer: string;
  /** 1-based line and column of the pointed-at text, when known. */
  line?: number;
  column?: number;
  /** The file the pointer and position refer to (the manifest, or a hardware definition). */
  file?: string;
  message: string;
  /** `<category>.<id>` of the device error this finding prevents, e.g. `2.35`. */
  deviceError?: string;
}

/** Most diagnostics kept per check; beyond that only a count survives (hostile input stays cheap). */
export const MAX_DIAGNOSTICS = 200;

/** One line: `file:line:col: severity CODE pointer: message (device error x.y)`. */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.file ?? '';
  if (d.line !== undefined) where += `${where === '' ? '' : ':'}${d.line}${d.column === undefined ? '' : `:${d.column}`}`;
  const head = `${where === '' ? '' : where + ': '}${d.severity} ${d.code}${d.pointer === '' ? '' : ' ' + d.pointer}`;
  const tail = d.deviceError === undefined ? '' : ` (device error ${d.deviceError})`;
  return `${head}: ${_oneLine(d.message)}${tail}`;
}

function _oneLine(s: string): string {
  return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace(/\r?\n|\r/g, ' ');
}

/** Quotes a user value for a message: one line, control characters escaped, long values cut. */
export function quote(value: unknown, max = 60): string {
  let s = typeof value === 'string' ? value : String(value);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f"\\\u007f]/.test(s)) s = JSON.stringify(s).slice(1, -1);
  if (s.length > max) s = s.slice(0, max - 1) + '…';
  return `"${s}"`;
}

/** The source text of a node for quoting (e.g. `"1"` with its quotes, `true`, `[...]`). */
export function sourceOf(node: JsonNode, text: string, max = 40): string {
  if (node.kind === 'string') return node.value;
  const raw = node.kind === 'object' ? '{…}' : node.kind === 'array' ? '[…]' : text.slice(node.start, node.end);
  return raw.length > max ? raw.slice(0, max - 1) + '…' : raw;
}

/** What a JSON value is, for "expected X, got Y". */
export function kindName(node: JsonNode): string {
  switch (node.kind) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return 'a string';
    case 'number': return Number.isInteger(node.value) ? 'an integer' : 'a number';
    case 'boolean': return node.value ? 'true' : 'false';
    default: return 'null';
  }
}

interface _Pending {
  d: Diagnostic;
  /** Offset in the manifest text, for line/column; undefined when `d` already carries them. */
  offset: number | undefined;
}

/** Collects diagnostics during one check, bounded by MAX_DIAGNOSTICS. */
export class Collector {
  readonly items: _Pending[] = [];
  errors = 0;
  warnings = 0;
  private dropped = 0;

  /** Adds a finding; `message` may be a thunk, so findings past the bound cost no text. */
  add(code: DiagnosticCode, pointer: string, offset: number | undefined, message: string | (() => string), deviceError?: string): void {
    if (this.items.length >= MAX_DIAGNOSTICS) {
      if (CODES[code] === 'error') this.errors++;
      else this.warnings++;
      this.dropped++;
      return;
    }
    const d: Diagnostic = { severity: CODES[code], code, pointer, message: typeof message === 'string' ? message : message() };
    if (deviceError !== undefined) d.deviceError = deviceError;
    this.push(d, offset);
  }

  /** Adds a diagnostic that already has its file and position (e.g. from a hardware definition). */
  push(d: Diagnostic, offset?: number): void {
    if (d.severity === 'error') this.errors++;
    else this.warnings++;
    if (this.items.length >= MAX_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    this.items.push({ d, offset });
  }

  /** Orders by position and resolves line/column through `position`. */
  finish(position: ((offset: number) => { line: number; column: number }) | undefined, file: string | undefined): Diagnostic[] {
    const own = this.items.filter((p) => p.offset !== undefined || p.d.file === undefined);
    const other = this.items.filter((p) => !(p.offset !== undefined || p.d.file === undefined));
    own.sort((a, b) => (a.offset ?? -1) - (b.offset ?? -1));
    const out: Diagnostic[] = [];
    for (const p of own) {
      const d = p.d;
      if (file !== undefined) d.file = file;
      if (p.offset !== undefined && position !== undefined) {
        const { line, column } = position(p.offset);
        d.line = line;
        d.column = column;
      }
      out.push(d);
    }
    for (const p of other) out.push(p.d);
    if (this.dropped > 0) {
      out.push({
        severity: 'warning',
        code: 'DIAGNOSTICS_TRUNCATED',
        pointer: '',
        ...(file === undefined ? {} : { file }),
        message: `Cannot list all ${this.items.length + this.dropped} findings: only the first ${MAX_DIAGNOSTICS} are shown. Fix these and check again.`,
      });
      this.warnings++;
    }
    return out;
  }
}
