/**
 * The deploy planner: local verdicts on SDK-built fixtures (IDs, signer and ABI from their
 * independently derived `.expected.json`) and on dev-CA packages with broken manifests, then the
 * skip/refuse/upload decision against device facts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentList, DeviceFacts } from '../../sideload/index';
import { checkPackage, planDeploy } from '../../sideload/deployment';
import { TrustStore, verifyImageSignature } from '../../signer/index';
import type { SignatureChecker } from '../../image-builder/index';
import { IMAGEPACKAGES, tempDir } from '../helpers';
import { appPackage } from './helpers';

const AVNET = { file: 'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage', cid: 'b8f5931e-173a-40f5-a4f8-3d98240f53ec', iid: '851873cf-f7c3-4df0-85a0-fe5a4f0a839e', arv: 12 };
const BOARD = { file: 'Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage', cid: '67b80798-d771-4774-977a-2cd18491865f', iid: '39a3a45a-f17f-48ef-babb-5b977f5e75f3' };
const avnet = readFileSync(join(IMAGEPACKAGES, AVNET.file));
const board = readFileSync(join(IMAGEPACKAGES, BOARD.file));

function checker(store: TrustStore): SignatureChecker {
  return { check(tp, signed, sig) { const v = verifyImageSignature(store, tp, signed, sig); return v.ok ? { ok: true, signer: v.signer.name } : { ok: false, reason: v.reason }; } };
}
const sdk = checker(new TrustStore());
const none = checker(new TrustStore({ includeBuiltin: false }));

function images(components: Array<{ uid: string; image: string; type?: number }> = []): ComponentList {
  return {
    is_ota_update_in_progress: false, has_staged_updates: false, restart_required: false,
    components: components.map((c) => ({ uid: c.uid, image_type: c.type ?? 10, is_update_staged: false, does_image_type_require_restart: false, name: 'x', images: [{ uid: c.image, length_in_bytes: 1, uncompressed_length_in_bytes: 1, replica_type: 0 }] })),
  };
}
const dev: DeviceFacts = { images: images(), capabilities: [11], abi: { SecureWorldRuntime: 2, OSRuntime: 3, ApplicationRuntime: 16 } };

const local = suite('checkPackage');
local('reads the identity, signer and ABI of an SDK-built app', () => {
  const c = checkPackage(avnet, { file: 'a.imagepackage', checker: sdk });
  assert.ok(c.ok);
  if (!c.ok) return;
  assert.is(c.facts.componentId, AVNET.cid);
  assert.is(c.facts.imageId, AVNET.iid);
  assert.is(c.facts.applicationRuntime, AVNET.arv);
  assert.is(c.facts.thumbprint, 'a8d5cc6958f48710140d7a26160fc1cfc31f5df0');
  assert.is(c.facts.size, avnet.length);
});
local('an unknown signer is refused before sending, saying what to do', () => {
  const c = checkPackage(avnet, { file: 'a.imagepackage', checker: none });
  assert.is(c.ok, false);
  if (c.ok) return;
  assert.is(c.refusal.code, 'PACKAGE_UNTRUSTED');
  assert.match(c.refusal.message, /^Cannot deploy package "a\.imagepackage": .*a8d5cc6958f48710140d7a26160fc1cfc31f5df0.*untrusted\. .*--trust/);
});
local('a flipped signature byte and a truncated file are refused', () => {
  const bad = Buffer.from(avnet); bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
  const c = checkPackage(bad, { file: 'a', checker: sdk });
  assert.is(!c.ok && c.refusal.code, 'PACKAGE_BAD_SIGNATURE');
  const t = checkPackage(avnet.subarray(0, 100), { file: 'a', checker: sdk });
  assert.is(!t.ok && t.refusal.code, 'PACKAGE_INVALID');
});
local('a board configuration passes without a manifest', () => {
  const c = checkPackage(board, { file: 'b', checker: sdk });
  assert.ok(c.ok && c.facts.imageType === 21 && c.facts.componentId === BOARD.cid);
});
local('a manifest error inside a signed package is refused with the manifest finding', async () => {
  const t = tempDir();
  try {
    const p = await appPackage(t.dir, { patchManifest: (m) => m.replace('"SchemaVersion":1', '"SchemaVersion":9') });
    const store = new TrustStore(); store.addCertificate(p.caPem);
    const c = checkPackage(p.bytes, { file: 'bad.imagepackage', checker: checker(store) });
    assert.is(!c.ok && c.refusal.code, 'MANIFEST_INVALID');
    assert.match(!c.ok ? c.refusal.message : '', /^Cannot deploy package "bad\.imagepackage": its manifest is invalid.*SchemaVersion/);
    const mismatch = await appPackage(t.dir, { patchManifest: (m) => m.replace('6c1a2b3d', '00000000') });
    const d = checkPackage(mismatch.bytes, { file: 'mm', checker: checker(store) });
    assert.is(!d.ok && d.refusal.code, 'COMPONENT_ID_MISMATCH');
  } finally { t.done(); }
});
local.run();

const plan = suite('planDeploy');
const ok = checkPackage(avnet, { file: 'a', checker: sdk });
plan('uploads a new image: stage, install Auto, confirm listed, confirm running', () => {
  const p = planDeploy(ok, dev);
  assert.is(p.action, 'upload');
  assert.equal(p.steps, [
    { kind: 'stage', bytes: avnet.length }, { kind: 'install', appControlMode: 'Auto', restarts: false },
    { kind: 'confirm-listed', componentId: AVNET.cid, imageId: AVNET.iid }, { kind: 'confirm-app-state', componentId: AVNET.cid, state: 'running' },
  ]);
});
plan('--manual-start installs Manual and expects the app stopped', () => {
  const p = planDeploy(ok, dev, { manualStart: true });
  assert.equal(p.steps.slice(1, 2), [{ kind: 'install', appControlMode: 'Manual', restarts: false }]);
  assert.equal(p.steps.at(-1), { kind: 'confirm-app-state', componentId: AVNET.cid, state: 'stopped' });
});
plan('skips the same image ID unless forced; a different image of the component replaces it', () => {
  const have = { ...dev, images: images([{ uid: AVNET.cid.toUpperCase(), image: AVNET.iid }]) };
  const s = planDeploy(ok, have);
  assert.is(s.action, 'skip');
  assert.is(planDeploy(ok, have, { force: true }).action, 'upload');
  const older = planDeploy(ok, { ...dev, images: images([{ uid: AVNET.cid, image: '11111111-1111-1111-1111-111111111111' }]) });
  assert.is(older.action === 'upload' && older.replaces, '11111111-1111-1111-1111-111111111111');
});
plan('an SDK-Test-signed image on a device without appDevelopment is refused', () => {
  const p = planDeploy(ok, { ...dev, capabilities: [13] });
  assert.is(p.action === 'refuse' && p.refusal.code, 'NOT_DEVELOPMENT_DEVICE');
  assert.is(planDeploy(ok, { images: images() }).action, 'upload', 'unknown capabilities are not guessed');
});
plan('an app for a newer application runtime than the device has is refused, naming both', () => {
  const p = planDeploy(ok, { ...dev, abi: { SecureWorldRuntime: 2, OSRuntime: 3, ApplicationRuntime: 10 } });
  assert.is(p.action === 'refuse' && p.refusal.code, 'ABI_UNSUPPORTED');
  assert.match(p.action === 'refuse' ? p.refusal.message : '', /runtime 12 and the device provides 10/);
});
plan('a board configuration has no app-state step', () => {
  const p = planDeploy(checkPackage(board, { file: 'b', checker: sdk }), dev);
  assert.equal(p.steps.map((s) => s.kind), ['stage', 'install', 'confirm-listed']);
});
plan.run();
