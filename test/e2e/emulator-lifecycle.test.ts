/**
 * End-to-end: what a new user sees when an emulator dies under them, driven through
 * `dist/sphere` with real detached emulators. An emulator killed with SIGKILL is listed and
 * reported by `status` as crashed with the last line of its own log (read here straight from the
 * file), device clients no longer pick it, and it starts again under the same name;
 * `emulator logs --follow` streams the emulator's own log until it stops; `emulator stop --all`
 * stops the running ones and clears the crashed ones; a busy port gives the same one line and exit
 * code with and without `--detach`.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '../../sideload/protocol/index';
import { lab, oneLine, type Lab } from '../sideload/e2e-helpers';

let l: Lab;
const test = suite('emulator lifecycle');
test.before(() => { l = lab('sphere-lifecycle-'); });
test.after(() => l.done());

const lastLine = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').pop()!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilDead(pid: number): Promise<void> {
  for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(25);
  assert.not.ok(isAlive(pid), `process ${pid} is gone`);
}

interface Listed { name: string; state: string; pid: number; lastLogLine?: string; logFile?: string }

test('an emulator killed with SIGKILL: list and status say crashed, with its last log line; device commands skip it; it starts again', async () => {
  const a = l.start('a');
  const b = l.start('b');
  assert.is(l.run(['device', 'show-attached', '--device', 'a']).code, 0);
  process.kill(a.pid, 'SIGKILL');
  await untilDead(a.pid);
  const logA = join(a.stateDir, 'emulator.log');
  const last = lastLine(logA);
  assert.match(last, /GET \/device\/security_state 200/, 'the last thing it did was answer show-attached');

  const list = l.run(['emulator', 'list', '-o', 'json']);
  assert.is(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as Listed[];
  assert.equal(rows.map((r) => [r.name, r.state, r.pid]), [['a', 'crashed', a.pid], ['b', 'running', b.pid]]);
  assert.is(rows[0]!.lastLogLine, last);
  assert.is(rows[0]!.logFile, logA);
  const table = l.run(['emulator', 'list']);
  assert.match(table.stdout, new RegExp(`^a +crashed +${a.url.replace(/\./g, '\\.')} +${a.pid} .*${last.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
  assert.match(table.stdout, /^b +running +/m);

  const st = l.run(['emulator', 'status', '--name', 'a']);
  assert.is(st.code, 1);
  assert.match(st.stdout, new RegExp(`^Emulator a crashed: its process ${a.pid} is gone \\(started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\)\\.\n`));
  assert.ok(st.stdout.includes(`last log line  ${last}\n`), st.stdout);
  assert.match(st.stdout, /Start it again with "sphere emulator start --name a --detach", or clear it with "sphere emulator stop --name a"\./);
  const sj = JSON.parse(l.run(['emulator', 'status', '--name', 'a', '-o', 'json']).stdout) as { running: boolean; crashed: boolean; lastLogLine: string };
  assert.equal([sj.running, sj.crashed, sj.lastLogLine], [false, true, last]);

  // Device clients see only b now: without --device there is one device to pick.
  const attached = l.run(['device', 'show-attached', '-o', 'json']);
  assert.is(attached.code, 0, attached.stderr);

  const again = l.start('a');
  assert.ok(again.pid !== a.pid);
  assert.is(JSON.parse(l.run(['emulator', 'status', '--name', 'a', '-o', 'json']).stdout).answering, true);
  l.stop('a');
  l.stop('b');
});

test('emulator logs --follow prints the emulator\'s own new lines as they come and ends when it stops', async () => {
  const c = l.start('c');
  const following = l.runAsync(['emulator', 'logs', '--name', 'c', '--follow', '--lines', '1']);
  await sleep(800);
  assert.is(l.run(['device', 'show-security-state', '--device', 'c']).code, 0);
  await sleep(500);
  assert.is(l.run(['emulator', 'stop', '--name', 'c']).code, 0);
  const r = await Promise.race([following, sleep(10_000).then(() => undefined)]);
  assert.ok(r, 'logs --follow ended once the emulator stopped');
  assert.is(r!.code, 0, r!.stderr);
  const lines = r!.stdout.trimEnd().split('\n');
  const file = readFileSync(join(c.stateDir, 'emulator.log'), 'utf8').trimEnd().split('\n');
  // Everything printed is the log's own lines, in order, ending with the stop line.
  assert.equal(lines, file.slice(file.length - lines.length));
  assert.ok(lines.length >= 3, r!.stdout);
  assert.ok(lines.some((x) => / GET \/device\/security_state 200 /.test(x)), 'a request made while following is printed');
  assert.match(lines[lines.length - 1]!, /emulator "c" stopped \(SIGTERM\)$/);
});

test('emulator stop --all stops every running emulator and clears a crashed one', async () => {
  const d = l.start('d');
  const e = l.start('e');
  const f = l.start('f');
  process.kill(e.pid, 'SIGKILL');
  await untilDead(e.pid);
  const r = l.run(['emulator', 'stop', '--all']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Stopped emulator d (pid ${d.pid})\nCleared emulator e: it had crashed (pid ${e.pid} was gone)\nStopped emulator f (pid ${f.pid})\n`);
  assert.not.ok(isAlive(d.pid));
  assert.not.ok(isAlive(f.pid));
  assert.equal(JSON.parse(l.run(['emulator', 'list', '-o', 'json']).stdout), []);
  const none = l.run(['emulator', 'stop', '--all']);
  assert.equal([none.code, none.stdout], [0, 'No emulator is running.\n']);
  const both = l.run(['emulator', 'stop', '--all', '--name', 'd']);
  assert.is(both.code, 2);
  oneLine(both);
});

test('a busy port: the same one line and exit code 2 with and without --detach, nothing registered', async () => {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const fg = l.run(['emulator', 'start', '--name', 'busy', '--listen', `127.0.0.1:${port}`], { timeout: 20_000 });
    const bg = l.run(['emulator', 'start', '--name', 'busy', '--listen', `127.0.0.1:${port}`, '--detach']);
    const want = `error: Cannot listen on "127.0.0.1:${port}": the port is in use. Choose another --listen address or port.`;
    assert.equal([fg.code, oneLine(fg)], [2, want]);
    assert.equal([bg.code, oneLine(bg)], [2, want]);
    assert.equal(JSON.parse(l.run(['emulator', 'list', '-o', 'json']).stdout), []);
  } finally {
    server.close();
  }
});

test.run();
