/**
 * Device client benchmarks against a real emulator (`dist/sphere emulator start --detach`):
 * `device show-attached` and `device sideload deploy --force` of a 4 MiB package, whole processes
 * timed, median of several runs. Each run's emulator processing time is read from the emulator's
 * own log (one `<METHOD> <path> <status> <n>ms` line per request, timed from the request's
 * headers to its answer, so an upload counts from its first byte). The client's share is
 *   command − baseline − emulator time,
 * where the baseline is the process start: the same binary starting, parsing its arguments and
 * running a command that reads the emulator registry and prints JSON (`emulator list -o json`,
 * which loads no device or emulator code), run interleaved with the measured command. Target: at
 * most 20 ms per command. The bare start (`sphere --help`) is reported too.
 *
 * The deploy's reference is bench/minimal-client.cjs: the same seven requests and the same
 * signature check written straight on node:tls with nothing else, run the same way (its process
 * start being `node -e 0`); its client share is what Node itself needs on this machine for the
 * exchange, and the ratio says how much sphere adds to that. Target: at most 1.2x.
 *
 * Where a deploy's client time goes (marks in a trace of the executable, 4 MiB, a quiet machine):
 * loading the client with node:tls (~6 ms), finding the device and starting the connection
 * (~3 ms), the package read on the thread pool meanwhile, loading the package checker and signer
 * (~3 ms), the trust store (~2 ms), hashing the signed bytes (~3 ms) and the CRC (~1 ms) while the
 * handshake and the first two requests go on, the upload's encryption (~3 ms), install and two
 * confirmations (~1 ms each beyond the device's own time).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import type { BenchRow } from './run';

const BIN = resolve('dist/sphere');
const RUNS = 15;
const DEPLOY_RUNS = 11;
const TARGET_MS = 20;
/** The deploy's client share against the minimal node:tls client's, in the same run. */
const DEPLOY_RATIO = 1.2;
const BASELINE = ['emulator', 'list', '-o', 'json'];
const BARE_START = ['--help'];
const MINIMAL = resolve('bench/minimal-client.cjs');
const COMPONENT = '4d1e2f3a-5b6c-4d7e-8f90-a1b2c3d4e5f6';

function run(args: string[], env: NodeJS.ProcessEnv, bin = BIN): { ms: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function spread(xs: number[]): { min: number; median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: median(s), max: s[s.length - 1]! };
}

/** Milliseconds the emulator reports for the requests logged since line `from`. */
function serverMs(log: string, from: number): { ms: number; lines: number } {
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  let ms = 0;
  for (const l of lines.slice(from)) { const m = / (\d+)ms$/.exec(l); if (m) ms += Number(m[1]); }
  return { ms, lines: lines.length };
}

export default async function bench(): Promise<BenchRow[]> {
  const work = join(tmpdir(), `sphere-device-bench-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: work, NO_COLOR: '1', SPHERE_CA_DIR: join(work, 'ca'), SPHERE_EMULATOR_HOME: join(work, 'emu'), SPHERE_DEVICE_ADDRESSES: '' };
  try {
    run(['ca', 'init'], env);
    const approot = join(work, 'approot');
    mkdirSync(join(approot, 'bin'), { recursive: true });
    writeFileSync(join(approot, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: 'Bench4M', ComponentId: COMPONENT, EntryPoint: '/bin/app', CmdArgs: [], Capabilities: {}, ApplicationType: 'Default', TargetApplicationRuntimeVersion: 16 }));
    writeFileSync(join(approot, 'bin', 'app'), randomFillSync(Buffer.alloc(4 * 1024 * 1024 - 16 * 1024)));
    const pkg = join(work, 'bench.imagepackage');
    run(['image', 'pack', approot, '--destination', pkg], env);
    const size = readFileSync(pkg).length;
    const started = JSON.parse(run(['emulator', 'start', '--detach', '--name', 'bench', '--capabilities', 'appDevelopment', '-o', 'json'], env).stdout) as { stateDir: string };
    const log = join(started.stateDir, 'emulator.log');
    try {
      const base: number[] = [], bare: number[] = [], show: number[] = [], showServer: number[] = [];
      run(['device', 'show-attached'], env);
      for (let i = 0; i < RUNS; i++) {
        base.push(run(BASELINE, env).ms);
        bare.push(run(BARE_START, env).ms);
        const from = serverMs(log, 0).lines;
        show.push(run(['device', 'show-attached'], env).ms);
        showServer.push(serverMs(log, from).ms);
      }
      const deploy: number[] = [], deployServer: number[] = [], deployBase: number[] = [], deployRequests: number[] = [];
      const minimal: number[] = [], minimalServer: number[] = [], nodeStart: number[] = [];
      const minimalArgs = [MINIMAL, join(work, 'emu', 'run', 'bench.json'), join(work, 'ca', 'ca.pem'), pkg, COMPONENT];
      run(['device', 'sideload', 'deploy', pkg], env);
      run(minimalArgs, env, process.execPath);
      for (let i = 0; i < DEPLOY_RUNS; i++) {
        deployBase.push(run(BASELINE, env).ms);
        let from = serverMs(log, 0).lines;
        deploy.push(run(['device', 'sideload', 'deploy', pkg, '--force'], env).ms);
        const after = serverMs(log, from);
        deployServer.push(after.ms);
        deployRequests.push(after.lines - from);
        nodeStart.push(run(['-e', '0'], env, process.execPath).ms);
        from = after.lines;
        minimal.push(run(minimalArgs, env, process.execPath).ms);
        minimalServer.push(serverMs(log, from).ms);
      }
      const b = median(base);
      const showClient = median(show) - b - median(showServer);
      const deployClient = median(deploy) - median(deployBase) - median(deployServer);
      const minimalClient = median(minimal) - median(nodeStart) - median(minimalServer);
      // Each run's own pair, for the spread: that run's deploy share against that run's minimal client share.
      const deployShares = deploy.map((x, i) => x - deployBase[i]! - deployServer[i]!);
      const minimalShares = minimal.map((x, i) => x - nodeStart[i]! - minimalServer[i]!);
      return [
        { name: 'process start baseline (emulator list -o json)', value: b, unit: 'ms' },
        { name: 'bare process start (sphere --help)', value: median(bare), unit: 'ms' },
        { name: 'device show-attached beyond the bare start (libraries, TLS, request)', value: median(show) - median(bare) - median(showServer), unit: 'ms' },
        { name: 'device show-attached, whole command', value: median(show), unit: 'ms' },
        { name: 'device show-attached, emulator processing', value: median(showServer), unit: 'ms' },
        { name: 'device show-attached, client share', value: showClient, unit: 'ms', target: `<= ${TARGET_MS} ms`, ok: showClient <= TARGET_MS },
        { name: `sideload deploy ${(size / 1048576).toFixed(1)} MiB --force, whole command`, value: median(deploy), unit: 'ms' },
        { name: 'sideload deploy 4 MiB, emulator processing', value: median(deployServer), unit: 'ms' },
        { name: 'sideload deploy 4 MiB, requests (one connection)', value: median(deployRequests), unit: 'requests' },
        { name: 'minimal node:tls client, same requests and signature check, client share', value: minimalClient, unit: 'ms' },
        { name: 'sideload deploy 4 MiB, client share (verify, upload, confirm)', value: deployClient, unit: 'ms', reference: minimalClient, ratio: deployClient / minimalClient, ratios: spread(deployShares.map((x, i) => x / minimalShares[i]!)), target: `<= ${DEPLOY_RATIO}x the minimal node:tls client`, ok: deployClient / minimalClient <= DEPLOY_RATIO },
      ];
    } finally {
      spawnSync(BIN, ['emulator', 'stop', '--name', 'bench'], { env });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
