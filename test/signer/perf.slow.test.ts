import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomFillSync } from 'node:crypto';
import { TrustStore, createSelfSignedCertificate, fileSigner, generateKeyPair, privateKeyToPem, verify, verifyImageSignature } from '../../signer/index';

// Verifying a 64 MiB package must cost about one SHA-256 pass (architecture decision 2).
const SIZE = 64 * 1024 * 1024;
const data = randomFillSync(new Uint8Array(SIZE));

function best(f: () => unknown, runs = 3): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
}

test('verifying 64 MiB takes about as long as hashing it', async () => {
  const kp = generateKeyPair();
  const certPem = createSelfSignedCertificate({
    privateKey: kp.privateKey,
    subject: { commonName: 'perf' },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
  });
  const signer = fileSigner({ keyPem: privateKeyToPem(kp.privateKey), certPem });
  const tSign0 = process.hrtime.bigint();
  const sig = await signer.sign(data);
  const tSign = Number(process.hrtime.bigint() - tSign0) / 1e6;
  const store = new TrustStore();
  store.addPem(certPem);
  const tHash = best(() => createHash('sha256').update(data).digest());
  const tVerify = best(() => assert.ok(verify(data, sig, kp.publicKey)));
  const tImage = best(() => assert.ok(verifyImageSignature(store, signer.thumbprint, data, sig).ok));
  console.log(`  64 MiB: sha256 ${tHash.toFixed(0)} ms, verify ${tVerify.toFixed(0)} ms, verifyImageSignature ${tImage.toFixed(0)} ms, sign ${tSign.toFixed(0)} ms`);
  assert.ok(tVerify < tHash * 1.5 + 50, `verify ${tVerify} ms vs hash ${tHash} ms`);
  assert.ok(tImage < tHash * 1.5 + 50, `verifyImageSignature ${tImage} ms vs hash ${tHash} ms`);
});

test.run();
