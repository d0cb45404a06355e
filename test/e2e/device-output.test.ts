/**
 * Output discipline of the device commands (conventions: results on stdout, everything else on
 * stderr): `-o json` is the JSON and not a byte more, the upload progress bar is drawn on a
 * terminal's stderr only (Python's pty module provides the terminal) and never on stdout or in
 * CI, and NO_COLOR removes colour from the error line that otherwise has it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appPackage } from '../sideload/helpers';

let l: Lab;
let pkg = '';
const CID = '6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** Runs dist/sphere with stderr on a pseudo-terminal; returns stdout (a pipe) and what the terminal showed. */
function onTty(args: string[], env: Record<string, string>): { code: number; stdout: string; tty: string } {
  const py = `
import os, pty, subprocess, sys, json, threading
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=s, stdin=subprocess.DEVNULL)
os.close(s)
chunks = []
def pump():
    while True:
        try:
            b = os.read(m, 65536)
        except OSError:
            return
        if not b:
            return
        chunks.append(b)
t = threading.Thread(target=pump); t.start()
out = p.stdout.read(); p.wait(); t.join(timeout=5)
print(json.dumps({'code': p.returncode, 'stdout': out.decode('utf8', 'replace'), 'tty': b''.join(chunks).decode('utf8', 'replace')}))
`;
  const base: Record<string, string> = { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...env };
  const r = spawnSync('python3', ['-c', py, BIN, ...args], { env: base, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { code: number; stdout: string; tty: string };
}

const test = suite('device output discipline');
test.before(async () => {
  l = lab();
  pkg = join(l.dir, 'big.imagepackage');
  writeFileSync(pkg, (await appPackage(l.dir, { caName: 'ca', extraBytes: 6 * 1024 * 1024 })).bytes);
  l.start('out');
});
test.after(() => l.done());

test('-o json is exactly the JSON document, stderr empty, for every read command', () => {
  const deploy = l.run(['device', 'sideload', 'deploy', pkg, '-o', 'json']);
  assert.is(deploy.code, 0, deploy.stderr);
  for (const args of [
    ['device', 'sideload', 'deploy', pkg, '--force'], ['device', 'list-attached'], ['device', 'show-attached'], ['device', 'show-security-state'],
    ['device', 'show-os-version'], ['device', 'show-deployment-status'], ['device', 'app', 'show-status'], ['device', 'image', 'list-installed', '--all'],
    ['device', 'capability', 'show-attached'], ['device', 'certificate', 'list'], ['device', 'wifi', 'list'], ['device', 'network', 'list-interfaces'],
  ]) {
    const r = l.run([...args, '-o', 'json']);
    assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr, '', `${args.join(' ')} wrote to stderr`);
    assert.is(r.stdout, JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n', `${args.join(' ')}: extra bytes`);
  }
  assert.is(l.run(['device', 'show-attached', '-o', 'none']).stdout, '');
});

test('on a terminal the progress bar goes to stderr only; stdout stays the JSON', () => {
  const env = { ...l.env, NO_COLOR: '1' };
  const r = onTty(['device', 'sideload', 'deploy', pkg, '--force', '-o', 'json'], env);
  assert.is(r.code, 0, r.tty);
  assert.match(r.tty, /Uploading [\d.]+ (KiB|MiB)\/6\.\d MiB, [\d.]+ (KiB|MiB)\/s, ETA \d+ s \[#+\.*\] \d+%/);
  assert.is(JSON.parse(r.stdout).action, 'installed');
  assert.not.match(r.stdout, /Uploading|\r|\x1b/);
});

test('without a terminal (or with CI set) there is no progress at all', () => {
  const piped = l.run(['device', 'sideload', 'deploy', pkg, '--force']);
  assert.is(piped.code, 0);
  assert.is(piped.stderr, '');
  const ci = onTty(['device', 'sideload', 'deploy', pkg, '--force'], { ...l.env, NO_COLOR: '1', CI: 'true' });
  assert.is(ci.code, 0);
  assert.not.match(ci.tty, /Uploading/);
  assert.match(ci.stdout, /has been deployed to emulator "out"/);
});

test('NO_COLOR removes the colour the error line has on a terminal', () => {
  const args = ['device', 'app', 'start', '--component-id', CID.replace('6c1a', '0000')];
  const coloured = onTty(args, { ...l.env });
  assert.is(coloured.code, 3);
  assert.match(coloured.tty, /\x1b\[31merror\x1b\[39m: Cannot start app/);
  const plain = onTty(args, { ...l.env, NO_COLOR: '1' });
  assert.is(plain.code, 3);
  assert.match(plain.tty, /^error: Cannot start app/);
  assert.not.match(plain.tty, /\x1b\[/);
  assert.is(plain.stdout, '');
});
test.run();
