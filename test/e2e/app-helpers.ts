/**
 * Helpers for end-to-end tests of apps that run in the emulator: waiting for a condition, an
 * app's log lines, the board's state, and packing an approot signed by the lab's dev CA.
 */
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Lab } from '../sideload/e2e-helpers';

export async function until<T>(what: string, f: () => T | undefined | false, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The text of each line of one app's log (its output and the emulator's lines about it). */
export function appLog(l: Lab, emu: string, cid: string, lines = 1000): string[] {
  const r = l.run(['emulator', 'logs', '--name', emu, '--app', cid, '--lines', String(lines), '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Array<{ text: string }>).map((x) => x.text.trimEnd());
}

export interface IoView {
  gpio: Record<string, { direction: string; value: number }>;
  parts: Record<string, { lit?: boolean; pressed?: boolean; gpio: number }>;
  history: Array<{ gpio: number; value: number; atMs: number }>;
  changes: number;
  clock: { mode: string; nowMs: number };
}

export function ioShow(l: Lab, emu: string): IoView {
  const r = l.run(['emulator', 'io', 'show', '--name', emu, '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as IoView;
}

/** Intervals (ms) between successive changes of one GPIO in the board's history. */
export function intervals(v: IoView, gpio: number): number[] {
  const t = v.history.filter((h) => h.gpio === gpio).map((h) => h.atMs);
  return t.slice(1).map((x, i) => Math.round(x - t[i]!));
}

/** Packs a folder holding bin/app and a manifest with these fields, signed by the lab's dev CA. */
export function packApp(l: Lab, name: string, cid: string, wasm: Uint8Array, capabilities: Record<string, unknown> = {}): string {
  const root = join(l.dir, name);
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'bin', 'app'), wasm);
  writeFileSync(join(root, 'app_manifest.json'), JSON.stringify({ SchemaVersion: 1, Name: name, ComponentId: cid, EntryPoint: '/bin/app', CmdArgs: [], Capabilities: capabilities, ApplicationType: 'Default' }));
  const pkg = join(l.dir, `${name}.imagepackage`);
  const r = l.run(['image', 'pack', root, '--destination', pkg, '--target-api-set', '16']);
  assert.is(r.code, 0, r.stderr);
  return pkg;
}

export function deploy(l: Lab, pkg: string, emu?: string): void {
  const r = l.run(['device', 'sideload', 'deploy', pkg, ...(emu ? ['--device', emu] : [])]);
  assert.is(r.code, 0, r.stderr);
}

/** GET a device path of emulator `emu` as raw bytes (the error-report data is binary), pinned to its CA and timed. */
export function devGet(l: Lab, emu: string, path: string): Promise<{ status: number; body: Buffer; ms: number }> {
  const e = l.entry(emu)!;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: e.host, port: e.port, path, ca: e.caPem, servername: 'x.devices.sphere.azure.local', checkServerIdentity: () => undefined, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Asserts that each wanted line is among an app's log lines. */
export function expectLines(lines: readonly string[], wants: readonly string[]): void {
  for (const want of wants) assert.ok(lines.includes(want), `${want}\n${lines.join('\n')}`);
}
