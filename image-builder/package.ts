/**
 * Reading a whole `.imagepackage` (spec/imagepackage.md §1, §2.9, §3, §4): split it from the end,
 * decode its metadata, identify the payload (ASXipFS, flattened device tree, or an LZMA-wrapped
 * inner package, which is unwrapped and read recursively) and describe it as data.
 */
import { createHash } from 'node:crypto';
import { FormatError } from './errors';
import { hex, hex32, u32 } from './bytes';
import { decodeSections, describeSection, splitPackage, type Metadata, type SplitPackage } from './metadata';
import { isAsxipfs, readAsxipfs, type AsxipfsView } from './asxipfs';
import { decodeLzmaAlone } from './lzma';
import { fdtCells, fdtString, readFdt } from './fdt';
import { COMPRESSION_LZMA, IMAGE_TYPE, METADATA_MAGIC } from './format';

export const FDT_MAGIC_BE = 0xd00dfeed;
/** An inner package may not claim more than this (decompression-bomb guard). */
export const MAX_INNER_SIZE = 256 * 1024 * 1024;

export interface LzmaInfo { propsByte: number; dictSize: number; uncompressedSizeField: number; trailingPadding: Uint8Array }

export interface PackageView {
  bytes: Uint8Array;
  split: SplitPackage;
  metadata: Metadata;
  payloadKind: 'asxipfs' | 'flattened-device-tree' | 'lzma-alone' | 'unknown';
  asxipfs?: AsxipfsView;
  fdtHeader?: number[];
  /** Board configuration settings from the FDT's `azconfig` node, when present. */
  boardConfig?: Record<string, string | number>;
  lzma?: LzmaInfo;
  inner?: PackageView;
}

function lzmaInfo(payload: Uint8Array): LzmaInfo {
  if (payload.length < 13) throw new FormatError('the compressed payload is shorter than an LZMA header', { code: 'BAD_COMPRESSION' });
  const lo = u32(payload, 5), hi = u32(payload, 9);
  return { propsByte: payload[0]!, dictSize: u32(payload, 1), uncompressedSizeField: lo === 0xffffffff && hi === 0xffffffff ? -1 : lo + hi * 0x100000000, trailingPadding: new Uint8Array(0) };
}

/** Parses a package. Throws FormatError (with a code) on anything malformed. */
/** `o.asxipfsCrc`: the outer file system's CRC, already computed by a caller that streamed the bytes. */
export function readPackage(bytes: Uint8Array, depth = 0, o: { asxipfsCrc?: number } = {}): PackageView {
  const split = splitPackage(bytes);
  const metadata = decodeSections(split.sections);
  const payload = split.payload;
  const view: PackageView = { bytes, split, metadata, payloadKind: 'unknown' };
  if (metadata.compression) {
    if (metadata.compression.compressionType !== COMPRESSION_LZMA) {
      throw new FormatError(`the package uses compression type ${metadata.compression.compressionType}, which is not LZMA`, { code: 'BAD_COMPRESSION' });
    }
    if (depth > 0) throw new FormatError('a compressed package wraps another compressed package', { code: 'BAD_COMPRESSION' });
    const want = metadata.compression.uncompressedSize;
    if (want > MAX_INNER_SIZE) throw new FormatError(`the inner package claims ${want} bytes, over the ${MAX_INNER_SIZE}-byte limit`, { code: 'BAD_COMPRESSION' });
    view.payloadKind = 'lzma-alone';
    view.lzma = lzmaInfo(payload);
    let inner: Uint8Array;
    const info = { consumed: payload.length };
    try {
      inner = decodeLzmaAlone(payload, { maxOutputSize: want, info });
      view.lzma.trailingPadding = payload.subarray(info.consumed);
    } catch (e) {
      throw new FormatError(`the LZMA payload does not decode: ${(e as Error).message}`, { code: 'BAD_COMPRESSION', cause: e });
    }
    if (inner.length !== want) throw new FormatError(`the LZMA payload decodes to ${inner.length} bytes, but the Compression section says ${want}`, { code: 'BAD_COMPRESSION' });
    view.inner = readPackage(inner, depth + 1);
  } else if (isAsxipfs(payload)) {
    view.payloadKind = 'asxipfs';
    view.asxipfs = readAsxipfs(payload, o.asxipfsCrc === undefined ? {} : { crc: o.asxipfsCrc });
  } else if (payload.length >= 40 && payload[0] === 0xd0 && payload[1] === 0x0d && payload[2] === 0xfe && payload[3] === 0xed) {
    view.payloadKind = 'flattened-device-tree';
    const words: number[] = [];
    for (let i = 0; i < 10; i++) words.push(Buffer.from(payload.buffer, payload.byteOffset + 4 * i, 4).readUInt32BE(0));
    view.fdtHeader = words;
    const azconfig = readFdt(payload).root.children.find((c) => c.name === 'azconfig');
    if (azconfig) {
      view.boardConfig = {};
      for (const p of azconfig.props) {
        // Text properties end in NUL; anything else is read as big-endian cells.
        view.boardConfig[p.name] = p.value.length > 0 && p.value[p.value.length - 1] === 0 ? fdtString(p.value) : fdtCells(p.value)[0] ?? 0;
      }
    }
  }
  return view;
}

/** The file tree of an ASXipFS payload with each file's SHA-256. */
export function listFiles(view: PackageView): Array<{ path: string; type: string; mode: string; size: number; sha256?: string }> {
  const fs = view.asxipfs ?? view.inner?.asxipfs;
  const payload = view.asxipfs ? view.split.payload : view.inner?.split.payload;
  if (!fs || !payload) return [];
  return fs.inodes.map((i) => {
    const row: { path: string; type: string; mode: string; size: number; sha256?: string } = { path: i.path, type: i.type, mode: '0' + i.mode.toString(8), size: i.size };
    if (i.type === 'file') row.sha256 = createHash('sha256').update(payload.subarray(i.dataOrChildOffset, i.dataOrChildOffset + i.size)).digest('hex');
    return row;
  });
}

/** The embedded `app_manifest.json` text, if the payload has one. */
export function manifestText(view: PackageView): string | undefined {
  const v = view.inner ?? view;
  const node = v.asxipfs?.inodes.find((i) => i.path === '/app_manifest.json' && i.type === 'file');
  if (!node) return undefined;
  return Buffer.from(v.split.payload.subarray(node.dataOrChildOffset, node.dataOrChildOffset + node.size)).toString('utf8');
}

function describeLayout(view: PackageView, verifiesWithSdkTest?: (v: PackageView) => boolean): Record<string, unknown> {
  const s = view.split;
  const signature: Record<string, unknown> = {
    offset: s.signatureOffset, size: s.signature.length,
    r: hex(s.signature.subarray(0, s.signature.length / 2)), s: hex(s.signature.subarray(s.signature.length / 2)),
    sha256OfSignedBytes: createHash('sha256').update(s.signed).digest('hex'),
  };
  if (verifiesWithSdkTest) signature['verifiesWithSdkTestCert_a8d5cc6958f48710140d7a26160fc1cfc31f5df0'] = verifiesWithSdkTest(view);
  const metadata = {
    fileSize: s.fileSize, payloadSize: s.payload.length, metadataOffset: s.metadataOffset, metadataLength: s.metadataLength,
    metadataMagic: hex32(METADATA_MAGIC), sectionCount: s.sectionCount,
    sections: s.sections.map((x) => describeSection(x, view.metadata)), lengthFieldOffset: s.lengthFieldOffset, signature,
  };
  let payload: Record<string, unknown> = { kind: view.payloadKind };
  if (view.asxipfs) {
    const a = view.asxipfs;
    payload = {
      kind: 'asxipfs',
      superblock: { magic: hex32(a.magic), size: a.size, flags: a.flags, future: a.future, signature: a.signature, crc: hex32(a.crc), crcRecomputed: hex32(a.crcRecomputed), edition: a.edition, blocks: a.blocks, files: a.files, name: a.name },
      inodesInTraversalOrder: a.inodes.map((i) => ({
        inodeOffset: i.inodeOffset, mode: '0' + i.mode.toString(8), uid: i.uid, size: i.size, gid: i.gid, nameLenBytes: i.nameLenBytes,
        dataOrChildOffset: i.dataOrChildOffset, name: i.name, rawWordsHex: i.rawWords.map((w) => w.toString(16).padStart(8, '0')), path: i.path,
      })),
    };
  } else if (view.fdtHeader) {
    payload = { kind: 'flattened-device-tree', fdtHeaderBigEndian: view.fdtHeader.map((w) => '0x' + w.toString(16)), ...(view.boardConfig ? { azconfig: view.boardConfig } : {}) };
  } else if (view.lzma && view.inner) {
    payload = {
      kind: 'lzma-alone', lzmaPropsByte: view.lzma.propsByte, lzmaDictSize: view.lzma.dictSize, lzmaUncompressedSizeField: view.lzma.uncompressedSizeField,
      trailingPaddingHex: hex(view.lzma.trailingPadding), innerImageSize: view.inner.bytes.length, innerImage: describeLayout(view.inner, verifiesWithSdkTest),
    };
  }
  return { metadata, payload };
}

/** Everything `image show` reports, as data. */
export function describePackage(view: PackageView, options: { file?: string; verifiesWithSdkTest?: (v: PackageView) => boolean } = {}): Record<string, unknown> {
  const m = view.metadata;
  const summary = {
    imageType: m.identity?.imageType, imageTypeName: m.identity ? IMAGE_TYPE[m.identity.imageType] ?? 'Unknown' : undefined,
    componentId: m.identity?.componentId, imageId: m.identity?.imageId, name: m.debug?.name,
    buildTimeUtc: m.debug ? new Date(m.debug.buildTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
    signingThumbprint: m.signature?.thumbprint, compressed: Boolean(m.compression),
    temporaryFlags: m.temporaryImage?.flags, abiDepends: m.abiDepends, abiProvides: m.abiProvides,
    revocation: m.revocation?.securityVersion,
    securityVersion: m.revocation?.securityVersion,
  };
  const manifest = manifestText(view);
  let manifestJson: unknown;
  if (manifest !== undefined) {
    try { manifestJson = JSON.parse(manifest); } catch { manifestJson = manifest; }
  }
  return {
    ...(options.file === undefined ? {} : { file: options.file }),
    sha256: createHash('sha256').update(view.bytes).digest('hex'),
    /** Anti-rollback version from the Revocation section; null when the package has none. */
    securityVersion: m.revocation?.securityVersion ?? null,
    summary,
    ...describeLayout(view, options.verifiesWithSdkTest),
    files: listFiles(view),
    ...(manifest === undefined ? {} : { manifest: manifestJson }),
  };
}
