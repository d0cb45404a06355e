/**
 * Hardware definitions as the packer uses them (spec app-manifest.md §6): the target definition
 * and its `Imports` chain loaded from search folders, each file once, cycles cut and reported;
 * then every peripheral name resolved to the `AppManifestValue` at the end of its `Mapping` chain.
 * `checkManifest` and `sphere image pack` turn `$NAME` references into raw values with this.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { quote, type Diagnostic } from './diagnostics';
import { parseHardwareDefinitionFile, type HwFile, type HwPeripheral } from './hwdef-file';

/** Most files one import closure may load: hostile diamonds and chains stay cheap. */
export const MAX_HWDEF_FILES = 64;

export interface HardwareDefinition {
  /** The target definition's resolved path (or the name asked for, when not found). */
  target: string;
  ok: boolean;
  /** Target first, then its imports depth-first; each file once. */
  files: HwFile[];
  /** Every peripheral of the closure by name, resolved. */
  peripherals: Map<string, HwPeripheral>;
  diagnostics: Diagnostic[];
}

export interface HardwareDefinitionOptions {
  /** Folders searched for the target and for imports not found beside their importer. */
  hardwareDefinitionDirs?: readonly string[];
  readFile?: (path: string) => Uint8Array;
}

/**
 * Loads `target` and its imports and resolves every peripheral. `target` is looked up in each of
 * `hardwareDefinitionDirs`, then as a path itself; an import beside its importer, then in the dirs.
 * Never throws for bad content: problems are in `diagnostics`, with the file and line.
 */
export function resolveHardwareDefinition(target: string, options: HardwareDefinitionOptions = {}): HardwareDefinition {
  if (typeof target !== 'string' || target === '') throw new TypeError('resolveHardwareDefinition: target must be a non-empty string');
  const dirs = options.hardwareDefinitionDirs ?? [];
  const read = options.readFile ?? ((p: string) => readFileSync(p));
  const diagnostics: Diagnostic[] = [];
  const files: HwFile[] = [];
  const byPath = new Map<string, HwFile>();
  const def: HardwareDefinition = { target, ok: false, files, peripherals: new Map(), diagnostics };

  const load = (candidates: string[]): { path: string; file?: HwFile } | { error: string } => {
    let lastError = 'no such file';
    for (const c of candidates) {
      const path = resolve(c);
      const known = byPath.get(path);
      if (known !== undefined) return { path, file: known };
      let bytes: Uint8Array;
      try {
        bytes = read(path);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        lastError = code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
        continue;
      }
      if (files.length >= MAX_HWDEF_FILES) return { path };
      const parsed = parseHardwareDefinitionFile(path, bytes);
      diagnostics.push(...parsed.diagnostics);
      const file = parsed.file ?? { path, topContent: [], imports: [], peripherals: [] };
      byPath.set(path, file);
      files.push(file);
      return { path, file };
    }
    return { error: lastError };
  };

  const targetCandidates = isAbsolute(target) ? [target] : [...dirs.map((d) => join(d, target)), target];
  const first = load(targetCandidates);
  if ('error' in first || first.file === undefined) {
    diagnostics.push({
      severity: 'error',
      code: 'HWDEF_NOT_FOUND',
      pointer: '',
      file: target,
      message: `Cannot find hardware definition ${quote(target)}: ${'error' in first ? first.error : 'too many files'} in ${dirs.length === 0 ? 'the current folder' : dirs.map((d) => quote(d)).join(', ')}. Pass the folder that holds it with --hardware-definitions.`,
    });
    return def;
  }
  def.target = first.path;

  // Depth-first over imports; an import of a file still on the stack closes a cycle and is dropped,
  // which leaves the import graph acyclic for the resolution below.
  const state = new Map<string, 'open' | 'done'>([[first.path, 'open']]);
  const closure = new Map<string, Set<string>>();
  const stack: { file: HwFile; next: number }[] = [{ file: first.file, next: 0 }];
  let tooMany = false;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { file: HwFile; next: number };
    const imp = top.file.imports[top.next++];
    if (imp === undefined) {
      const set = new Set<string>();
      for (const i of top.file.imports) {
        if (i.resolved === undefined) continue;
        set.add(i.resolved);
        for (const p of closure.get(i.resolved) ?? []) set.add(p);
      }
      closure.set(top.file.path, set);
      state.set(top.file.path, 'done');
      stack.pop();
      continue;
    }
    const base = dirname(top.file.path);
    const candidates = isAbsolute(imp.path) ? [imp.path] : [join(base, imp.path), ...dirs.map((d) => join(d, imp.path))];
    const got = load(candidates);
    const where = { file: top.file.path, pointer: imp.pointer, line: imp.line, column: imp.column };
    if ('error' in got) {
      diagnostics.push({ severity: 'error', code: 'HWDEF_NOT_FOUND', ...where, message: `Cannot import ${quote(imp.path)}: it is not beside ${quote(top.file.path)}${dirs.length === 0 ? '' : ` nor in ${dirs.map((d) => quote(d)).join(', ')}`}. Add the folder that holds it with --hardware-definitions.` });
      continue;
    }
    if (got.file === undefined) {
      if (!tooMany) diagnostics.push({ severity: 'error', code: 'HWDEF_TOO_MANY_FILES', ...where, message: `Cannot import ${quote(imp.path)}: the definition already imports ${MAX_HWDEF_FILES} files. Reduce the import chain.` });
      tooMany = true;
      continue;
    }
    const s = state.get(got.path);
    if (s === 'open') {
      const loop = [...stack.map((f) => f.file.path).slice(stack.findIndex((f) => f.file.path === got.path)), got.path];
      diagnostics.push({ severity: 'error', code: 'HWDEF_IMPORT_CYCLE', ...where, message: `Cannot import ${quote(imp.path)}: it closes an import cycle (${loop.map(_base).join(' → ')}). Remove one of these imports.` });
      continue;
    }
    imp.resolved = got.path;
    if (s === undefined) {
      state.set(got.path, 'open');
      stack.push({ file: got.file, next: 0 });
    }
  }

  _resolveNames(def, closure);
  def.ok = !diagnostics.some((d) => d.severity === 'error');
  return def;
}

function _base(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}

function _resolveNames(def: HardwareDefinition, closure: Map<string, Set<string>>): void {
  const { peripherals, diagnostics } = def;
  // Every declaration of a name, so a mapping can find the one its file actually imports.
  const all = new Map<string, HwPeripheral[]>();
  for (const f of def.files)
    for (const p of f.peripherals) {
      const prior = peripherals.get(p.name);
      if (prior === undefined) {
        peripherals.set(p.name, p);
        all.set(p.name, [p]);
      } else {
        (all.get(p.name) as HwPeripheral[]).push(p);
        diagnostics.push({ severity: 'error', code: 'HWDEF_DUPLICATE_NAME', pointer: p.pointer + '/Name', file: p.file, line: p.line, column: p.column, message: `Cannot declare peripheral ${quote(p.name)} again: it is already declared at ${_base(prior.file)}:${prior.line}. Rename one of them.` });
      }
    }
  const target = (from: HwPeripheral, name: string): HwPeripheral | undefined => {
    const seen = closure.get(from.file);
    return all.get(name)?.find((t) => seen?.has(t.file) ?? false);
  };
  // Mappings point strictly into imported files and the import graph is acyclic, so each chain is
  // at most as long as the file count; `done` makes the whole pass linear.
  const done = new Set<HwPeripheral>();
  const resolveOne = (p: HwPeripheral): void => {
    const path: HwPeripheral[] = [];
    let cur: HwPeripheral | undefined = p;
    while (cur !== undefined && !done.has(cur) && !path.includes(cur)) {
      path.push(cur);
      if (cur.mapping === undefined) {
        if (cur.appManifestValue !== undefined) cur.value = cur.appManifestValue;
        cur.chain = [cur.name];
        done.add(cur);
        break;
      }
      const t = target(cur, cur.mapping);
      const where = { file: cur.file, pointer: cur.pointer + '/Mapping', line: cur.line, column: cur.column };
      if (t === undefined) {
        const elsewhere = peripherals.get(cur.mapping);
        diagnostics.push({ severity: 'error', code: 'HWDEF_MAPPING_NOT_FOUND', ...where, message: `Cannot map ${cur.name} to ${quote(cur.mapping)}: ${elsewhere === undefined ? 'no imported definition declares it' : `it is declared in ${_base(elsewhere.file)}, which ${_base(cur.file)} does not import`}. Check the name, or import the definition that declares it.` });
        cur.broken = true;
        cur.chain = [cur.name];
        done.add(cur);
        break;
      }
      if (t.type !== cur.type)
        diagnostics.push({ severity: 'error', code: 'HWDEF_MAPPING_TYPE', ...where, message: `Cannot map ${cur.name} (${cur.type}) to ${t.name}: ${t.name} is ${t.type} at ${_base(t.file)}:${t.line}. Map it to a ${cur.type} peripheral or change its "Type".` });
      if (t.type !== cur.type) cur.broken = true;
      cur = t;
    }
    // Unwind: each peripheral takes the value and chain of the one it maps to.
    for (let i = path.length - 1; i >= 0; i--) {
      const q = path[i] as HwPeripheral;
      if (done.has(q)) continue;
      const t = target(q, q.mapping as string) as HwPeripheral;
      if (t.value !== undefined) q.value = t.value;
      q.chain = [q.name, ...t.chain];
      if (t.broken === true) q.broken = true;
      done.add(q);
    }
  };
  for (const p of peripherals.values()) resolveOne(p);
}
