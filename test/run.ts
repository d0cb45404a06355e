/**
 * Test entry: loads every `test/**\/*.test.ts` uvu suite (slow ones, `*.slow.test.ts`, with
 * `--slow` or `--all`), runs them in one process and ends with the plain summary line
 * `N passed, N failed` that CI reads.
 *
 *   node --import tsx test/run.ts [--slow|--all] [filter...]
 *
 * A filter keeps the files whose path contains it. End-to-end suites (test/e2e) need dist/sphere
 * (npm run build) and are skipped with `--unit`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const slow = args.includes('--slow');
const all = args.includes('--all');
const unit = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
const root = resolve('test');

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = walk(root, []).filter((f) => {
  const rel = relative(root, f);
  const isSlow = rel.endsWith('.slow.test.ts');
  if (!all && (slow ? !isSlow : isSlow)) return false;
  if (unit && rel.startsWith('e2e')) return false;
  return filters.length === 0 || filters.some((x) => rel.includes(x));
});

// uvu prints its own totals; capture them so we can add the plain summary line.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 4096) captured = captured.slice(-4096);
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

(globalThis as Record<string, unknown>).UVU_DEFER = 1;
const uvu = await import('uvu');
const queue = (globalThis as unknown as { UVU_QUEUE: unknown[][] }).UVU_QUEUE;
let index = 0;
for (const file of files) {
  (globalThis as Record<string, unknown>).UVU_INDEX = index++;
  queue.push([relative(process.cwd(), file)]);
  await import(pathToFileURL(file).href);
}
await uvu.exec(false);

// eslint-disable-next-line no-control-regex
const plain = captured.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
process.stdout.write = write;
console.log(`\n${passed} passed, ${total - passed - skipped} failed, ${skipped} skipped`);
if (files.length === 0 && slow) {
  console.log('No slow suites are present.');
} else if (files.length === 0 || total === 0) {
  console.error('No test ran.');
  process.exitCode = 1;
}
