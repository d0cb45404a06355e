/**
 * The shape of one CLI command. Each `cli/commands/<group>.ts` exports an array of these; the
 * dispatcher (cli/main.ts) turns them into cac commands, parses argv, runs the action and formats
 * what it returns. Actions call library functions and return data; they never print or exit.
 */
import type { Ui } from './ui';

export interface OptionDef {
  /** cac flag syntax, e.g. `-o, --destination <file>` or `--force`. */
  flags: string;
  description: string;
  default?: unknown;
  /** `[String]` for options that collect into an array: repeated flags, or several values after one flag. */
  type?: unknown[];
  /** Old spellings still accepted, with a deprecation notice on stderr (e.g. `['-o']` before `--destination`). */
  deprecated?: string[];
}

/** Columns for `--output table|tsv`: each row is a flat record. */
export interface Table {
  columns: string[];
  rows: Record<string, unknown>[];
}

export interface CommandResult {
  /** The result as data: what `--output json|yaml` print. */
  data: unknown;
  /** Human text for `--output table` (default). When absent, `table` or `data` is rendered. */
  text?: string;
  /** Rows for `--output table|tsv`. */
  table?: Table;
  /** Exit code when the command ran but its verdict is negative (e.g. 1 for an invalid package). */
  exitCode?: number;
}

export interface CommandContext {
  /** Parsed options, camel-cased by cac (e.g. `hardwareDefinitions`). */
  options: Record<string, unknown>;
  /** Process environment (injected so actions stay testable). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stderr-only helpers: warnings, progress, colour. */
  ui: Ui;
  /** Writes to stdout as results arrive (commands that follow a stream, e.g. `--follow`); a returned result is printed after. */
  out?: (text: string) => void;
}

export interface CommandDef {
  /** Group words, e.g. `image` or `device app`. */
  group: string;
  /** Command word and positional args in cac syntax, e.g. `pack <approot>` or `show [file]`. */
  name: string;
  description: string;
  options?: OptionDef[];
  examples?: string[];
  /** Whether the command returns data, so `--output` applies (default true). */
  output?: boolean;
  action(ctx: CommandContext, ...args: string[]): Promise<CommandResult | void> | CommandResult | void;
}

/** Reads a string option, or undefined. */
export function optString(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  if (v === undefined || v === null || v === false) return undefined;
  return Array.isArray(v) ? String(v[v.length - 1]) : String(v);
}

/** Reads a repeatable option as a list (also splitting nothing: each flag use is one item). */
export function optList(ctx: CommandContext, name: string): string[] {
  const v = ctx.options[name];
  if (v === undefined || v === null || v === false) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function optBool(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}
