/**
 * From bytes to a parsed JSON tree, with every way that can fail named: too large, not UTF-8, a
 * byte order mark, not JSON, nested too deep, a repeated key. Shared by manifests and hardware
 * definitions (spec app-manifest.md §4 rule 1).
 */
import { parseJson, type JsonNode } from './json';
import type { DiagnosticCode } from './codes';

/** Deepest nesting accepted; real manifests nest 3 levels. */
export const MAX_JSON_DEPTH = 64;

export interface SourceProblem {
  code: DiagnosticCode;
  offset: number;
  pointer: string;
  why: string;
  fix: string;
}
export interface DecodedSource {
  text: string;
  root?: JsonNode;
  problems: SourceProblem[];
}

const _decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes and parses `source`; a text longer than `maxBytes` is refused without being read. */
export function decodeSource(source: string | Uint8Array, maxBytes: number): DecodedSource {
  const problems: SourceProblem[] = [];
  const size = typeof source === 'string' ? source.length : source.byteLength;
  if (size > maxBytes) {
    problems.push({ code: 'MANIFEST_TOO_LARGE', offset: 0, pointer: '', why: `it is ${_size(size)}, more than the ${_size(maxBytes)} accepted`, fix: 'Check that this is the right file' });
    return { text: '', problems };
  }
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    try {
      text = _decoder.decode(source);
    } catch {
      const bad = _firstInvalidUtf8(source);
      const prefix = _decoder.decode(source.subarray(0, bad));
      problems.push({ code: 'JSON_INVALID_UTF8', offset: prefix.length, pointer: '', why: `byte ${bad} (0x${(source[bad] ?? 0).toString(16).padStart(2, '0')}) is not valid UTF-8`, fix: 'Save the file as UTF-8' });
      return { text: prefix, problems };
    }
  }
  // Positions are counted after a BOM, as editors (which hide it) count them.
  if (text.charCodeAt(0) === 0xfeff) {
    problems.push({ code: 'JSON_BOM', offset: 0, pointer: '', why: 'it starts with a byte order mark, which JSON does not allow', fix: 'Save the file as UTF-8 without BOM' });
    text = text.slice(1);
  }
  const parsed = parseJson(text, MAX_JSON_DEPTH);
  for (const p of parsed.problems) {
    const { offset } = p;
    if (p.code === 'JSON_DUPLICATE_KEY') {
      const key = p.pointer.slice(p.pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
      problems.push({ code: p.code, offset, pointer: p.pointer, why: `the key "${key}" appears twice in one object, and readers disagree on which value wins`, fix: 'Keep one of them' });
    } else if (p.code === 'JSON_TOO_DEEP') problems.push({ code: p.code, offset, pointer: p.pointer, why: p.why, fix: 'Flatten the structure' });
    else problems.push({ code: p.code, offset, pointer: p.pointer, why: p.why, fix: 'Fix the JSON syntax there' });
  }
  return parsed.root === undefined ? { text, problems } : { text, root: parsed.root, problems };
}

function _size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Offset of the first byte that breaks UTF-8 (only called once decoding has failed). */
function _firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the smallest code point that needs them.
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}
