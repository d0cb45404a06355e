/**
 * `checkManifest`: every finding about an `app_manifest.json` in one pass — JSON, fields,
 * capabilities, `$NAME` resolution through hardware definitions, MT3620 pin rules — as data
 * (spec app-manifest.md §4). It never throws for bad content; `ok` is false when any error was found.
 */
import { APP_MANIFEST_ERROR, manifestError } from './codes';
import { checkCapabilities } from './capabilities';
import { GUID, type CheckContext } from './context';
import { Collector, quote, type Diagnostic } from './diagnostics';
import { applicationTypeOf, checkFields } from './fields';
import { resolveHardwareDefinition, type HardwareDefinition } from './hwdef';
import { member, toPlain } from './json';
import { LineIndex } from './positions';
import type { ApplicationType } from './schema';
import { decodeSource } from './source';

/** Largest manifest read; real ones are a few hundred bytes, so this only stops hostile input. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface CheckManifestOptions {
  /** The manifest's path, used in diagnostics. */
  path?: string;
  /** Folders searched for the target definition and its imports (`--hardware-definitions`). */
  hardwareDefinitionDirs?: string[];
  /** Target hardware definition file name or path (`--target-definition`). */
  targetDefinition?: string;
  /** Reads a hardware definition file (default: `fs.readFileSync`). */
  readFile?: (p: string) => Uint8Array;
  /** An already resolved definition (from `resolveHardwareDefinition`), to check many manifests against one. */
  hardwareDefinition?: HardwareDefinition;
  /**
   * Accept a capabilities snippet (a document holding only `Capabilities`, as the SDK's code
   * snippets are): its capabilities are checked and the missing fields become one warning.
   * `manifest check` allows it; the packer never does.
   */
  allowSnippet?: boolean;
}

export interface ManifestCheck {
  /** No diagnostic of severity `error`. */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The parsed manifest in source key order, `$NAME` references replaced by their values. */
  manifest?: Record<string, unknown>;
  /** The declared application type, when it is a valid one. */
  applicationType?: ApplicationType;
}

export function checkManifest(source: string | Uint8Array, options: CheckManifestOptions = {}): ManifestCheck {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) throw new TypeError('checkManifest: source must be a string or a Uint8Array');
  if (options.hardwareDefinitionDirs !== undefined && !Array.isArray(options.hardwareDefinitionDirs)) throw new TypeError('checkManifest: hardwareDefinitionDirs must be an array of folder paths');
  const out = new Collector();
  const what = options.path === undefined ? 'the app manifest' : `app manifest ${quote(options.path)}`;
  const decoded = decodeSource(source, MAX_MANIFEST_BYTES);
  for (const p of decoded.problems)
    out.add(p.code, p.pointer, p.offset, () => `Cannot read ${what}: ${p.why}. ${p.fix}.`, p.code === 'JSON_SYNTAX' ? manifestError(APP_MANIFEST_ERROR.InvalidJson) : undefined);

  const result: ManifestCheck = { ok: false, diagnostics: [] };
  const root = decoded.root;
  if (root !== undefined && root.kind !== 'object')
    out.add('MANIFEST_NOT_OBJECT', '', root.start, () => `Cannot read ${what}: its top-level value is not an object. Start from the template that sphere manifest init writes.`);
  else if (root !== undefined) {
    const appType = applicationTypeOf(root);
    const id = member(root, 'ComponentId')?.value;
    let hw = options.hardwareDefinition;
    if (hw === undefined && options.targetDefinition !== undefined) {
      const hwOptions: { hardwareDefinitionDirs?: string[]; readFile?: (p: string) => Uint8Array } = {};
      if (options.hardwareDefinitionDirs !== undefined) hwOptions.hardwareDefinitionDirs = options.hardwareDefinitionDirs;
      if (options.readFile !== undefined) hwOptions.readFile = options.readFile;
      hw = resolveHardwareDefinition(options.targetDefinition, hwOptions);
    }
    if (hw !== undefined) for (const d of hw.diagnostics) out.push(d);
    const ctx: CheckContext = {
      text: decoded.text,
      out,
      appType: appType ?? 'Default',
      componentId: id?.kind === 'string' && GUID.test(id.value) ? id.value.toLowerCase() : undefined,
      hw,
      resolved: [],
      snippet: options.allowSnippet === true && root.kind === 'object' && root.members.length === 1 && root.members[0]!.key === 'Capabilities',
    };
    const caps = checkFields(root, ctx);
    if (caps !== undefined) checkCapabilities(caps, ctx);
    const manifest = toPlain(root) as Record<string, unknown>;
    if (ctx.resolved.length > 0) {
      const plainCaps = manifest['Capabilities'] as Record<string, unknown[]>;
      for (const r of ctx.resolved) (plainCaps[r.capability] as unknown[])[r.index] = r.value;
    }
    result.manifest = manifest;
    if (appType !== undefined) result.applicationType = appType;
  }
  const needsLines = out.items.some((p) => p.offset !== undefined);
  const index = needsLines ? new LineIndex(decoded.text) : undefined;
  result.diagnostics = out.finish(index === undefined ? undefined : (o) => index.position(o), options.path);
  result.ok = out.errors === 0;
  return result;
}
