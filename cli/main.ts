/**
 * Entry point of `sphere`: finds the command group in argv, hands the rest to cac for option
 * parsing, runs the action, formats its result on stdout and owns the exit code. Nothing else
 * in the project prints or exits. Exit codes: 0 ok, 1 failed, 2 usage, 3 not found.
 */
import { cac } from 'cac';
import { basename } from 'node:path';
import { COMMANDS, GROUPS } from './commands/index';
import { createUi, type Ui } from './ui';
import { outputFormat, render, type OutputFormat } from './output';
import { compileQuery } from './query';
import { ArgvError, OUTPUT_FORMATS, parseArgs, type GlobalOptions } from './argv';
import type { CommandDef, CommandResult } from './command';
import { azsphereHints, mapAzsphereArgs } from './azsphere';
import { commandHelp } from './help';

declare const __SPHERE_VERSION__: string;
const VERSION = typeof __SPHERE_VERSION__ === 'string' ? __SPHERE_VERSION__ : '0.0.0-dev';

class Usage extends Error {}

function groupHelp(group: string, defs: CommandDef[]): string {
  const sub = new Map<string, string>();
  for (const d of defs) {
    if (d.group === group) sub.set(d.name.split(' ')[0]!, d.description);
    else if (d.group.startsWith(group + ' ')) {
      const word = d.group.slice(group.length + 1).split(' ')[0]!;
      if (!sub.has(word)) sub.set(word, GROUPS[`${group} ${word}`] ?? `${word} commands`);
    }
  }
  const width = Math.max(...[...sub.keys()].map((k) => k.length));
  const lines = [...sub].map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return `sphere ${group}: ${GROUPS[group] ?? ''}\n\nUsage:\n  $ sphere ${group} <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "sphere ${group} <command> --help" for a command's options.\n`;
}

function topHelp(): string {
  const top = Object.keys(GROUPS).filter((g) => !g.includes(' '));
  const single = COMMANDS.filter((d) => d.group === '');
  const width = Math.max(...top.map((g) => g.length), ...single.map((d) => d.name.split(' ')[0]!.length));
  const row = (k: string, v: string) => `  ${k.padEnd(width)}  ${v}`;
  const commands = single.length ? `\nCommands:\n${single.map((d) => row(d.name.split(' ')[0]!, d.description)).join('\n')}\n` : '';
  const globals = GLOBAL_HELP.map(([f, t]) => `  ${f.padEnd(22)}  ${t}`).join('\n');
  return `sphere ${VERSION} — pack, sign, verify and sideload Azure Sphere application image packages\n\nUsage:\n  $ sphere <group> <command> [options]\n\nGroups:\n${top.map((g) => row(g, GROUPS[g]!)).join('\n')}\n${commands}\nGlobal options (before or after the command):\n${globals}\n  ${'--help, -h'.padEnd(22)}  Show help\n  ${'--version, -v'.padEnd(22)}  Show the version\n\nExit codes: 0 ok, 1 failed (validation, bad signature, device error), 2 usage error, 3 not found.\nRun "sphere <group> --help" for a group's commands.\n`;
}

/** Splits argv into (group words, command definition, remaining args). Top-level commands have group "". */
export function findCommand(args: string[]): { def?: CommandDef; group: string; rest: string[] } {
  let group = '';
  let i = 0;
  while (i < args.length && !args[i]!.startsWith('-')) {
    const candidate = group ? `${group} ${args[i]}` : args[i]!;
    if (GROUPS[candidate] === undefined) break;
    group = candidate;
    i++;
  }
  const word = args[i];
  const def = word && !word.startsWith('-') ? COMMANDS.find((d) => d.group === group && d.name.split(' ')[0] === word) : undefined;
  return def ? { def, group, rest: args.slice(i + 1) } : { group, rest: args.slice(i) };
}

/** cac flag syntax without `-o`, which is the output format on every command (a command's old `-o` is rewritten by cli/argv.ts). */
function cacFlags(flags: string): string {
  return flags.replace(/(^|,\s*)-o,\s*/, '$1');
}

/**
 * The values of a repeatable string option exactly as typed: the flag parser turns digit-only
 * text into numbers (a hex nonce "0011…" would lose its leading zeros), so they are read again
 * from argv. Undefined when the option is absent.
 */
function rawValues(rest: string[], flags: string): string[] | undefined {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1];
  if (!long) return undefined;
  const out: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') break;
    if (a === `--${long}` && i + 1 < rest.length) out.push(rest[++i]!);
    else if (a.startsWith(`--${long}=`)) out.push(a.slice(long.length + 3));
  }
  return out.length ? out : undefined;
}

async function runCommand(def: CommandDef, rest: string[], lead: GlobalOptions, env: NodeJS.ProcessEnv, out: (s: string) => void, azsphere = false): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try { parsed = parseArgs(rest, def); } catch (e) { throw e instanceof ArgvError ? new Usage(e.message) : e; }
  const g: GlobalOptions = {
    verbose: lead.verbose || parsed.globals.verbose, debug: lead.debug || parsed.globals.debug, onlyShowErrors: lead.onlyShowErrors || parsed.globals.onlyShowErrors,
  };
  const outputName = parsed.globals.output ?? lead.output;
  const query = parsed.globals.query ?? lead.query;
  if (outputName !== undefined) g.output = outputName;
  if (query !== undefined) g.query = query;
  const base = createUi(env, process.stderr, g);
  // Invoked as azsphere: warnings and notes name azsphere commands too (errors are rewritten in reportError).
  const ui: Ui = azsphere ? { ...base, warn: (m) => base.warn(azsphereHints(m)), note: (m) => base.note(azsphereHints(m)) } : base;
  current.ui = ui;
  for (const n of parsed.notices) ui.warn(n);
  // -o: flag, then $SPHERE_OUTPUT, then the config file's "output"; else the human text.
  // Help is shown whatever the settings say (a broken config file must not hide it).
  const wantsHelp = parsed.args.includes('--help') || parsed.args.includes('-h');
  const { applyConfig, configValue } = await import('./config');
  if (!wantsHelp) applyConfig(env);
  const chosen = wantsHelp ? undefined : outputName !== undefined ? { value: outputName, source: 'flag' } : configValue('output', env);
  let format: OutputFormat = 'text';
  if (chosen !== undefined) {
    const f = outputFormat(chosen.value);
    if (!f) throw new Usage(`Cannot use output format "${chosen.value}"${chosen.source === 'flag' ? '' : ` (from ${chosen.source})`}: expected one of ${OUTPUT_FORMATS.join(', ')}.`);
    format = f;
  }
  const evaluate = g.query !== undefined && !wantsHelp ? await compileQuery(g.query) : undefined;
  ui.debug(`command: sphere ${def.group ? def.group + ' ' : ''}${def.name.split(' ')[0]} ${parsed.args.join(' ')}`.trimEnd());
  const cli = cac(`sphere ${def.group}`.trimEnd());
  const cmd = cli.command(def.name, def.description);
  for (const o of def.options ?? []) {
    const config: { default?: unknown; type?: unknown[] } = {};
    if (o.default !== undefined) config.default = o.default;
    if (o.type) config.type = o.type;
    cmd.option(cacFlags(o.flags), o.type ? multiHelp(o.description) : o.description, config);
  }
  for (const [flags, text] of GLOBAL_HELP) cmd.option(flags, text);
  for (const e of def.examples ?? []) cmd.example(e);
  cli.help(commandHelp(def));
  const box: { result?: CommandResult } = {};
  cmd.action(async (...args: unknown[]) => {
    const options = args.pop() as Record<string, unknown>;
    options['output'] = format === 'text' ? 'table' : format;
    // Repeatable string options keep their exact text (a hex nonce's leading zeros).
    for (const o of def.options ?? []) {
      if (o.type?.[0] !== String) continue;
      const raw = rawValues(parsed.args, o.flags);
      const name = /--([a-z0-9-]+)/.exec(o.flags)![1]!.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      if (raw) options[name] = raw;
    }
    const positional = args.map((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? undefined : String(a))).flat() as string[];
    const started = Date.now();
    const r = await def.action({ options, env, cwd: process.cwd(), ui, out }, ...positional);
    ui.verbose(`command ran in ${Date.now() - started} ms`);
    if (r) box.result = r;
  });
  cli.parse(['node', 'sphere', def.name.split(' ')[0]!, ...parsed.args], { run: false });
  if (cli.options['help']) return 0; // cac printed the command help
  await cli.runMatchedCommand();
  if (box.result && def.output !== false) {
    // A query replaces the data; the human text and table described the whole result, so they go.
    const shown: CommandResult = evaluate ? { data: evaluate(box.result.data) } : box.result;
    const text = await render(shown, format);
    if (text) out(text);
  } else if (box.result) {
    const text = await render(box.result, 'text');
    if (text) out(text);
  }
  return box.result?.exitCode ?? 0;
}

/** Multi-value options say both ways of giving several values. */
function multiHelp(description: string): string {
  return /repeatable/.test(description) ? description.replace('repeatable', 'several values after the flag, or the flag repeated') : `${description} (several values after the flag, or the flag repeated)`;
}

/** The global options as shown in every command's help (parsed by cli/argv.ts, not by cac). */
const GLOBAL_HELP: Array<[string, string]> = [
  ['-o, --output <format>', 'Output format: json, jsonc, yaml, yamlc, table, tsv or none (default: the command\'s text, or $SPHERE_OUTPUT / "sphere config set output")'],
  ['--query <jmespath>', 'JMESPath expression applied to the result, e.g. --query "[0].deviceId"'],
  ['--verbose', 'Show the steps on stderr'],
  ['--debug', 'Show the steps, HTTP exchanges and timings on stderr'],
  ['--only-show-errors', 'Hide warnings; show only errors'],
];

/** Global options before the command words (`sphere -o json image show f`). */
function leadingGlobals(args: string[]): { globals: GlobalOptions; rest: string[] } {
  let i = 0;
  while (i < args.length && (['-o', '--output', '--query', '--verbose', '--debug', '--only-show-errors'].includes(args[i]!.split('=')[0]!) || /^-o[a-z]+$/.test(args[i]!))) {
    i += /^(-o|--output|--query)$/.test(args[i]!) ? 2 : 1;
  }
  const { globals } = parseArgs(args.slice(0, i));
  return { globals, rest: args.slice(i) };
}

/** The Ui of the running command (errors of the dispatcher are printed with it). */
const current: { ui?: Ui } = {};

export async function main(argv: string[]): Promise<number> {
  const env = process.env;
  const out = (s: string) => { process.stdout.write(s); };
  let args = argv.slice(2);
  const fallbackUi = () => current.ui ?? createUi(env);
  // Invoked as `azsphere` (symlink or copy; a single executable sees its name in argv0): accept the azsphere command names.
  const azsphere = [argv[1], process.argv0].some((a) => basename(a ?? '') === 'azsphere') || args[0] === 'azsphere';
  if (azsphere) {
    if (args[0] === 'azsphere') args.shift();
    if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
      const words: string[] = [];
      for (const a of args) { if (a.startsWith('-')) break; words.push(a); }
      const help = (await import('./azsphere-help')).azsphereHelp(words, COMMANDS, VERSION);
      if (help) { out(help); return 0; }
    }
    try { args = mapAzsphereArgs(args); } catch (e) { return reportError(e, fallbackUi(), true); }
  }
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) { out(VERSION + '\n'); return 0; }
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') { out(topHelp()); return 0; }
  try {
    let lead: ReturnType<typeof leadingGlobals>;
    try { lead = leadingGlobals(args); } catch (e) { throw e instanceof ArgvError ? new Usage(e.message) : e; }
    const { def, group, rest } = findCommand(lead.rest);
    if (!def) {
      if (group && (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h')) { out(groupHelp(group, COMMANDS)); return 0; }
      const what = group ? `command "${group} ${rest[0] ?? ''}"`.replace(/ "$/, '"') : `command "${lead.rest[0]}"`;
      throw new Usage(`Cannot run ${what}: there is no such command. Run "${azsphere ? 'azsphere' : 'sphere'} ${group || ''} --help" for the list.`.replace('  ', ' '));
    }
    return await runCommand(def, rest, lead.globals, env, out, azsphere);
  } catch (e) {
    const ui = fallbackUi();
    ui.progressEnd();
    return reportError(e, ui, azsphere);
  }
}

function reportError(e: unknown, base: Ui, azsphere = false): number {
  const err = e as Error & { exitCode?: unknown; code?: unknown };
  // Invoked as azsphere: hints name the azsphere commands that do the same.
  const ui: Ui = azsphere ? { ...base, error: (m: string) => base.error(azsphereHints(m)) } : base;
  if (e instanceof Usage || err?.name === 'CACError') {
    // cac reports options camel-cased (`--hardwareDefinitions`); show them as typed.
    const cacText = err.message.replace(/`/g, '"').replace(/--([a-z]+(?:[A-Z][a-z0-9]*)+)/g, (_m, n: string) => '--' + n.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()));
    ui.error(err.name === 'CACError' ? `${cacText}. Run the command with --help for its options.` : err.message);
    return 2;
  }
  if (typeof err?.exitCode === 'number' && typeof err.message === 'string') {
    ui.error(err.message);
    return err.exitCode;
  }
  if (process.env['SPHERE_DEBUG'] || ui.debugging) ui.error(String(err?.stack ?? e));
  else ui.error(`${err?.message ?? String(e)} (an unexpected failure; run again with --debug for details and report it)`);
  return 1;
}
