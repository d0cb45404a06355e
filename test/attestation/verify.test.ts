/**
 * The offline verifier on its own (attestation/verify.ts): the format constants locked, and bad
 * input refused cleanly, never trusted — wrong segment counts, bad base64url, `alg: none`, unknown
 * algorithms, `crit`, huge reports and claims, misshaped claims under a valid signature. The chain
 * is made with OpenSSL so the certificates come from a second implementation.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '../../attestation/index';

const dir = mkdtempSync(join(tmpdir(), 'sphere-attest-unit-'));
const p = (n: string) => join(dir, n);
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

// A root and a leaf made by OpenSSL.
openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'root.key']);
openssl(['req', '-x509', '-new', '-key', 'root.key', '-out', 'root.pem', '-subj', '/CN=Unit Root', '-days', '3', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key']);
openssl(['req', '-new', '-key', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=Unit Leaf']);
writeFileSync(p('ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n');
openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext']);
const rootPem = readFileSync(p('root.pem'), 'utf8');
const der = (f: string) => openssl(['x509', '-in', f, '-outform', 'DER']);
const leafKey = createPrivateKey(readFileSync(p('leaf.key')));
const jwk = leafKey.export({ format: 'jwk' }) as { x: string; y: string };
const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
const deviceId = point.subarray(1).toString('hex').toUpperCase();
const x5c = [der('leaf.pem').toString('base64'), der('root.pem').toString('base64')];
const nonce = new Uint8Array(Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'));
const NOW = Date.now();

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
/** Signs with node's own ES256 (IEEE P1363 r‖s), not the project's signer. */
function token(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const sig = nodeSign('sha256', Buffer.from(input), { key: leafKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}
const good = (extra: Record<string, unknown> = {}) => {
  const log = [{ componentId: '7b000000-0000-0000-0000-000000000030', imageId: '7b000000-0000-0000-0000-000000000031', imageType: 10, sha256: createHash('sha256').update('x').digest('hex') }];
  let d = Buffer.alloc(32);
  for (const m of log) d = createHash('sha256').update(d).update(Buffer.from(m.sha256, 'hex')).digest();
  return {
    eat_nonce: Buffer.from(nonce).toString('base64url'), iat: Math.floor(NOW / 1000), sphere_device_id: deviceId,
    ueid: Buffer.concat([Buffer.of(1), createHash('sha256').update(point.subarray(1)).digest()]).toString('base64url'),
    sphere_measurements: log, sphere_boot_digest: d.toString('hex'), ...extra,
  };
};
const header = { alg: 'ES256', typ: 'JWT', x5c };
const check = (t: string, o: Partial<A.VerifyOptions> = {}) => A.verifyReport(t, { nonce, trust: [rootPem], now: NOW, ...o });
const reason = (t: string) => { const v = check(t); return v.ok ? 'HOLDS' : v.reason; };

const f = suite('attestation format');
f('locks the wire constants', () => {
  assert.is(A.JWS_ALG, 'ES256');
  assert.is(A.JWS_SEGMENTS, 3);
  assert.is(A.ES256_SIGNATURE_BYTES, 64);
  assert.is(A.NONCE_MIN_BYTES, 8);
  assert.is(A.NONCE_MAX_BYTES, 64);
  assert.is(A.UEID_TYPE_RAND, 0x01);
  assert.equal(A.DBGSTAT, { enabled: 0, disabled: 1 });
  assert.is(A.CLAIM.nonce, 'eat_nonce');
  assert.is(A.CLAIM.ueid, 'ueid');
  assert.is(A.CLAIM.issuedAt, 'iat');
  assert.is(A.CLAIM.debugStatus, 'dbgstat');
  assert.is(A.CLAIM.profile, 'eat_profile');
  assert.is(A.X5C_LENGTH, 2);
  assert.is(A.DEFAULT_MAX_AGE_SECONDS, 300);
  assert.ok(A.REASONS.includes('BAD_SIGNATURE') && A.REASONS.includes('ROLLBACK'));
});
f.run();

const v = suite('verifyReport bad input');
v('a well-formed report signed by node\'s ES256 with an OpenSSL chain holds', () => {
  assert.is(reason(token(header, good())), 'HOLDS');
});
v('wrong segment counts and bad base64url are MALFORMED', () => {
  const t = token(header, good());
  const [h, c, s] = t.split('.') as [string, string, string];
  for (const bad of [`${h}.${c}`, `${t}.x`, '', '...', `${h}=.${c}.${s}`, `${h}.${c}+.${s}`, `${h}.${c}.${s} x`, `${h}.${c}.${s.slice(0, -1)}!`, `${b64('not json')}.${c}.${s}`, `${b64([1])}.${c}.${s}`]) {
    assert.is(reason(bad), 'MALFORMED', bad.slice(0, 60));
  }
});
v('alg none, unknown algorithms and crit are refused, never trusted', () => {
  const claims = b64(good());
  assert.is(reason(`${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`), 'UNSUPPORTED_ALGORITHM');
  assert.is(reason(`${b64({ alg: 'none', x5c })}.${claims}.`), 'UNSUPPORTED_ALGORITHM');
  for (const alg of ['HS256', 'ES384', 'RS256', 'ES999', 'es256', '', 5, null]) assert.is(reason(token({ ...header, alg }, good())), 'UNSUPPORTED_ALGORITHM', String(alg));
  assert.is(reason(token({ ...header, crit: ['exp'] }, good())), 'UNSUPPORTED_ALGORITHM');
  const noAlg: Record<string, unknown> = { ...header };
  delete noAlg['alg'];
  assert.is(reason(token(noAlg, good())), 'UNSUPPORTED_ALGORITHM');
});
v('huge reports and huge claims are refused', () => {
  assert.is(reason('a'.repeat(A.MAX_REPORT_BYTES + 1)), 'MALFORMED');
  assert.is(reason(token(header, good({ pad: 'x'.repeat(A.MAX_REPORT_BYTES) }))), 'MALFORMED');
  const many = Array.from({ length: 5000 }, () => ({ componentId: 'a', imageId: 'b', imageType: 10, sha256: '00'.repeat(32) }));
  assert.is(reason(token(header, good({ sphere_measurements: many }))), 'MALFORMED');
});
v('misshaped claims under a valid signature are MALFORMED', () => {
  for (const extra of [{ iat: '1' }, { iat: 1.5 }, { eat_nonce: 7 }, { sphere_boot_digest: 'zz' }, { sphere_measurements: {} }, { sphere_measurements: [{ sha256: 'x' }] }, { sphere_device_id: null }]) {
    assert.is(reason(token(header, good(extra))), 'MALFORMED', JSON.stringify(extra));
  }
});
v('a signature of the wrong length or by another key fails', () => {
  const t = token(header, good());
  const [h, c] = t.split('.') as [string, string];
  assert.is(reason(`${h}.${c}.${Buffer.alloc(63, 1).toString('base64url')}`), 'MALFORMED');
  assert.is(reason(`${h}.${c}.${Buffer.alloc(64, 1).toString('base64url')}`), 'BAD_SIGNATURE');
});
v('a chain that is not two certificates, or not to the trusted root, is refused', () => {
  assert.is(reason(token({ ...header, x5c: [x5c[0]] }, good())), 'MALFORMED');
  assert.is(reason(token({ ...header, x5c: 'abc' }, good())), 'MALFORMED');
  assert.is(reason(token({ ...header, x5c: [x5c[0], 'AAAA'] }, good())), 'MALFORMED');
  assert.is(reason(token({ ...header, x5c: [x5c[1], x5c[1]] }, good())), 'UNTRUSTED_CHAIN');
  assert.is(reason(token(header, good({ sphere_device_id: deviceId.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }))), 'UNTRUSTED_CHAIN');
  const later = check(token(header, good()), { now: NOW + 10 * 86_400_000, maxAgeSeconds: 1e9 });
  assert.is(later.ok ? 'HOLDS' : later.reason, 'UNTRUSTED_CHAIN');
});
v('a digest that does not follow from the log is DIGEST_MISMATCH; a report from the future is STALE', () => {
  assert.is(reason(token(header, good({ sphere_boot_digest: '11'.repeat(32) }))), 'DIGEST_MISMATCH');
  assert.is(reason(token(header, good({ iat: Math.floor(NOW / 1000) + 3600 }))), 'STALE');
});
v('misuse throws', () => {
  assert.throws(() => A.verifyReport('x', { nonce: new Uint8Array(4), trust: [rootPem] }), RangeError);
  assert.throws(() => A.verifyReport('x', { nonce, trust: [] }), TypeError);
});
v.after(() => rmSync(dir, { recursive: true, force: true }));
v.run();
