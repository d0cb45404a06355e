/**
 * End-to-end: the human (table) output of `dist/sphere` as a new user reads it. Every date shown
 * — the CA's validity, a package's build time (ours and an SDK-built fixture), a device
 * certificate's validity, the emulator's and the apps' log lines — is ISO 8601 in UTC, with the
 * dates themselves checked against OpenSSL's reading of the same certificates; and
 * `device app start` says the app's state once.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { IMAGEPACKAGES } from '../helpers';
import { lab, type Lab } from '../sideload/e2e-helpers';

const SAMPLE = resolve('samples/hello/approot');
const SAMPLE_CID = '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f';
const FIXTURE = join(IMAGEPACKAGES, 'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage');

let l: Lab;
let pkg: string;
const test = suite('human output');
test.before(() => {
  l = lab('sphere-human-');
  pkg = join(l.dir, 'hello.imagepackage');
  const r = l.run(['image', 'pack', SAMPLE, '--destination', pkg, '--build-time', '2026-02-03T04:05:06Z']);
  assert.is(r.code, 0, r.stderr);
  l.start('h');
});
test.after(() => l.done());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;
/** Anything in the text that reads as a date or a time of day, whichever way it is written. */
const DATE_LIKE = /\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?Z?)?|\b\d{1,2}\/\d{1,2}\/\d{2,4}(?: \d\d:\d\d(?::\d\d)?)?|\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}\b|\bGMT\b|\b\d\d:\d\d:\d\d\b/g;

/** Every date-like token of `text`; each must be ISO 8601 UTC, and there must be at least `min`. */
function isoDates(what: string, text: string, min = 1): string[] {
  const found = text.match(DATE_LIKE) ?? [];
  assert.ok(found.length >= min, `${what} shows a date:\n${text}`);
  for (const d of found) assert.match(d, ISO, `${what}: "${d}" is not ISO 8601 UTC in:\n${text}`);
  return found;
}

/** OpenSSL's own reading of a certificate's validity, as ISO 8601 to the second. */
function opensslDates(pem: string): [string, string] {
  const out = execFileSync('openssl', ['x509', '-noout', '-startdate', '-enddate', '-dateopt', 'iso_8601', '-in', pem], { encoding: 'utf8' });
  const pick = (k: string) => new RegExp(`${k}=(\\S+) (\\S+)`).exec(out)!.slice(1).join('T');
  return [pick('notBefore'), pick('notAfter')];
}

test('ca show: the validity as ISO 8601, the dates OpenSSL reads from ca.pem', () => {
  const r = l.run(['ca', 'show']);
  assert.is(r.code, 0, r.stderr);
  const dates = isoDates('ca show', r.stdout, 2).map((d) => d.replace(/\.\d{3}Z$/, 'Z'));
  assert.equal(dates, opensslDates(join(l.env['SPHERE_CA_DIR']!, 'ca.pem')));
});

test('image show: the build time as ISO 8601, for our package and for an SDK-built one', () => {
  const r = l.run(['image', 'show', pkg]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(isoDates('image show', r.stdout), ['2026-02-03T04:05:06Z']);
  assert.match(r.stdout, /Built On \(UTC\): +2026-02-03T04:05:06Z\n/);
  const f = l.run(['image', 'show', FIXTURE]);
  assert.is(f.code, 0, f.stderr);
  const [built] = isoDates('image show (SDK fixture)', f.stdout);
  const unix = (JSON.parse(l.run(['image', 'show', FIXTURE, '-o', 'json']).stdout) as { metadata: { sections: Array<{ section: string; buildTimeUnix?: number }> } })
    .metadata.sections.find((s) => s.section === 'Debug')!.buildTimeUnix!;
  assert.is(built, new Date(unix * 1000).toISOString().replace('.000Z', 'Z'));
});

test('device certificate add and show: the validity as ISO 8601 UTC, the dates OpenSSL reads', () => {
  const pem = join(l.dir, 'root.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(l.dir, 'root.key'), '-out', pem, '-subj', '/CN=human output root', '-days', '30'], { stdio: 'ignore' });
  const want = opensslDates(pem);
  const add = l.run(['device', 'certificate', 'add', '--device', 'h', '-c', 'root1', '-t', 'rootca', '-p', pem]);
  assert.is(add.code, 0, add.stderr);
  assert.equal(isoDates('device certificate add', add.stdout, 2), want);
  const shown = l.run(['device', 'certificate', 'show', '--device', 'h', '-c', 'root1']);
  assert.is(shown.code, 0, shown.stderr);
  assert.equal(isoDates('device certificate show', shown.stdout, 2), want);
});

test('device app start prints the app state once; the emulator\'s and the app\'s log lines start with ISO 8601 times', () => {
  const d = l.run(['device', 'sideload', 'deploy', pkg, '--device', 'h', '--manual-start']);
  assert.is(d.code, 0, d.stderr);
  const s = l.run(['device', 'app', 'start', '--device', 'h', '--component-id', SAMPLE_CID]);
  assert.is(s.code, 0, s.stderr);
  assert.equal(s.stdout.match(/App state/g), ['App state'], s.stdout);
  assert.is(s.stdout, `${SAMPLE_CID}: App state: running\n`);
  assert.is(s.stderr, '');
  const again = l.run(['device', 'app', 'start', '--device', 'h', '--component-id', SAMPLE_CID]);
  assert.equal(again.stdout.match(/App state/g), ['App state'], again.stdout);

  const log = l.run(['emulator', 'logs', '--name', 'h', '--lines', '20']);
  assert.is(log.code, 0, log.stderr);
  for (const line of log.stdout.trimEnd().split('\n')) assert.match(line.split(' ')[0]!, ISO, line);
  isoDates('emulator logs', log.stdout, 10);
  const apps = l.run(['emulator', 'logs', '--name', 'h', '--apps']);
  assert.is(apps.code, 0, apps.stderr);
  for (const line of apps.stdout.trimEnd().split('\n')) assert.match(line.split(' ')[0]!, ISO, line);
  isoDates('emulator logs --apps', apps.stdout);
});

test.run();
