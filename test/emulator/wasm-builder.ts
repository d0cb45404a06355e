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
/** Signed LEB128 (i32.const immediates). */
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
};
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

const I32_I32_I32 = [0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f];
const I32X3_I32 = [0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f];
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const VOID_VOID = [0x60, 0x00, 0x00];
const I32_VOID = [0x60, 0x01, 0x7f, 0x00];

interface Spec {
  types: number[][];
  imports?: Array<{ module: string; name: string; type: number }>;
  /** Import env.memory with this many pages at least (as the SDK's modules do). */
  memoryPages?: number;
  /** Type index of each defined function, its i32 locals and body (instructions, `end` added). */
  funcs: Array<{ type: number; body: number[]; i32Locals?: number }>;
  exports?: Array<{ name: string; func: number }>;
  /** Bytes placed at address 0 of the memory. */
  data?: Uint8Array;
}

export function wasmModule(s: Spec): Uint8Array {
  const bytes = [...HEADER, ...section(1, vec(s.types))];
  const imports = (s.imports ?? []).map((i) => [...name(i.module), ...name(i.name), 0x00, ...uleb(i.type)]);
  if (s.memoryPages !== undefined) imports.push([...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(s.memoryPages)]);
  if (imports.length) bytes.push(...section(2, vec(imports)));
  bytes.push(...section(3, vec(s.funcs.map((f) => uleb(f.type)))));
  if (s.exports?.length) bytes.push(...section(7, vec(s.exports.map((e) => [...name(e.name), 0x00, ...uleb(e.func)]))));
  bytes.push(...section(10, vec(s.funcs.map((f) => {
    const body = [...(f.i32Locals ? [0x01, ...uleb(f.i32Locals), 0x7f] : [0x00]), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  }))));
  if (s.data) bytes.push(...section(11, vec([[0x00, 0x41, 0x00, 0x0b, ...uleb(s.data.length), ...s.data]])));
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
  /** Logs "started\n" with Log_Debug's import, then returns. */
  hello: () => wasmModule({
    types: [I32_I32_I32, VOID_VOID],
    imports: [{ module: 'applibs', name: 'log_write', type: 0 }],
    memoryPages: 1,
    funcs: [{ type: 1, body: [0x41, 0x00, 0x41, 0x08, 0x10, 0x00, 0x1a] }],
    exports: [{ name: '_start', func: 1 }],
    data: Buffer.from('started\n'),
  }),
  /** Opens GPIO 8 as an output, logs "go", calls GPIO_SetValue `n` times (alternating 0 and 1), logs "go" again. */
  gpioLoop: (n: number) => wasmModule({
    types: [I32_I32_I32, I32X3_I32, VOID_VOID],
    imports: [
      { module: 'applibs', name: 'log_write', type: 0 },
      { module: 'applibs', name: 'gpio_open_output', type: 1 },
      { module: 'applibs', name: 'gpio_set_value', type: 0 },
    ],
    memoryPages: 1,
    funcs: [{
      type: 2, i32Locals: 2,
      body: [
        0x41, 8, 0x41, 0, 0x41, 1, 0x10, 1, 0x21, 0, // fd = open_output(8, 0, 1)
        0x41, 0, 0x41, 3, 0x10, 0, 0x1a, // log "go\n"
        0x02, 0x40, 0x03, 0x40, // block loop
        0x20, 1, 0x41, ...sleb(n), 0x4f, 0x0d, 1, // if i >= n break
        0x20, 0, 0x20, 1, 0x41, 1, 0x71, 0x10, 2, 0x1a, // set_value(fd, i & 1)
        0x20, 1, 0x41, 1, 0x6a, 0x21, 1, 0x0c, 0, // i++, continue
        0x0b, 0x0b, // end loop, end block
        0x41, 0, 0x41, 3, 0x10, 0, 0x1a, // log "go\n"
      ],
    }],
    exports: [{ name: '_start', func: 3 }],
    data: Buffer.from('go\n'),
  }),
  /** The magic and version, then bytes that are no section. */
  invalid: () => Uint8Array.from([...HEADER, 0x0a, 0xff, 0xff, 0x01]),
};
