/**
 * `--query`: a JMESPath subset applied to a command's data before it is formatted, so scripts
 * can pick fields as they do with azsphere (`--query deviceId -o tsv`). Supported: identifiers
 * (plain or "quoted"), `a.b`, `[n]` (negative from the end), `[*]` and `.*` projections, `[]`
 * flatten, `[a:b]` slices, filters `[?expr]` with `== != < <= > >=`, `&&`, `||`, `!`, literals
 * (`'raw'`, `` `json` ``, numbers), multiselect lists `[a, b]` and hashes `{k: a}`, `@`, and the
 * pipe `|`. Functions: `length`, `keys`, `values`, `contains`, `starts_with`, `sort`, `join`.
 */
import { UsageError } from '../image-builder/errors';

type Node =
  | { t: 'id'; name: string }
  | { t: 'current' }
  | { t: 'literal'; value: unknown }
  | { t: 'sub'; left: Node; right: Node }
  | { t: 'index'; left: Node; index: number }
  | { t: 'slice'; left: Node; start?: number; stop?: number }
  | { t: 'project'; left: Node; right: Node; kind: 'list' | 'object' | 'flatten' }
  | { t: 'filter'; left: Node; cond: Node; right: Node }
  | { t: 'multilist'; items: Node[] }
  | { t: 'multihash'; items: Array<[string, Node]> }
  | { t: 'cmp'; op: string; left: Node; right: Node }
  | { t: 'and' | 'or'; left: Node; right: Node }
  | { t: 'not'; expr: Node }
  | { t: 'pipe'; left: Node; right: Node }
  | { t: 'call'; name: string; args: Node[] };

const CURRENT: Node = { t: 'current' };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(why: string): never {
    throw new UsageError(`Cannot use query "${this.s}": ${why} at character ${this.i + 1}. See JMESPath syntax, e.g. --query "[0].deviceId".`, { code: 'BAD_QUERY' });
  }

  private ws(): void { while (/\s/.test(this.s[this.i] ?? '')) this.i++; }
  private peek(n = 1): string { this.ws(); return this.s.slice(this.i, this.i + n); }
  private eat(tok: string): boolean { if (this.peek(tok.length) === tok) { this.i += tok.length; return true; } return false; }
  private expect(tok: string): void { if (!this.eat(tok)) this.fail(`expected "${tok}"`); }

  parse(): Node {
    const n = this.expr(0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected "${this.s[this.i]}"`);
    return n;
  }

  // Binding powers, loosest first: | → || → && → comparisons → ! → postfix (., [ ]).
  private expr(min: number): Node {
    let left = this.prefix();
    for (;;) {
      const p = this.peek(2);
      if (min <= 0 && p[0] === '|' && p !== '||') { this.i++; left = { t: 'pipe', left, right: this.expr(1) }; continue; }
      if (min <= 1 && p === '||') { this.i += 2; left = { t: 'or', left, right: this.expr(2) }; continue; }
      if (min <= 2 && p === '&&') { this.i += 2; left = { t: 'and', left, right: this.expr(3) }; continue; }
      const cmp = ['==', '!=', '<=', '>=', '<', '>'].find((o) => this.peek(o.length) === o);
      if (min <= 3 && cmp) { this.i += cmp.length; left = { t: 'cmp', op: cmp, left, right: this.expr(4) }; continue; }
      const post = this.postfix(left);
      if (post === left) return left;
      left = post;
    }
  }

  private prefix(): Node {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail('the expression ends early');
    if (c === '!') { this.i++; return { t: 'not', expr: this.expr(4) }; }
    if (c === '(') { this.i++; const e = this.expr(0); this.expect(')'); return e; }
    if (c === '@') { this.i++; return CURRENT; }
    if (c === '*') { this.i++; return { t: 'project', left: CURRENT, right: this.projectionRest(), kind: 'object' }; }
    if (c === '[') return this.bracket(CURRENT);
    if (c === '{') return this.multihash();
    if (c === "'") return { t: 'literal', value: this.rawString() };
    if (c === '`') return { t: 'literal', value: this.jsonLiteral() };
    if (/[-0-9]/.test(c)) { const m = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i))!; this.i += m[0].length; return { t: 'literal', value: Number(m[0]) }; }
    const name = this.identifier();
    if (this.peek() === '(') return this.call(name);
    return { t: 'id', name };
  }

  private postfix(left: Node): Node {
    const c = this.peek();
    if (c === '.') {
      this.i++;
      if (this.eat('*')) return { t: 'project', left, right: this.projectionRest(), kind: 'object' };
      if (this.peek() === '[') return { t: 'sub', left, right: this.multilist() };
      if (this.peek() === '{') return { t: 'sub', left, right: this.multihash() };
      const name = this.identifier();
      return { t: 'sub', left, right: this.peek() === '(' ? this.call(name) : { t: 'id', name } };
    }
    if (c === '[') return this.bracket(left);
    return left;
  }

  private bracket(left: Node): Node {
    this.ws();
    const open = this.i;
    this.expect('[');
    if (this.eat(']')) return { t: 'project', left, right: this.projectionRest(), kind: 'flatten' };
    if (this.eat('*')) { this.expect(']'); return { t: 'project', left, right: this.projectionRest(), kind: 'list' }; }
    if (this.eat('?')) { const cond = this.expr(0); this.expect(']'); return { t: 'filter', left, cond, right: this.projectionRest() }; }
    const num = /^\s*(-?\d+)?\s*(:)?\s*(-?\d+)?\s*\]/.exec(this.s.slice(this.i));
    if (num && (num[1] !== undefined || num[2])) {
      this.i += num[0].length;
      if (!num[2]) return { t: 'index', left, index: Number(num[1]) };
      const n: Node = { t: 'slice', left, ...(num[1] === undefined ? {} : { start: Number(num[1]) }), ...(num[3] === undefined ? {} : { stop: Number(num[3]) }) };
      return { t: 'project', left: n, right: this.projectionRest(), kind: 'list' };
    }
    if (left !== CURRENT) this.fail('expected an index, "*", "?" or "]"');
    this.i = open;
    return this.multilist();
  }

  /** What follows a projection applies to each element: `.x`, `[..]` chains. */
  private projectionRest(): Node {
    let right: Node = CURRENT;
    for (;;) {
      const c = this.peek();
      // A flatten ends the projection: it applies to the projected results, not to each element.
      if ((c !== '.' && c !== '[') || this.peek(2) === '[]') return right;
      const next = this.postfix(right);
      if (next === right) return right;
      right = next;
    }
  }

  private multilist(): Node {
    this.expect('[');
    const items: Node[] = [];
    do items.push(this.expr(0)); while (this.eat(','));
    this.expect(']');
    return { t: 'multilist', items };
  }

  private multihash(): Node {
    this.expect('{');
    const items: Array<[string, Node]> = [];
    do {
      const key = this.identifier();
      this.expect(':');
      items.push([key, this.expr(0)]);
    } while (this.eat(','));
    this.expect('}');
    return { t: 'multihash', items };
  }

  private call(name: string): Node {
    this.expect('(');
    const args: Node[] = [];
    if (!this.eat(')')) {
      do args.push(this.expr(0)); while (this.eat(','));
      this.expect(')');
    }
    if (!(name in FUNCTIONS)) this.fail(`unknown function "${name}"`);
    return { t: 'call', name, args };
  }

  private identifier(): string {
    this.ws();
    if (this.s[this.i] === '"') {
      const m = /^"((?:[^"\\]|\\.)*)"/.exec(this.s.slice(this.i));
      if (!m) this.fail('unterminated quoted identifier');
      this.i += m[0].length;
      return JSON.parse(m[0]) as string;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a field name');
    this.i += m[0].length;
    return m[0];
  }

  private rawString(): string {
    const m = /^'((?:[^'\\]|\\.)*)'/.exec(this.s.slice(this.i));
    if (!m) this.fail('unterminated string');
    this.i += m[0].length;
    return m[1]!.replace(/\\'/g, "'");
  }

  private jsonLiteral(): unknown {
    const end = this.s.indexOf('`', this.i + 1);
    if (end < 0) this.fail('unterminated `literal`');
    const text = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    try { return JSON.parse(text); } catch { return text; }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const truthy = (v: unknown): boolean => !(v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0));

const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  length: ([v]) => (typeof v === 'string' || Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : null),
  keys: ([v]) => (isObject(v) ? Object.keys(v) : null),
  values: ([v]) => (isObject(v) ? Object.values(v) : null),
  contains: ([h, n]) => (typeof h === 'string' ? h.includes(String(n)) : Array.isArray(h) ? h.some((x) => JSON.stringify(x) === JSON.stringify(n)) : false),
  starts_with: ([s, p]) => (typeof s === 'string' && typeof p === 'string' ? s.startsWith(p) : null),
  sort: ([v]) => (Array.isArray(v) ? [...v].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : null),
  join: ([sep, v]) => (Array.isArray(v) ? v.map(String).join(String(sep)) : null),
};

function evaluate(n: Node, v: unknown): unknown {
  switch (n.t) {
    case 'current': return v;
    case 'literal': return n.value;
    case 'id': return isObject(v) ? (v[n.name] ?? null) : null;
    case 'sub': { const l = evaluate(n.left, v); return l === null ? null : evaluate(n.right, l); }
    case 'index': {
      const l = evaluate(n.left, v);
      if (!Array.isArray(l)) return null;
      return l[n.index < 0 ? l.length + n.index : n.index] ?? null;
    }
    case 'slice': { const l = evaluate(n.left, v); return Array.isArray(l) ? l.slice(n.start, n.stop) : null; }
    case 'project': {
      let l = evaluate(n.left, v);
      if (n.kind === 'object') l = isObject(l) ? Object.values(l) : null;
      else if (n.kind === 'flatten') l = Array.isArray(l) ? l.flatMap((x) => (Array.isArray(x) ? x : [x])) : null;
      if (!Array.isArray(l)) return null;
      return l.map((x) => evaluate(n.right, x)).filter((x) => x !== null);
    }
    case 'filter': {
      const l = evaluate(n.left, v);
      if (!Array.isArray(l)) return null;
      return l.filter((x) => truthy(evaluate(n.cond, x))).map((x) => evaluate(n.right, x)).filter((x) => x !== null);
    }
    case 'multilist': return v === null ? null : n.items.map((i) => evaluate(i, v));
    case 'multihash': return v === null ? null : Object.fromEntries(n.items.map(([k, i]) => [k, evaluate(i, v)]));
    case 'cmp': {
      const a = evaluate(n.left, v), b = evaluate(n.right, v);
      if (n.op === '==') return JSON.stringify(a) === JSON.stringify(b);
      if (n.op === '!=') return JSON.stringify(a) !== JSON.stringify(b);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      return n.op === '<' ? a < b : n.op === '<=' ? a <= b : n.op === '>' ? a > b : a >= b;
    }
    case 'and': { const a = evaluate(n.left, v); return truthy(a) ? evaluate(n.right, v) : a; }
    case 'or': { const a = evaluate(n.left, v); return truthy(a) ? a : evaluate(n.right, v); }
    case 'not': return !truthy(evaluate(n.expr, v));
    case 'pipe': return evaluate(n.right, evaluate(n.left, v));
    case 'call': return FUNCTIONS[n.name]!(n.args.map((a) => evaluate(a, v)));
  }
}

/** Compiles a query once; throws UsageError (exit 2) for bad syntax. */
export function compileQuery(text: string): (data: unknown) => unknown {
  const ast = new Parser(text).parse();
  return (data) => evaluate(ast, JSON.parse(JSON.stringify(data ?? null)) as unknown);
}
