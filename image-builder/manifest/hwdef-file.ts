/**
 * One hardware definition file (spec app-manifest.md §6.1): `Metadata`, `Description` (name and
 * the header's top content), `Imports` and `Peripherals`, each peripheral checked on its own —
 * a C identifier name, a known `Type`, exactly one of `Mapping` and `MainCoreHeaderValue`.
 * Loading the import chain and resolving names is in hwdef.ts.
 */
import { CODES, type DiagnosticCode } from './codes';
import { quote, type Diagnostic } from './diagnostics';
import { LineIndex } from './positions';
import { member, type JsonNode } from './json';
import { PERIPHERAL_TYPES } from './schema';
import { decodeSource } from './source';

export const HWDEF_METADATA_TYPE = 'Azure Sphere Hardware Definition';
export const HWDEF_METADATA_VERSION = 1;
/** Largest definition file read (the SDK's mt3620.json is 18 KB). */
export const MAX_HWDEF_BYTES = 4 * 1024 * 1024;

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
