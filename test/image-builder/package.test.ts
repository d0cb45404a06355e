import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describePackage, readPackage, verifyPackage, verifyPackageAsync, type PackageView } from '../../image-builder/index';
import { PrefixVerifier, TrustStore, verifyImageSignature, verifyImageSignatureAsync } from '../../signer/index';
import { ALL_FIXTURES, IMAGEPACKAGES, PRODUCTION_FIXTURE, SDK_FIXTURES, subsetMismatches } from '../helpers';

const store = new TrustStore();
const sdk = (v: PackageView) => { const sg = v.metadata.signature!; return verifyImageSignature(store, sg.thumbprint, v.split.signed, v.split.signature).ok; };
const checker = {
  check(t: string, signed: Uint8Array, sig: Uint8Array) {
    const v = verifyImageSignature(store, t, signed, sig);
    return v.ok ? { ok: true as const, signer: v.signer.name } : { ok: false as const, reason: v.reason };
  },
  async checkAsync(t: string, signed: Uint8Array, sig: Uint8Array) {
    const v = await verifyImageSignatureAsync(store, t, signed, sig);
    return v.ok ? { ok: true as const, signer: v.signer.name } : { ok: false as const, reason: v.reason };
  },
};

const describe = suite('describePackage');
for (const name of ALL_FIXTURES) {
  describe(`matches the independent parser's fields for ${name.slice(0, 60)}`, () => {
    const expected = JSON.parse(readFileSync(join(IMAGEPACKAGES, name + '.expected.json'), 'utf8'));
    delete expected.note;
    delete expected.file;
    const actual = describePackage(readPackage(readFileSync(join(IMAGEPACKAGES, name))), { verifiesWithSdkTest: sdk });
    const diffs = subsetMismatches(expected, actual);
    assert.equal(diffs, [], diffs.slice(0, 5).join('\n'));
  });
}
describe.run();

const verify = suite('verifyPackage');
for (const name of SDK_FIXTURES) {
  verify(`accepts the SDK-built ${name.slice(0, 60)}`, () => {
    const v = verifyPackage(readFileSync(join(IMAGEPACKAGES, name)), checker);
    assert.ok(v.ok, v.ok ? '' : `${v.reason}: ${v.message}`);
  });
}
verify('reports the production-signed package as UNKNOWN_SIGNER with its thumbprint, both layers parsed', () => {
  const v = verifyPackage(readFileSync(join(IMAGEPACKAGES, PRODUCTION_FIXTURE)), checker);
  assert.is(v.ok, false);
  if (v.ok) return;
  assert.is(v.reason, 'UNKNOWN_SIGNER');
  assert.is(v.thumbprint, '0808d85a5659654e9e569fe58952bcdab70dc54d');
  assert.equal(v.layers.map((l) => [l.layer, l.reason]), [['outer', 'UNKNOWN_SIGNER'], ['inner', 'UNKNOWN_SIGNER']]);
  assert.ok(v.view?.inner?.asxipfs, 'inner ASXipFS parsed');
});
verify('flags a flipped payload byte as BAD_SIGNATURE or BAD_CRC', () => {
  const b = Buffer.from(readFileSync(join(IMAGEPACKAGES, SDK_FIXTURES[0]!)));
  b[0x2100] = b[0x2100]! ^ 0x01;
  const v = verifyPackage(b, checker);
  assert.is(v.ok, false);
  if (!v.ok) assert.is(v.reason, 'BAD_CRC');
});
verify('flags a flipped signature byte as BAD_SIGNATURE', () => {
  const b = Buffer.from(readFileSync(join(IMAGEPACKAGES, SDK_FIXTURES[0]!)));
  b[b.length - 10] = b[b.length - 10]! ^ 0x01;
  const v = verifyPackage(b, checker);
  assert.is(v.ok ? 'ok' : v.reason, 'BAD_SIGNATURE');
});
verify('reports an empty file, a truncated one and a wrong magic', () => {
  const b = readFileSync(join(IMAGEPACKAGES, SDK_FIXTURES[0]!));
  const reason = (x: Uint8Array) => { const v = verifyPackage(x, checker); return v.ok ? 'ok' : v.reason; };
  assert.is(reason(new Uint8Array(0)), 'EMPTY');
  assert.is(reason(b.subarray(0, 50)), 'TRUNCATED');
  const m = Buffer.from(b);
  m.write('XXXX', m.length - 64 - 148, 'latin1');
  assert.is(reason(m), 'BAD_MAGIC');
  assert.is(reason(b.subarray(0, b.length - 1)), 'BAD_METADATA');
});
verify('verifyPackageAsync (signatures hashed on the thread pool) gives the same verdict as verifyPackage', async () => {
  const inputs: Array<[string, Uint8Array]> = ALL_FIXTURES.map((n) => [n, readFileSync(join(IMAGEPACKAGES, n))]);
  const base = Buffer.from(readFileSync(join(IMAGEPACKAGES, SDK_FIXTURES[0]!)));
  for (const at of [0x2100, base.length - 10, base.length - 100, 5]) {
    const m = Buffer.from(base);
    m[at] = m[at]! ^ 0x01;
    inputs.push([`flipped byte ${at}`, m]);
  }
  inputs.push(['empty', new Uint8Array(0)], ['truncated', base.subarray(0, 50)]);
  const plain = (v: Awaited<ReturnType<typeof verifyPackageAsync>>) => (v.ok ? { ok: true, signer: v.signer, layers: v.layers } : { ok: false, reason: v.reason, message: v.message, layers: v.layers });
  let accepted = 0;
  for (const [name, bytes] of inputs) {
    const a = await verifyPackageAsync(bytes, checker);
    const sync = plain(verifyPackage(bytes, checker));
    assert.equal(plain(a), sync, name);
    if (a.ok) accepted++;
    // Hashed as a read would fill the buffer (in three pieces) and finished by the check itself.
    const prefix = new PrefixVerifier(bytes);
    for (const f of [1 / 3, 2 / 3, 1]) prefix.advance(Math.floor(bytes.length * f));
    let used = false;
    const streamed = await verifyPackageAsync(bytes, {
      check: checker.check,
      async checkAsync(t, signed, sig) {
        used ||= prefix.covers(signed);
        const v = await verifyImageSignatureAsync(store, t, signed, sig, prefix);
        return v.ok ? { ok: true as const, signer: v.signer.name } : { ok: false as const, reason: v.reason };
      },
    });
    assert.equal(plain(streamed), sync, `${name}, hashed while read`);
    if (a.ok) assert.ok(used, `${name}: the outer signature was finished by the prefix hash`);
  }
  assert.is(accepted, SDK_FIXTURES.length, 'the SDK-built fixtures verify, the mutated ones do not');
});
verify('refuses entry names that could leave an extraction folder', () => {
  const b = Buffer.from(readFileSync(join(IMAGEPACKAGES, SDK_FIXTURES[0]!)));
  // The root's second entry is "bin" (inode at 0x6c, name at 0x78); rename it "..".
  assert.is(b.toString('latin1', 0x78, 0x7b), 'bin');
  b.write('..\0\0', 0x78, 'latin1');
  try {
    readPackage(b);
    assert.unreachable('must throw');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'BAD_NAME');
  }
});
verify.run();
