/**
 * Manifest benchmarks: `checkManifest` over every fixture manifest (the 22 samples and the
 * negative corpus) 1,000 times on one core, with the RDB hardware definition resolved once as the
 * packer does; the typical (sample) manifests alone; and resolving a definition from disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkManifest, resolveHardwareDefinition } from '../image-builder/manifest/index';

const FIX = resolve('test/fixtures');
const HW = join(FIX, 'hardware-definitions');
const DIRS = [join(HW, 'mt3620_rdb'), join(HW, 'sdk-20.x')];
const TARGET = 20000;

function load(dir: string): Uint8Array[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json').sort().map((f) => readFileSync(join(dir, f)));
}

/** Manifests per second over `rounds` passes of `inputs`, best of three. */
function rate(inputs: Uint8Array[], rounds: number, hw: ReturnType<typeof resolveHardwareDefinition>): number {
  let best = 0;
  for (let trial = 0; trial < 3; trial++) {
    const t0 = process.hrtime.bigint();
    let sink = 0;
    for (let r = 0; r < rounds; r++) for (const m of inputs) sink += checkManifest(m, { hardwareDefinition: hw }).diagnostics.length;
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (sink < 0) throw new Error('unreachable');
    best = Math.max(best, (rounds * inputs.length) / s);
  }
  return best;
}

export default async function bench(): Promise<Array<{ name: string; value: number; unit: string; target?: string; ok?: boolean }>> {
  const samples = load(join(FIX, 'manifests/valid'));
  const corpus = load(join(FIX, 'manifests/invalid'));
  const hw = resolveHardwareDefinition('sample_appliance.json', { hardwareDefinitionDirs: DIRS });
  rate(samples, 50, hw); // warm up the JIT
  const all = rate([...samples, ...corpus], 1000, hw);
  const typical = rate(samples, 1000, hw);
  const t0 = process.hrtime.bigint();
  const n = 200;
  for (let i = 0; i < n; i++) resolveHardwareDefinition('sample_appliance.json', { hardwareDefinitionDirs: DIRS });
  const resolveMs = Number(process.hrtime.bigint() - t0) / 1e6 / n;
  return [
    { name: `manifest check: all ${samples.length + corpus.length} fixture manifests x1000`, value: all, unit: 'manifests/s', target: `>= ${TARGET}`, ok: all >= TARGET },
    { name: `manifest check: ${samples.length} sample manifests x1000`, value: typical, unit: 'manifests/s', target: `>= ${TARGET}`, ok: typical >= TARGET },
    { name: 'hardware definition: load + resolve RDB sample_appliance (3 files)', value: resolveMs, unit: 'ms' },
  ];
}
