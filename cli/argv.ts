/**
 * The argv habits `az` users bring, applied from the option definitions of the command table so
 * that every command gets them: the global options (`-o`/`--output`, `--query`, `--verbose`,
 * `--debug`, `--only-show-errors`) anywhere on the line and in every spelling (`-o json`,
 * `-ojson`, `--output=json`); multi-value options that take several values after one flag
 * (`--hardware-definitions a b`) as well as repeated flags; and old spellings of an option
 * (`OptionDef.deprecated`, e.g. `-o <file>` before `--destination`) kept working with a notice.
 * The result is argv that cac parses, the global options and the notices to print.
 */
import type { CommandDef, OptionDef } from './command';

/** Output formats `-o` accepts; `jsonc` / `yamlc` (az's coloured variants) read as json / yaml. */
export const OUTPUT_FORMATS = ['table', 'json', 'jsonc', 'yaml', 'yamlc', 'tsv', 'none'] as const;

export interface GlobalOptions {
  output?: string;
  query?: string;
  verbose: boolean;
  debug: boolean;
  onlyShowErrors: boolean;
}

export interface ParsedArgs {
  args: string[];
  globals: GlobalOptions;
  /** Deprecation notices, one line each (warnings: hidden by --only-show-errors). */
  notices: string[];
}

export class ArgvError extends Error {}

const SWITCHES: Record<string, 'verbose' | 'debug' | 'onlyShowErrors'> = { '--verbose': 'verbose', '--debug': 'debug', '--only-show-errors': 'onlyShowErrors' };

interface Spelling { def: OptionDef; long: string; takesValue: boolean; multi: boolean; deprecated: boolean }

/** The long flag of an option (`--destination` of `-o, --destination <file>`). */
export function longFlag(o: OptionDef): string {
  return o.flags.split(/[ ,]+/).find((p) => p.startsWith('--')) ?? o.flags.split(/[ ,]+/)[0]!;
}

/** Every spelling of every option of a command, deprecated ones included. */
export function spellings(def: CommandDef | undefined): Map<string, Spelling> {
  const map = new Map<string, Spelling>();
  for (const o of def?.options ?? []) {
    const takesValue = /[<[]/.test(o.flags);
    const multi = Array.isArray(o.type);
    const long = longFlag(o);
    for (const p of o.flags.split(/[ ,]+/)) if (p.startsWith('-')) map.set(p, { def: o, long, takesValue, multi, deprecated: false });
    for (const p of o.deprecated ?? []) map.set(p, { def: o, long, takesValue, multi, deprecated: true });
  }
  return map;
}

/** Number of positional arguments the command requires (`<x>` in its name; `<x...>` counts one). */
function requiredPositionals(def: CommandDef | undefined): number {
  return (def?.name.match(/<[^>]+>/g) ?? []).length;
}

const isFlag = (t: string) => t.startsWith('-') && t !== '-' && !/^-\d/.test(t);

/** Takes the global options out of argv and applies the spellings of `def`'s options. */
export function parseArgs(tokens: string[], def?: CommandDef): ParsedArgs {
  const globals: GlobalOptions = { verbose: false, debug: false, onlyShowErrors: false };
  const notices: string[] = [];
  const known = spellings(def);
  const out: string[] = [];
  const positionals: number[] = []; // indexes in `out` of positional tokens
  /** Values taken by multi-value flags beyond the first, which a missing positional may reclaim. */
  const extra: number[] = [];
  const setOutput = (v: string | undefined, flag: string) => {
    if (v === undefined || v === '') throw new ArgvError(`Cannot read ${flag}: it needs an output format. Give one of ${OUTPUT_FORMATS.join(', ')}.`);
    globals.output = v;
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    // `--` ends the options; it stays for cac, which then reads `-500` as a value, not a flag.
    if (tok === '--') { out.push('--'); for (const t of tokens.slice(i + 1)) { positionals.push(out.length); out.push(t); } break; }
    if (!isFlag(tok)) { positionals.push(out.length); out.push(tok); continue; }
    const eq = tok.startsWith('--') ? tok.indexOf('=') : -1;
    const flag = eq > 0 ? tok.slice(0, eq) : tok;
    const inline = eq > 0 ? tok.slice(eq + 1) : undefined;
    const own = known.get(flag);
    if (SWITCHES[flag] && !own) { globals[SWITCHES[flag]] = true; continue; }
    if (flag === '--query' && !own) {
      const v = inline ?? tokens[++i];
      if (v === undefined || v === '') throw new ArgvError('Cannot use --query without an expression: give a JMESPath expression, e.g. --query "[0].deviceId".');
      globals.query = v;
      continue;
    }
    if (flag === '--output' && !own) { setOutput(inline ?? tokens[++i], flag); continue; }
    if (flag === '-o' || (/^-o[a-z]+$/.test(flag) && !known.has(flag))) {
      const v = flag === '-o' ? tokens[i + 1] : flag.slice(2);
      if (own && flag === '-o' && v !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(v)) {
        notices.push(`"-o ${v}" for ${own.long.slice(2)} is deprecated: write "${own.long} ${v}" (-o now chooses the output format, as in az).`);
        out.push(own.long, v);
        i++;
        continue;
      }
      if (flag === '-o') i++;
      setOutput(v, '-o');
      continue;
    }
    if (!own) { out.push(tok); continue; } // cac reports it as unknown
    const spelled = own.deprecated ? own.long : flag;
    if (own.deprecated) notices.push(`"${flag}" is deprecated: write "${own.long}".`);
    if (!own.takesValue) { out.push(eq > 0 ? `${spelled}=${inline}` : spelled); continue; }
    // Kept as one token, so a value that looks like a flag (`--x=-1`) stays a value.
    if (inline !== undefined) { out.push(`${spelled}=${inline}`); continue; }
    const first = tokens[i + 1];
    if (first === undefined) { out.push(spelled); continue; } // cac reports the missing value
    out.push(spelled, first);
    i++;
    if (own.multi && !isFlag(first)) {
      while (i + 1 < tokens.length && !isFlag(tokens[i + 1]!)) {
        extra.push(out.length + 1);
        out.push(spelled, tokens[++i]!);
      }
    }
  }
  // `--hardware-definitions a b approot`: the last values were the command's positionals.
  let missing = requiredPositionals(def) - positionals.length;
  const reclaimed = new Set<number>();
  while (missing > 0 && extra.length) { reclaimed.add(extra.pop()!); missing--; }
  if (reclaimed.size === 0) return { args: out, globals, notices };
  const kept: string[] = [];
  const moved: string[] = [];
  for (let j = 0; j < out.length; j++) {
    if (reclaimed.has(j + 1)) { moved.push(out[j + 1]!); j++; continue; }
    kept.push(out[j]!);
  }
  // Reclaimed values keep their order and come before the positionals given later.
  return { args: [...moved, ...kept], globals, notices };
}
