/**
 * The manifest the packer stores (spec/imagepackage.md §5): the source `app_manifest.json`
 * validated, `$NAME` references resolved through the hardware definitions, written minified with
 * the source's key order, and `TargetApplicationRuntimeVersion` appended for high-level apps.
 * The source file is only read, never modified.
 */
import { readFileSync } from 'node:fs';
import { NotFoundError, UsageError, ValidationError } from './errors';
import { APPLICATION_RUNTIME_KNOWN } from './format';

import { checkManifest, formatDiagnostic } from './manifest/index';

export interface PreparedManifest {
  path: string;
  bytes: Uint8Array;
  json: Record<string, unknown>;
  componentId: string;
  name: string;
  entryPoint: string | undefined;
  applicationType: 'Default' | 'RealTimeCapable';
  /** ApplicationRuntime version for the ND section; undefined for real-time apps. */
  runtimeVersion: number | undefined;
  warnings: string[];
}

export interface PrepareOptions {
  targetApiSet?: string;
  hardwareDefinitionDirs?: string[];
  targetDefinition?: string;
}

/** Parses `--target-api-set` values such as `12` or `16+Beta2304`. */
export function parseApiSet(text: string): { runtimeVersion: number; beta: string | undefined } {
  const m = /^\s*(\d{1,4})(?:\+(Beta\d{4}))?\s*$/.exec(text);
  if (!m) throw new UsageError(`Cannot use target API set "${text}": expected a number such as 16, optionally with a Beta suffix such as 16+Beta2304.`, { code: 'BAD_API_SET' });
  return { runtimeVersion: Number(m[1]), beta: m[2] };
}

/** An API set no released OS serves would make an app no device can run. */
function checkKnownApiSet(version: number, what: string, path: string, E: typeof UsageError | typeof ValidationError): void {
  const { oldest, newest } = APPLICATION_RUNTIME_KNOWN;
  if (version < oldest || version > newest) {
    throw new E(`Cannot pack manifest "${path}": ${what} is not an API set any known Azure Sphere OS serves (${oldest} to ${newest}). Target one of them, e.g. --target-api-set ${newest}.`, { code: 'UNKNOWN_API_SET', path });
  }
}

export function prepareManifest(path: string, o: PrepareOptions = {}): PreparedManifest {
  let source: Buffer;
  try {
    source = readFileSync(path);
  } catch {
    throw new NotFoundError(`Cannot read manifest "${path}": the file does not exist. Add an app_manifest.json to the folder or pass --manifest.`, { code: 'MANIFEST_NOT_FOUND', path });
  }
  const check = checkManifest(source, {
    path,
    ...(o.hardwareDefinitionDirs === undefined ? {} : { hardwareDefinitionDirs: o.hardwareDefinitionDirs }),
    ...(o.targetDefinition === undefined ? {} : { targetDefinition: o.targetDefinition }),
  });
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !check.manifest) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run "sphere manifest check" for all)` : '';
    throw new ValidationError(first ? `${formatDiagnostic(first)}${more}` : `Cannot read manifest "${path}": it is not a JSON object. Fix the file.`, {
      code: first?.code ?? 'MANIFEST_INVALID', path, ...(first?.pointer === undefined ? {} : { pointer: first.pointer }),
    });
  }
  const json: Record<string, unknown> = { ...check.manifest };
  const applicationType = json['ApplicationType'] === 'RealTimeCapable' ? 'RealTimeCapable' : 'Default';
  let runtimeVersion: number | undefined;
  if (applicationType === 'Default') {
    const inManifest = typeof json['TargetApplicationRuntimeVersion'] === 'number' ? json['TargetApplicationRuntimeVersion'] as number : undefined;
    if (o.targetApiSet !== undefined) {
      const api = parseApiSet(o.targetApiSet);
      runtimeVersion = api.runtimeVersion;
      checkKnownApiSet(runtimeVersion, `--target-api-set "${o.targetApiSet}"`, path, UsageError);
      if (inManifest !== undefined && inManifest !== runtimeVersion) {
        throw new UsageError(`Cannot pack manifest "${path}": --target-api-set "${o.targetApiSet}" disagrees with its TargetApplicationRuntimeVersion ${inManifest}. Pass --target-api-set ${inManifest}, or change the manifest.`, { code: 'API_SET_MISMATCH', path });
      }
      const beta = json['TargetBetaApis'];
      if (api.beta && beta !== undefined && beta !== api.beta) {
        throw new UsageError(`Cannot pack manifest "${path}": --target-api-set "${o.targetApiSet}" disagrees with its TargetBetaApis "${String(beta)}". Pass --target-api-set ${runtimeVersion}+${String(beta)}, or change the manifest.`, { code: 'API_SET_MISMATCH', path });
      }
      if (api.beta && beta === undefined) json['TargetBetaApis'] = api.beta;
    } else if (inManifest !== undefined) {
      runtimeVersion = inManifest;
      checkKnownApiSet(runtimeVersion, `TargetApplicationRuntimeVersion ${runtimeVersion}`, path, ValidationError);
    } else {
      throw new UsageError(`Cannot pack manifest "${path}": no target API set is known. Pass --target-api-set (e.g. 16) or set TargetApplicationRuntimeVersion in the manifest.`, { code: 'NO_API_SET', path });
    }
    delete json['TargetApplicationRuntimeVersion'];
    json['TargetApplicationRuntimeVersion'] = runtimeVersion;
  }
  const entry = typeof json['EntryPoint'] === 'string' ? (json['EntryPoint'] as string) : undefined;
  return {
    path, bytes: Buffer.from(JSON.stringify(json), 'utf8'), json,
    componentId: String(json['ComponentId']).toLowerCase(), name: String(json['Name']),
    entryPoint: entry?.replace(/^\/+/, ''), applicationType, runtimeVersion,
    warnings: check.diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic),
  };
}
