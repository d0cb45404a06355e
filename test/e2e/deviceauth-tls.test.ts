/**
 * Mutual TLS with the device certificate, end to end: a C app (test/fixtures/apps/deviceauth-tls)
 * installs DeviceAuth_CurlSslFunc on a curl handle and GETs an HTTPS server this test starts,
 * which requires a client certificate chaining to the emulator's Security Service CA
 * (<state>/security-service-ca.pem). The server answers with the certificate's subject CN; the
 * test compares it with the device ID `sphere device show-attached` reports, and OpenSSL verifies
 * the certificate the device presented against the service CA. The same GET without the callback
 * is refused by the server; the app without DeviceAuthentication is refused by the device and the
 * denial is logged; on a device whose clock lies before its certificates (device authentication
 * not ready) the callback fails and nothing is sent. Skipped, saying why, without the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { runtimeDir } from '../../emulator/index';
import { DEVICE_CAPABILITY } from '../../sideload/protocol/index';
import { testEmulator } from '../emulator/helpers';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, expectLines, until } from './app-helpers';
import { buildProject, skipped, TEST_APPS, toolchainMissing } from '../sdk/helpers';

const EMU = 'dauthtls';
const CID = '7b000000-0000-0000-0000-000000000032';
const DENIED = '7b000000-0000-0000-0000-000000000033';
const ossl = (args: string[], cwd?: string) => execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let l: Lab;
let server: Server | undefined;
let port = 0;
let serverCa = '';
/** The client certificates the server was shown (DER), in order. */
const presented: Buffer[] = [];

const t = suite('mutual TLS with the device certificate (DeviceAuth_CurlSslFunc)');
t.before(async () => { try { await setup(); } catch (e) { console.error(e); throw e; } });
async function setup(): Promise<void> {
  if (toolchainMissing()) return;
  l = lab('sphere-dauth-tls-');
  l.start(EMU, ['--capabilities', 'appDevelopment', '--host-map', 'mtls.test=127.0.0.1']);
  // Networking is ready once Wi-Fi has a network (as on a device).
  assert.is(l.run(['device', 'wifi', 'add', '--ssid', 'EmuOpen', '--device', EMU]).code, 0);
  // The server's own certificate, for the name the app's manifest allows (openssl makes it).
  const dir = join(l.dir, 'server');
  mkdirSync(dir, { recursive: true });
  ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=mtls test CA', '-days', '2'], dir);
  ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=mtls.test'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:mtls.test\n');
  ossl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  serverCa = readFileSync(join(dir, 'ca.pem'), 'utf8');
  // The device attests to its Security Service (show-device waits for the certificate), which makes the service CA.
  const cert = l.run(['device', 'certificate', 'show-device', '--device', EMU]);
  assert.is(cert.code, 0, cert.stderr);
  // Only a client whose certificate chains to the Security Service CA gets an answer: its CN.
  const serviceCa = readFileSync(join(l.entry(EMU)!.stateDir, 'security-service-ca.pem'), 'utf8');
  server = createServer({ cert: readFileSync(join(dir, 'server.pem')), key: readFileSync(join(dir, 'server.key')), ca: serviceCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    presented.push(peer.raw);
    res.end(`client ${peer.subject.CN}\n`);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
}
t.after(() => {
  server?.close();
  if (!toolchainMissing()) l.done();
});

/** Builds the test app from a copy with the server's CA and these manifest fields. */
function build(manifest: Record<string, unknown>, into: string) {
  const src = join(l.dir, 'src', into);
  cpSync(join(TEST_APPS, 'deviceauth-tls'), src, { recursive: true });
  const path = join(src, 'app_manifest.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), CmdArgs: [`https://mtls.test:${port}/`], ...manifest }, null, 2));
  writeFileSync(join(src, 'certs', 'ca.pem'), serverCa);
  const { run, built } = buildProject(src, join(l.dir, 'apps', into), l.env);
  if (!built) throw new Error(`sphere app build deviceauth-tls failed (${run.code}): ${run.stderr}`);
  return built;
}

async function finished(cid: string): Promise<string[]> {
  const log = () => appLog(l, EMU, cid);
  return until(`${cid} to finish`, () => { const x = log(); return x.includes('deviceauth-tls: done') ? x : undefined; }, 30_000)
    .catch((e: Error) => { throw new Error(`${e.message}\n${log().join('\n')}`); });
}

t('the host presents the device certificate: the server sees the device ID, OpenSSL verifies it against the service CA', async () => {
  if (skipped(toolchainMissing())) return;
  deploy(l, build({}, 'allowed').package, EMU);
  const lines = await finished(CID);
  const shown = l.run(['device', 'show-attached', '--device', EMU, '-o', 'json']);
  assert.is(shown.code, 0, shown.stderr);
  const id = (JSON.parse(shown.stdout) as { deviceId: string }).deviceId;
  assert.match(id, /^[0-9A-F]{128}$/);
  expectLines(lines, [
    'deviceauth-tls: ready 1',
    `deviceauth-tls: device-auth: CURLcode 0 (no error), HTTP 200, body "client ${id}"`,
    // Without the callback no client certificate goes out, and the server ends the handshake.
    'deviceauth-tls: plain: CURLcode 35 (the TLS handshake failed), HTTP 0, body ""',
    'deviceauth-tls: forged: transfer done',
    'deviceauth-tls: DeviceAuth_SslCtxFunc on a foreign context: 3',
  ]);
  // The verbose transfer log says so (CURLOPT_VERBOSE).
  assert.ok(lines.some((x) => x.startsWith(`curl: GET https://mtls.test:${port}/: HTTP 200 (the device certificate presented)`)), lines.join('\n'));
  assert.is(presented.length, 2);
  assert.equal(presented[1], presented[0]);
  const cert = join(l.dir, 'presented.pem'), ca = join(l.dir, 'service-ca.pem');
  writeFileSync(cert, `-----BEGIN CERTIFICATE-----\n${presented[0]!.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
  writeFileSync(ca, readFileSync(join(l.entry(EMU)!.stateDir, 'security-service-ca.pem')));
  assert.match(ossl(['verify', '-CAfile', ca, '-purpose', 'sslclient', cert]), /: OK/);
  assert.ok(ossl(['x509', '-in', cert, '-noout', '-subject']).includes(`CN = ${id}`));
  // It is the device certificate the app can read, and its key is the identity key (the device ID is its public point).
  const device = JSON.parse(l.run(['device', 'certificate', 'show-device', '--device', EMU, '-o', 'json']).stdout) as { certPem: string };
  assert.is(ossl(['x509', '-in', cert, '-noout', '-fingerprint', '-sha256']), execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: device.certPem, encoding: 'utf8' }));
  const pub = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-pubkey']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
  assert.is(der.subarray(der.length - 64).toString('hex').toUpperCase(), id);
});

t('without DeviceAuthentication the callback fails with CURLE_SSL_CERTPROBLEM, nothing is sent and the denial is logged', async () => {
  if (skipped(toolchainMissing())) return;
  const before = presented.length;
  deploy(l, build({ ComponentId: DENIED, Capabilities: { AllowedConnections: ['mtls.test'] } }, 'denied').package, EMU);
  const lines = await finished(DENIED);
  expectLines(lines, [
    'deviceauth-tls: ready 1',
    'deviceauth-tls: device-auth: CURLcode 58 (the client certificate or key cannot be used), HTTP 0, body ""',
    'deviceauth-tls: plain: CURLcode 35 (the TLS handshake failed), HTTP 0, body ""',
    // Asking the host directly, past the SDK's callback, is refused there too.
    'deviceauth-tls: forged: CURLcode 58',
    'denied DeviceAuth_CurlSslFunc: the device certificate is not allowed by the manifest (Capabilities.DeviceAuthentication)',
    'denied curl_easy_perform: the device certificate is not allowed by the manifest (Capabilities.DeviceAuthentication)',
  ]);
  assert.is(presented.length, before, 'the server saw no client certificate');
});

t('when device authentication is not ready the callback fails with CURLE_SSL_CERTPROBLEM and nothing is sent', async () => {
  if (skipped(toolchainMissing())) return;
  // An emulator in this process whose clock can be set back: ten years before any of its
  // certificates, it holds no valid device certificate and cannot attest for one. The CLI runs
  // as a child process that does not block this one (runAsync), which serves it.
  let skewMs = 0;
  const name = 'dauthlate';
  const e = await testEmulator({
    stateDir: join(l.dir, 'late-state'), name, registryDir: runtimeDir(l.env, homedir()), now: () => Date.now() + skewMs,
    capabilities: [DEVICE_CAPABILITY.appDevelopment], trust: [readFileSync(join(l.env['SPHERE_CA_DIR']!, 'ca.pem'), 'utf8')],
    hostMap: { 'mtls.test': '127.0.0.1' },
  });
  try {
    const wifi = await l.runAsync(['device', 'wifi', 'add', '--ssid', 'EmuOpen', '--device', name]);
    assert.is(wifi.code, 0, wifi.stderr);
    const app = build({}, 'late');
    const before = presented.length;
    const sideload = await l.runAsync(['device', 'sideload', 'deploy', app.package, '--manual-start', '--device', name]);
    assert.is(sideload.code, 0, sideload.stderr);
    skewMs = -10 * 365 * 24 * 3600 * 1000;
    const start = await l.runAsync(['device', 'app', 'start', '-i', CID, '--device', name]);
    assert.is(start.code, 0, start.stderr);
    const log = () => appLog(l, name, CID);
    const lines = await until('the app to finish', () => { const x = log(); return x.includes('deviceauth-tls: done') ? x : undefined; }, 30_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${log().join('\n')}`); });
    expectLines(lines, [
      'deviceauth-tls: ready 0',
      'deviceauth-tls: device-auth: CURLcode 58 (the client certificate or key cannot be used), HTTP 0, body ""',
      'deviceauth-tls: forged: CURLcode 58',
    ]);
    assert.not.ok(lines.some((x) => x.startsWith('denied ')), lines.join('\n'));
    assert.is(presented.length, before, 'the server saw no client certificate');
  } finally {
    await e.done();
  }
});

t.run();
