import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { startPackageRead } from '../../cli/files';
import { NotFoundError } from '../../image-builder/errors';

const dir = mkdtempSync(join(tmpdir(), 'sphere-files-'));

test('startPackageRead reads a file of several pieces exactly (sha256sum agrees) and reports the start as it lands', async () => {
  const size = 5 * 1024 * 1024 + 12_345; // five whole pieces and a short one
  writeFileSync(join(dir, 'big.imagepackage'), randomFillSync(Buffer.alloc(size)));
  const r = startPackageRead('big.imagepackage', dir);
  assert.is(r.bytes.length, size);
  const seen: number[] = [];
  r.watch((n) => seen.push(n));
  const bytes = await r.done;
  assert.is(bytes, r.bytes);
  assert.is(r.filled, size);
  const ours = execFileSync('sha256sum', ['-'], { input: bytes, encoding: 'utf8' }).split(' ')[0];
  const theirs = execFileSync('sha256sum', [join(dir, 'big.imagepackage')], { encoding: 'utf8' }).split(' ')[0];
  assert.is(ours, theirs);
  assert.ok(seen.length >= 2, `the watcher hears more than the start (${seen})`);
  assert.is(seen.at(-1), size);
  assert.ok(seen.every((n, i) => i === 0 || n > seen[i - 1]!), `only growing prefixes: ${seen}`);
  const late: number[] = [];
  r.watch((n) => late.push(n));
  assert.equal(late, [size], 'a watcher added at the end hears the whole file at once');
});

test('startPackageRead: an empty file is read as empty', async () => {
  writeFileSync(join(dir, 'empty.imagepackage'), '');
  const r = startPackageRead(join(dir, 'empty.imagepackage'));
  assert.is((await r.done).length, 0);
});

test('startPackageRead: a missing file or a folder fails at once with the not-found error', () => {
  for (const shown of ['missing.imagepackage', '.']) {
    try {
      startPackageRead(shown, dir);
      assert.unreachable(`${shown} must throw`);
    } catch (e) {
      assert.instance(e, NotFoundError);
      assert.is((e as NotFoundError).code, 'PACKAGE_NOT_FOUND');
      assert.match((e as Error).message, `Cannot read package "${shown}"`);
    }
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
