/**
 * `image pack --security-version`: the value lands in the Revocation section `RV` (0x5652, u32
 * little-endian; spec/imagepackage.md §2.10), read back here by walking the bytes from the end of
 * the file as the spec describes, not through the project's parser.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sphere, tempDir, withCa } from '../helpers';

const SAMPLE = resolve('samples/hello/approot');

/** Section tags and data of a P-256-signed package, in file order (§1, §2.1). */
function rawSections(b: Buffer): Array<{ tag: string; data: Buffer }> {
  const lengthField = b.length - 64 - 4;
  const metaLen = b.readUInt32LE(lengthField);
  const start = b.length - 64 - metaLen;
  assert.is(b.subarray(start, start + 4).toString('latin1'), '4X4M');
  const count = b.readUInt32LE(start + 4);
  const out: Array<{ tag: string; data: Buffer }> = [];
  let p = start + 8;
  for (let i = 0; i < count; i++) {
    const len = b.readUInt16LE(p + 2);
    out.push({ tag: b.subarray(p, p + 2).toString('latin1'), data: b.subarray(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  assert.is(p, lengthField);
  return out;
}


const pack = (out: string, env: Record<string, string>, extra: string[] = []) =>
  sphere(['image', 'pack', SAMPLE, '--destination', out, '--target-api-set', '16', '--build-time', '1700000000', '--reproducible', ...extra], { env });

const sv = suite('image pack --security-version');
sv('writes an RV section holding the u32 little-endian value after the usual five', () => withCa((dir, env) => {
  const out = join(dir, 'v.imagepackage');
  const r = pack(out, env, ['--security-version', '305419896']);
  assert.is(r.code, 0, r.stderr);
  const s = rawSections(readFileSync(out));
  assert.equal(s.map((x) => x.tag), ['ID', 'SG', 'DB', 'TP', 'ND', 'RV']);
  assert.equal([...s[5]!.data], [0x78, 0x56, 0x34, 0x12]);
  const v = sphere(['image', 'verify', out], { env });
  assert.is(v.code, 0, v.stdout + v.stderr);
}));
sv('writes no RV section without the option, so packages stay as before', () => withCa((dir, env) => {
  const out = join(dir, 'plain.imagepackage');
  assert.is(pack(out, env).code, 0);
  assert.equal(rawSections(readFileSync(out)).map((x) => x.tag), ['ID', 'SG', 'DB', 'TP', 'ND']);
  const j = JSON.parse(sphere(['image', 'show', out, '-o', 'json']).stdout);
  assert.is(j.securityVersion, null);
}));
sv('image show prints it in the table and as securityVersion in JSON', () => withCa((dir, env) => {
  const out = join(dir, 'v2.imagepackage');
  assert.is(pack(out, env, ['--security-version', '2']).code, 0);
  const j = sphere(['image', 'show', out, '-o', 'json']);
  assert.is(j.code, 0, j.stderr);
  const data = JSON.parse(j.stdout);
  assert.is(data.securityVersion, 2);
  assert.is(data.summary.securityVersion, 2);
  const t = sphere(['image', 'show', out]);
  assert.match(t.stdout, /Section: Revocation\n\s+Security Version:\s+2\n/);
}));
sv('board configuration packages carry it too', () => withCa((dir, env) => {
  const out = join(dir, 'bc.imagepackage');
  const r = sphere(['image', 'pack-board-config', '--preset', 'lan-enc28j60-isu0-int5', '--destination', out, '--security-version', '0'], { env });
  assert.is(r.code, 0, r.stderr);
  const s = rawSections(readFileSync(out));
  assert.is(s.at(-1)!.tag, 'RV');
  assert.equal([...s.at(-1)!.data], [0, 0, 0, 0]);
}));
for (const bad of ['-1', 'abc', '4294967296', '1.5', '']) {
  sv(`refuses --security-version "${bad}" with one line, exit 2, and no file`, () => withCa((dir, env) => {
    const out = join(dir, 'bad.imagepackage');
    const r = pack(out, env, [`--security-version=${bad}`]);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--security-version/);
    assert.not.ok(existsSync(out));
  }));
}
sv.run();
