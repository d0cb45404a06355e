/**
 * End-to-end: every `--help` of `dist/sphere`, found as a user finds them — the top help's groups,
 * each group's commands and subgroups, recursively. Each command's help names the whole command
 * in its header and usage line, each example runs that command with options it has, and no help
 * line (top, group or command) ends in white space.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sphere } from '../helpers';

const test = suite('help');

/** The names listed under `title:` in a help text (two-space indent, name, two spaces, description). */
function listed(text: string, title: string): string[] {
  const at = text.indexOf(`\n${title}:\n`);
  assert.ok(at >= 0, `"${title}:" in\n${text}`);
  const names: string[] = [];
  for (const line of text.slice(at + title.length + 3).split('\n')) {
    const m = /^ {2}(\S+) {2,}\S/.exec(line);
    if (!m) break;
    names.push(m[1]!);
  }
  return names;
}

interface Page { words: string[]; text: string }

/** Every help page under `words` (a group), groups first, then their commands. */
function walk(words: string[], pages: Page[], commands: Page[]): void {
  const r = sphere([...words, '--help']);
  assert.is(r.code, 0, `${words.join(' ')} --help: ${r.stderr}`);
  pages.push({ words, text: r.stdout });
  for (const name of listed(r.stdout, 'Commands')) {
    const sub = sphere([...words, name, '--help']);
    assert.is(sub.code, 0, `${[...words, name].join(' ')} --help: ${sub.stderr}`);
    if (sub.stdout.includes('\nCommands:\n')) walk([...words, name], pages, commands);
    else { pages.push({ words: [...words, name], text: sub.stdout }); commands.push({ words: [...words, name], text: sub.stdout }); }
  }
}

const pages: Page[] = [];
const commands: Page[] = [];

test.before(() => {
  const top = sphere(['--help']);
  assert.is(top.code, 0);
  pages.push({ words: [], text: top.stdout });
  for (const g of listed(top.stdout, 'Groups')) walk([g], pages, commands);
});

test('the walk reaches every group and command, nested groups included', () => {
  const names = commands.map((c) => c.words.join(' '));
  assert.ok(names.length >= 60, `${names.length} commands`);
  for (const want of ['image pack', 'device app start', 'device sideload deploy', 'emulator io press', 'device network proxy show', 'emulator stop']) {
    assert.ok(names.includes(want), `"${want}" in ${names.join(', ')}`);
  }
});

test('no help line ends in white space', () => {
  const bad = pages.flatMap((p) => p.text.split('\n').map((l, i) => ({ l, i })).filter(({ l }) => /\s$/.test(l)).map(({ l, i }) => `sphere ${p.words.join(' ')} --help, line ${i + 1}: ${JSON.stringify(l)}`));
  assert.equal(bad, []);
});

test('a command\'s help header and usage line name the whole command', () => {
  for (const c of commands) {
    const full = `sphere ${c.words.join(' ')}`;
    const [first] = c.text.split('\n');
    assert.ok(first!.startsWith(`${full}: `), `header of ${full}: ${JSON.stringify(first)}`);
    assert.match(c.text, new RegExp(`\\nUsage:\\n {2}\\$ ${full.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |\\n)`), `usage of ${full}`);
  }
});

test('each example runs its own command, with options that command has', () => {
  let seen = 0;
  for (const c of commands) {
    const full = `sphere ${c.words.join(' ')}`;
    const at = c.text.indexOf('\nExamples:\n');
    if (at < 0) continue;
    const flags = new Set(c.text.slice(c.text.indexOf('\nOptions:\n'), at).split('\n').flatMap((l) => (/^ {2}-/.test(l) ? l.trim().split(/\s{2,}/)[0]!.split(/[ ,]+/).filter((f) => f.startsWith('-')) : [])));
    for (const line of c.text.slice(at + 11).split('\n').filter((l) => l.trim() !== '')) {
      seen++;
      const ex = line.trim();
      const i = ex.search(new RegExp(`${full.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|\\)|$)`));
      assert.ok(i >= 0, `example of ${full} runs another command: ${ex}`);
      // Flags up to the end of this command's invocation (a pipe, &&, ;, a closing parenthesis or a note in parentheses).
      const args = ex.slice(i + full.length).split(/&&|\||;|\)|\s\(/)[0]!;
      for (const w of args.trim().split(/\s+/)) {
        if (w === '--') break;
        const f = w.split('=')[0]!;
        if (/^--?[A-Za-z]/.test(f)) assert.ok(flags.has(f), `example of ${full} uses ${f}, which it lacks: ${ex}`);
      }
    }
  }
  assert.ok(seen >= 30, `${seen} examples`);
});

test.run();
