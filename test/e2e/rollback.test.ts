/**
 * Anti-rollback end to end: a device that installed security version 2 of a component refuses to
 * stage version 1 (one clear line, the device unchanged), and still does after its emulator
 * process is killed with SIGKILL and started again on the same state folder.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { appsOn, lab, oneLine, type Lab } from '../sideload/e2e-helpers';

const SAMPLE = resolve('samples/hello/approot');

function pack(l: Lab, name: string, version?: number): string {
  const out = join(l.dir, name);
  const r = l.run(['image', 'pack', SAMPLE, '-o', out, '--target-api-set', '16', ...(version === undefined ? [] : ['--security-version', String(version)])]);
  assert.is(r.code, 0, r.stderr);
  return out;
}

const t = suite('anti-rollback');
t('install v2, stage v1 → refused, device unchanged; after SIGKILL and restart still refused; v3 goes in', async () => {
  const l = lab('sphere-rollback-');
  try {
    const emu = l.start('rb');
    const v1 = pack(l, 'v1.imagepackage', 1), v2 = pack(l, 'v2.imagepackage', 2), v3 = pack(l, 'v3.imagepackage', 3), none = pack(l, 'none.imagepackage');
    const ok = l.run(['device', 'sideload', 'deploy', v2, '--device', 'rb']);
    assert.is(ok.code, 0, ok.stderr);
    const installed = await appsOn(l, 'rb');
    assert.is(installed.length, 1);
    const refused = l.run(['device', 'sideload', 'deploy', v1, '--device', 'rb']);
    assert.is(refused.code, 1, refused.stderr);
    assert.match(oneLine(refused), /rollback.*security version 1 is lower than 2/);
    assert.equal(await appsOn(l, 'rb'), installed, 'the device is unchanged');
    // A package without a security version counts as 0: refused too.
    assert.is(l.run(['device', 'sideload', 'deploy', none, '--device', 'rb']).code, 1);

    process.kill(emu.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    l.start('rb');
    assert.equal(await appsOn(l, 'rb'), installed);
    const again = l.run(['device', 'sideload', 'deploy', v1, '--device', 'rb']);
    assert.is(again.code, 1);
    assert.match(oneLine(again), /security version 1 is lower than 2/);
    // The raw REST answer is the device's "could not be staged" error.
    const { readFileSync } = await import('node:fs');
    const raw = await l.rest('rb', '/update/stage', { method: 'PUT', body: readFileSync(v1) });
    assert.is(raw.status, 400);
    assert.equal(raw.json, { error: 7340050 });
    const up = l.run(['device', 'sideload', 'deploy', v3, '--device', 'rb']);
    assert.is(up.code, 0, up.stderr);
    assert.is.not((await appsOn(l, 'rb'))[0]!.image, installed[0]!.image);
    assert.is(l.run(['device', 'sideload', 'deploy', v2, '--device', 'rb']).code, 1, 'v2 is now below the record');
  } finally {
    l.done();
  }
});
t.run();
