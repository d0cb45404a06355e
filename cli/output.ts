/**
 * Result formats for `--output table|json|yaml|tsv|none`. JSON and YAML print the data; table
 * prints the human text or aligned columns; tsv prints rows tab-separated without a header, as
 * scripts expect.
 */
import type { CommandResult, Table } from './command';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'tsv', 'none'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.\-/ ]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~|-?\d.*)$/i;

function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  if (s !== '' && PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(' ')) return s;
  return JSON.stringify(s);
}

/** A small YAML emitter for JSON-shaped data (block style; strings quoted when ambiguous). */
export function toYaml(data: unknown, indent = ''): string {
  if (Array.isArray(data)) {
    if (data.length === 0) return `${indent}[]\n`;
    return data.map((item) => {
      if (item !== null && typeof item === 'object' && Object.keys(item).length) {
        const inner = toYaml(item, indent + '  ');
        return `${indent}- ${inner.slice(indent.length + 2)}`;
      }
      return `${indent}- ${yamlScalar(item)}\n`;
    }).join('');
  }
  if (data !== null && typeof data === 'object') {
    const entries = Object.entries(data as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return `${indent}{}\n`;
    return entries.map(([k, v]) => {
      const key = PLAIN.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);
      if (v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length : Object.keys(v).length)) {
        return `${indent}${key}:\n${toYaml(v, Array.isArray(v) ? indent : indent + '  ')}`;
      }
      return `${indent}${key}: ${Array.isArray(v) ? '[]' : v !== null && typeof v === 'object' ? '{}' : yamlScalar(v)}\n`;
    }).join('');
  }
  return `${indent}${yamlScalar(data)}\n`;
}

export function renderTable(t: Table): string {
  const cells = t.rows.map((r) => t.columns.map((c) => scalar(r[c])));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(t.columns), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)].join('\n') + '\n';
}

function flatten(data: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = data;
  }
  return out;
}

/** Renders a result; returns the text for stdout ('' for none). */
export function render(result: CommandResult, format: OutputFormat): string {
  switch (format) {
    case 'none': return '';
    case 'json': return JSON.stringify(result.data ?? null, null, 2) + '\n';
    case 'yaml': return toYaml(result.data ?? null);
    case 'tsv': {
      if (result.table) return result.table.rows.map((r) => result.table!.columns.map((c) => scalar(r[c]).replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + (result.table.rows.length ? '\n' : '');
      if (Array.isArray(result.data)) return result.data.map((x) => Object.values(flatten(x)).map(scalar).join('\t')).join('\n') + '\n';
      return Object.values(flatten(result.data)).map(scalar).join('\t') + '\n';
    }
    case 'table': {
      if (result.data === null || typeof result.data !== 'object') return result.text ?? `${scalar(result.data)}\n`;
      if (Array.isArray(result.data) && !result.table && result.text === undefined && result.data.every((x) => x === null || typeof x !== 'object')) return result.data.map(scalar).join('\n') + (result.data.length ? '\n' : '');
      if (result.text !== undefined) return result.text.endsWith('\n') || result.text === '' ? result.text : result.text + '\n';
      if (result.table) return renderTable(result.table);
      const flat = flatten(result.data);
      const width = Math.max(0, ...Object.keys(flat).map((k) => k.length));
      return Object.entries(flat).map(([k, v]) => `${k.padEnd(width)}  ${scalar(v)}`).join('\n') + '\n';
    }
  }
}
