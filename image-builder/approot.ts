/**
 * Reading an application folder ("approot") into the tree the ASXipFS writer packs, with every
 * rule the format and the device impose checked up front (spec/imagepackage.md §3.2, §3.3):
 * file size and name limits, only files and directories, no link leaving the folder.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { NotFoundError, ValidationError } from './errors';
import { ASXIPFS_LIMITS, type FsNode } from './asxipfs';
import { MODE_DIR, MODE_EXECUTABLE, MODE_FILE } from './format';

export interface ApprootOptions {
  /** Paths inside the approot (with or without a leading `/`) that get mode 0755. */
  executables?: string[];
  /** Absolute paths to leave out (e.g. the output file when it lies inside the folder). */
  exclude?: string[];
  /** Replace the content of these approot-relative paths (e.g. the rewritten manifest). */
  overrides?: Map<string, Uint8Array>;
}

/** A file's content source: a path on disk, or bytes given by the caller. */
export type FileSource = { path: string } | { bytes: Uint8Array };

function kindOf(st: Stats): string {
  if (st.isBlockDevice()) return 'a block device';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'an unsupported file type';
}

function normalizeRel(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

/** Walks `dir` into an FsNode tree. Throws NotFoundError / ValidationError naming the offending path. */
export function readApproot(dir: string, options: ApprootOptions = {}): FsNode {
  const rootPath = resolve(dir);
  let st: Stats;
  try {
    st = statSync(rootPath);
  } catch {
    throw new NotFoundError(`Cannot pack folder "${dir}": it does not exist. Give the application's approot folder.`, { code: 'APPROOT_NOT_FOUND', path: dir });
  }
  if (!st.isDirectory()) throw new ValidationError(`Cannot pack folder "${dir}": it is not a folder. Give the application's approot folder.`, { code: 'APPROOT_NOT_DIR', path: dir });
  const realRoot = realpathSync(rootPath);
  const exec = new Set((options.executables ?? []).map(normalizeRel));
  const exclude = new Set((options.exclude ?? []).map((p) => resolve(p)));
  const overrides = new Map([...(options.overrides ?? new Map<string, Uint8Array>())].map(([k, v]) => [normalizeRel(k), v]));
  const seenOverrides = new Set<string>();

  const visit = (abs: string, rel: string, depth: number): FsNode[] => {
    if (depth > 64) throw new ValidationError(`Cannot pack folder "${dir}": "${rel}" is nested more than 64 levels deep. Flatten the tree.`, { code: 'TOO_DEEP', path: abs });
    const out: FsNode[] = [];
    for (const name of readdirSync(abs)) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      if (exclude.has(childAbs)) continue;
      const nameBytes = Buffer.from(name, 'utf8');
      if (nameBytes.length > ASXIPFS_LIMITS.maxNameBytes) {
        throw new ValidationError(`Cannot pack file "${childRel}": its name is ${nameBytes.length} bytes, over the format's ${ASXIPFS_LIMITS.maxNameBytes}-byte limit. Rename it.`, { code: 'NAME_TOO_LONG', path: childAbs });
      }
      let lst = lstatSync(childAbs);
      if (lst.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(childAbs);
        } catch {
          throw new ValidationError(`Cannot pack link "${childRel}": its target does not exist. Remove the link or restore its target.`, { code: 'BROKEN_SYMLINK', path: childAbs });
        }
        if (target !== realRoot && !target.startsWith(realRoot + sep)) {
          throw new ValidationError(`Cannot pack link "${childRel}": it points outside the folder, to "${target}". Copy the file into the folder instead.`, { code: 'SYMLINK_OUTSIDE', path: childAbs });
        }
        lst = statSync(childAbs); // links inside the folder are stored as what they point to
      }
      if (lst.isDirectory()) {
        out.push({ name: nameBytes, mode: MODE_DIR, size: 0, children: visit(childAbs, childRel, depth + 1) });
      } else if (lst.isFile()) {
        const override = overrides.get(childRel);
        if (override) seenOverrides.add(childRel);
        const size = override ? override.length : lst.size;
        if (size > ASXIPFS_LIMITS.maxFileSize) {
          throw new ValidationError(`Cannot pack file "${childRel}": it is ${size} bytes, over the format's ${ASXIPFS_LIMITS.maxFileSize}-byte (16 MiB - 1) limit. Split or shrink it.`, { code: 'FILE_TOO_LARGE', path: childAbs });
        }
        const source: FileSource = override ? { bytes: override } : { path: childAbs };
        out.push({ name: nameBytes, mode: exec.has(childRel) ? MODE_EXECUTABLE : MODE_FILE, size, source });
      } else {
        throw new ValidationError(`Cannot pack file "${childRel}": it is ${kindOf(lst)}; a package holds only files and folders. Remove it from the folder.`, { code: 'UNSUPPORTED_FILE_TYPE', path: childAbs });
      }
    }
    return out;
  };
  const children = visit(rootPath, '', 0);
  // Overrides for files that are not on disk (e.g. a manifest given with --manifest) are added.
  for (const [rel, bytes] of overrides) {
    if (seenOverrides.has(rel)) continue;
    if (rel.includes('/')) throw new RangeError('only top-level overrides may be added');
    children.push({ name: Buffer.from(rel), mode: exec.has(rel) ? MODE_EXECUTABLE : MODE_FILE, size: bytes.length, source: { bytes } satisfies FileSource });
  }
  return { name: new Uint8Array(0), mode: MODE_DIR, size: 0, children };
}

/** Finds a node by approot-relative path. */
export function findNode(root: FsNode, rel: string): FsNode | undefined {
  let node: FsNode | undefined = root;
  for (const part of normalizeRel(rel).split('/').filter(Boolean)) {
    node = node?.children?.find((c) => Buffer.from(c.name).toString('utf8') === part);
  }
  return node;
}

export function relativeInside(root: string, p: string): string | undefined {
  const r = relative(resolve(root), resolve(p));
  return r && !r.startsWith('..') && !r.startsWith(sep) ? r : undefined;
}
