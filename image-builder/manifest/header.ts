/**
 * The C header a hardware definition stands for (spec app-manifest.md §6.1, "Header generation"):
 * the definition's `MainCoreHeaderFileTopContent`, a note that the file is generated, `#pragma once`,
 * an `#include` per import, then each peripheral's `Comment` and `#define <Name> <Mapping or
 * MainCoreHeaderValue>`. `compareHeader` tells whether an existing header is still current.
 */
import type { HwFile } from './hwdef-file';

/** `inc/hw/<name>.h` file name for a definition path: `sample_appliance.json` → `sample_appliance.h`. */
export function headerFileName(definitionPath: string): string {
  return _base(definitionPath).replace(/\.json$/i, '') + '.h';
}

/** The header text, LF line endings, ending with a newline. */
export function generateHeader(file: HwFile): string {
  const lines: string[] = [...file.topContent];
  if (lines.length > 0) lines.push('');
  const about = file.name === undefined ? '' : ` (${_line(file.name)})`;
  lines.push(`// Generated from ${_line(_base(file.path))}${about} by "sphere hwdef generate-header".`);
  lines.push('// Edit the JSON definition and generate again: changes made to this file are lost.');
  lines.push('', '#pragma once', '');
  if (file.imports.length > 0) {
    for (const imp of file.imports) lines.push(`#include "${_line(headerFileName(imp.path))}"`);
    lines.push('');
  }
  for (const p of file.peripherals) {
    if (p.comment !== undefined) for (const c of p.comment.split(/\r?\n|\r/)) lines.push(`// ${c}`.trimEnd());
    lines.push(`#define ${p.name} ${p.mapping ?? p.mainCoreHeaderValue ?? ''}`.trimEnd());
    lines.push('');
  }
  return lines.join('\n');
}

export interface HeaderComparison {
  /** The existing header is exactly what would be generated (line endings aside). */
  ok: boolean;
  /** Defines the definition has and the header lacks. */
  missing: string[];
  /** Defines the header has and the definition no longer has. */
  extra: string[];
  /** Defines whose value differs. */
  changed: { name: string; expected: string; actual: string }[];
  /** First line (1-based) where the texts differ, when they do. */
  firstDifferentLine?: number;
}

/** Parses `#define NAME VALUE` lines; the value is the rest of the line, trimmed. */
export function parseDefines(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of header.split(/\r?\n/)) {
    const m = /^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*?))?\s*$/.exec(line);
    if (m !== null) out.set(m[1] as string, m[2] ?? '');
  }
  return out;
}

export function compareHeader(actual: string, expected: string): HeaderComparison {
  const a = actual.replace(/\r\n/g, '\n');
  const e = expected.replace(/\r\n/g, '\n');
  const result: HeaderComparison = { ok: a === e, missing: [], extra: [], changed: [] };
  if (result.ok) return result;
  const ad = parseDefines(a);
  const ed = parseDefines(e);
  for (const [name, value] of ed) {
    const got = ad.get(name);
    if (got === undefined) result.missing.push(name);
    else if (got !== value) result.changed.push({ name, expected: value, actual: got });
  }
  for (const name of ad.keys()) if (!ed.has(name)) result.extra.push(name);
  const al = a.split('\n');
  const el = e.split('\n');
  let i = 0;
  while (i < al.length && i < el.length && al[i] === el[i]) i++;
  result.firstDifferentLine = i + 1;
  return result;
}

function _line(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

function _base(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}
