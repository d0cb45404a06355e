/**
 * LZMA1 decoder for the ".lzma" ("LZMA alone") container, the compressed payload of
 * cloud-production-signed image packages (imagepackage.md §2.9, section `CM`).
 *
 * Decode only, no dependency. The whole output stays in memory, so the "dictionary" is the output
 * buffer itself; the header's dictionary size only bounds how far back a match may reach. Every
 * malformed input ends in a `FormatError` (`LZMA_CORRUPT`, `LZMA_TRUNCATED`, `LZMA_TOO_LARGE`)
 * carrying the input offset; each loop turn emits at least one byte and output is capped, so no
 * input can make it spin.
 */
import { FormatError } from './errors';

/** Properties byte + u32le dictionary size + u64le uncompressed size. */
export const LZMA_ALONE_HEADER_SIZE = 13;
/** Default cap on decoded bytes: a tiny stream can claim (or produce) gigabytes. */
export const LZMA_DEFAULT_MAX_OUTPUT = 256 * 1024 * 1024;

export interface LzmaDecodeOptions {
  /** Filled in on success: how many input bytes the header and stream used (the rest is padding). */
  info?: { consumed: number };
  /** Refuse to produce more bytes than this (default 256 MiB). */
  maxOutputSize?: number;
}

// Properties byte = (pb * 5 + lp) * 9 + lc, with lc ≤ 8, lp ≤ 4, pb ≤ 4.
const PROPS_LIMIT = 9 * 5 * 5;
// Decoders treat any smaller declared dictionary as this size.
const DICT_MIN = 1 << 12;
const UNKNOWN_SIZE = 0xffffffff;
const END_MARKER_DISTANCE = 0xffffffff;

// Range coder: 11-bit probabilities, adaptation shift 5, renormalise below 2^24.
const PROB_INIT = 1 << 10;
const PROB_TOTAL = 1 << 11;
const PROB_BITS = 11;
const MOVE_BITS = 5;
// range and code are kept as int32 (read as unsigned): V8 then keeps them unboxed. Flipping the
// sign bit turns a signed comparison into an unsigned one.
const SIGN = -0x80000000;
const TOP_SHIFT = 24;

const STATES = 12;
const POS_BITS_MAX = 4;
const LITERAL_STATES = 7; // states below this last coded a literal
const LITERAL_CODER_SIZE = 0x300;

const LEN_LOW_BITS = 3;
const LEN_MID_BITS = 3;
const LEN_HIGH_BITS = 8;
const LEN_LOW_SYMBOLS = 1 << LEN_LOW_BITS;
const LEN_MID_SYMBOLS = 1 << LEN_MID_BITS;
const MATCH_LEN_MIN = 2;

const DIST_STATES = 4;
const DIST_SLOT_BITS = 6;
const DIST_MODEL_START = 4;
const DIST_MODEL_END = 14;
const FULL_DISTANCES = 1 << (DIST_MODEL_END >> 1);
const ALIGN_BITS = 4;

// One length coder: choice, choice2, low[16][8], mid[16][8], high[256].
const LEN_CHOICE = 0;
const LEN_CHOICE2 = 1;
const LEN_LOW = 2;
const LEN_MID = LEN_LOW + (LEN_LOW_SYMBOLS << POS_BITS_MAX);
const LEN_HIGH = LEN_MID + (LEN_MID_SYMBOLS << POS_BITS_MAX);
const LEN_CODER_SIZE = LEN_HIGH + (1 << LEN_HIGH_BITS);

// All probabilities live in one Uint16Array; these are the section offsets.
const P_IS_MATCH = 0;
const P_IS_REP = P_IS_MATCH + (STATES << POS_BITS_MAX);
const P_IS_REP_G0 = P_IS_REP + STATES;
const P_IS_REP_G1 = P_IS_REP_G0 + STATES;
const P_IS_REP_G2 = P_IS_REP_G1 + STATES;
const P_IS_REP0_LONG = P_IS_REP_G2 + STATES;
const P_DIST_SLOT = P_IS_REP0_LONG + (STATES << POS_BITS_MAX);
const P_DIST_SPECIAL = P_DIST_SLOT + (DIST_STATES << DIST_SLOT_BITS);
const P_ALIGN = P_DIST_SPECIAL + 1 + FULL_DISTANCES - DIST_MODEL_END;
const P_LEN = P_ALIGN + (1 << ALIGN_BITS);
const P_REP_LEN = P_LEN + LEN_CODER_SIZE;
const P_LITERAL = P_REP_LEN + LEN_CODER_SIZE;

const FIX = 'The compressed payload is damaged; obtain the package again.';

/**
 * Decodes a complete `.lzma` file (13-byte header, then the range-coded stream, then optional zero
 * padding). The header's size field is either exact or all-ones, in which case the stream must
 * end with the end-of-stream marker.
 */
export function decodeLzmaAlone(input: Uint8Array, options: LzmaDecodeOptions = {}): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new TypeError('decodeLzmaAlone: input must be a Uint8Array');
  const maxOutput = options.maxOutputSize ?? LZMA_DEFAULT_MAX_OUTPUT;
  if (!Number.isSafeInteger(maxOutput) || maxOutput < 0) {
    throw new RangeError('decodeLzmaAlone: maxOutputSize must be a non-negative integer');
  }
  if (input.length < LZMA_ALONE_HEADER_SIZE) {
    throw _fail('LZMA_TRUNCATED', input.length, `the ${input.length}-byte input is shorter than the ${LZMA_ALONE_HEADER_SIZE}-byte header`);
  }
  const props = input[0]!;
  if (props >= PROPS_LIMIT) {
    throw _fail('LZMA_CORRUPT', 0, `properties byte 0x${props.toString(16)} is not below 0x${PROPS_LIMIT.toString(16)}`);
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const dictSize = Math.max(view.getUint32(1, true), DICT_MIN);
  const sizeLo = view.getUint32(5, true);
  const sizeHi = view.getUint32(9, true);
  let size = -1;
  if (sizeLo !== UNKNOWN_SIZE || sizeHi !== UNKNOWN_SIZE) {
    size = sizeHi * 0x1_0000_0000 + sizeLo;
    if (size > maxOutput) {
      throw _fail('LZMA_TOO_LARGE', 5, `the header declares ${size} uncompressed bytes, more than the allowed ${maxOutput}`);
    }
  }
  const lc = props % 9;
  const lp = Math.floor(props / 9) % 5;
  const pb = Math.floor(props / 45);
  const decoder = new _Decoder(input, lc, lp, pb, dictSize, size, maxOutput);
  decoder.info = options.info;
  return decoder.run();
}

function _fail(code: string, offset: number, why: string): FormatError {
  return new FormatError(`Cannot decode LZMA stream at input offset ${offset}: ${why}. ${FIX}`, { code, offset });
}

class _Decoder {
  info: { consumed: number } | undefined;
  private readonly input: Uint8Array;
  private inPos = LZMA_ALONE_HEADER_SIZE;
  private range = -1;
  private code = 0;
  private readonly probs: Uint16Array;
  private out: Uint8Array;
  private pos = 0;

  constructor(
    input: Uint8Array,
    private readonly lc: number,
    private readonly lp: number,
    private readonly pb: number,
    private readonly dictSize: number,
    /** Exact output size, or -1 when the end marker decides. */
    private readonly size: number,
    private readonly maxOutput: number,
  ) {
    this.input = input;
    this.probs = new Uint16Array(P_LITERAL + (LITERAL_CODER_SIZE << (lc + lp))).fill(PROB_INIT);
    // Grow on demand rather than trusting the header's size: a 13-byte file may claim 256 MiB.
    const limit = size >= 0 ? size : maxOutput;
    this.out = new Uint8Array(Math.min(limit, Math.max(1 << 16, input.length * 4)));
  }

  run(): Uint8Array {
    this._initRange();
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    const lc = this.lc;
    const known = this.size >= 0;
    let state = 0;
    let rep0 = 0;
    let rep1 = 0;
    let rep2 = 0;
    let rep3 = 0;

    for (;;) {
      const pos = this.pos;
      if (known && pos === this.size) {
        // A clean range-coder end (code 0) means no marker; anything else must be the marker.
        if (this.code !== 0) {
          const at = this.inPos;
          if (!this._isEndMarker(state, pos & pbMask)) {
            throw _fail('LZMA_CORRUPT', at, `the stream goes on after the declared ${this.size} bytes`);
          }
        }
        break;
      }
      const posState = pos & pbMask;

      if (this._bit(P_IS_MATCH + (state << POS_BITS_MAX) + posState) === 0) {
        const out = this._reserve(1);
        const prev = pos > 0 ? out[pos - 1]! : 0;
        const base = P_LITERAL + LITERAL_CODER_SIZE * (((pos & lpMask) << lc) + (prev >> (8 - lc)));
        const symbol = state >= LITERAL_STATES ? this._matchedLiteral(base, out[pos - rep0 - 1]!) : this._literal(base);
        out[pos] = symbol;
        this.pos = pos + 1;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }

      let len: number;
      if (this._bit(P_IS_REP + state) === 0) {
        len = this._length(P_LEN, posState);
        state = state < LITERAL_STATES ? 7 : 10;
        const at = this.inPos;
        const dist = this._distance(len);
        if (dist === END_MARKER_DISTANCE) {
          if (known) throw _fail('LZMA_CORRUPT', at, `end marker after ${pos} of the declared ${this.size} bytes`);
          break;
        }
        if (dist >= pos || dist >= this.dictSize) {
          throw _fail('LZMA_CORRUPT', at, `match distance ${dist + 1} reaches before the start of the output (position ${pos}, dictionary ${this.dictSize})`);
        }
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        rep0 = dist;
      } else {
        if (pos === 0) throw _fail('LZMA_CORRUPT', this.inPos, 'a repeated match comes before any output');
        if (this._bit(P_IS_REP_G0 + state) === 0) {
          if (this._bit(P_IS_REP0_LONG + (state << POS_BITS_MAX) + posState) === 0) {
            const out = this._reserve(1);
            out[pos] = out[pos - rep0 - 1]!;
            this.pos = pos + 1;
            state = state < LITERAL_STATES ? 9 : 11;
            continue;
          }
        } else {
          let dist: number;
          if (this._bit(P_IS_REP_G1 + state) === 0) {
            dist = rep1;
          } else {
            if (this._bit(P_IS_REP_G2 + state) === 0) {
              dist = rep2;
            } else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = this._length(P_REP_LEN, posState);
        state = state < LITERAL_STATES ? 8 : 11;
      }

      const n = len + MATCH_LEN_MIN;
      const out = this._reserve(n);
      let src = pos - rep0 - 1;
      const end = pos + n;
      for (let p = pos; p < end; p++) out[p] = out[src++]!;
      this.pos = end;
    }

    if (this.code !== 0) {
      throw _fail('LZMA_CORRUPT', this.inPos, 'the range coder did not end cleanly');
    }
    for (let i = this.inPos; i < this.input.length; i++) {
      if (this.input[i] !== 0) throw _fail('LZMA_CORRUPT', i, 'non-zero bytes follow the end of the stream');
    }
    if (this.info) this.info.consumed = this.inPos;
    return this.out.length === this.pos ? this.out : this.out.slice(0, this.pos);
  }

  /** Makes room for `n` more output bytes, enforcing the declared size or the output cap. */
  private _reserve(n: number): Uint8Array {
    const need = this.pos + n;
    if (need <= this.out.length) return this.out;
    if (this.size >= 0 && need > this.size) {
      throw _fail('LZMA_CORRUPT', this.inPos, `the data runs past the declared ${this.size} bytes`);
    }
    if (need > this.maxOutput) {
      throw _fail('LZMA_TOO_LARGE', this.inPos, `the output exceeds the allowed ${this.maxOutput} bytes`);
    }
    const limit = this.size >= 0 ? this.size : this.maxOutput;
    const grown = new Uint8Array(Math.min(limit, Math.max(need, this.out.length * 2)));
    grown.set(this.out.subarray(0, this.pos));
    this.out = grown;
    return grown;
  }

  private _initRange(): void {
    if (this.input.length < LZMA_ALONE_HEADER_SIZE + 5) {
      throw _fail('LZMA_TRUNCATED', this.input.length, 'the stream is shorter than the 5 bytes that start the range coder');
    }
    if (this.input[this.inPos] !== 0) {
      throw _fail('LZMA_CORRUPT', this.inPos, 'the first byte of the range coder is not zero');
    }
    this.inPos++;
    let code = 0;
    for (let i = 0; i < 4; i++) code = (code << 8) | this.input[this.inPos++]!;
    // The first code must lie below the initial range 0xFFFFFFFF.
    if (code === -1) throw _fail('LZMA_CORRUPT', this.inPos - 4, 'the range coder starts out of range');
    this.code = code;
  }

  private _nextByte(): number {
    const i = this.inPos;
    if (i >= this.input.length) {
      throw _fail('LZMA_TRUNCATED', i, this.size >= 0
        ? `the input ends after ${this.pos} of the declared ${this.size} bytes`
        : `the input ends after ${this.pos} output bytes, before the end marker`);
    }
    this.inPos = i + 1;
    return this.input[i]!;
  }

  private _bit(index: number): number {
    const probs = this.probs;
    const prob = probs[index]!;
    const bound = Math.imul(this.range >>> PROB_BITS, prob);
    let bit: number;
    if ((this.code ^ SIGN) < (bound ^ SIGN)) {
      this.range = bound;
      probs[index] = prob + ((PROB_TOTAL - prob) >>> MOVE_BITS);
      bit = 0;
    } else {
      this.range = (this.range - bound) | 0;
      this.code = (this.code - bound) | 0;
      probs[index] = prob - (prob >>> MOVE_BITS);
      bit = 1;
    }
    if (this.range >>> TOP_SHIFT === 0) {
      this.range <<= 8;
      this.code = (this.code << 8) | this._nextByte();
    }
    return bit;
  }

  /** Bits with fixed probability one half, most significant first. */
  private _direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range >>>= 1;
      let bit = 0;
      if ((this.code ^ SIGN) >= (this.range ^ SIGN)) {
        this.code = (this.code - this.range) | 0;
        bit = 1;
      }
      result = (result << 1) | bit;
      if (this.range >>> TOP_SHIFT === 0) {
        this.range <<= 8;
        this.code = (this.code << 8) | this._nextByte();
      }
    }
    return result >>> 0;
  }

  /** Eight bits through the literal coder at `base`; locals keep the hottest loop off the fields. */
  private _literal(base: number): number {
    const probs = this.probs;
    const input = this.input;
    let range = this.range;
    let code = this.code;
    let inPos = this.inPos;
    let symbol = 1;
    do {
      const index = base + symbol;
      const prob = probs[index]!;
      const bound = Math.imul(range >>> PROB_BITS, prob);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        probs[index] = prob + ((PROB_TOTAL - prob) >>> MOVE_BITS);
        symbol <<= 1;
      } else {
        range = (range - bound) | 0;
        code = (code - bound) | 0;
        probs[index] = prob - (prob >>> MOVE_BITS);
        symbol = (symbol << 1) | 1;
      }
      if (range >>> TOP_SHIFT === 0) {
        if (inPos >= input.length) {
          this.inPos = inPos;
          this._nextByte();
        }
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
    } while (symbol < 0x100);
    this.range = range;
    this.code = code;
    this.inPos = inPos;
    return symbol & 0xff;
  }

  /** A literal right after a match: the byte at rep0 steers the probabilities until they differ. */
  private _matchedLiteral(base: number, matchByte: number): number {
    let symbol = 1;
    do {
      const matchBit = (matchByte >> 7) & 1;
      matchByte <<= 1;
      const bit = this._bit(base + ((1 + matchBit) << 8) + symbol);
      symbol = (symbol << 1) | bit;
      if (matchBit !== bit) break;
    } while (symbol < 0x100);
    while (symbol < 0x100) symbol = (symbol << 1) | this._bit(base + symbol);
    return symbol & 0xff;
  }

  private _tree(base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this._bit(base + m);
    return m - (1 << bits);
  }

  private _reverseTree(base: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this._bit(base + m);
      m = (m << 1) | bit;
      symbol |= bit << i;
    }
    return symbol;
  }

  /** Match length minus 2 (0..271). */
  private _length(base: number, posState: number): number {
    if (this._bit(base + LEN_CHOICE) === 0) {
      return this._tree(base + LEN_LOW + posState * LEN_LOW_SYMBOLS, LEN_LOW_BITS);
    }
    if (this._bit(base + LEN_CHOICE2) === 0) {
      return LEN_LOW_SYMBOLS + this._tree(base + LEN_MID + posState * LEN_MID_SYMBOLS, LEN_MID_BITS);
    }
    return LEN_LOW_SYMBOLS + LEN_MID_SYMBOLS + this._tree(base + LEN_HIGH, LEN_HIGH_BITS);
  }

  /** Match distance minus 1, as an unsigned 32-bit number (all ones is the end marker). */
  private _distance(len: number): number {
    const distState = len < DIST_STATES - 1 ? len : DIST_STATES - 1;
    const slot = this._tree(P_DIST_SLOT + (distState << DIST_SLOT_BITS), DIST_SLOT_BITS);
    if (slot < DIST_MODEL_START) return slot;
    const directBits = (slot >>> 1) - 1;
    // Up to 0xC0000000, hence the unsigned shift.
    const base = ((2 | (slot & 1)) << directBits) >>> 0;
    if (slot < DIST_MODEL_END) {
      return base + this._reverseTree(P_DIST_SPECIAL + base - slot, directBits);
    }
    const high = this._direct(directBits - ALIGN_BITS) << ALIGN_BITS;
    return (base + high + this._reverseTree(P_ALIGN, ALIGN_BITS)) >>> 0;
  }

  /** After the declared size: is what follows exactly one end marker? */
  private _isEndMarker(state: number, posState: number): boolean {
    if (this._bit(P_IS_MATCH + (state << POS_BITS_MAX) + posState) === 0) return false;
    if (this._bit(P_IS_REP + state) !== 0) return false;
    const len = this._length(P_LEN, posState);
    return this._distance(len) === END_MARKER_DISTANCE;
  }
}
