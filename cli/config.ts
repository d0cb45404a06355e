/**
 * The user's settings file, `$XDG_CONFIG_HOME/sphere/config.json` (else `~/.config/sphere/config.json`,
 * beside the development CA; `$SPHERE_CONFIG` names another file): a JSON object with up to three
 * keys — `device` (the default device, as `--device` takes it), `output` (the default `-o`
 * format) and `ca-dir` (the development CA folder). Each has an environment variable
 * (`SPHERE_DEVICE`, `SPHERE_OUTPUT`, `SPHERE_CA_DIR`); a flag beats the variable, which beats the
 * file. The file is applied by filling in the variables that are unset, so every command that
 * honours a variable honours the file too.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../image-builder/errors';

/** Every setting: its environment variable and what it is. */
export const SETTINGS = {
  device: { env: 'SPHERE_DEVICE', flag: '--device', description: 'Default device: emulator name, IP address[:port] or device ID' },
  output: { env: 'SPHERE_OUTPUT', flag: '-o / --output', description: 'Default output format: json, jsonc, yaml, yamlc, table, tsv or none' },
  'ca-dir': { env: 'SPHERE_CA_DIR', flag: '--ca-dir', description: 'Development CA folder' },
} as const;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

export function configFile(env: NodeJS.ProcessEnv, home = homedir()): string {
  const explicit = env['SPHERE_CONFIG'];
  if (explicit) return explicit;
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg && isAbsolute(xdg) ? join(xdg, 'sphere') : join(home, '.config', 'sphere'), 'config.json');
}

export function isSetting(name: string): name is SettingName {
  return Object.hasOwn(SETTINGS, name);
}

/** The file's settings; {} when there is no file. A file that is not a JSON object is refused. */
export function readConfig(env: NodeJS.ProcessEnv): Partial<Record<SettingName, string>> {
  const file = configFile(env);
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`Cannot read config file "${file}": ${(e as Error).message}. Check its permissions.`, { code: 'BAD_CONFIG', path: file });
  }
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) {
    throw new UsageError(`Cannot read config file "${file}": it is not JSON (${(e as Error).message}). Fix it, or remove it and use "sphere config set".`, { code: 'BAD_CONFIG', path: file });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`Cannot read config file "${file}": expected a JSON object such as {"output": "json"}. Fix it, or remove it and use "sphere config set".`, { code: 'BAD_CONFIG', path: file });
  const out: Partial<Record<SettingName, string>> = {};
  for (const [k, v] of Object.entries(data)) if (isSetting(k) && typeof v === 'string') out[k] = v;
  return out;
}

/** Writes the settings atomically (a temp file renamed over the old one); an empty set removes the file. */
export function writeConfig(env: NodeJS.ProcessEnv, settings: Partial<Record<SettingName, string>>): string {
  const file = configFile(env);
  if (Object.keys(settings).length === 0) { rmSync(file, { force: true }); return file; }
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(settings, null, 2) + '\n');
  renameSync(temp, file);
  return file;
}

/** Variables that applyConfig filled in from the file (so messages can say where a value came from). */
export const appliedFromFile = new Set<string>();

export interface SettingValue { value: string; source: string }

/** A setting from the environment, else the file; undefined when neither has it. */
export function configValue(name: SettingName, env: NodeJS.ProcessEnv): SettingValue | undefined {
  const v = env[SETTINGS[name].env];
  if (v !== undefined && v !== '' && !appliedFromFile.has(SETTINGS[name].env)) return { value: v, source: SETTINGS[name].env };
  const fromFile = readConfig(env)[name];
  return fromFile === undefined ? undefined : { value: fromFile, source: configFile(env) };
}

/** Fills unset environment variables from the file, so a flag > env > file precedence holds everywhere. */
export function applyConfig(env: NodeJS.ProcessEnv): void {
  const file = readConfig(env);
  for (const name of SETTING_NAMES) {
    const key = SETTINGS[name].env;
    const value = file[name];
    if (value !== undefined && (env[key] === undefined || env[key] === '')) { env[key] = value; appliedFromFile.add(key); }
  }
}
