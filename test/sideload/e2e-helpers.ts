/**
 * End-to-end helpers for the device suites: an isolated "lab" (HOME, emulator home, dev CA folder
 * and no board probing) in which `dist/sphere` runs and real emulators are started detached, plus
 * a REST reader that checks the device state with plain node:https pinned to the emulator's CA —
 * independent of the client under test.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { BIN, sphere, tempDir, type RunResult } from '../helpers';

export interface EmulatorInfo { name: string; host: string; port: number; pid: number; stateDir: string; deviceId: string; caPem: string; url: string }

export interface Lab {
  dir: string;
  env: Record<string, string>;
  run(args: string[], o?: { env?: Record<string, string | undefined>; cwd?: string; timeout?: number }): RunResult;
  runAsync(args: string[], o?: { env?: Record<string, string | undefined> }): Promise<RunResult>;
  start(name: string, extra?: string[]): EmulatorInfo;
  stop(name: string): void;
  entry(name: string): EmulatorInfo | undefined;
  /** GET (or another method, with a body) a device path of emulator `name` with node:https, pinned to its CA. */
  rest(name: string, path: string, o?: { method?: string; body?: Uint8Array; type?: string }): Promise<{ status: number; json: unknown }>;
  done(): void;
}

export function lab(prefix = 'sphere-dev-e2e-'): Lab {
  const t = tempDir(prefix);
  const env: Record<string, string> = {
    HOME: t.dir, SPHERE_EMULATOR_HOME: join(t.dir, 'emulators'), SPHERE_CA_DIR: join(t.dir, 'ca'), SPHERE_DEVICE_ADDRESSES: '',
  };
  const started = new Set<string>();
  const run: Lab['run'] = (args, o = {}) => sphere(args, { env: { ...env, ...o.env }, cwd: o.cwd ?? t.dir, timeout: o.timeout ?? 60_000 });
  const entry = (name: string): EmulatorInfo | undefined => {
    const f = join(env['SPHERE_EMULATOR_HOME']!, 'run', `${name}.json`);
    return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) as EmulatorInfo : undefined;
  };
  const l: Lab = {
    dir: t.dir, env, run, entry,
    runAsync(args, o = {}) {
      return new Promise((resolve) => {
        const e: Record<string, string> = {};
        for (const [k, v] of Object.entries({ PATH: process.env['PATH'], NO_COLOR: '1', ...env, ...o.env })) if (v !== undefined) e[k] = v;
        const child = spawn(BIN, args, { cwd: t.dir, env: e });
        let stdout = '', stderr = '';
        child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    },
    start(name, extra = ['--capabilities', 'appDevelopment']) {
      const r = run(['emulator', 'start', '--detach', '--name', name, ...extra, '-o', 'json']);
      if (r.code !== 0) throw new Error(`emulator start failed: ${r.stderr}`);
      started.add(name);
      return entry(name)!;
    },
    stop(name) {
      run(['emulator', 'stop', '--name', name]);
      started.delete(name);
    },
    rest(name, path, o = {}) {
      const e = entry(name);
      if (!e) return Promise.reject(new Error(`emulator ${name} is not running`));
      return new Promise((resolve, reject) => {
        const headers: Record<string, string | number> = {};
        if (o.body) { headers['Content-Type'] = o.type ?? 'application/octet-stream'; headers['Content-Length'] = o.body.length; }
        const req = request({ host: e.host, port: e.port, path, method: o.method ?? 'GET', headers, ca: e.caPem, servername: 'x.devices.sphere.azure.local', checkServerIdentity: () => undefined, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => { body += c.toString(); });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: body ? JSON.parse(body) : null }));
        });
        req.on('error', reject);
        req.end(o.body);
      });
    },
    done() {
      for (const n of [...started]) l.stop(n);
      // Anything still registered is stopped, and the entries of emulators a test killed are cleared.
      if (existsSync(join(env['SPHERE_EMULATOR_HOME']!, 'run'))) run(['emulator', 'stop', '--all']);
      t.done();
    },
  };
  const ca = run(['ca', 'init']);
  if (ca.code !== 0) throw new Error(`ca init failed: ${ca.stderr}`);
  return l;
}

/** The customer (application) components an emulator lists. */
export async function appsOn(l: Lab, name: string): Promise<Array<{ uid: string; image: string; staged: boolean }>> {
  const r = await l.rest(name, '/images');
  const list = r.json as { components: Array<{ uid: string; image_type: number; is_update_staged: boolean; images: Array<{ uid: string }> }> };
  return list.components.filter((c) => c.image_type === 10 || c.image_type === 21).map((c) => ({ uid: c.uid, image: c.images[0]?.uid ?? '', staged: c.is_update_staged }));
}

export async function appState(l: Lab, name: string, cid: string): Promise<string> {
  return ((await l.rest(name, `/app/status/${cid}`)).json as { state: string }).state;
}

/** The one line a failure prints: exit code, empty stdout, one stderr line, no stack. */
export function oneLine(r: RunResult): string {
  const lines = r.stderr.trim().split('\n');
  if (r.stdout !== '' || lines.length !== 1 || /\n\s+at /.test(r.stderr)) throw new Error(`expected one error line, got stdout=${JSON.stringify(r.stdout)} stderr=${JSON.stringify(r.stderr)}`);
  return lines[0]!;
}
