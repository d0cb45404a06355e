/**
 * `--listen 192.168.35.2:443`, the address a real board's service interface uses, where that
 * address exists: a network namespace made for this test holds it on its loopback device, the
 * emulator listens there, and the device client reaches it by IP. All traffic stays inside the
 * namespace. Needs root and iproute2; otherwise the case says so and is skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, tempDir } from '../helpers';

const NS = `sphere-e2e-${process.pid}`;

function ip(args: string[]): boolean {
  return spawnSync('ip', args, { stdio: 'ignore' }).status === 0;
}

test('an emulator listening on 192.168.35.2:443 answers the device client there', () => {
  if (!ip(['netns', 'add', NS])) {
    console.log('  (cannot create a network namespace here: skipped)');
    return;
  }
  const t = tempDir();
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: t.dir, NO_COLOR: '1', SPHERE_EMULATOR_HOME: join(t.dir, 'emu'), SPHERE_CA_DIR: join(t.dir, 'ca') };
  const inNs = (args: string[]) => spawnSync('ip', ['netns', 'exec', NS, BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  try {
    assert.ok(ip(['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']));
    assert.ok(ip(['netns', 'exec', NS, 'ip', 'addr', 'add', '192.168.35.2/24', 'dev', 'lo']));
    const start = inNs(['emulator', 'start', '--name', 'board', '--listen', '192.168.35.2:443', '--capabilities', 'appDevelopment', '--detach']);
    assert.is(start.status, 0, start.stderr);
    const shown = inNs(['device', 'show-attached', '--device', '192.168.35.2', '-o', 'json']);
    assert.is(shown.status, 0, shown.stderr);
    const data = JSON.parse(shown.stdout);
    assert.match(JSON.stringify(data), /192\.168\.35\.2/);
    assert.match(JSON.stringify(data), /[0-9A-F]{128}/);
  } finally {
    inNs(['emulator', 'stop', '--name', 'board']);
    ip(['netns', 'del', NS]);
    t.done();
  }
});

test.run();
