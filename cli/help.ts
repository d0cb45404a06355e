/**
 * A command's `--help` as cac lays it out, finished for people: the header names the whole
 * command and says what it does (`sphere device app start: Start …`, as the group help does),
 * examples are indented like the other sections, and no line ends in white space (cac pads option
 * descriptions with a trailing blank).
 */
import type { CommandDef } from './command';

interface HelpSection { title?: string; body: string }

const trimLines = (text: string) => text.split('\n').map((l) => l.trimEnd()).join('\n');

/** The callback for cac's `cli.help()` of one command. */
export function commandHelp(def: CommandDef): (sections: HelpSection[]) => HelpSection[] {
  const full = `sphere ${def.group} ${def.name.split(' ')[0]}`;
  return (sections) => sections.map((s, i) => {
    if (i === 0 && s.title === undefined) return { body: `${full}: ${def.description}` };
    const body = s.title === 'Examples' ? s.body.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n') : s.body;
    return s.title === undefined ? { body: trimLines(body) } : { title: s.title, body: trimLines(body) };
  });
}
