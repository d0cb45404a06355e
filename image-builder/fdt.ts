/**
 * Flattened device tree (FDT, "DTB") writer and reader: the payload of board-configuration
 * packages (imagepackage.md §4). Big-endian throughout, header version 17 (last compatible 16),
 * blocks laid out as dtc lays them: header, memory reservation map (empty), structure block,
 * strings block, with no padding after the strings.
 *
 * The reader checks every offset against the blob and walks the structure block iteratively, so
 * malformed input ends in a `FormatError` (`FDT_CORRUPT`, with the offending offset), never a hang
 * or a stack overflow.
 */
import { FormatError } from './errors';

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
/** Oldest header version the reader accepts (16 lacks only size_dt_struct). */
export const FDT_MIN_READ_VERSION = 16;
/** Ten big-endian u32 words. */
export const FDT_HEADER_SIZE = 40;
/** One reservation entry: u64 address + u64 size; an all-zero entry ends the map. */
export const FDT_RESERVE_ENTRY_SIZE = 16;
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Property values the writer accepts: raw bytes, a NUL-terminated string, one or more u32 cells. */
export type FdtValue = Uint8Array | string | number | number[];

export interface FdtProperty<V = FdtValue> {
  name: string;
  value: V;
}

export interface FdtNode<V = FdtValue> {
  /** Empty for the root node. */
  name: string;
  props: Array<FdtProperty<V>>;
  children: Array<FdtNode<V>>;
}

/** The header words, in their on-disk order. */
export interface FdtHeader {
  magic: number;
  totalSize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  sizeDtStruct: number;
}

export interface FdtReservation {
  address: bigint;
  size: bigint;
}

/** What the reader returns: the tree (values as raw bytes), the header and the reservations. */
export interface FdtDocument {
  header: FdtHeader;
  memoryReservations: FdtReservation[];
  root: FdtNode<Uint8Array>;
}

export interface FdtWriteOptions {
  bootCpuidPhys?: number;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

const _align4 = (n: number): number => (n + 3) & ~3;

/** Serialises `root` (whose name should be empty) into a version-17 FDT blob. */
export function writeFdt(root: FdtNode, options: FdtWriteOptions = {}): Uint8Array {
  const words: Array<number | Uint8Array> = [];
  let structSize = 0;
  const push = (x: number | Uint8Array): void => {
    words.push(x);
    structSize += typeof x === 'number' ? 4 : _align4(x.length);
  };
  const strings = new _StringTable();

  // Explicit stack: `undefined` marks "close the node".
  const stack: Array<FdtNode | undefined> = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) {
      push(FDT_END_NODE);
      continue;
    }
    const isRoot = node === root;
    _checkName(node.name, isRoot ? 'root node' : 'node', isRoot);
    push(FDT_BEGIN_NODE);
    push(_cString(node.name));
    for (const prop of node.props) {
      _checkName(prop.name, 'property', false);
      const value = _encodeValue(prop);
      push(FDT_PROP);
      push(value.length);
      push(strings.offsetOf(prop.name));
      if (value.length > 0) push(value);
    }
    stack.push(undefined);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  push(FDT_END);

  const offMemRsvmap = FDT_HEADER_SIZE; // already 8-aligned
  const offDtStruct = offMemRsvmap + FDT_RESERVE_ENTRY_SIZE;
  const offDtStrings = offDtStruct + structSize;
  const stringBytes = strings.bytes();
  const totalSize = offDtStrings + stringBytes.length;

  const blob = new Uint8Array(totalSize);
  const view = new DataView(blob.buffer);
  const header = [FDT_MAGIC, totalSize, offDtStruct, offDtStrings, offMemRsvmap, FDT_VERSION,
    FDT_LAST_COMP_VERSION, _u32(options.bootCpuidPhys ?? 0, 'bootCpuidPhys'), stringBytes.length, structSize];
  header.forEach((w, i) => view.setUint32(i * 4, w));
  let at = offDtStruct;
  for (const w of words) {
    if (typeof w === 'number') {
      view.setUint32(at, w);
      at += 4;
    } else {
      blob.set(w, at);
      at += _align4(w.length);
    }
  }
  blob.set(stringBytes, offDtStrings);
  return blob;
}

/** Strings block; like dtc, a name that ends an existing entry reuses its tail. */
class _StringTable {
  private text = '';
  offsetOf(name: string): number {
    const needle = name + '\0';
    const at = this.text.indexOf(needle);
    if (at >= 0) return utf8.encode(this.text.slice(0, at)).length;
    const offset = utf8.encode(this.text).length;
    this.text += needle;
    return offset;
  }
  bytes(): Uint8Array {
    return utf8.encode(this.text);
  }
}

function _cString(s: string): Uint8Array {
  const b = utf8.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

function _checkName(name: string, what: string, isRoot: boolean): void {
  if (typeof name !== 'string' || name.includes('\0') || name.includes('/') || (!isRoot && name.length === 0)) {
    throw new RangeError(`writeFdt: invalid ${what} name ${JSON.stringify(name)}`);
  }
}

function _u32(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`writeFdt: ${what} ${n} is not a u32`);
  return n;
}

function _encodeValue(prop: FdtProperty): Uint8Array {
  const v = prop.value;
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new RangeError(`writeFdt: string property "${prop.name}" contains NUL`);
    return _cString(v);
  }
  const cells = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(cells)) throw new TypeError(`writeFdt: unsupported value for property "${prop.name}"`);
  const out = new Uint8Array(cells.length * 4);
  const view = new DataView(out.buffer);
  cells.forEach((c, i) => view.setUint32(i * 4, _u32(c, `cell of "${prop.name}"`)));
  return out;
}

function _fail(offset: number, why: string): FormatError {
  return new FormatError(`Cannot read device tree at offset ${offset}: ${why}. The board configuration payload is damaged; rebuild the package.`, { code: 'FDT_CORRUPT', offset });
}

/** Parses an FDT blob (bytes past `totalsize`, such as payload padding, are ignored). */
export function readFdt(blob: Uint8Array): FdtDocument {
  if (!(blob instanceof Uint8Array)) throw new TypeError('readFdt: blob must be a Uint8Array');
  if (blob.length < FDT_HEADER_SIZE) throw _fail(blob.length, `the ${blob.length}-byte blob is shorter than the ${FDT_HEADER_SIZE}-byte header`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const w = (i: number): number => view.getUint32(i * 4);
  const header: FdtHeader = {
    magic: w(0), totalSize: w(1), offDtStruct: w(2), offDtStrings: w(3), offMemRsvmap: w(4),
    version: w(5), lastCompVersion: w(6), bootCpuidPhys: w(7), sizeDtStrings: w(8), sizeDtStruct: w(9),
  };
  if (header.magic !== FDT_MAGIC) throw _fail(0, `magic 0x${header.magic.toString(16)} is not 0x${FDT_MAGIC.toString(16)}`);
  const total = header.totalSize;
  if (total < FDT_HEADER_SIZE || total > blob.length) throw _fail(4, `totalsize ${total} does not fit the ${blob.length}-byte blob`);
  if (header.version < FDT_MIN_READ_VERSION || header.lastCompVersion > FDT_VERSION) {
    throw _fail(20, `version ${header.version} (last compatible ${header.lastCompVersion}) is not supported`);
  }
  const structSize = header.version >= FDT_VERSION ? header.sizeDtStruct : total - header.offDtStruct;
  _checkBlock(header.offDtStruct, structSize, total, 8, 'structure block', 4);
  _checkBlock(header.offDtStrings, header.sizeDtStrings, total, 12, 'strings block', 1);
  const rsv = header.offMemRsvmap;
  if (rsv % 8 !== 0 || rsv < FDT_HEADER_SIZE || rsv > total - FDT_RESERVE_ENTRY_SIZE) {
    throw _fail(16, `memory reservation map offset ${rsv} is not an 8-aligned offset between the header and totalsize ${total}`);
  }
  const memoryReservations: FdtReservation[] = [];
  for (let at = rsv; ; at += FDT_RESERVE_ENTRY_SIZE) {
    if (at + FDT_RESERVE_ENTRY_SIZE > total) throw _fail(at, 'the memory reservation map has no terminating entry');
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    memoryReservations.push({ address, size });
  }
  const root = _readStructure(blob, view, header.offDtStruct, structSize, header.offDtStrings, header.sizeDtStrings);
  return { header, memoryReservations, root };
}

function _checkBlock(offset: number, size: number, total: number, field: number, what: string, align: number): void {
  if (offset < FDT_HEADER_SIZE || offset % align !== 0 || size > total || offset > total - size) {
    throw _fail(field, `the ${what} (offset ${offset}, size ${size}) does not fit within totalsize ${total}`);
  }
}

function _readStructure(blob: Uint8Array, view: DataView, start: number, size: number, strOff: number, strSize: number): FdtNode<Uint8Array> {
  const end = start + size;
  const stack: Array<FdtNode<Uint8Array>> = [];
  let root: FdtNode<Uint8Array> | undefined;
  let at = start;
  const token = (): number => {
    if (at + 4 > end) throw _fail(at, 'the structure block ends before the FDT_END token');
    const t = view.getUint32(at);
    at += 4;
    return t;
  };
  for (;;) {
    const tokenAt = at;
    const t = token();
    if (t === FDT_NOP) continue;
    if (t === FDT_BEGIN_NODE) {
      if (root !== undefined && stack.length === 0) throw _fail(tokenAt, 'a second root node follows the first');
      const nameEnd = blob.indexOf(0, at);
      if (nameEnd < 0 || nameEnd >= end) throw _fail(at, 'a node name runs past the structure block');
      const node: FdtNode<Uint8Array> = { name: _decode(blob, at, nameEnd), props: [], children: [] };
      at = _align4(nameEnd + 1 - start) + start;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else root = node;
      stack.push(node);
    } else if (t === FDT_PROP) {
      const node = stack[stack.length - 1];
      if (!node) throw _fail(tokenAt, 'a property appears outside any node');
      if (node.children.length > 0) throw _fail(tokenAt, `property after a subnode in node "${node.name}"`);
      const len = token();
      const nameOff = token();
      if (len > end - at) throw _fail(tokenAt + 4, `property length ${len} runs past the structure block`);
      if (nameOff >= strSize) throw _fail(tokenAt + 8, `property name offset ${nameOff} is outside the ${strSize}-byte strings block`);
      const nameEnd = blob.indexOf(0, strOff + nameOff);
      if (nameEnd < 0 || nameEnd >= strOff + strSize) throw _fail(strOff + nameOff, 'a property name runs past the strings block');
      node.props.push({ name: _decode(blob, strOff + nameOff, nameEnd), value: blob.slice(at, at + len) });
      at = _align4(at + len - start) + start;
    } else if (t === FDT_END_NODE) {
      if (stack.length === 0) throw _fail(tokenAt, 'FDT_END_NODE without an open node');
      stack.pop();
    } else if (t === FDT_END) {
      if (root === undefined || stack.length > 0) throw _fail(tokenAt, 'FDT_END before the root node is closed');
      return root;
    } else {
      throw _fail(tokenAt, `unknown token 0x${t.toString(16)}`);
    }
  }
}

function _decode(blob: Uint8Array, from: number, to: number): string {
  try {
    return utf8Strict.decode(blob.subarray(from, to));
  } catch {
    throw _fail(from, 'a name is not valid UTF-8');
  }
}

/** A property value read as one NUL-terminated string. */
export function fdtString(value: Uint8Array): string {
  if (value.length === 0 || value[value.length - 1] !== 0 || value.indexOf(0) !== value.length - 1) {
    throw new FormatError('Cannot read device tree property as a string: it is not one NUL-terminated string. Check the board configuration payload.', { code: 'FDT_CORRUPT' });
  }
  return _decode(value, 0, value.length - 1);
}

/** A property value read as big-endian u32 cells. */
export function fdtCells(value: Uint8Array): number[] {
  if (value.length % 4 !== 0) {
    throw new FormatError(`Cannot read device tree property as cells: its length ${value.length} is not a multiple of 4. Check the board configuration payload.`, { code: 'FDT_CORRUPT' });
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: value.length / 4 }, (_, i) => view.getUint32(i * 4));
}
