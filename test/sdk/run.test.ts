/**
 * The SDK's C library at work in the emulator: test/fixtures/apps/applibs-check checks EventLoop
 * semantics (spec applibs.md §2.2), timer fds, signal masks, storage paths, log formatting and
 * errno values from inside a running app; exit3 ends with its code. Skipped, saying why, without
 * the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, until } from '../e2e/app-helpers';
import { buildTestApp, skipped, toolchainMissing } from './helpers';

const EMU = 'sdkrun';
let l: Lab;

const test = suite('SDK library in the emulator');
test.before(() => {
  if (toolchainMissing()) return;
  l = lab('sphere-sdk-run-');
  l.start(EMU, ['--capabilities', 'appDevelopment', '--clock', 'virtual']);
});
test.after(() => { if (!toolchainMissing()) l.done(); });

test('applibs-check passes every check inside the running app', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('applibs-check', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const cid = '7b000000-0000-4000-8000-000000000007';
  const lines = await until('the summary line', () => { const x = appLog(l, EMU, cid); return x.some((t) => /applibs-check: \d+ checks/.test(t)) ? x : undefined; }, 20_000);
  const failures = lines.filter((t) => t.includes('FAIL'));
  assert.equal(failures, [], lines.join('\n'));
  assert.ok(lines.some((t) => /^applibs-check: \d+ checks, 0 failed$/.test(t)), lines.join('\n'));
  assert.ok(lines.some((t) => t.startsWith('applibs-check: long line xxxx') && t.endsWith(' 42 1.50')), 'a line longer than the stack buffer is logged whole');
  await until('its exit', () => appLog(l, EMU, cid).includes('ended: exit code 0'), 10_000);
});

test('exit3 logs its line and ends with exit code 3', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('exit3', join(l.dir, 'apps'), l.env, ['--preset', 'ARM-Release']);
  deploy(l, app.package, EMU);
  const cid = '7b000000-0000-4000-8000-000000000002';
  const lines = await until('its exit', () => { const x = appLog(l, EMU, cid); return x.some((t) => t.startsWith('ended: exit code 3')) ? x : undefined; }, 20_000);
  assert.ok(lines.includes('exit3: returning 3'), lines.join('\n'));
});

test.run();
