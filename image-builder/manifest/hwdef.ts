/**
 * Hardware definition files (spec app-manifest.md §6): parsing one file, loading a target
 * definition with its `Imports` chain from search folders, and resolving every peripheral name to
 * the `AppManifestValue` at the end of its `Mapping` chain. `checkManifest` and the packer use this
 * to turn `$NAME` references into raw values; `hwdef generate-header` uses the parsed file.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CODES, type DiagnosticCode } from './codes';
import { quote, type Diagnostic } from './diagnostics';
import { LineIndex, member, type JsonNode } from './json';
import { PERIPHERAL_TYPES } from './schema';
import { decodeSource } from './source';

export const HWDEF_METADATA_TYPE = 'Azure Sphere Hardware Definition';
export const HWDEF_METADATA_VERSION = 1;
/** Bounds that keep hostile definitions cheap: bytes per file, files per import closure. */
export const MAX_HWDEF_BYTES = 4 * 1024 * 1024;
export const MAX_HWDEF_FILES = 64;

export interface HwPeripheral {
  name: string;
  type: string;
  mapping?: string;
  appManifestValue?: string | number;
  mainCoreHeaderValue?: string;
  comment?: string;
  /** Where it is declared. */
  file: string;
  pointer: string;
  line: number;
  column: number;
  /** After resolution: the `AppManifestValue` its mapping chain ends in, if any. */
  value?: string | number;
  /** Names followed from this peripheral to the one holding the value (itself first). */
  chain: string[];
  /** Set when the chain is broken (a mapping not found, a type mismatch on the way). */
  broken?: boolean;
}

export interface HwImport {
  /** `Path` as written. */
  path: string;
  /** The file it was found at (absent when not found or when it closes a cycle). */
  resolved?: string;
  pointer: string;
  line: number;
  column: number;
}

export interface HwFile {
  path: string;
  /** `Description.Name`. */
  name?: string;
  /** `Description.MainCoreHeaderFileTopContent`. */
  topContent: string[];
  imports: HwImport[];
  peripherals: HwPeripheral[];
}

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

const _C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one hardware definition file; never throws for bad content. */
export function parseHardwareDefinitionFile(path: string, source: string | Uint8Array): { file?: HwFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const decoded = decodeSource(source, MAX_HWDEF_BYTES);
  const index = new LineIndex(decoded.text);
  const at = (code: DiagnosticCode, pointer: string, offset: number, message: string): void => {
    diagnostics.push({ severity: CODES[code], code, pointer, file: path, ...index.position(offset), message });
  };
  for (const p of decoded.problems) at(p.code, p.pointer, p.offset, `Cannot read hardware definition ${quote(path)}: ${p.why}. ${p.fix}`);
  const root = decoded.root;
  if (root === undefined) return { diagnostics };
  if (root.kind !== 'object') {
    at('HWDEF_INVALID', '', root.start, `Cannot use hardware definition ${quote(path)}: the top-level value is not an object. Start from a definition in the SDK's HardwareDefinitions folder.`);
    return { diagnostics };
  }
  const invalid = (pointer: string, node: JsonNode, why: string, fix: string): void =>
    at('HWDEF_INVALID', pointer, node.start, `Cannot use hardware definition ${quote(path)}: ${why}. ${fix}`);

  const meta = member(root, 'Metadata')?.value;
  if (meta === undefined || meta.kind !== 'object') {
    invalid('/Metadata', meta ?? root, 'it has no "Metadata" object', `Add "Metadata": { "Type": "${HWDEF_METADATA_TYPE}", "Version": ${HWDEF_METADATA_VERSION} }`);
  } else {
    const type = member(meta, 'Type')?.value;
    const version = member(meta, 'Version')?.value;
    if (type?.kind !== 'string' || type.value !== HWDEF_METADATA_TYPE)
      invalid('/Metadata/Type', type ?? meta, `"Metadata.Type" is not "${HWDEF_METADATA_TYPE}"`, 'Set it to that text');
    else if (version?.kind !== 'number' || version.value !== HWDEF_METADATA_VERSION)
      invalid('/Metadata/Version', version ?? meta, `"Metadata.Version" is not ${HWDEF_METADATA_VERSION}`, `Set it to ${HWDEF_METADATA_VERSION}`);
  }

  const file: HwFile = { path, topContent: [], imports: [], peripherals: [] };
  const desc = member(root, 'Description')?.value;
  if (desc !== undefined) {
    if (desc.kind !== 'object') invalid('/Description', desc, '"Description" is not an object', 'Make it { "Name": "...", "MainCoreHeaderFileTopContent": [ ... ] }');
    else {
      const name = member(desc, 'Name')?.value;
      if (name?.kind === 'string') file.name = name.value;
      else if (name !== undefined) invalid('/Description/Name', name, '"Description.Name" is not a string', 'Quote it');
      const top = member(desc, 'MainCoreHeaderFileTopContent')?.value;
      if (top !== undefined) {
        if (top.kind !== 'array' || top.items.some((l) => l.kind !== 'string'))
          invalid('/Description/MainCoreHeaderFileTopContent', top, '"MainCoreHeaderFileTopContent" is not an array of strings', 'List each header line as a string');
        else file.topContent = top.items.map((l) => (l as { value: string }).value);
      }
    }
  }

  const imports = member(root, 'Imports')?.value;
  if (imports !== undefined) {
    if (imports.kind !== 'array') invalid('/Imports', imports, '"Imports" is not an array', 'Write it as [ { "Path": "other.json" } ]');
    else
      imports.items.forEach((imp, i) => {
        const pointer = `/Imports/${i}`;
        const p = imp.kind === 'object' ? member(imp, 'Path')?.value : undefined;
        if (p?.kind !== 'string' || p.value === '') invalid(pointer, imp, `import ${i} has no "Path" string`, 'Write it as { "Path": "other.json" }');
        else file.imports.push({ path: p.value, pointer: pointer + '/Path', ...index.position(p.start) });
      });
  }

  const list = member(root, 'Peripherals')?.value;
  if (list === undefined || list.kind !== 'array') {
    invalid('/Peripherals', list ?? root, 'it has no "Peripherals" array', 'Add "Peripherals": [ ... ]');
    return { file, diagnostics };
  }
  list.items.forEach((node, i) => {
    const p = _peripheral(node, `/Peripherals/${i}`, path, index, invalid);
    if (p !== undefined) file.peripherals.push(p);
  });
  return { file, diagnostics };
}

function _peripheral(
  node: JsonNode,
  pointer: string,
  path: string,
  index: LineIndex,
  invalid: (pointer: string, node: JsonNode, why: string, fix: string) => void,
): HwPeripheral | undefined {
  if (node.kind !== 'object') {
    invalid(pointer, node, `peripheral ${pointer.slice(13)} is not an object`, 'Write it as { "Name": ..., "Type": ..., "Mapping": ... }');
    return undefined;
  }
  const str = (key: string): string | undefined | null => {
    const v = member(node, key)?.value;
    if (v === undefined) return undefined;
    if (v.kind === 'string') return v.value;
    invalid(`${pointer}/${key}`, v, `"${key}" of peripheral ${pointer.slice(13)} is not a string`, 'Quote it');
    return null;
  };
  const name = str('Name');
  const type = str('Type');
  if (name === null || type === null) return undefined;
  if (name === undefined || !_C_IDENTIFIER.test(name)) {
    invalid(`${pointer}/Name`, member(node, 'Name')?.value ?? node, `peripheral ${pointer.slice(13)} needs a "Name" that is a C identifier${name === undefined ? '' : `, not ${quote(name)}`}`, 'Use letters, digits and underscores, not starting with a digit');
    return undefined;
  }
  if (type === undefined || !PERIPHERAL_TYPES.includes(type)) {
    invalid(`${pointer}/Type`, member(node, 'Type')?.value ?? node, `peripheral ${name} has ${type === undefined ? 'no "Type"' : `the unknown type ${quote(type)}`}`, `Use one of ${PERIPHERAL_TYPES.join(', ')}`);
    return undefined;
  }
  const mapping = str('Mapping');
  const header = str('MainCoreHeaderValue');
  const comment = str('Comment');
  if (mapping === null || header === null || comment === null) return undefined;
  const amvNode = member(node, 'AppManifestValue')?.value;
  if (amvNode !== undefined && amvNode.kind !== 'string' && !(amvNode.kind === 'number' && Number.isInteger(amvNode.value))) {
    invalid(`${pointer}/AppManifestValue`, amvNode, `"AppManifestValue" of ${name} is neither an integer nor a string`, 'Use the raw manifest value, e.g. 8 or "ISU0"');
    return undefined;
  }
  if ((mapping === undefined) === (header === undefined)) {
    invalid(pointer, node, `peripheral ${name} needs exactly one of "Mapping" and "MainCoreHeaderValue"`, 'Map it to an imported peripheral, or give its header value');
    return undefined;
  }
  if (mapping !== undefined && amvNode !== undefined) {
    invalid(`${pointer}/AppManifestValue`, amvNode, `peripheral ${name} has both "Mapping" and "AppManifestValue"`, 'Remove "AppManifestValue": the value comes from the mapped peripheral');
    return undefined;
  }
  if (header !== undefined && /[\r\n]/.test(header)) {
    invalid(`${pointer}/MainCoreHeaderValue`, member(node, 'MainCoreHeaderValue')?.value ?? node, `"MainCoreHeaderValue" of ${name} spans several lines`, 'Write the C expression on one line');
    return undefined;
  }
  const p: HwPeripheral = { name, type, file: path, pointer, ...index.position(node.start), chain: [] };
  if (mapping !== undefined) p.mapping = mapping;
  if (header !== undefined) p.mainCoreHeaderValue = header;
  if (comment !== undefined) p.comment = comment;
  if (amvNode !== undefined) p.appManifestValue = (amvNode as { value: string | number }).value;
  return p;
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
