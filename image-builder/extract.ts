/**
 * Extracting a package's files (the ASXipFS payload, or the inner package's for a compressed
 * one) to a folder or a tar archive. Never writes outside the target: names are checked by the
 * reader, links are not followed, and the tree is written into a temporary sibling folder that
 * is renamed into place only when complete.
 */
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError, ValidationError } from './errors';
import type { PackageView } from './package';
import type { AsxipfsInode } from './asxipfs';
import { writeFileAtomic } from './pack';

export interface ExtractedEntry { path: string; type: 'dir' | 'file' | 'symlink'; mode: number; size: number }

function fsOf(view: PackageView): { inodes: AsxipfsInode[]; payload: Uint8Array } {
  const v = view.asxipfs ? view : view.inner;
  if (!v?.asxipfs) throw new ValidationError('Cannot extract the package: its payload is not a file system (board configuration packages hold a device tree). Use "sphere image show" to see it.', { code: 'NO_FILE_SYSTEM' });
  return { inodes: v.asxipfs.inodes, payload: v.split.payload };
}

function dataOf(payload: Uint8Array, i: AsxipfsInode): Uint8Array {
  return i.size ? payload.subarray(i.dataOrChildOffset, i.dataOrChildOffset + i.size) : new Uint8Array(0);
}

/** Writes every file to `dir`, which must not exist or be empty (unless `force`). */
export function extractToFolder(view: PackageView, dir: string, options: { force?: boolean } = {}): ExtractedEntry[] {
  const { inodes, payload } = fsOf(view);
  const target = resolve(dir);
  if (existsSync(target)) {
    const st = lstatSync(target);
    if (!st.isDirectory()) throw new UsageError(`Cannot extract to folder "${dir}": a file is in the way. Choose another folder.`, { code: 'CANNOT_WRITE', path: dir });
    if (readdirSync(target).length && !options.force) throw new UsageError(`Cannot extract to folder "${dir}": it is not empty. Choose an empty folder or pass --force.`, { code: 'NOT_EMPTY', path: dir });
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.extract`);
  rmSync(tmp, { recursive: true, force: true });
  const out: ExtractedEntry[] = [];
  try {
    mkdirSync(tmp, { recursive: true });
    for (const i of inodes) {
      if (i.path === '/') continue;
      const dest = resolve(tmp, '.' + i.path);
      if (!dest.startsWith(tmp + sep)) throw new ValidationError(`Cannot extract "${i.path}": it would land outside the target folder.`, { code: 'PATH_ESCAPE' });
      if (i.type === 'dir') {
        mkdirSync(dest, { mode: 0o755 });
      } else if (i.type === 'file') {
        const fd = openSync(dest, 'wx', i.mode & 0o111 ? 0o755 : 0o644);
        const data = dataOf(payload, i);
        let done = 0;
        while (done < data.length) done += writeSync(fd, data, done, data.length - done);
        closeSync(fd);
      } else {
        continue; // links are never materialised: they could point anywhere
      }
      out.push({ path: i.path, type: i.type, mode: i.mode, size: i.size });
    }
    if (existsSync(target)) {
      for (const name of readdirSync(tmp)) {
        const to = join(target, name);
        if (existsSync(to)) rmSync(to, { recursive: true, force: true });
        renameSync(join(tmp, name), to);
      }
      rmSync(tmp, { recursive: true, force: true });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(tmp, target);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return out;
}

/** Writes the files as a tar archive (fixed owner and times, so the archive is reproducible). */
export async function extractToTar(view: PackageView, file: string): Promise<ExtractedEntry[]> {
  const { inodes, payload } = fsOf(view);
  const mtime = new Date(((view.inner ?? view).metadata.debug?.buildTime ?? 0) * 1000);
  // Loaded on demand: only the commands that write archives pay for it at start-up.
  const { pack: tarPack } = await import('tar-stream');
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((res, rej) => { p.on('end', res); p.on('error', rej); });
  const out: ExtractedEntry[] = [];
  for (const i of inodes) {
    if (i.path === '/' || i.type === 'symlink') continue;
    const name = i.path.slice(1) + (i.type === 'dir' ? '/' : '');
    const header = { name, mode: i.mode & 0o7777, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime, type: i.type === 'dir' ? ('directory' as const) : ('file' as const) };
    if (i.type === 'dir') p.entry(header);
    else p.entry(header, Buffer.from(dataOf(payload, i)));
    out.push({ path: i.path, type: i.type, mode: i.mode, size: i.size });
  }
  p.finalize();
  await done;
  writeFileAtomic(file, Buffer.concat(chunks));
  return out;
}
