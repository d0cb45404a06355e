/**
 * Reference for the deploy benchmark (bench/device.bench.ts): the least a Node client can do for
 * the exchange `sphere device sideload deploy` makes, written straight on node:tls with no
 * framework, no argument parsing and no output — read the package (thread pool) and check its
 * ECDSA signature against the development CA, connect with the same pin check on the device's
 * certificate, then the same seven requests on one connection: GET /images, GET /status,
 * GET /abi_versions, PUT /update/stage, POST /update/install, GET /images, GET /app/status/<id>.
 * It leaves out what sphere adds: parsing the package and its CRC, the manifest check, the plan,
 * messages. Exit 0 when the device lists the image and the app runs, else 1.
 *
 *   node bench/minimal-client.cjs <emulator registry entry .json> <ca.pem> <package> <component id>
 */
'use strict';
const { readFileSync, openSync, fstatSync, read, closeSync } = require('node:fs');
const { createVerify, createPublicKey, X509Certificate } = require('node:crypto');
const tls = require('node:tls');

const [regFile, caFile, pkgFile, componentId] = process.argv.slice(2);
const device = JSON.parse(readFileSync(regFile, 'utf8'));
const fail = (why) => { process.stderr.write(`minimal client: ${why}\n`); process.exit(1); };

// The package, read in 1 MiB pieces on the thread pool, all asked for at once.
const fd = openSync(pkgFile, 'r');
const size = fstatSync(fd).size;
const pkg = Buffer.allocUnsafeSlow(size);
const PIECE = 1 << 20;
const readAll = Promise.all(Array.from({ length: Math.ceil(size / PIECE) }, (_, i) => new Promise((resolve, reject) => {
  const len = Math.min(PIECE, size - i * PIECE);
  read(fd, pkg, i * PIECE, len, i * PIECE, (err, n) => (err || n !== len ? reject(err ?? new Error('short read')) : resolve()));
}))).then(() => closeSync(fd));

// The device, pinned to its CA: the leaf must be issued and signed by it.
const ca = new X509Certificate(device.caPem);
const socket = tls.connect({ host: device.host, port: device.port, ca: [], rejectUnauthorized: false });
socket.setNoDelay(true);
const connected = new Promise((resolve, reject) => {
  socket.once('secureConnect', () => {
    const leaf = new X509Certificate(socket.getPeerCertificate(false).raw);
    if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) reject(new Error('the device certificate is not from its CA'));
    else resolve();
  });
  socket.once('error', reject);
});

// One request at a time; answers carry Content-Length.
let waiting;
let pending = Buffer.alloc(0);
socket.on('data', (d) => {
  pending = pending.length ? Buffer.concat([pending, d]) : d;
  const end = pending.indexOf('\r\n\r\n');
  if (end < 0 || !waiting) return;
  const head = pending.toString('latin1', 0, end);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (!length) fail('an answer without Content-Length');
  const total = end + 4 + Number(length[1]);
  if (pending.length < total) return;
  const body = pending.subarray(end + 4, total);
  pending = pending.subarray(total);
  const w = waiting;
  waiting = undefined;
  w({ status: Number(head.slice(9, 12)), body });
});
function request(method, path, body, type) {
  return new Promise((resolve) => {
    waiting = resolve;
    const head = `${method} ${path} HTTP/1.1\r\nHost: *.devices.sphere.azure.local\r\nConnection: keep-alive\r\nContent-Length: ${body ? body.length : 0}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`;
    socket.write(head);
    if (body) for (let at = 0; at < body.length; at += 512 * 1024) socket.write(body.subarray(at, at + 512 * 1024));
  }).then((r) => {
    if (r.status < 200 || r.status > 299) fail(`${method} ${path} answered ${r.status}`);
    return r.body.length ? JSON.parse(r.body.toString('utf8')) : {};
  });
}

(async () => {
  await connected;
  const images = request('GET', '/images');
  const status = images.then(() => request('GET', '/status'));
  await readAll;
  // The signature: the last 64 bytes, raw r‖s over everything before them.
  const check = createVerify('sha256').update(pkg.subarray(0, size - 64));
  if (!check.verify({ key: createPublicKey(readFileSync(caFile, 'utf8')), dsaEncoding: 'ieee-p1363' }, pkg.subarray(size - 64))) fail('bad signature');
  await status;
  await request('GET', '/abi_versions');
  await request('PUT', '/update/stage', pkg, 'application/octet-stream');
  await request('POST', '/update/install', Buffer.from('{"appControlMode":"Auto"}'), 'application/json');
  const listed = await request('GET', '/images');
  if (!JSON.stringify(listed).toLowerCase().includes(componentId.toLowerCase())) fail('the image is not listed');
  const app = await request('GET', `/app/status/${componentId}`);
  if (app.state !== 'running') fail(`the app is ${app.state}`);
  socket.destroy();
})().catch((e) => fail(String(e)));
