/**
 * Reads what the runtime must know of an app's module before it runs it: its imports (module,
 * name, kind, and for a memory its limits in pages) and exports. WebAssembly.Module.imports()
 * gives no memory limits in Node 20, so the import section is read here (WebAssembly core spec
 * §5.5.5: section 2, vector of (module name, field name, import description)).
 */
export interface WasmImport { module: string; name: string; kind: 'function' | 'table' | 'memory' | 'global' | 'tag'; minPages?: number; maxPages?: number }

const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

/** The module's imports, with memory limits; throws RangeError on a malformed section. */
export function wasmImports(bytes: Uint8Array): WasmImport[] {
  let p = 8;
  const u = (): number => {
    let result = 0; let shift = 0;
    for (;;) {
      if (p >= bytes.length) throw new RangeError('the module ends inside a number');
      const b = bytes[p++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 35) throw new RangeError('a number in the module is too long');
    }
  };
  const name = (): string => {
    const n = u();
    if (p + n > bytes.length) throw new RangeError('a name runs past the end of the module');
    const s = Buffer.from(bytes.subarray(p, p + n)).toString('utf8');
    p += n;
    return s;
  };
  const limits = (): { min: number; max?: number } => {
    const flags = u();
    const min = u();
    return flags & 1 ? { min, max: u() } : { min };
  };
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = u();
    const end = p + size;
    if (id !== 2) { p = end; continue; }
    const out: WasmImport[] = [];
    for (let n = u(); n > 0; n--) {
      const module = name();
      const field = name();
      const kindByte = bytes[p++]!;
      const kind = KINDS[kindByte];
      if (!kind) throw new RangeError(`import ${module}.${field} has an unknown kind ${kindByte}`);
      const row: WasmImport = { module, name: field, kind };
      if (kind === 'function') u();
      else if (kind === 'table') { p++; limits(); }
      else if (kind === 'memory') { const l = limits(); row.minPages = l.min; if (l.max !== undefined) row.maxPages = l.max; }
      else if (kind === 'global') p += 2;
      else { p++; u(); }
      out.push(row);
    }
    return out;
  }
  return [];
}
