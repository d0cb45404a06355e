/**
 * `sphere doctor` on the binary: each check against what the machine really has — the tools on
 * PATH (compared with `sphere sdk check` and bash's own `command -v`), the 192.168.35.x interface
 * (compared with `ip -4 -o addr`), the development CA before and after `ca init`, and a running
 * emulator that answers, then one that is frozen (SIGSTOP) and does not.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sphere, tempDir } from '../helpers';
import { lab } from '../sideload/e2e-helpers';

interface Check { area: string; name: string; status: string; detail: string; fix: string | null }
const json = (stdout: string) => JSON.parse(stdout) as Check[];

const doctor = suite('sphere doctor');
doctor('toolchain: missing tools are errors naming the Debian package (exit 1); present ones are ok', () => {
  const t = tempDir();
  try {
    const env = { PATH: '', SPHERE_CA_DIR: join(t.dir, 'ca'), HOME: t.dir };
    const r = sphere(['doctor', '-o', 'json'], { env });
    assert.is(r.code, 1, r.stderr);
    const tools = json(r.stdout).filter((c) => c.area === 'toolchain');
    const check = JSON.parse(sphere(['sdk', 'check', '-o', 'json'], { env }).stdout) as { tools: Array<{ name: string; present: boolean; package: string }> };
    assert.equal(tools.map((c) => c.name), check.tools.map((x) => x.name));
    for (const c of tools) {
      const tool = check.tools.find((x) => x.name === c.name)!;
      assert.is(c.status, tool.present ? 'ok' : 'error', c.name);
      if (!tool.present) assert.is(c.fix, `apt-get install ${tool.package}`);
    }
    assert.ok(tools.some((c) => c.name === 'clang' && c.status === 'error'), 'clang cannot be found with an empty PATH');
    const text = sphere(['doctor'], { env });
    assert.is(text.code, 1);
    assert.match(text.stdout, /^error +toolchain: clang .*\n +→ apt-get install clang-\d+$/m);
    assert.match(text.stdout, /\d+ error\(s\), \d+ warning\(s\)\.\n$/);
    // With the real PATH, clang's status follows whether the shell finds it.
    const real = json(sphere(['doctor', '-o', 'json'], { env: { ...env, PATH: process.env['PATH'] } }).stdout).find((c) => c.name === 'clang')!;
    const found = spawnSync('bash', ['-c', 'command -v clang || command -v clang-14 || command -v clang-15'], { encoding: 'utf8' }).status === 0;
    if (found) assert.is(real.status === 'ok' || /no wasm32 target/.test(real.detail), true, real.detail);
    else assert.is(real.status, 'error');
  } finally { t.done(); }
});
doctor('board link: the service interface check agrees with ip -4 addr', () => {
  const ip = spawnSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' });
  if (ip.error) { console.log('  (ip not installed: skipped)'); return; }
  const has = /inet 192\.168\.35\.\d+\//.test(ip.stdout);
  const c = json(sphere(['doctor', '-o', 'json']).stdout).find((x) => x.area === 'board link' && x.name === 'service interface')!;
  assert.is(c.status, has ? 'ok' : 'warning');
  if (!has) assert.match(c.fix!, /192\.168\.35\.1\/24/);
});
doctor('development CA: a warning naming "sphere ca init", ok once it exists', () => {
  const t = tempDir();
  try {
    const env = { SPHERE_CA_DIR: join(t.dir, 'ca'), HOME: t.dir };
    const before = json(sphere(['doctor', '-o', 'json'], { env }).stdout).find((c) => c.area === 'development CA')!;
    assert.is(before.status, 'warning');
    assert.match(before.fix!, /sphere ca init/);
    assert.is(sphere(['ca', 'init'], { env }).code, 0);
    const after = json(sphere(['doctor', '-o', 'json'], { env }).stdout).find((c) => c.area === 'development CA')!;
    assert.is(after.status, 'ok');
    assert.is(after.detail, join(t.dir, 'ca'));
  } finally { t.done(); }
});
doctor('emulators: one that answers is ok; a frozen one is an error with the restart to do (exit 1)', () => {
  const l = lab('sphere-doctor-');
  try {
    const e = l.start('doc1');
    const ok = l.run(['doctor', '-o', 'json']);
    const row = json(ok.stdout).find((c) => c.area === 'emulators')!;
    assert.equal([row.name, row.status], ['doc1', 'ok'], ok.stderr);
    assert.match(row.detail, new RegExp(`answers at ${e.host}:${e.port}`));
    process.kill(e.pid, 'SIGSTOP');
    try {
      const frozen = l.run(['doctor', '-o', 'json']);
      assert.is(frozen.code, 1);
      const bad = json(frozen.stdout).find((c) => c.area === 'emulators')!;
      assert.is(bad.status, 'error');
      assert.match(bad.detail, /does not answer/);
      assert.match(bad.fix!, /sphere emulator stop --name doc1/);
    } finally { process.kill(e.pid, 'SIGCONT'); }
  } finally { l.done(); }
});
doctor.run();
