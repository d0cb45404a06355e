/**
 * The `4X4M` metadata block and the signature trailer (spec/imagepackage.md §1, §2): splitting a
 * package from its end, decoding each section, and encoding sections for the packer.
 * Unknown sections are kept as raw bytes so a package can be re-signed without loss.
 */
import { FormatError } from './errors';
import { cString, hex, hex32, putU16, putU32, putU64, truncateUtf8, u16, u32, u64 } from './bytes';
import { guidFromBytes, guidToBytes } from './guid';
import {
  ABI_ENTRY_SIZE, ABI_TYPE, COMPRESSION_TYPE, DEBUG_NAME_MAX_BYTES, DEBUG_NAME_SIZE, IMAGE_TYPE, MAX_SECTIONS,
  METADATA_HEADER_SIZE, METADATA_MAGIC, METADATA_TRAILER_SIZE, SECTION, SECTION_HEADER_SIZE, SECTION_SIZE,
  SIGNATURE_SIZE_P256, SIGNATURE_SIZE_P384, SIGNING_TYPE, THUMBPRINT_SIZE,
} from './format';

export interface RawSection {
  id: number;
  /** Absolute offset of the section header in the file. */
  offset: number;
  data: Uint8Array;
}

export interface AbiEntry { version: number; type: number }

/** Decoded view of the sections a package carries (absent ones are undefined). */
export interface Metadata {
  identity?: { imageType: number; reserved: number; componentId: string; imageId: string };
  signature?: { thumbprint: string; signingType: number };
  debug?: { buildTime: number; name: string };
  temporaryImage?: { flags: number };
  abiDepends?: AbiEntry[];
  abiProvides?: AbiEntry[];
  compression?: { uncompressedSize: number; compressionType: number };
  revocation?: { securityVersion: number };
  requiredFlashOffset?: { offset: number };
  imagePolicy?: { flags: number };
  sections: RawSection[];
}

export interface SplitPackage {
  fileSize: number;
  payload: Uint8Array;
  metadataOffset: number;
  metadataLength: number;
  sectionCount: number;
  sections: RawSection[];
  lengthFieldOffset: number;
  signatureOffset: number;
  signature: Uint8Array;
  /** Everything the signature covers: payload ‖ metadata. */
  signed: Uint8Array;
}

const TAGS = new Map<number, string>(Object.entries(SECTION).map(([n, v]) => [v, n]));

export function sectionTag(id: number): string {
  return String.fromCharCode(id & 0xff, id >>> 8);
}

export function sectionName(id: number): string {
  return TAGS.get(id) ?? 'Unknown';
}

function fail(code: string, message: string, offset?: number): never {
  throw new FormatError(message, offset === undefined ? { code } : { code, offset });
}

function trySplit(b: Uint8Array, sigLen: number): SplitPackage | string {
  const size = b.length;
  const minimum = sigLen + METADATA_HEADER_SIZE + METADATA_TRAILER_SIZE;
  if (size < minimum) return 'TRUNCATED';
  const lengthFieldOffset = size - sigLen - METADATA_TRAILER_SIZE;
  const m = u32(b, lengthFieldOffset);
  if (m < METADATA_HEADER_SIZE + METADATA_TRAILER_SIZE || m > size - sigLen) return 'BAD_LENGTH';
  const metadataOffset = size - sigLen - m;
  if (u32(b, metadataOffset) !== METADATA_MAGIC) return 'BAD_MAGIC';
  const count = u32(b, metadataOffset + 4);
  if (count > MAX_SECTIONS) return 'BAD_SECTION_COUNT';
  const sections: RawSection[] = [];
  let p = metadataOffset + METADATA_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (p + SECTION_HEADER_SIZE > lengthFieldOffset) return 'BAD_SECTION';
    const id = u16(b, p);
    const len = u16(b, p + 2);
    if (p + SECTION_HEADER_SIZE + len > lengthFieldOffset) return 'BAD_SECTION';
    sections.push({ id, offset: p, data: b.subarray(p + SECTION_HEADER_SIZE, p + SECTION_HEADER_SIZE + len) });
    p += SECTION_HEADER_SIZE + len;
  }
  if (p !== lengthFieldOffset) return 'BAD_LENGTH';
  return {
    fileSize: size, payload: b.subarray(0, metadataOffset), metadataOffset, metadataLength: m, sectionCount: count,
    sections, lengthFieldOffset, signatureOffset: size - sigLen, signature: b.subarray(size - sigLen),
    signed: b.subarray(0, size - sigLen),
  };
}

const SPLIT_MESSAGES: Record<string, string> = {
  TRUNCATED: 'it is too short to hold metadata and a signature',
  BAD_LENGTH: 'its metadata length field does not match the sections it frames',
  BAD_MAGIC: 'the metadata block does not start with "4X4M"',
  BAD_SECTION_COUNT: `its metadata claims more than ${MAX_SECTIONS} sections`,
  BAD_SECTION: 'a metadata section runs past the end of the metadata block',
};

/** Splits a package into payload, metadata sections and signature, reading from the end (§1). */
export function splitPackage(b: Uint8Array): SplitPackage {
  if (b.length === 0) fail('EMPTY', 'the file is empty');
  const first = trySplit(b, SIGNATURE_SIZE_P256);
  if (typeof first !== 'string') return first;
  const second = trySplit(b, SIGNATURE_SIZE_P384);
  if (typeof second !== 'string') return second;
  // Report the reason seen with the usual 64-byte signature.
  const code = first === 'BAD_LENGTH' && b.length >= 4 && u32(b, 0) !== 0x28cd3d45 && second === 'BAD_LENGTH' ? 'BAD_MAGIC' : first;
  return fail(code, SPLIT_MESSAGES[code] ?? 'its metadata is malformed');
}

function need(s: RawSection, size: number, name: string): void {
  if (s.data.length < size) fail('BAD_SECTION', `the ${name} section is ${s.data.length} bytes, expected ${size}`, s.offset);
}

function abi(s: RawSection, name: string): AbiEntry[] {
  need(s, 4, name);
  const n = u32(s.data, 0);
  if (4 + n * ABI_ENTRY_SIZE > s.data.length) fail('BAD_SECTION', `the ${name} section lists ${n} entries but holds ${Math.floor((s.data.length - 4) / ABI_ENTRY_SIZE)}`, s.offset);
  const out: AbiEntry[] = [];
  for (let i = 0; i < n; i++) out.push({ version: u32(s.data, 4 + 8 * i), type: u32(s.data, 8 + 8 * i) });
  return out;
}

/** Decodes the known sections; raises FormatError on a known section of the wrong size. */
export function decodeSections(sections: RawSection[]): Metadata {
  const m: Metadata = { sections };
  for (const s of sections) {
    const d = s.data;
    switch (s.id) {
      case SECTION.Identity:
        need(s, SECTION_SIZE.Identity, 'Identity');
        m.identity = { imageType: u16(d, 0), reserved: u16(d, 2), componentId: guidFromBytes(d.subarray(4, 20)), imageId: guidFromBytes(d.subarray(20, 36)) };
        break;
      case SECTION.Signature:
        need(s, SECTION_SIZE.Signature, 'Signature');
        m.signature = { thumbprint: hex(d.subarray(0, THUMBPRINT_SIZE)), signingType: u32(d, THUMBPRINT_SIZE) };
        break;
      case SECTION.Debug:
        need(s, SECTION_SIZE.Debug, 'Debug');
        m.debug = { buildTime: u64(d, 0), name: cString(d.subarray(8, 8 + DEBUG_NAME_SIZE)) };
        break;
      case SECTION.TemporaryImage:
        need(s, SECTION_SIZE.TemporaryImage, 'TemporaryImage');
        m.temporaryImage = { flags: u32(d, 0) };
        break;
      case SECTION.ABIDepends: m.abiDepends = abi(s, 'ABIDepends'); break;
      case SECTION.ABIProvides: m.abiProvides = abi(s, 'ABIProvides'); break;
      case SECTION.Compression:
        need(s, SECTION_SIZE.Compression, 'Compression');
        m.compression = { uncompressedSize: u32(d, 0), compressionType: u32(d, 4) };
        break;
      case SECTION.Revocation: need(s, 4, 'Revocation'); m.revocation = { securityVersion: u32(d, 0) }; break;
      case SECTION.RequiredFlashOffset: need(s, 4, 'RequiredFlashOffset'); m.requiredFlashOffset = { offset: u32(d, 0) }; break;
      case SECTION.ImagePolicy: need(s, 4, 'ImagePolicy'); m.imagePolicy = { flags: u32(d, 0) }; break;
      default: break; // kept raw
    }
  }
  return m;
}

/** One section as data, in the field names `image show -o json` uses. */
export function describeSection(s: RawSection, m: Metadata): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: '0x' + s.id.toString(16).padStart(4, '0'), tag: sectionTag(s.id), name: sectionName(s.id),
    offset: s.offset, dataLength: s.data.length, rawHex: hex(s.data),
  };
  switch (s.id) {
    case SECTION.Identity: return { ...base, ...m.identity, imageTypeName: IMAGE_TYPE[m.identity!.imageType] ?? 'Unknown' };
    case SECTION.Signature: return { ...base, signingCertThumbprint: m.signature!.thumbprint, signingType: m.signature!.signingType, signingTypeName: SIGNING_TYPE[m.signature!.signingType] ?? 'Unknown' };
    case SECTION.Debug: return { ...base, name: m.debug!.name, section: 'Debug', buildTimeUnix: m.debug!.buildTime, buildTimeUtc: isoSeconds(m.debug!.buildTime) };
    case SECTION.TemporaryImage: return { ...base, flags: m.temporaryImage!.flags, removeAtBoot: (m.temporaryImage!.flags & 1) !== 0, underDevelopment: (m.temporaryImage!.flags & 2) !== 0 };
    case SECTION.ABIDepends: return { ...base, versions: m.abiDepends!.map(abiView) };
    case SECTION.ABIProvides: return { ...base, versions: m.abiProvides!.map(abiView) };
    case SECTION.Compression: return { ...base, ...m.compression, compressionTypeName: COMPRESSION_TYPE[m.compression!.compressionType] ?? 'Unknown' };
    case SECTION.Revocation: return { ...base, ...m.revocation };
    case SECTION.RequiredFlashOffset: return { ...base, requiredOffset: hex32(m.requiredFlashOffset!.offset) };
    case SECTION.ImagePolicy: return { ...base, flags: m.imagePolicy!.flags };
    default: return base;
  }
}

function abiView(e: AbiEntry): Record<string, unknown> {
  return { version: e.version, type: e.type, typeName: ABI_TYPE[e.type] ?? 'Unknown' };
}

export function isoSeconds(unix: number): string {
  const d = new Date(unix * 1000);
  return Number.isNaN(d.getTime()) ? String(unix) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- encoding, for the packer ----

export interface SectionInput { id: number; data: Uint8Array }

export function identitySection(imageType: number, componentId: string, imageId: string): SectionInput {
  const d = new Uint8Array(SECTION_SIZE.Identity);
  putU16(d, 0, imageType);
  d.set(guidToBytes(componentId), 4);
  d.set(guidToBytes(imageId), 20);
  return { id: SECTION.Identity, data: d };
}

export function signatureSection(thumbprint: Uint8Array, signingType: number): SectionInput {
  if (thumbprint.length !== THUMBPRINT_SIZE) throw new RangeError(`a thumbprint is ${THUMBPRINT_SIZE} bytes`);
  const d = new Uint8Array(SECTION_SIZE.Signature);
  d.set(thumbprint, 0);
  putU32(d, THUMBPRINT_SIZE, signingType);
  return { id: SECTION.Signature, data: d };
}

export function debugSection(buildTime: number, name: string): SectionInput {
  const d = new Uint8Array(SECTION_SIZE.Debug);
  putU64(d, 0, buildTime);
  d.set(truncateUtf8(name, DEBUG_NAME_MAX_BYTES), 8);
  return { id: SECTION.Debug, data: d };
}

export function u32Section(id: number, value: number): SectionInput {
  const d = new Uint8Array(4);
  putU32(d, 0, value);
  return { id, data: d };
}

export function abiSection(id: number, entries: AbiEntry[]): SectionInput {
  const d = new Uint8Array(4 + ABI_ENTRY_SIZE * entries.length);
  putU32(d, 0, entries.length);
  entries.forEach((e, i) => { putU32(d, 4 + 8 * i, e.version); putU32(d, 8 + 8 * i, e.type); });
  return { id, data: d };
}

/** Serialises sections into a metadata block (magic, count, sections, total length). */
export function buildMetadata(sections: SectionInput[]): Uint8Array {
  const total = METADATA_HEADER_SIZE + sections.reduce((n, s) => n + SECTION_HEADER_SIZE + s.data.length, 0) + METADATA_TRAILER_SIZE;
  const out = new Uint8Array(total);
  putU32(out, 0, METADATA_MAGIC);
  putU32(out, 4, sections.length);
  let p = METADATA_HEADER_SIZE;
  for (const s of sections) {
    if (s.data.length > 0xffff) throw new RangeError('a metadata section holds at most 65535 bytes');
    putU16(out, p, s.id);
    putU16(out, p + 2, s.data.length);
    out.set(s.data, p + SECTION_HEADER_SIZE);
    p += SECTION_HEADER_SIZE + s.data.length;
  }
  putU32(out, p, total);
  return out;
}
