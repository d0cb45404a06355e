import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate, generateKeyPair, issueCertificate, privateKeyToPem } from '../../signer/index';

// A device-like TLS endpoint (architecture decision 5): a server certificate for
// *.devices.sphere.azure.local issued by our CA, the PKCS#8 key, and a client pinning the CA.
const now = new Date();
const day = 86_400_000;
function makeCa(name: string) {
  const key = generateKeyPair();
  const certPem = createSelfSignedCertificate({
    privateKey: key.privateKey,
    subject: { commonName: name, organization: 'Spherekit Tests' },
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + 365 * day),
  });
  return { key, certPem };
}
const ca = makeCa('Device CA');
const otherCa = makeCa('Device CA'); // same name, different key
const serverKey = generateKeyPair();
const serverCert = issueCertificate({
  issuer: { certPem: ca.certPem, privateKey: ca.key.privateKey },
  publicKey: serverKey.publicKey,
  subject: { commonName: 'emulator', organization: 'Spherekit Tests' },
  notBefore: new Date(now.getTime() - day),
  notAfter: new Date(now.getTime() + 30 * day),
  dnsNames: ['*.devices.sphere.azure.local'],
  ipAddresses: ['127.0.0.1', '::1'],
  extendedKeyUsage: ['serverAuth'],
});

let server: Server;
let port = 0;

test.before(async () => {
  server = createServer({ key: privateKeyToPem(serverKey.privateKey), cert: serverCert }, (socket) => {
    socket.end('hello from the device\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

test.after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function dial(caPem: string, servername: string): Promise<{ ok: true; data: string } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca: caPem, servername });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => resolve({ ok: true, data }));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? e.message }));
  });
}

test('a client pinning the CA connects with servername abc.devices.sphere.azure.local', async () => {
  const r = await dial(ca.certPem, 'abc.devices.sphere.azure.local');
  assert.equal(r, { ok: true, data: 'hello from the device\n' });
});

test('a client pinning another CA is refused', async () => {
  const r = await dial(otherCa.certPem, 'abc.devices.sphere.azure.local');
  assert.equal(r, { ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
});

test('a host name outside the SAN is refused; the wildcard matches one label only', async () => {
  const r = await dial(ca.certPem, 'abc.other.local');
  assert.equal(r, { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  const deep = await dial(ca.certPem, 'a.b.devices.sphere.azure.local');
  assert.equal(deep, { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
});

test.run();
