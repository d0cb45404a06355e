/**
 * A few hand-assembled WebAssembly modules for runtime tests that need no C toolchain
 * (WebAssembly core spec, binary format §5): a module that traps, one that spins, one that exits
 * with a code through WASI's proc_exit, one that imports a function the runtime lacks, one with no
 * `_start`, and bytes that are not a valid module.
 */
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const VOID_VOID = [0x60, 0x00, 0x00];
const I32_VOID = [0x60, 0x01, 0x7f, 0x00];

interface Spec {
  types: number[][];
  imports?: Array<{ module: string; name: string; type: number }>;
  /** Type index of each defined function, and its body (instructions, `end` added). */
  funcs: Array<{ type: number; body: number[] }>;
  exports?: Array<{ name: string; func: number }>;
}

export function wasmModule(s: Spec): Uint8Array {
  const bytes = [...HEADER, ...section(1, vec(s.types))];
  if (s.imports?.length) bytes.push(...section(2, vec(s.imports.map((i) => [...name(i.module), ...name(i.name), 0x00, ...uleb(i.type)]))));
  bytes.push(...section(3, vec(s.funcs.map((f) => uleb(f.type)))));
  if (s.exports?.length) bytes.push(...section(7, vec(s.exports.map((e) => [...name(e.name), 0x00, ...uleb(e.func)]))));
  bytes.push(...section(10, vec(s.funcs.map((f) => { const body = [0x00, ...f.body, 0x0b]; return [...uleb(body.length), ...body]; }))));
  return Uint8Array.from(bytes);
}

const start = (body: number[]) => wasmModule({ types: [VOID_VOID], funcs: [{ type: 0, body }], exports: [{ name: '_start', func: 0 }] });

export const WASM = {
  /** `unreachable` at once. */
  trap: () => start([0x00]),
  /** `loop br 0 end`: computes forever, never calls the host. */
  spin: () => start([0x03, 0x40, 0x0c, 0x00, 0x0b]),
  /** proc_exit(code). */
  exit: (code: number) => wasmModule({
    types: [I32_VOID, VOID_VOID],
    imports: [{ module: 'wasi_snapshot_preview1', name: 'proc_exit', type: 0 }],
    funcs: [{ type: 1, body: [0x41, ...uleb(code), 0x10, 0x00] }],
    exports: [{ name: '_start', func: 1 }],
  }),
  /** Imports applibs.not_a_call. */
  unknownImport: () => wasmModule({
    types: [VOID_VOID],
    imports: [{ module: 'applibs', name: 'not_a_call', type: 0 }],
    funcs: [{ type: 0, body: [0x10, 0x00] }],
    exports: [{ name: '_start', func: 1 }],
  }),
  /** A valid module with a function but no `_start`. */
  noStart: () => wasmModule({ types: [VOID_VOID], funcs: [{ type: 0, body: [] }], exports: [{ name: 'main', func: 0 }] }),
  /** The magic and version, then bytes that are no section. */
  invalid: () => Uint8Array.from([...HEADER, 0x0a, 0xff, 0xff, 0x01]),
};
