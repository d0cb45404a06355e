import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as F from '../../signer/format';

test('sizes and signing type match imagepackage spec §2.4/§2.5', () => {
  assert.is(F.SIGNATURE_LENGTH, 64);
  assert.is(F.SCALAR_LENGTH, 32);
  assert.is(F.DIGEST_LENGTH, 32);
  assert.is(F.PUBLIC_POINT_LENGTH, 65);
  assert.is(F.PUBLIC_POINT_PREFIX, 0x04);
  assert.is(F.THUMBPRINT_LENGTH, 20);
  assert.equal(F.SIGNING_TYPE, { INVALID: 0, ECDSA256: 1, ECDSA384: 2 });
});

test('P-256 group order is the SEC 2 / FIPS 186 value', () => {
  assert.is(F.P256_ORDER.toString(16), 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
});

test('built-in SDK Test certificate entry is the one in the architecture and the spec', () => {
  assert.equal(F.SDK_TEST_CERT, {
    name: 'Azure Sphere SDK Test',
    thumbprint: 'a8d5cc6958f48710140d7a26160fc1cfc31f5df0',
    publicKey:
      '04edf233c00d31141d8f3f56334340ccd8c169fb67e2ec564bf8a5ef586b1c3f7bc188ca208701e6d7c7756a132638fe98c9a02007403de5c422e6a7e826a4bd24',
  });
});

test('object identifiers are the RFC 5280 / RFC 5480 / RFC 5758 values', () => {
  assert.equal(F.OID, {
    ecPublicKey: '1.2.840.10045.2.1',
    prime256v1: '1.2.840.10045.3.1.7',
    ecdsaWithSHA256: '1.2.840.10045.4.3.2',
    commonName: '2.5.4.3',
    countryName: '2.5.4.6',
    organizationName: '2.5.4.10',
    organizationalUnitName: '2.5.4.11',
    subjectKeyIdentifier: '2.5.29.14',
    keyUsage: '2.5.29.15',
    subjectAltName: '2.5.29.17',
    basicConstraints: '2.5.29.19',
    authorityKeyIdentifier: '2.5.29.35',
    extKeyUsage: '2.5.29.37',
    serverAuth: '1.3.6.1.5.5.7.3.1',
    clientAuth: '1.3.6.1.5.5.7.3.2',
    codeSigning: '1.3.6.1.5.5.7.3.3',
  });
  assert.equal(F.KEY_USAGE_BIT, { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 });
  assert.is(F.X509_VERSION_3, 2);
  assert.is(F.UTC_TIME_START_YEAR, 1950);
  assert.is(F.UTC_TIME_END_YEAR, 2050);
  assert.is(F.SERIAL_LENGTH, 16);
});

test('dev CA files, modes and environment names', () => {
  assert.equal(F.DEV_CA, {
    keyFile: 'ca.key.pem',
    certFile: 'ca.pem',
    keyMode: 0o600,
    certMode: 0o644,
    dirMode: 0o700,
    validityYears: 20,
    defaultCommonName: 'Sphere Development CA',
    defaultOrganization: 'Spherekit',
    envDir: 'SPHERE_CA_DIR',
    envXdg: 'XDG_CONFIG_HOME',
  });
  assert.equal(F.SIGN_COMMAND_ENV, { digestHex: 'SPHERE_DIGEST_HEX', digestFile: 'SPHERE_DIGEST_FILE' });
  assert.is(F.SIGN_COMMAND_TIMEOUT_MS, 120_000);
});

test('release signing names: PKCS#11 PIN variables and tool, CA record files (README)', () => {
  assert.equal(F.PKCS11, { pinEnv: 'SPHERE_PKCS11_PIN', childPinEnv: 'SPHERE_PKCS11_CHILD_PIN', tool: 'pkcs11-tool', defaultModule: '/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so', timeoutMs: 60_000 });
  assert.equal(F.CA_RECORDS, { revokedFile: 'revoked.json', keySuffix: '.key.pem', certSuffix: '.pem' });
  assert.equal(F.TOKEN_CA, { uriFile: 'ca.pkcs11' });
});

test.run();
