/**
 * ASXipFS, the uncompressed, page-aligned cramfs variant that carries an application's files
 * (spec/imagepackage.md §3). `layoutAsxipfs` plans where every inode, name and file goes (pure),
 * `writeAsxipfs` fills a buffer from that plan, `readAsxipfs` walks a payload with bounds checks.
 */
import * as zlib from 'node:zlib';
import { FormatError } from './errors';
import { align, hex32, putU32, u32 } from './bytes';
import {
  ASXIPFS_DEFAULT_FLAGS, ASXIPFS_MAGIC, ASXIPFS_NAME, ASXIPFS_OFFSETS as O, ASXIPFS_PAGE_SIZE, ASXIPFS_SIGNATURE,
  ASXIPFS_SUPERBLOCK_SIZE, ASXIPFS_SUPPORTED_FLAGS, INODE_MAX_FILE_SIZE, INODE_MAX_NAME_BYTES, INODE_MAX_OFFSET,
  INODE_SIZE, MODE_DIR, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_ISVTX,
} from './format';

/** A node of the tree to pack. Names are raw bytes; directories have `children`. */
export interface FsNode {
  name: Uint8Array;
  mode: number;
  size: number;
  children?: FsNode[];
  /** Caller's handle to the content (a path or the bytes); the writer passes it back to `fill`. */
  source?: unknown;
}

export interface PlacedNode {
  node: FsNode;
  path: string;
  inodeOffset: number;
  /** Data offset for files, first-entry offset for directories (0 when empty). */
  offset: number;
  size: number;
}

export interface AsxipfsLayout {
  size: number;
  files: number;
  tableEnd: number;
  dataStart: number;
  /** Every inode in depth-first pre-order, root first. */
  nodes: PlacedNode[];
}

const crc32: (data: Uint8Array, value?: number) => number =
  (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32 ?? _crc32;

let _table: Uint32Array | undefined;
function _crc32(data: Uint8Array, value = 0): number {
  if (!_table) {
    _table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      _table[n] = c >>> 0;
    }
  }
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = _table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function entrySize(name: Uint8Array): number {
  return INODE_SIZE + align(name.length, 4);
}

function sortChildren(children: FsNode[]): FsNode[] {
  return [...children].sort((a, b) => Buffer.compare(a.name, b.name));
}

/** Plans the file system: directory table in mkcramfs order, file data page-aligned in pre-order. */
export function layoutAsxipfs(root: FsNode): AsxipfsLayout {
  const placed = new Map<FsNode, PlacedNode>();
  const dirOffsets = new Map<FsNode, number>();
  const nodes: PlacedNode[] = [];
  const rootPlaced: PlacedNode = { node: root, path: '/', inodeOffset: ASXIPFS_OFFSETS_ROOT, offset: 0, size: 0 };
  placed.set(root, rootPlaced);
  // Directory table: a directory's entries are contiguous; directories visited depth-first.
  let cursor = ASXIPFS_SUPERBLOCK_SIZE;
  const visitDir = (dir: FsNode, path: string): void => {
    const kids = sortChildren(dir.children ?? []);
    dir.children = kids;
    const self = placed.get(dir)!;
    self.offset = kids.length ? cursor : 0;
    self.size = kids.reduce((n, k) => n + entrySize(k.name), 0);
    dirOffsets.set(dir, cursor);
    for (const k of kids) {
      const p: PlacedNode = { node: k, path: (path === '/' ? '' : path) + '/' + Buffer.from(k.name).toString('utf8'), inodeOffset: cursor, offset: 0, size: k.size };
      placed.set(k, p);
      cursor += entrySize(k.name);
    }
    for (const k of kids) if (k.children) visitDir(k, placed.get(k)!.path);
  };
  visitDir(root, '/');
  const tableEnd = cursor;
  const dataStart = align(tableEnd, ASXIPFS_PAGE_SIZE);
  let data = dataStart;
  const walk = (n: FsNode): void => {
    const p = placed.get(n)!;
    nodes.push(p);
    if (n.children) {
      for (const k of n.children) walk(k);
    } else if (n.size > 0) {
      p.offset = data;
      data = align(data + n.size, ASXIPFS_PAGE_SIZE);
    }
  };
  walk(root);
  const size = Math.max(data, align(tableEnd, ASXIPFS_PAGE_SIZE));
  if (size / 4 > INODE_MAX_OFFSET) throw new RangeError('the file system exceeds the 256 MiB the format can address');
  return { size, files: nodes.length, tableEnd, dataStart, nodes };
}

const ASXIPFS_OFFSETS_ROOT = O.root;

function putInode(b: Uint8Array, at: number, mode: number, size: number, nameLen: number, offset: number): void {
  putU32(b, at, mode & 0xffff); // uid 0
  putU32(b, at + 4, size & 0xffffff); // gid 0
  putU32(b, at + 8, ((nameLen / 4) & 0x3f) | ((offset / 4) << 6));
}

/**
 * Writes the planned file system into `out` (at least `layout.size` bytes, zero-filled).
 * `fill(node, target)` copies a file's content into `target` (exactly `node.size` bytes).
 */
export function writeAsxipfs(layout: AsxipfsLayout, out: Uint8Array, fill: (node: FsNode, target: Uint8Array) => void): void {
  writeAsxipfsTable(layout, out);
  for (const p of layout.nodes) {
    const n = p.node;
    if (!n.children && n.size > 0) fill(n, out.subarray(p.offset, p.offset + n.size));
  }
  putU32(out, O.crc, crc32(out.subarray(0, layout.size)));
}

/**
 * Writes the superblock (its CRC field left zero) and the inode and directory table into `b`
 * (at least `layout.tableEnd` bytes, zero-filled): everything but the file data and the CRC.
 */
export function writeAsxipfsTable(layout: AsxipfsLayout, b: Uint8Array): void {
  putU32(b, O.magic, ASXIPFS_MAGIC);
  putU32(b, O.size, layout.size);
  putU32(b, O.flags, ASXIPFS_DEFAULT_FLAGS);
  b.set(Buffer.from(ASXIPFS_SIGNATURE, 'latin1'), O.signature);
  putU32(b, O.files, layout.files);
  b.set(Buffer.from(ASXIPFS_NAME, 'latin1'), O.name);
  for (const p of layout.nodes) {
    const n = p.node;
    const nameLen = p.inodeOffset === O.root ? 0 : align(n.name.length, 4);
    putInode(b, p.inodeOffset, n.mode, p.size, nameLen, p.offset);
    if (nameLen) b.set(n.name, p.inodeOffset + INODE_SIZE);
  }
}

// ---- reading ----

export interface AsxipfsInode {
  path: string;
  name: string;
  inodeOffset: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nameLenBytes: number;
  dataOrChildOffset: number;
  rawWords: [number, number, number];
  type: 'dir' | 'file' | 'symlink';
}

export interface AsxipfsView {
  magic: number;
  size: number;
  flags: number;
  future: number;
  signature: string;
  crc: number;
  crcRecomputed: number;
  edition: number;
  blocks: number;
  files: number;
  name: string;
  inodes: AsxipfsInode[];
}

function bad(code: string, message: string, offset?: number): never {
  throw new FormatError(`the ASXipFS payload is malformed: ${message}`, offset === undefined ? { code } : { code, offset });
}

function latin(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.subarray(0, end < 0 ? b.length : end)).toString('latin1');
}

export function isAsxipfs(payload: Uint8Array): boolean {
  return payload.length >= ASXIPFS_SUPERBLOCK_SIZE && u32(payload, O.magic) === ASXIPFS_MAGIC;
}

/** Computes the superblock CRC: CRC-32 of the file system with the CRC field read as zero. */
export function asxipfsCrc(p: Uint8Array, size: number): number {
  let c = crc32(p.subarray(0, O.crc));
  c = crc32(new Uint8Array(4), c);
  return crc32(p.subarray(O.crc + 4, size), c);
}

/** Walks the payload, checking every bound; throws FormatError on anything the kernel would refuse. */
/** `o.crc`: the CRC already computed over these bytes (a caller that streamed them), instead of reading them again. */
export function readAsxipfs(p: Uint8Array, o: { crc?: number } = {}): AsxipfsView {
  if (p.length < ASXIPFS_SUPERBLOCK_SIZE) bad('BAD_PAYLOAD', `it is ${p.length} bytes, shorter than the 76-byte superblock`, 0);
  if (u32(p, O.magic) !== ASXIPFS_MAGIC) bad('BAD_PAYLOAD_MAGIC', `magic is ${hex32(u32(p, O.magic))}, expected ${hex32(ASXIPFS_MAGIC)}`, 0);
  const size = u32(p, O.size);
  const flags = u32(p, O.flags);
  const files = u32(p, O.files);
  if (size < ASXIPFS_SUPERBLOCK_SIZE || size > p.length) bad('BAD_PAYLOAD_SIZE', `the superblock size ${size} does not fit the ${p.length}-byte payload`, O.size);
  if ((flags & ~ASXIPFS_SUPPORTED_FLAGS) !== 0) bad('BAD_PAYLOAD_FLAGS', `unsupported flags ${hex32(flags)}`, O.flags);
  const maxInodes = Math.floor((size - O.root) / INODE_SIZE);
  if (files < 1 || files > maxInodes) bad('BAD_INODE_COUNT', `the superblock counts ${files} inodes, more than ${maxInodes} can fit`, O.files);
  const inodes: AsxipfsInode[] = [];
  const seenDirs = new Set<number>();
  const read = (at: number, path: string, name: string, nameLenBytes: number): AsxipfsInode => {
    const w0 = u32(p, at), w1 = u32(p, at + 4), w2 = u32(p, at + 8);
    const mode = w0 & 0xffff;
    const fmt = mode & S_IFMT;
    const type = fmt === S_IFDIR ? 'dir' : fmt === S_IFREG ? 'file' : fmt === S_IFLNK ? 'symlink' : undefined;
    if (!type) bad('BAD_INODE_TYPE', `"${path}" has mode 0${mode.toString(8)}, which is neither file, directory nor symlink`, at);
    return { path, name, inodeOffset: at, mode, uid: w0 >>> 16, gid: w1 >>> 24, size: w1 & 0xffffff, nameLenBytes, dataOrChildOffset: (w2 >>> 6) * 4, rawWords: [w0, w1, w2], type };
  };
  // Iterative pre-order walk (explicit stack: hostile nesting cannot overflow the call stack).
  const root = read(O.root, '/', '', 0);
  if (root.type !== 'dir') bad('BAD_ROOT', 'the root inode is not a directory', O.root);
  const stack: AsxipfsInode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    inodes.push(node);
    if (inodes.length > files) bad('BAD_INODE_COUNT', `the tree holds more inodes than the ${files} the superblock counts`, O.files);
    if (node.type === 'file' || node.type === 'symlink') {
      if (node.size > 0) {
        const off = node.dataOrChildOffset;
        if (off < ASXIPFS_SUPERBLOCK_SIZE || off + node.size > size) bad('BAD_DATA_OFFSET', `"${node.path}" data [${off}, ${off + node.size}) lies outside the file system`, node.inodeOffset);
      }
      continue;
    }
    if (node.size === 0) continue;
    const start = node.dataOrChildOffset, end = start + node.size;
    if (start < ASXIPFS_SUPERBLOCK_SIZE || end > size) bad('BAD_DIRECTORY', `"${node.path}" entries [${start}, ${end}) lie outside the file system`, node.inodeOffset);
    if (seenDirs.has(start)) bad('BAD_DIRECTORY', `"${node.path}" points at entries already used by another directory`, node.inodeOffset);
    seenDirs.add(start);
    const kids: AsxipfsInode[] = [];
    let prev: Buffer | undefined;
    for (let at = start; at < end;) {
      if (at + INODE_SIZE > end) bad('BAD_DIRECTORY', `"${node.path}" has a truncated entry`, at);
      const nameLen = (u32(p, at + 8) & 0x3f) * 4;
      if (nameLen === 0 || at + INODE_SIZE + nameLen > end) bad('BAD_NAME', `an entry of "${node.path}" has a name that runs past its directory`, at);
      const raw = p.subarray(at + INODE_SIZE, at + INODE_SIZE + nameLen);
      const zero = raw.indexOf(0);
      const nameBytes = Buffer.from(raw.subarray(0, zero < 0 ? raw.length : zero));
      if (zero >= 0 && raw.subarray(zero).some((x) => x !== 0)) bad('BAD_NAME', `an entry of "${node.path}" has bytes after its name's NUL`, at);
      const nm = nameBytes.toString('utf8');
      if (nameBytes.length === 0 || nm === '.' || nm === '..' || nameBytes.includes(0x2f)) bad('BAD_NAME', `"${node.path}" holds an entry named "${nm}"`, at);
      if (prev && Buffer.compare(prev, nameBytes) >= 0) bad('UNSORTED_DIRECTORY', `"${node.path}" entries are not in sorted order at "${nm}"`, at);
      prev = nameBytes;
      kids.push(read(at, (node.path === '/' ? '' : node.path) + '/' + nm, nm, nameLen));
      at += INODE_SIZE + nameLen;
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  if (inodes.length !== files) bad('BAD_INODE_COUNT', `the superblock counts ${files} inodes but the tree holds ${inodes.length}`, O.files);
  return {
    magic: ASXIPFS_MAGIC, size, flags, future: u32(p, O.future), signature: latin(p.subarray(O.signature, O.signature + 16)),
    crc: u32(p, O.crc), crcRecomputed: o.crc ?? asxipfsCrc(p, size), edition: u32(p, O.edition), blocks: u32(p, O.blocks), files,
    name: latin(p.subarray(O.name, O.name + 16)), inodes,
  };
}

/** Rules the SDK's packages always meet and the device's kernel enforces on an XIP mount (§3.3, §3.5). */
export function asxipfsProblems(v: AsxipfsView, payloadLength: number): string[] {
  const out: string[] = [];
  if (v.crc !== v.crcRecomputed) out.push(`CRC is ${hex32(v.crc)} but the content gives ${hex32(v.crcRecomputed)}`);
  if (v.size % ASXIPFS_PAGE_SIZE !== 0) out.push(`size ${v.size} is not a multiple of ${ASXIPFS_PAGE_SIZE}`);
  if (v.size !== payloadLength && payloadLength - v.size >= 4) out.push(`payload holds ${payloadLength - v.size} bytes beyond the file system`);
  for (const i of v.inodes) {
    if (i.type === 'file' && (i.mode & S_ISVTX) === 0) out.push(`"${i.path}" lacks the sticky (XIP) bit`);
    if (i.type === 'file' && i.size > 0 && i.dataOrChildOffset % ASXIPFS_PAGE_SIZE !== 0) out.push(`"${i.path}" data is not page aligned`);
  }
  return out;
}

export const ASXIPFS_LIMITS = { maxFileSize: INODE_MAX_FILE_SIZE, maxNameBytes: INODE_MAX_NAME_BYTES } as const;
export { MODE_DIR };
