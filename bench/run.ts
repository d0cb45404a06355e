/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those whose name contains an argument) and
 * prints one table. Each bench returns rows; a row with a `reference` was measured against it in
 * the same run, and its `ratio` is ours / reference (lower is better).
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string; value: number; unit: string; reference?: number; ratio?: number; target?: string; ok?: boolean;
  /** The ratio's spread over the runs, each run's pair (ours / reference, measured one after the other). */
  ratios?: { min: number; median: number; max: number };
}

const filters = process.argv.slice(2);
const dir = resolve('bench');
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x)))).sort();
const rows: Array<BenchRow & { file: string }> = [];
for (const f of files) {
  process.stderr.write(`bench: ${f} …\n`);
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: () => Promise<BenchRow[]> };
  for (const r of await mod.default()) {
    rows.push({ ...r, file: f });
    process.stderr.write(`  ${r.name}: ${fmt(r.value)} ${r.unit}${r.ratio !== undefined ? ` (ratio ${r.ratio.toFixed(2)}${r.ratios ? `; per run ${spread(r.ratios)}` : ''})` : ''}\n`);
  }
}

function spread(x: { min: number; median: number; max: number }): string {
  return `${x.min.toFixed(2)}/${x.median.toFixed(2)}/${x.max.toFixed(2)}`;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const header = ['benchmark', 'value', 'reference', 'ratio', 'per run min/med/max', 'target', 'met'];
const table = rows.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, r.reference === undefined ? '' : `${fmt(r.reference)} ${r.unit}`, r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`, r.ratios ? spread(r.ratios) : '', r.target ?? '', r.ok === undefined ? '' : r.ok ? 'yes' : 'NO']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) console.log(line(row));
const missed = rows.filter((r) => r.ok === false);
console.log(missed.length ? `\n${missed.length} target(s) not met.` : '\nAll targets met.');
