import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePkcs11Uri, SignerError } from '../../signer/index';

const test = suite('parsePkcs11Uri');

test('reads the RFC 7512 path and query attributes, percent-decoding values', () => {
  const u = parsePkcs11Uri('pkcs11:token=Release%20HSM;object=sign%2Dkey;id=%01%a0?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin.txt');
  assert.is(u.token, 'Release HSM');
  assert.is(u.object, 'sign-key');
  assert.equal([...u.id!], [0x01, 0xa0]);
  assert.is(u.modulePath, '/usr/lib/softhsm/libsofthsm2.so');
  assert.equal(u.pinSource, { file: '/run/pin.txt' });
});

test('takes the PIN from $SPHERE_PKCS11_PIN by default, or the variable env:<NAME> names', () => {
  assert.equal(parsePkcs11Uri('pkcs11:object=k').pinSource, { env: 'SPHERE_PKCS11_PIN' });
  assert.equal(parsePkcs11Uri('pkcs11:object=k?pin-source=env:RELEASE_PIN').pinSource, { env: 'RELEASE_PIN' });
  assert.equal(parsePkcs11Uri('pkcs11:object=k?pin-source=file:///run/pin').pinSource, { file: '/run/pin' });
});

const refused: Array<[string, RegExp]> = [
  ['token=x;object=k', /does not start with "pkcs11:"/],
  ['pkcs11:token=x', /names no key/],
  ['pkcs11:object=k;colour=red', /"colour" is not an RFC 7512 attribute/],
  ['pkcs11:object=k;object=j', /given twice/],
  ['pkcs11:object=k%zz', /not a percent-encoded byte/],
  ['pkcs11:object=k?pin-source=https://x', /neither file:<path> nor env:<NAME>/],
  ['pkcs11:object=k?pin-value=123456', /pin-value/],
];
for (const [uri, why] of refused) {
  test(`refuses "${uri}" with one line (exit 2)`, () => {
    try {
      parsePkcs11Uri(uri);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, SignerError);
      assert.is((e as SignerError).exitCode, 2);
      assert.match((e as Error).message, why);
      assert.not.ok((e as Error).message.includes('123456'), 'a PIN in the URI is not echoed');
    }
  });
}

test.run();
