/**
 * Acceptance: extracting a real SDK-built package and packing the folder again with the same
 * image ID, build time and target API set gives a byte-identical payload and metadata; only the
 * signature differs. The SG section names the SDK Test certificate, whose key this project never
 * holds, so the signer here carries that thumbprint and signs with a throwaway key.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackage, extractToFolder, planApplicationPackage, readPackage } from '../../image-builder/index';
import { generateKeyPair, sign } from '../../signer/index';
import { APP_FIXTURES, IMAGEPACKAGES, tempDir } from '../helpers';

const test = suite('repack');
const key = generateKeyPair().privateKey;
const sdkThumbprint = Buffer.from('a8d5cc6958f48710140d7a26160fc1cfc31f5df0', 'hex');
const signer = { thumbprint: sdkThumbprint, signingType: 1, sign: async (m: Uint8Array) => sign(m, key) };

for (const name of APP_FIXTURES) {
  test(`reproduces payload and metadata of ${name.slice(0, 60)}`, async () => {
    const original = readFileSync(join(IMAGEPACKAGES, name));
    const view = readPackage(original);
    const t = tempDir();
    try {
      const approot = join(t.dir, 'approot');
      extractToFolder(view, approot);
      const plan = planApplicationPackage({
        approot, imageId: view.metadata.identity!.imageId, buildTime: view.metadata.debug!.buildTime,
        targetApiSet: String(view.metadata.abiDepends![0]!.version),
      });
      const bytes = await buildPackage(plan, signer);
      assert.is(bytes.length, original.length);
      const signedLength = original.length - 64;
      const firstDiff = Buffer.from(bytes.subarray(0, signedLength)).findIndex((b, i) => b !== original[i]);
      assert.is(firstDiff, -1, `first differing byte at ${firstDiff}`);
      assert.not.equal(Buffer.from(bytes.subarray(signedLength)), Buffer.from(original.subarray(signedLength)));
    } finally {
      t.done();
    }
  });
}
test.run();
