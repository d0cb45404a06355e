/**
 * Remote attestation end to end: `sphere device attest` against a real emulator, then
 * `sphere attestation verify`, with OpenSSL as the second implementation (the ES256 signature over
 * the JWS signing input, the x5c chain), digests recomputed here from the log and from the package
 * bytes the test sideloaded, and the failure reasons of acceptance 1.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lab, oneLine, type Lab } from '../sideload/e2e-helpers';
import { httpsDouble, opensslPki } from '../sideload/helpers';
import { derSignatureForOpenssl } from '../helpers';

const SAMPLE = resolve('samples/hello/approot');
const NONCE = '00a1b2c3d4e5f60718293a4b5c6d7e8f';

interface Report { header: { alg: string; x5c: string[] }; claims: Record<string, unknown>; parts: string[] }

function readReport(file: string): Report {
  const parts = readFileSync(file, 'utf8').trim().split('.');
  const json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: json(parts[0]!), claims: json(parts[1]!), parts };
}

function attest(l: Lab, name: string, nonce = NONCE): string {
  const file = join(l.dir, `r-${Math.random().toString(16).slice(2)}.jwt`);
  const r = l.run(['device', 'attest', '--device', name, '--nonce', nonce, '--destination', file]);
  assert.is(r.code, 0, r.stderr);
  return file;
}

function verify(l: Lab, file: string, extra: string[] = [], nonce = NONCE) {
  const r = l.run(['attestation', 'verify', file, '--nonce', nonce, '-o', 'json', ...extra]);
  return { code: r.code, stderr: r.stderr, json: r.stdout ? JSON.parse(r.stdout) as { holds: boolean; reason?: string; bootDigest?: string } : undefined };
}

function packSample(l: Lab, name: string, extra: string[] = []): string {
  const out = join(l.dir, name);
  const r = l.run(['image', 'pack', SAMPLE, '-o', out, '--target-api-set', '16', ...extra]);
  assert.is(r.code, 0, r.stderr);
  return out;
}

/** SHA-256 chain from 32 zero bytes, computed here. */
function chain(hashes: string[]): string {
  let d = Buffer.alloc(32);
  for (const h of hashes) d = createHash('sha256').update(d).update(Buffer.from(h, 'hex')).digest();
  return d.toString('hex');
}


const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const t = suite('attestation end to end');
let l: Lab;
t.before(() => { l = lab('sphere-attest-'); l.start('att'); });
t.after(() => l.done());

t('attest then verify holds, with the installation root trusted by default and by --trust', () => {
  const file = attest(l, 'att');
  const v = verify(l, file);
  assert.is(v.code, 0, v.stderr);
  assert.is(v.json!.holds, true);
  const root = join(l.dir, 'root.pem');
  writeFileSync(root, l.run(['emulator', 'root-cert']).stdout);
  assert.is(verify(l, file, ['--trust', root]).code, 0);
  const text = l.run(['attestation', 'verify', file, '--nonce', NONCE]);
  assert.match(text.stdout, /^HOLDS: /);
});

t('the report verifies with OpenSSL: ES256 over the signing input with the leaf key, and the chain to the root', () => {
  const file = attest(l, 'att');
  const { header, parts } = readReport(file);
  assert.is(header.alg, 'ES256');
  assert.is(header.x5c.length, 2);
  const leaf = join(l.dir, 'leaf.pem'), root = join(l.dir, 'x5c-root.pem'), pub = join(l.dir, 'leaf.pub.pem');
  const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  writeFileSync(leaf, pem(header.x5c[0]!));
  writeFileSync(root, pem(header.x5c[1]!));
  assert.match(openssl(['verify', '-CAfile', root, leaf]), /: OK/);
  // The root in x5c is the one `sphere emulator root-cert` prints.
  const printed = join(l.dir, 'printed-root.pem');
  writeFileSync(printed, l.run(['emulator', 'root-cert']).stdout);
  assert.is(openssl(['x509', '-in', printed, '-noout', '-fingerprint', '-sha256']), openssl(['x509', '-in', root, '-noout', '-fingerprint', '-sha256']));
  writeFileSync(pub, openssl(['x509', '-in', leaf, '-noout', '-pubkey']));
  const input = join(l.dir, 'input'), sig = join(l.dir, 'sig.der');
  writeFileSync(input, `${parts[0]}.${parts[1]}`);
  writeFileSync(sig, derSignatureForOpenssl(Buffer.from(parts[2]!, 'base64url')));
  assert.match(openssl(['dgst', '-sha256', '-verify', pub, '-signature', sig, input]), /Verified OK/);
  // The leaf names the device and its key is the device's identity key (the device ID is x‖y).
  const subject = openssl(['x509', '-in', leaf, '-noout', '-subject']);
  const id = l.entry('att')!.deviceId;
  assert.ok(subject.includes(id), subject);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-in', pub, '-outform', 'DER']);
  assert.is(der.subarray(der.length - 64).toString('hex').toUpperCase(), id);
});

t('a changed byte, another nonce, an untrusted root and an old report each fail with their reason', async () => {
  const file = attest(l, 'att');
  const { parts } = readReport(file);
  const claims = Buffer.from(parts[1]!, 'base64url').toString('utf8').replace('"SECURE"', '"SECURF"');
  const tampered = join(l.dir, 'tampered.jwt');
  writeFileSync(tampered, `${parts[0]}.${Buffer.from(claims).toString('base64url')}.${parts[2]}`);
  const bad = verify(l, tampered);
  assert.is(bad.code, 1);
  assert.is(bad.json!.reason, 'BAD_SIGNATURE');
  assert.is(verify(l, file, [], NONCE.replace(/^00/, '01')).json!.reason, 'NONCE_MISMATCH');
  const other = join(l.dir, 'other.key'), otherCert = join(l.dir, 'other.pem');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', other, '-out', otherCert, '-subj', '/CN=Other Root', '-days', '2']);
  const u = verify(l, file, ['--trust', otherCert]);
  assert.is(u.code, 1);
  assert.is(u.json!.reason, 'UNTRUSTED_CHAIN');
  await new Promise((r) => setTimeout(r, 2100));
  const s = verify(l, file, ['--max-age', '1']);
  assert.is(s.code, 1);
  assert.is(s.json!.reason, 'STALE');
  assert.is(verify(l, file, ['--max-age', '600']).code, 0);
});

t('the digest equals the log\'s and the packages\'; it changes after a sideload and returns after the delete', () => {
  const before = readReport(attest(l, 'att'));
  const log = before.claims['sphere_measurements'] as Array<{ componentId: string; sha256: string }>;
  assert.is(before.claims['sphere_boot_digest'], chain(log.map((m) => m.sha256)));
  const pkg = packSample(l, 'hello.imagepackage');
  const r = l.run(['device', 'sideload', 'deploy', pkg, '--device', 'att']);
  assert.is(r.code, 0, r.stderr);
  const afterFile = attest(l, 'att');
  const after = readReport(afterFile);
  const log2 = after.claims['sphere_measurements'] as Array<{ componentId: string; sha256: string }>;
  const own = createHash('sha256').update(readFileSync(pkg)).digest('hex');
  assert.is(log2.at(-1)!.sha256, own);
  assert.is(after.claims['sphere_boot_digest'], chain([...log.map((m) => m.sha256), own]));
  // A report from before the sideload does not show the new app.
  const cid = log2.at(-1)!.componentId;
  const old = join(l.dir, 'before.jwt');
  writeFileSync(old, before.parts.join('.'));
  const miss = verify(l, old, ['--expect-image', cid]);
  assert.is(miss.json!.reason, 'UNEXPECTED_IMAGE');
  assert.is(verify(l, afterFile, ['--expect-image', `${cid}:${own}`]).code, 0);
  assert.is(verify(l, afterFile, ['--expect-digest', String(after.claims['sphere_boot_digest'])]).code, 0);
  assert.is(verify(l, afterFile, ['--expect-digest', String(before.claims['sphere_boot_digest'])]).json!.reason, 'DIGEST_MISMATCH');
  assert.is(verify(l, afterFile, ['--min-security-version', '1']).json!.reason, 'ROLLBACK');
  const del = l.run(['device', 'sideload', 'delete', '--component-id', cid, '--device', 'att']);
  assert.is(del.code, 0, del.stderr + del.stdout);
  const back = readReport(attest(l, 'att'));
  assert.is(back.claims['sphere_boot_digest'], before.claims['sphere_boot_digest']);
  // A restart boots the same things: the digest stays.
  assert.is(l.run(['device', 'restart', '--device', 'att']).code, 0);
  assert.is(readReport(attest(l, 'att')).claims['sphere_boot_digest'], before.claims['sphere_boot_digest']);
});

t('a random nonce is made and printed when none is given; bad nonces are refused in one line', () => {
  const r = l.run(['device', 'attest', '--device', 'att', '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { nonce: string; report: string };
  assert.match(j.nonce, /^[0-9a-f]{64}$/);
  const file = join(l.dir, 'random.jwt');
  writeFileSync(file, j.report);
  assert.is(verify(l, file, [], j.nonce).code, 0);
  for (const bad of ['00', 'xyz', '00'.repeat(65)]) {
    const b = l.run(['device', 'attest', '--device', 'att', '--nonce', bad]);
    assert.is(b.code, 2, b.stderr);
    assert.is(b.stdout, '');
    assert.is(b.stderr.trim().split('\n').length, 1);
  }
  const missing = l.run(['attestation', 'verify', file]);
  assert.is(missing.code, 2);
  const absent = l.run(['attestation', 'verify', join(l.dir, 'absent.jwt'), '--nonce', NONCE]);
  assert.is(absent.code, 3);
});

t('show-security-state reports measured boot, last attestation, device certificate and security versions, in JSON and table', () => {
  const pkg = packSample(l, 'hello-v4.imagepackage', ['--security-version', '4']);
  assert.is(l.run(['device', 'sideload', 'deploy', pkg, '--device', 'att']).code, 0);
  const report = readReport(attest(l, 'att'));
  const r = l.run(['device', 'show-security-state', '--device', 'att', '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { deviceId: string; attestation: { measuredBootDigest: string; lastAttestation: { verdict: string }; deviceCertificate: { subject: string; notAfter: string }; images: Array<{ componentId: string; securityVersion: number; measurement: string; trust: string }>; securityVersions: Record<string, number> } };
  assert.is(j.attestation.measuredBootDigest, report.claims['sphere_boot_digest']);
  assert.is(j.attestation.lastAttestation.verdict, 'ok');
  assert.ok(j.attestation.deviceCertificate.subject.includes(j.deviceId));
  const own = createHash('sha256').update(readFileSync(pkg)).digest('hex');
  const img = j.attestation.images.find((i) => i.measurement === own);
  assert.ok(img, JSON.stringify(j.attestation.images));
  assert.is(img!.securityVersion, 4);
  assert.match(img!.trust, /^verified/);
  assert.is(j.attestation.securityVersions[img!.componentId], 4);
  const text = l.run(['device', 'show-security-state', '--device', 'att']);
  for (const want of ['Measured-boot digest:', String(report.claims['sphere_boot_digest']), 'Last attestation:', 'Device certificate:', 'security version 4']) assert.ok(text.stdout.includes(want), want);
  assert.is(l.run(['device', 'sideload', 'delete', '--component-id', img!.componentId, '--device', 'att']).code, 0);
});

t('a real board (no extension paths) gets one line saying what it does not provide, exit 3', async () => {
  const pki = opensslPki(join(l.dir, 'board'), 'board', 'DNS:*.devices.sphere.azure.local,IP:127.0.0.1');
  // A board answers every path it does not have 404 with INVALID_URI, as the device REST API does.
  const board = await httpsDouble(pki, (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/status') { res.setHeader('REST-API-Version', '4.6.0'); res.end('{"uptime":5}'); return; }
    res.statusCode = 404;
    res.end('{"error":15728642}');
  });
  try {
    const at = ['--device', `127.0.0.1:${board.port}`, '--device-ca', pki.caPath];
    for (const args of [['device', 'attest', ...at], ['device', 'certificate', 'show-device', ...at]]) {
      const r = await l.runAsync(args);
      assert.is(r.code, 3, r.stderr);
      assert.match(oneLine(r), /a real board does not provide it \(only the emulator serves it\)/);
    }
  } finally {
    await board.close();
  }
});

t('malformed reports fail with their reason through the CLI, one verdict line in text', () => {
  const { parts } = readReport(attest(l, 'att'));
  const cases: Array<[string, string]> = [
    ['only.two', 'MALFORMED'],
    [`${parts[0]}.${parts[1]}!.${parts[2]}`, 'MALFORMED'],
    [`${Buffer.from('{"alg":"none"}').toString('base64url')}.${parts[1]}.`, 'UNSUPPORTED_ALGORITHM'],
    [`${Buffer.from('{"alg":"XS512"}').toString('base64url')}.${parts[1]}.${parts[2]}`, 'UNSUPPORTED_ALGORITHM'],
    ['a'.repeat(300_000), 'MALFORMED'],
  ];
  for (const [text, why] of cases) {
    const f = join(l.dir, 'bad.jwt');
    writeFileSync(f, text);
    const j = verify(l, f);
    assert.is(j.code, 1, j.stderr);
    assert.is(j.json!.holds, false);
    assert.is(j.json!.reason, why);
    const plain = l.run(['attestation', 'verify', f, '--nonce', NONCE]);
    assert.match(plain.stdout, new RegExp(`^FAILS: ${why}: [^\n]+\n$`));
  }
});

t.run();
