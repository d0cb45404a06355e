/**
 * `sphere config get|set|unset|list`: the user's settings file (cli/config.ts) — the default
 * device, output format and development CA folder — and where each value in effect comes from
 * (a flag beats the environment variable, which beats the file).
 */
import type { CommandContext, CommandDef } from '../command';
import { UsageError } from '../../image-builder/errors';
import { appliedFromFile, configFile, isSetting, readConfig, SETTING_NAMES, SETTINGS, writeConfig, type SettingName } from '../config';
import { outputFormat } from '../output';

function nameOf(name: string | undefined): SettingName {
  if (name && isSetting(name)) return name;
  throw new UsageError(`Cannot use setting "${name ?? ''}": there is no such setting. Use one of ${SETTING_NAMES.join(', ')}.`, { code: 'BAD_SETTING' });
}

/** The value in effect, from the environment (as sphere started) or the file. */
function effective(ctx: CommandContext, name: SettingName, file: Partial<Record<SettingName, string>>) {
  const v = ctx.env[SETTINGS[name].env];
  // applyConfig copies file values into unset variables; those count as the file's.
  const fromEnv = v !== undefined && v !== '' && !appliedFromFile.has(SETTINGS[name].env);
  if (fromEnv) return { name, value: v, source: 'env', variable: SETTINGS[name].env, file: file[name] ?? null };
  if (file[name] !== undefined) return { name, value: file[name], source: 'file', variable: SETTINGS[name].env, file: file[name] };
  return { name, value: null, source: 'unset', variable: SETTINGS[name].env, file: null };
}

export const commands: CommandDef[] = [
  {
    group: 'config', name: 'list', description: 'Show every setting, its value in effect and where it comes from (environment or file)',
    async action(ctx) {
      const file = readConfig(ctx.env);
      const rows = SETTING_NAMES.map((n) => effective(ctx, n, file));
      const path = configFile(ctx.env);
      const text = rows.map((r) => `${r.name.padEnd(7)}  ${r.value === null ? '(unset)' : r.value}${r.source === 'env' ? `  (from $${r.variable})` : r.source === 'file' ? '  (from the config file)' : ''}`).join('\n');
      return { data: { file: path, settings: rows }, text: `${text}\nConfig file: ${path}\n`, table: { columns: ['name', 'value', 'source', 'variable'], rows } };
    },
  },
  {
    group: 'config', name: 'get <name>', description: 'Print one setting\'s value in effect (exit 3 when unset)',
    examples: ['sphere config get output'],
    async action(ctx, name) {
      const n = nameOf(name);
      const r = effective(ctx, n, readConfig(ctx.env));
      if (r.value === null) return { data: r, text: `${n} is not set. Set it with "sphere config set ${n} <value>" or $${r.variable}.\n`, exitCode: 3 };
      return { data: r, text: `${r.value}\n` };
    },
  },
  {
    group: 'config', name: 'set <name> <value>', description: 'Save a setting in the config file (device, output or ca-dir)',
    examples: ['sphere config set output json', 'sphere config set device emu1', 'sphere config set ca-dir ~/keys/sphere-ca'],
    async action(ctx, name, value) {
      const n = nameOf(name);
      if (n === 'output' && !outputFormat(value!)) throw new UsageError(`Cannot set output to "${value}": expected one of json, jsonc, yaml, yamlc, table, tsv, none.`, { code: 'BAD_SETTING' });
      const settings = { ...readConfig(ctx.env), [n]: value! };
      const file = writeConfig(ctx.env, settings);
      const shadowed = ctx.env[SETTINGS[n].env] && !appliedFromFile.has(SETTINGS[n].env);
      if (shadowed) ctx.ui.warn(`$${SETTINGS[n].env} is set, so it still wins over the file for ${n}.`);
      return { data: { name: n, value, file }, text: `Set ${n} to "${value}" in ${file}\n` };
    },
  },
  {
    group: 'config', name: 'unset <name>', description: 'Remove a setting from the config file',
    async action(ctx, name) {
      const n = nameOf(name);
      const settings = readConfig(ctx.env);
      const had = settings[n] !== undefined;
      delete settings[n];
      const file = writeConfig(ctx.env, settings);
      return { data: { name: n, removed: had, file }, text: had ? `Removed ${n} from ${file}\n` : `${n} was not set in ${file}\n` };
    },
  },
];
