/**
 * Entry point of `sphere`: finds the command group in argv, hands the rest to cac for option
 * parsing, runs the action, formats its result on stdout and owns the exit code. Nothing else
 * in the project prints or exits. Exit codes: 0 ok, 1 failed, 2 usage, 3 not found.
 */
import { cac } from 'cac';
import { basename } from 'node:path';
import { COMMANDS, GROUPS } from './commands/index';
import { createUi, type Ui } from './ui';
import { OUTPUT_FORMATS, render, type OutputFormat } from './output';
import { compileQuery } from './query';
import type { CommandDef, CommandResult } from './command';
import { mapAzsphereArgs } from './azsphere';

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
  const width = Math.max(...top.map((g) => g.length));
  return `sphere ${VERSION} — pack, sign, verify and sideload Azure Sphere application image packages\n\nUsage:\n  $ sphere <group> <command> [options]\n\nGroups:\n${top.map((g) => `  ${g.padEnd(width)}  ${GROUPS[g]}`).join('\n')}\n\nGlobal options:\n  --output, -o <format>  table (default), json, yaml, tsv or none (on commands that return data)\n  --help, -h             Show help\n  --version, -v          Show the version\n\nExit codes: 0 ok, 1 failed (validation, bad signature, device error), 2 usage error, 3 not found.\nRun "sphere <group> --help" for a group's commands.\n`;
}

/** Splits argv into (group words, command definition, remaining args). */
function findCommand(args: string[]): { def?: CommandDef; group: string; rest: string[] } {
  let group = '';
  let i = 0;
  while (i < args.length && !args[i]!.startsWith('-')) {
    const candidate = group ? `${group} ${args[i]}` : args[i]!;
    if (GROUPS[candidate] === undefined) break;
    group = candidate;
    i++;
  }
  const word = args[i];
  const def = group && word ? COMMANDS.find((d) => d.group === group && d.name.split(' ')[0] === word) : undefined;
  return def ? { def, group, rest: args.slice(i + 1) } : { group, rest: args.slice(i) };
}

function hasShortO(def: CommandDef): boolean {
  return (def.options ?? []).some((o) => /(^|,\s*)-o\b/.test(o.flags));
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

async function runCommand(def: CommandDef, rest: string[], ui: Ui, out: (s: string) => void): Promise<number> {
  const cli = cac(`sphere ${def.group}`);
  const cmd = cli.command(def.name, def.description);
  for (const o of def.options ?? []) {
    const config: { default?: unknown; type?: unknown[] } = {};
    if (o.default !== undefined) config.default = o.default;
    if (o.type) config.type = o.type;
    cmd.option(o.flags, o.description, config);
  }
  const wantsOutput = def.output !== false;
  if (wantsOutput) {
    cmd.option(hasShortO(def) ? '--output <format>' : '-o, --output <format>', 'Output format: table, json, yaml, tsv or none', { default: 'table' });
    cmd.option('--query <jmespath>', 'Keep only this part of the result (JMESPath subset), e.g. --query "[0].deviceId"');
  }
  for (const e of def.examples ?? []) cmd.example(e);
  cli.help();
  const box: { result?: CommandResult } = {};
  let format: OutputFormat = 'table';
  let query: ((data: unknown) => unknown) | undefined;
  cmd.action(async (...args: unknown[]) => {
    const options = args.pop() as Record<string, unknown>;
    for (const o of def.options ?? []) {
      if (o.type?.[0] !== String) continue;
      const raw = rawValues(rest, o.flags);
      const name = /--([a-z0-9-]+)/.exec(o.flags)![1]!.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      if (raw) options[name] = raw;
    }
    if (wantsOutput) {
      const f = Array.isArray(options['output']) ? options['output'].at(-1) : options['output'];
      if (!OUTPUT_FORMATS.includes(f as OutputFormat)) throw new Usage(`Cannot use output format "${String(f)}": expected one of ${OUTPUT_FORMATS.join(', ')}.`);
      format = f as OutputFormat;
      const q = options['query'];
      if (typeof q === 'string') query = compileQuery(q);
      else if (q !== undefined) throw new Usage('Cannot use --query without an expression: give a JMESPath expression, e.g. --query "[0].deviceId".');
    }
    const positional = args.map((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? undefined : String(a))).flat() as string[];
    const r = await def.action({ options, env: process.env, cwd: process.cwd(), ui, out }, ...positional);
    if (r) box.result = r;
  });
  cli.parse(['node', 'sphere', def.name.split(' ')[0]!, ...rest], { run: false });
  if (cli.options['help']) return 0; // cac printed the command help
  await cli.runMatchedCommand();
  if (box.result) {
    // A query replaces the data; the human text and table described the whole result, so they go.
    const shown: CommandResult = query ? { data: query(box.result.data) } : box.result;
    const text = render(shown, format);
    if (text) out(text);
    return box.result.exitCode ?? 0;
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const ui = createUi(process.env);
  const out = (s: string) => { process.stdout.write(s); };
  let args = argv.slice(2);
  // Invoked as `azsphere` (symlink or copy; a single executable sees its name in argv0): accept the azsphere command names.
  if ([argv[1], process.argv0].some((a) => basename(a ?? '') === 'azsphere') || args[0] === 'azsphere') {
    if (args[0] === 'azsphere') args.shift();
    try { args = mapAzsphereArgs(args); } catch (e) { return reportError(e, ui); }
  }
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) { out(VERSION + '\n'); return 0; }
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') { out(topHelp()); return 0; }
  const { def, group, rest } = findCommand(args);
  try {
    if (!def) {
      if (group && (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h')) { out(groupHelp(group, COMMANDS)); return 0; }
      const what = group ? `command "${group} ${rest[0] ?? ''}"`.replace(/ "$/, '"') : `command "${args[0]}"`;
      throw new Usage(`Cannot run ${what}: there is no such command. Run "sphere ${group || ''} --help" for the list.`.replace('  ', ' '));
    }
    return await runCommand(def, rest, ui, out);
  } catch (e) {
    ui.progressEnd();
    return reportError(e, ui);
  }
}

function reportError(e: unknown, ui: Ui): number {
  const err = e as Error & { exitCode?: unknown; code?: unknown };
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
  if (process.env['SPHERE_DEBUG']) ui.error(String(err?.stack ?? e));
  else ui.error(`${err?.message ?? String(e)} (an unexpected failure; run again with SPHERE_DEBUG=1 for details and report it)`);
  return 1;
}
