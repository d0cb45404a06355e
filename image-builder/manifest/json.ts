/**
 * A small JSON parser that keeps what `JSON.parse` throws away: the source offset of every value and
 * key, duplicate keys, and a precise reason when the text is not JSON (RFC 8259). It is iterative,
 * with an explicit stack and a depth limit, so hostile nesting cannot overflow the call stack.
 * Used for `app_manifest.json` and hardware definition files (spec app-manifest.md §2, §6.1).
 */

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;

interface _Span {
  /** Offset (UTF-16 index into the decoded text) of the first character of the value. */
  start: number;
  /** Offset just past the value. */
  end: number;
}
export interface JsonMember {
  key: string;
  keyStart: number;
  value: JsonNode;
}
export interface JsonObject extends _Span {
  kind: 'object';
  /** Members in source order; for a repeated key only the first member is kept, holding the last value. */
  members: JsonMember[];
}
export interface JsonArray extends _Span {
  kind: 'array';
  items: JsonNode[];
}
export interface JsonString extends _Span {
  kind: 'string';
  value: string;
}
export interface JsonNumber extends _Span {
  kind: 'number';
  value: number;
}
export interface JsonBoolean extends _Span {
  kind: 'boolean';
  value: boolean;
}
export interface JsonNull extends _Span {
  kind: 'null';
}

export type JsonProblemCode = 'JSON_SYNTAX' | 'JSON_TOO_DEEP' | 'JSON_DUPLICATE_KEY';
export interface JsonProblem {
  code: JsonProblemCode;
  offset: number;
  pointer: string;
  /** Reason in the message grammar's `<why>` position (no leading capital, no final period). */
  why: string;
}
export interface JsonParseResult {
  /** Absent when the text is not JSON (a syntax or depth problem stops the parse). */
  root?: JsonNode;
  problems: JsonProblem[];
}

/** JSON pointer token escaping (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.indexOf('~') < 0 && token.indexOf('/') < 0 ? token : token.replace(/~/g, '~0').replace(/\//g, '~1');
}

interface _Frame {
  node: JsonObject | JsonArray;
  /** Index of each key in `members`, for duplicate detection in O(1). */
  keys: Map<string, number> | undefined;
  /** Key awaiting its value (objects only). */
  key: string;
  keyStart: number;
}

class _Stop extends Error {}

/** Parses `text`; never throws for bad content. `maxDepth` bounds object/array nesting. */
export function parseJson(text: string, maxDepth = 64): JsonParseResult {
  const problems: JsonProblem[] = [];
  const stack: _Frame[] = [];
  const n = text.length;
  let pos = 0;

  // Whether a failure is inside a value (pointer names the value) or between members (it names the container).
  let inValue = true;
  const fail = (why: string, at = pos): never => {
    problems.push({ code: 'JSON_SYNTAX', offset: at, pointer: inValue ? _framePointer(stack) : _containerPointer(stack), why });
    throw new _Stop();
  };
  const describe = (at: number): string => {
    if (at >= n) return 'the end of the text';
    const c = text.charCodeAt(at);
    if (c === 0x2f && (text.charCodeAt(at + 1) === 0x2f || text.charCodeAt(at + 1) === 0x2a)) return 'a comment (JSON has no comments)';
    if (c < 0x20) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    if (c === 0x27) return 'a single quote (JSON strings need double quotes)';
    const word = /^[A-Za-z_][A-Za-z0-9_]{0,19}/.exec(text.slice(at, at + 20));
    if (word !== null) return `'${word[0]}' (JSON words are true, false and null; strings need double quotes)`;
    const ch = text.codePointAt(at) ?? c;
    return `'${String.fromCodePoint(ch)}'`;
  };
  const ws = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const readString = (): string => {
    const open = pos;
    pos++; // opening quote
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= n) fail('the string that starts here is not closed', open);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunk, pos);
        pos++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunk, pos);
        const e = text.charCodeAt(pos + 1);
        switch (e) {
          case 0x22: out += '"'; break;
          case 0x5c: out += '\\'; break;
          case 0x2f: out += '/'; break;
          case 0x62: out += '\b'; break;
          case 0x66: out += '\f'; break;
          case 0x6e: out += '\n'; break;
          case 0x72: out += '\r'; break;
          case 0x74: out += '\t'; break;
          case 0x75: {
            const hex = text.slice(pos + 2, pos + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail('a \\u escape needs exactly four hex digits');
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail(`"\\${pos + 1 < n ? text[pos + 1] : ''}" is not a JSON escape (use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)`);
        }
        pos += 2;
        chunk = pos;
        continue;
      }
      if (c === 0x0a || c === 0x0d) fail('the string that starts here is not closed on its line', open);
      if (c < 0x20) fail(`${describe(pos)} must be escaped inside a string`);
      pos++;
    }
  };
  const digits = (): number => {
    const s = pos;
    for (let c = text.charCodeAt(pos); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++pos));
    return pos - s;
  };
  const readNumber = (): number => {
    const start = pos;
    const negative = text.charCodeAt(pos) === 0x2d;
    if (negative) pos++;
    const intStart = pos;
    if (text.charCodeAt(pos) === 0x30) {
      pos++;
      const d = text.charCodeAt(pos);
      if (d >= 0x30 && d <= 0x39) fail('a number cannot have a leading zero', start);
    } else if (digits() === 0) fail(`expected a digit, found ${describe(pos)}`);
    let c = text.charCodeAt(pos);
    // Plain integers (nearly every number in a manifest) are summed directly, without a substring.
    if (c !== 0x2e && c !== 0x65 && c !== 0x45 && pos - intStart <= 15) {
      let v = 0;
      for (let k = intStart; k < pos; k++) v = v * 10 + (text.charCodeAt(k) - 0x30);
      return negative ? -v : v;
    }
    if (c === 0x2e) {
      pos++;
      if (digits() === 0) fail(`expected a digit after the decimal point, found ${describe(pos)}`);
      c = text.charCodeAt(pos);
    }
    if (c === 0x65 || c === 0x45) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos++;
      if (digits() === 0) fail(`expected a digit in the exponent, found ${describe(pos)}`);
    }
    return Number(text.slice(start, pos));
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail(`expected a value, found ${describe(pos)}`);
  };

  // Attaches a finished value to the frame on top, then handles the separator that follows it,
  // closing frames as their brackets end. Returns the finished root, or undefined to read another value.
  let root: JsonNode | undefined;
  const attach = (value: JsonNode): boolean => {
    inValue = false;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        root = value;
        return true;
      }
      if (top.node.kind === 'array') top.node.items.push(value);
      else {
        const obj = top.node;
        const keys = (top.keys ??= new Map());
        const seen = keys.get(top.key);
        if (seen === undefined) {
          keys.set(top.key, obj.members.length);
          obj.members.push({ key: top.key, keyStart: top.keyStart, value });
        } else {
          problems.push({ code: 'JSON_DUPLICATE_KEY', offset: top.keyStart, pointer: _framePointer(stack), why: '' });
          (obj.members[seen] as JsonMember).value = value;
        }
      }
      ws();
      const c = text.charCodeAt(pos);
      const close = top.node.kind === 'array' ? 0x5d : 0x7d;
      if (c === 0x2c) {
        pos++;
        ws();
        if (top.node.kind === 'object') readKey(top);
        else if (text.charCodeAt(pos) === 0x5d) fail('a trailing comma is not allowed before "]"');
        inValue = true;
        return false;
      }
      if (c === close) {
        pos++;
        top.node.end = pos;
        stack.pop();
        value = top.node;
        continue;
      }
      return fail(`expected "," or "${top.node.kind === 'array' ? ']' : '}'}", found ${describe(pos)}`);
    }
  };
  const readKey = (frame: _Frame): void => {
    inValue = false;
    if (text.charCodeAt(pos) !== 0x22) {
      if (text.charCodeAt(pos) === 0x7d) fail('a trailing comma is not allowed before "}"');
      fail(`expected a quoted key, found ${describe(pos)}`);
    }
    frame.keyStart = pos;
    frame.key = readString();
    ws();
    if (text.charCodeAt(pos) !== 0x3a) fail(`expected ":" after the key, found ${describe(pos)}`);
    pos++;
    inValue = true;
  };

  try {
    for (;;) {
      ws();
      if (pos >= n) fail(stack.length === 0 ? 'the text is empty' : 'the text ends before the value is complete');
      const c = text.charCodeAt(pos);
      const start = pos;
      let value: JsonNode | undefined;
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= maxDepth) {
          problems.push({ code: 'JSON_TOO_DEEP', offset: pos, pointer: _framePointer(stack), why: `nesting goes deeper than ${maxDepth} levels` });
          throw new _Stop();
        }
        pos++;
        ws();
        if (c === 0x7b) {
          const node: JsonObject = { kind: 'object', start, end: start, members: [] };
          if (text.charCodeAt(pos) === 0x7d) {
            pos++;
            node.end = pos;
            value = node;
          } else {
            const frame: _Frame = { node, keys: undefined, key: '', keyStart: pos };
            stack.push(frame);
            readKey(frame);
            continue;
          }
        } else {
          const node: JsonArray = { kind: 'array', start, end: start, items: [] };
          if (text.charCodeAt(pos) === 0x5d) {
            pos++;
            node.end = pos;
            value = node;
          } else {
            stack.push({ node, keys: undefined, key: '', keyStart: 0 });
            continue;
          }
        }
      } else if (c === 0x22) value = { kind: 'string', start, end: 0, value: readString() };
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = { kind: 'number', start, end: 0, value: readNumber() };
      else if (c === 0x74) {
        literal('true');
        value = { kind: 'boolean', start, end: 0, value: true };
      } else if (c === 0x66) {
        literal('false');
        value = { kind: 'boolean', start, end: 0, value: false };
      } else if (c === 0x6e) {
        literal('null');
        value = { kind: 'null', start, end: 0 };
      }
      else fail(`expected a value, found ${describe(pos)}`);
      const v = value as JsonNode;
      if (v.end === 0) v.end = pos;
      if (attach(v)) break;
    }
    ws();
    if (pos < n) fail(`expected the end of the text after the top-level value, found ${describe(pos)}`);
  } catch (e) {
    if (!(e instanceof _Stop)) throw e;
    return { problems };
  }
  return root === undefined ? { problems } : { root, problems };
}

/** Pointer of the innermost open object or array (each frame's token locates the frame above it). */
function _containerPointer(stack: readonly _Frame[]): string {
  return _framePointer(stack.slice(0, -1));
}

function _framePointer(stack: readonly _Frame[]): string {
  let p = '';
  for (const f of stack) p += '/' + (f.node.kind === 'array' ? String(f.node.items.length) : escapePointerToken(f.key));
  return p;
}

/** Converts a node to plain data. Keys named `__proto__` become own properties, not prototypes. */
export function toPlain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const m of node.members) {
        if (m.key === '__proto__') Object.defineProperty(out, m.key, { value: toPlain(m.value), enumerable: true, writable: true, configurable: true });
        else out[m.key] = toPlain(m.value);
      }
      return out;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/** Finds a member by key (objects are small; linear is fastest here). */
export function member(obj: JsonObject, key: string): JsonMember | undefined {
  for (const m of obj.members) if (m.key === key) return m;
  return undefined;
}
