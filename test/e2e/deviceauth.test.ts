/**
 * Device authentication end to end: after the device attests to the emulator's Security Service,
 * a C app with DeviceAuthentication reads the device certificate at the path
 * DeviceAuth_GetCertificatePath gives, inside its WASI file system; OpenSSL checks that
 * certificate against the service's CA (read from the state folder), its subject and its 24 h
 * validity. The same app without the capability gets the device's error. Skipped, saying why,
 * without the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, until } from './app-helpers';
import { TEST_APPS, buildProject, buildTestApp, skipped, toolchainMissing } from '../sdk/helpers';

const EMU = 'dauth';
const CID = '7b000000-0000-0000-0000-000000000030';
const DENIED = '7b000000-0000-0000-0000-000000000031';
const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const t = suite('device authentication');
let l: Lab;
t.before(() => { l = lab('sphere-dauth-'); l.start(EMU); });
t.after(() => l.done());

async function ended(cid: string): Promise<string[]> {
  return until(`${cid} to end`, () => { const x = appLog(l, EMU, cid); return x.some((s) => s.startsWith('ended:')) ? x : undefined; }, 20_000);
}

t('an app with DeviceAuthentication reads a device certificate that chains to the Security Service CA', async () => {
  if (skipped(toolchainMissing())) return;
  const app = buildTestApp('deviceauth', join(l.dir, 'apps'), l.env);
  deploy(l, app.package, EMU);
  const lines = await ended(CID);
  assert.ok(lines.includes('deviceauth: ready 1 (0)'), lines.join('\n'));
  assert.ok(lines.includes('deviceauth: path /run/deviceauth/device.cert.pem'), lines.join('\n'));
  const pem = lines.filter((x) => x.startsWith('deviceauth: pem ')).map((x) => x.slice('deviceauth: pem '.length)).join('\n') + '\n';
  assert.match(pem, /^-----BEGIN CERTIFICATE-----\n/);
  const cert = join(l.dir, 'device.cert.pem'), ca = join(l.dir, 'service-ca.pem');
  writeFileSync(cert, pem);
  writeFileSync(ca, readFileSync(join(l.entry(EMU)!.stateDir, 'security-service-ca.pem')));
  assert.match(openssl(['verify', '-CAfile', ca, '-purpose', 'sslclient', cert]), /: OK/);
  const id = l.entry(EMU)!.deviceId;
  assert.ok(openssl(['x509', '-in', cert, '-noout', '-subject']).includes(`CN = ${id}`));
  const dates = openssl(['x509', '-in', cert, '-noout', '-startdate', '-enddate']);
  const [from, to] = [...dates.matchAll(/=(.+)$/gm)].map((m) => Date.parse(m[1]!));
  assert.is(to! - from!, 24 * 3600 * 1000);
  // The certificate's key is the device's identity key: its public point is the device ID.
  const pub = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-pubkey']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
  assert.is(der.subarray(der.length - 64).toString('hex').toUpperCase(), id);
  // show-device prints the same certificate.
  const shown = l.run(['device', 'certificate', 'show-device', '--device', EMU, '-o', 'json']);
  assert.is(shown.code, 0, shown.stderr);
  assert.is((JSON.parse(shown.stdout) as { certPem: string }).certPem, pem);
});

t('without DeviceAuthentication the app gets the device\'s error and the denial is logged', async () => {
  if (skipped(toolchainMissing())) return;
  const src = join(l.dir, 'deviceauth-denied');
  cpSync(join(TEST_APPS, 'deviceauth'), src, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(src, 'app_manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(src, 'app_manifest.json'), JSON.stringify({ ...manifest, ComponentId: DENIED, Capabilities: {} }, null, 2));
  const { built, run } = buildProject(src, join(l.dir, 'apps-denied'), l.env);
  assert.ok(built, run.stderr);
  deploy(l, built!.package, EMU);
  const lines = await ended(DENIED);
  assert.ok(lines.includes('deviceauth: no path: Permission denied (2)'), lines.join('\n'));
  assert.ok(lines.includes('denied DeviceAuth_GetCertificatePath: the device certificate is not allowed by the manifest (Capabilities.DeviceAuthentication)'), lines.join('\n'));
  assert.not.ok(lines.some((x) => x.startsWith('deviceauth: pem')));
});

t.run();
