/**
 * Result formats, as `az` prints them: `-o json|jsonc` the data, `-o yaml|yamlc` the data as YAML
 * (through the `yaml` library, loaded only then), `-o table` a table (a header, a line of dashes
 * under each column, columns two spaces apart; for data without a command-defined table, one row
 * per object with its scalar fields, keys capitalised and `id`/`type`/`etag` left out, as az
 * does), `-o tsv` one line per item with its values tab-separated and no header (a nested object
 * prints as nothing and a list as its length, so the columns stay put), `-o none` nothing. With
 * no `-o`, commands print their human text.
 */
import type { CommandResult, Table } from './command';

export type OutputFormat = 'text' | 'table' | 'json' | 'yaml' | 'tsv' | 'none';

/** Maps `-o` values to formats (`jsonc`/`yamlc` are az's coloured variants); undefined when unknown. */
export function outputFormat(name: string): OutputFormat | undefined {
  const map: Record<string, OutputFormat> = { table: 'table', json: 'json', jsonc: 'json', yaml: 'yaml', yamlc: 'yaml', tsv: 'tsv', none: 'none' };
  return map[name];
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function renderTable(t: Table): string {
  const cells = t.rows.map((r) => t.columns.map((c) => scalar(r[c])));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(t.columns), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)].join('\n') + '\n';
}

const SKIP_KEYS = new Set(['id', 'type', 'etag']);

/** az's automatic table: rows from objects (scalar fields), `Column1..n` from lists, `Result` from scalars. */
export function autoTable(data: unknown): Table {
  const items = Array.isArray(data) ? data : [data];
  const columns: string[] = [];
  const rows = items.map((item) => {
    const row: Record<string, unknown> = {};
    if (isObject(item)) {
      for (const [k, v] of Object.entries(item)) {
        if (SKIP_KEYS.has(k) || v === null || v === undefined || typeof v === 'object') continue;
        row[k.charAt(0).toUpperCase() + k.slice(1)] = v;
      }
    } else if (Array.isArray(item)) {
      item.forEach((v, i) => { row[`Column${i + 1}`] = v; });
    } else {
      row['Result'] = item;
    }
    for (const c of Object.keys(row)) if (!columns.includes(c)) columns.push(c);
    return row;
  });
  return { columns, rows };
}

function tsvValue(v: unknown): string {
  if (Array.isArray(v)) return String(v.length);
  if (isObject(v)) return '';
  if (v === null || v === undefined) return 'None';
  return String(v).replace(/[\t\n]/g, ' ');
}

/** az's tsv: one line per item; an object's values in order, a list's items, a scalar as itself. */
export function toTsv(data: unknown): string {
  const items = Array.isArray(data) ? data : [data];
  return items.map((item) => {
    if (isObject(item)) return Object.values(item).map(tsvValue).join('\t');
    if (Array.isArray(item)) return item.map(tsvValue).join('\t');
    if (typeof item === 'boolean') return String(item);
    return tsvValue(item);
  }).map((l) => l + '\n').join('');
}

function flatten(data: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (isObject(data)) {
    for (const [k, v] of Object.entries(data)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = data;
  }
  return out;
}

function text(result: CommandResult): string {
  if (result.data === null || typeof result.data !== 'object') return result.text ?? `${scalar(result.data)}\n`;
  if (result.text !== undefined) return result.text.endsWith('\n') || result.text === '' ? result.text : result.text + '\n';
  if (Array.isArray(result.data) && !result.table && result.data.every((x) => x === null || typeof x !== 'object')) return result.data.map(scalar).join('\n') + (result.data.length ? '\n' : '');
  if (result.table) return renderTable(result.table);
  if (Array.isArray(result.data)) return result.data.length ? renderTable(autoTable(result.data)) : '';
  const flat = flatten(result.data);
  const width = Math.max(0, ...Object.keys(flat).map((k) => k.length));
  return Object.entries(flat).map(([k, v]) => `${k.padEnd(width)}  ${scalar(v)}`).join('\n') + '\n';
}

/** Renders a result; resolves to the text for stdout ('' for none). */
export async function render(result: CommandResult, format: OutputFormat): Promise<string> {
  switch (format) {
    case 'none': return '';
    case 'json': return JSON.stringify(result.data ?? null, null, 2) + '\n';
    case 'yaml': {
      const { stringify } = await import('yaml');
      // YAML 1.1 rules (as PyYAML, which az uses, reads them): yes/no/on/off stay strings by being quoted.
      return stringify(result.data ?? null, { version: '1.1' });
    }
    case 'tsv': {
      if (result.table) return result.table.rows.map((r) => result.table!.columns.map((c) => scalar(r[c]).replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + (result.table.rows.length ? '\n' : '');
      return toTsv(result.data ?? null);
    }
    case 'table': {
      const t = result.table ?? autoTable(result.data ?? null);
      return t.rows.length ? renderTable(t) : '';
    }
    case 'text': return text(result);
  }
}
