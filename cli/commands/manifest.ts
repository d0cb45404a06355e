/**
 * `sphere manifest check | init`: validate an app_manifest.json (with `$NAME`s resolved through
 * hardware definitions) and write a new one. Library work is in image-builder/manifest.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { optBool, optList, optString } from '../command';
import { NotFoundError, UsageError } from '../../image-builder/errors';

function readManifest(file: string): Uint8Array {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    return readFileSync(file);
  } catch {
    throw new NotFoundError(`Cannot read app manifest "${file}": the file does not exist. Check the path, or create one with "sphere manifest init".`, { code: 'MANIFEST_NOT_FOUND', path: file });
  }
}

/** A Name from a folder name: letters, digits, `_` and `-`, at most 31 bytes. */
function nameFromFolder(dir: string): string {
  const n = basename(resolve(dir)).replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 31);
  return n === '' ? 'App' : n;
}

async function check(ctx: CommandContext, file?: string) {
  const m = await import('../../image-builder/manifest/index');
  const path = resolve(ctx.cwd, file ?? 'app_manifest.json');
  const shown = file ?? 'app_manifest.json';
  const dirs = optList(ctx, 'hardwareDefinitions').map((d) => resolve(ctx.cwd, d));
  const target = optString(ctx, 'targetDefinition');
  const options: import('../../image-builder/manifest/index').CheckManifestOptions = { path: shown, allowSnippet: true };
  if (dirs.length > 0) options.hardwareDefinitionDirs = dirs;
  if (target !== undefined) options.targetDefinition = dirs.length > 0 && !target.includes('/') ? target : resolve(ctx.cwd, target);
  const result = m.checkManifest(readManifest(path), options);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  const strict = optBool(ctx, 'strict');
  const failed = errors > 0 || (strict && warnings > 0);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const summary = failed
    ? `${shown}: ${count(errors, 'error')}, ${count(warnings, 'warning')}${strict && errors === 0 ? ' (--strict fails on warnings)' : ''}`
    : `${shown}: valid ${result.applicationType === 'RealTimeCapable' ? 'real-time' : 'high-level'} app manifest${warnings > 0 ? `, ${count(warnings, 'warning')}` : ''}`;
  const text = [...result.diagnostics.map(m.formatDiagnostic), summary].join('\n') + '\n';
  const data = { file: shown, ok: !failed, errors, warnings, applicationType: result.applicationType ?? null, diagnostics: result.diagnostics };
  return { data, text, exitCode: failed ? 1 : 0 };
}

async function init(ctx: CommandContext, dir?: string) {
  const folder = resolve(ctx.cwd, dir ?? '.');
  const file = join(folder, 'app_manifest.json');
  const type = optString(ctx, 'applicationType') ?? 'Default';
  if (type !== 'Default' && type !== 'RealTimeCapable')
    throw new UsageError(`Cannot create a manifest of application type "${type}": expected Default (high-level) or RealTimeCapable (real-time).`, { code: 'BAD_APPLICATION_TYPE' });
  if (existsSync(file) && !optBool(ctx, 'force'))
    throw new UsageError(`Cannot write "${file}": the file already exists. Pass --force to replace it.`, { code: 'MANIFEST_EXISTS', path: file });
  const name = optString(ctx, 'name') ?? nameFromFolder(folder);
  if (name.trim() === '') throw new UsageError('Cannot create a manifest with an empty name. Pass --name <name>.', { code: 'BAD_NAME' });
  const m = await import('../../image-builder/manifest/index');
  const text = m.createManifest({ name, applicationType: type });
  // A long --name is allowed but truncated in packages: say so now rather than at pack time.
  for (const d of m.checkManifest(text).diagnostics) ctx.ui.warn(`${file}: ${d.message}`);
  const { writeFileAtomic } = await import('../../image-builder/index');
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(file, Buffer.from(text, 'utf8'));
  const componentId = (JSON.parse(text) as { ComponentId: string }).ComponentId;
  const data = { file, name, componentId, applicationType: type };
  return { data, text: `Wrote ${file}\n  name ${name}, component ${componentId}, ${type === 'Default' ? 'high-level' : 'real-time'} app\n` };
}

export const commands: CommandDef[] = [
  {
    group: 'manifest',
    name: 'check [file]',
    description: 'Check an app_manifest.json for every mistake a device would refuse (default: ./app_manifest.json)',
    options: [
      { flags: '--hardware-definitions <dir>', description: 'Folder(s) searched for hardware definitions (repeatable)', type: [String] },
      { flags: '--target-definition <file>', description: 'Target hardware definition JSON resolving $NAME peripherals' },
      { flags: '--strict', description: 'Fail (exit 1) on warnings too' },
    ],
    examples: [
      'sphere manifest check app_manifest.json',
      'sphere manifest check --hardware-definitions HardwareDefinitions/mt3620_rdb --hardware-definitions /opt/azurespheresdk/HardwareDefinitions --target-definition sample_appliance.json',
    ],
    action: check,
  },
  {
    group: 'manifest',
    name: 'init [dir]',
    description: 'Write a new app_manifest.json with a fresh ComponentId (default: current folder)',
    options: [
      { flags: '--name <name>', description: 'Application name (default: the folder name)' },
      { flags: '--application-type <type>', description: 'Default (high-level app) or RealTimeCapable (real-time app)', default: 'Default' },
      { flags: '--force', description: 'Replace an existing app_manifest.json' },
    ],
    examples: ['sphere manifest init apps/blink --name Blink'],
    action: init,
  },
];
