/**
 * End-to-end: apps' networking. C test apps of our own (test/fixtures/apps/sockets, curl) built by
 * the SDK run in a detached emulator started with `--host-map`, so that an allowed name and a
 * name the manifest does not allow both lead to servers this test starts on the loopback: a TCP
 * echo server, and HTTPS servers whose certificates `openssl` makes here. The apps log what each
 * call gave; the emulator's `denied ...` lines show the refusals. Skipped, saying why, without
 * the C toolchain.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, expectLines, until } from './app-helpers';
import { buildProject, skipped, TEST_APPS, toolchainMissing } from '../sdk/helpers';

const EMU = 'netapps';
const CID = { sockets: '7b000000-0000-4000-8000-000000000020', curl: '7b000000-0000-4000-8000-000000000021' };
let l: Lab;
const servers: Server[] = [];

const listen = (s: Server, host = '127.0.0.1'): Promise<number> => new Promise((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));
const freePort = async (): Promise<number> => { const s = createServer(); const p = await listen(s); await new Promise((r) => s.close(r)); return p; };

/** Builds a test app from a copy whose manifest fields are replaced (ports known only now). */
function buildWith(name: string, manifest: Record<string, unknown>, files: Record<string, string | Buffer> = {}) {
  const src = join(l.dir, 'src', name);
  cpSync(join(TEST_APPS, name), src, { recursive: true });
  const path = join(src, 'app_manifest.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...manifest }, null, 2));
  for (const [f, text] of Object.entries(files)) { mkdirSync(join(src, f, '..'), { recursive: true }); writeFileSync(join(src, f), text); }
  const { run, built } = buildProject(src, join(l.dir, 'apps'), l.env);
  if (!built) throw new Error(`sphere app build ${name} failed (${run.code}): ${run.stderr}`);
  return built;
}

const test = suite('apps\' networking: TCP sockets and curl through the manifest\'s firewall');
test.before(() => {
  if (toolchainMissing()) return;
  l = lab('sphere-net-apps-');
  l.start(EMU, ['--capabilities', 'appDevelopment', '--host-map', 'echo.test=127.0.0.1', '--host-map', 'blocked.test=127.0.0.2', '--host-map', 'api.test=127.0.0.1', '--host-map', 'other.test=127.0.0.1']);
  // Networking is ready once Wi-Fi has a network (as on a device).
  assert.is(l.run(['device', 'wifi', 'add', '--ssid', 'EmuOpen', '--device', EMU]).code, 0);
});
test.after(() => {
  for (const s of servers) s.close();
  if (!toolchainMissing()) l.done();
});

test('sockets: echo through the event loop, a closed port, a refused name and address, server ports', async () => {
  if (skipped(toolchainMissing())) return;
  const echo = createServer((c: Socket) => c.on('data', (d) => c.write(d)));
  servers.push(echo);
  const echoPort = await listen(echo);
  const closed = await freePort();
  const serverPort = await freePort();
  const deniedPort = await freePort();
  const app = buildWith('sockets', {
    CmdArgs: ['echo.test', String(echoPort), String(closed), 'blocked.test', '127.0.0.2', String(serverPort), String(deniedPort)],
    Capabilities: { AllowedConnections: ['echo.test'], AllowedTcpServerPorts: [serverPort] },
  });
  deploy(l, app.package, EMU);
  const log = () => appLog(l, EMU, CID.sockets);
  await until('the app to listen', () => log().some((t) => t.startsWith('sockets: listening')), 15_000).catch((e: Error) => { throw new Error(`${e.message}\n${log().join('\n')}`); });
  // A client of the app's server: what it sends comes back with "pong: " before it.
  const answer = await new Promise<string>((resolve, reject) => {
    const c = tcpConnect(serverPort, '127.0.0.1', () => c.write('ping'));
    let got = '';
    c.on('data', (d) => { got += d.toString(); });
    c.on('close', () => resolve(got));
    c.on('error', reject);
  });
  assert.is(answer, 'pong: ping');
  const lines = await until('the app to finish', () => { const x = log(); return x.includes('sockets: done') ? x : undefined; }, 15_000);
  expectLines(lines, [
    'sockets: echo.test is 127.0.0.1',
    'sockets: connect -1, errno EINPROGRESS',
    'sockets: writable (events 0x4), SO_ERROR 0 (getsockopt 0)',
    'sockets: sent 12 bytes',
    'sockets: echo "hello sphere"',
    `sockets: closed port ${closed}: connect -1, errno ECONNREFUSED`,
    'sockets: closed port, non-blocking: poll 1, SO_ERROR ECONNREFUSED',
    'sockets: getaddrinfo blocked.test: -2 (Name does not resolve)',
    'sockets: connect 127.0.0.2: -1, errno EACCES',
    `sockets: bind ${deniedPort}: -1, errno EACCES`,
    `sockets: listening on ${serverPort}: bind 0, listen 0`,
    'sockets: accepted a connection',
    'sockets: served "ping" (10 bytes back)',
    'denied getaddrinfo: host "blocked.test" is not allowed by the manifest (Capabilities.AllowedConnections)',
    'denied connect: address 127.0.0.2 (port 80) is not allowed by the manifest (Capabilities.AllowedConnections)',
    `denied bind: TCP port ${deniedPort} is not allowed by the manifest (Capabilities.AllowedTcpServerPorts)`,
  ]);
});

/** Makes a CA and a server certificate it signs (for the names and addresses given) with openssl. */
function makeCerts(dir: string, name: string, sans: string): { ca: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-subj', `/CN=${name} test CA`, '-days', '2']);
  ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${sans}\n`);
  ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca: read(`${name}-ca.pem`), cert: read(`${name}.pem`), key: read(`${name}.key`) };
}

test('curl: GET from an allowed host, a host not allowed (by name, by address, by a redirect), a certificate that does not chain, a client certificate', async () => {
  if (skipped(toolchainMissing())) return;
  const good = makeCerts(join(l.dir, 'certs'), 'good', 'DNS:api.test,DNS:blocked.test,IP:127.0.0.2');
  const other = makeCerts(join(l.dir, 'certs'), 'other', 'DNS:other.test');
  let blockedPort = 0;
  const serve = (c: { cert: string; key: string }, text: string) => createHttpsServer({ cert: c.cert, key: c.key }, (req, res) => {
    // Redirects: within the host, and to a host the manifest does not allow.
    if (req.url === '/moved') { res.writeHead(302, { location: '/hello' }); res.end(); return; }
    if (req.url === '/away') { res.writeHead(302, { location: `https://blocked.test:${blockedPort}/` }); res.end(); return; }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${text} ${req.url} ${req.headers['user-agent']}\n`);
  });
  const client = makeCerts(join(l.dir, 'certs'), 'client', 'DNS:client');
  // Answers only a client whose certificate chains to the client CA, saying whose it is.
  const mtls = createHttpsServer({ cert: good.cert, key: good.key, ca: client.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.end(`hello ${(req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN}\n`);
  });
  servers.push(mtls);
  const pm = await listen(mtls);
  const api = serve(good, 'hello from api.test');
  const blocked = serve(good, 'hello from blocked.test');
  const untrusted = serve(other, 'hello from other.test');
  servers.push(api, blocked, untrusted);
  const [pa, pb, pc] = [await listen(api), await listen(blocked, '127.0.0.2'), await listen(untrusted)];
  blockedPort = pb;
  const urls = [`https://api.test:${pa}/hello`, `https://blocked.test:${pb}/`, `https://other.test:${pc}/`, `https://127.0.0.2:${pb}/`, `mtls+https://api.test:${pm}/`, `https://api.test:${pm}/`, `https://api.test:${pa}/moved`, `https://api.test:${pa}/away`];
  const app = buildWith('curl', { CmdArgs: urls }, { 'certs/ca.pem': good.ca, 'certs/client.pem': client.cert, 'certs/client.key': client.key });
  deploy(l, app.package, EMU);
  const log = () => appLog(l, EMU, CID.curl);
  const lines = await until('the app to finish', () => { const x = log(); return x.includes('curl: done') ? x : undefined; }, 20_000)
    .catch((e: Error) => { throw new Error(`${e.message}\n${log().join('\n')}`); });
  expectLines(lines, [
    `curl: ${urls[0]}: CURLcode 0 (no error), HTTP 200, body "hello from api.test /hello sphere-test/1.0", headers and progress seen`,
    `curl: ${urls[1]}: CURLcode 6 (the host name could not be resolved), HTTP 0, body ""`,
    `curl: ${urls[2]}: CURLcode 60 (the server's certificate was not verified), HTTP 0, body ""`,
    `curl: ${urls[3]}: CURLcode 7 (no connection to the server could be made), HTTP 0, body ""`,
    `curl: ${urls[4]}: CURLcode 0 (no error), HTTP 200, body "hello client", headers and progress seen`,
    `curl: ${urls[5]}: CURLcode 35 (the TLS handshake failed), HTTP 0, body ""`,
    `curl: ${urls[6]}: CURLcode 0 (no error), HTTP 200, body "hello from api.test /hello sphere-test/1.0", headers and progress seen`,
    `curl: ${urls[7]}: CURLcode 6 (the host name could not be resolved), HTTP 0, body ""`,
    'denied curl_easy_perform: host "blocked.test" (a redirect) is not allowed by the manifest (Capabilities.AllowedConnections)',
    'denied curl_easy_perform: host "blocked.test" is not allowed by the manifest (Capabilities.AllowedConnections)',
    'denied curl_easy_perform: address 127.0.0.2 is not allowed by the manifest (Capabilities.AllowedConnections)',
  ]);
});

test('curl: a transfer the server never answers still ends when the app is stopped', async () => {
  if (skipped(toolchainMissing())) return;
  const silent = createServer(() => { /* accepts, never answers */ });
  servers.push(silent);
  const port = await listen(silent);
  const good = makeCerts(join(l.dir, 'certs2'), 'good', 'DNS:api.test');
  const app = buildWith('curl', { CmdArgs: [`https://api.test:${port}/`] }, { 'certs/ca.pem': good.ca });
  deploy(l, app.package, EMU);
  // This run's lines only (the app ran before with other arguments).
  const log = () => { const x = appLog(l, EMU, CID.curl); return x.slice(x.lastIndexOf('started "curl" (WebAssembly)')); };
  await until('the transfer to start', () => log().some((t) => t === `curl: GET https://api.test:${port}/`), 15_000);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  const r = l.run(['device', 'app', 'stop', '-i', CID.curl, '--device', EMU]);
  assert.is(r.code, 0, r.stderr);
  const lines = await until('the app to end', () => { const x = log(); return x.some((t) => t.startsWith('ended:')) ? x : undefined; }, 6000);
  assert.ok(Date.now() - t0 < 5000, `ended ${Date.now() - t0} ms after the stop`);
  assert.not.ok(lines.some((t) => t.startsWith(`curl: https://api.test:${port}/: CURLcode`)), 'the transfer did not finish');
  // Its SIGTERM handler ran and the transfer went on (as libcurl retries after EINTR): the grace time ended it.
  assert.ok(lines.some((t) => t.startsWith('ended: did not end after SIGTERM; ended')), lines.join('\n'));
});

test.run();
