/** cli/argv.ts: global options anywhere, old spellings, multi-value flags, as a table of argv in → argv out. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../../cli/argv';
import type { CommandDef } from '../../cli/command';

const pack: CommandDef = {
  group: 'image', name: 'pack <approot>', description: '',
  options: [
    { flags: '--destination <file>', description: '', deprecated: ['-o'] },
    { flags: '--hardware-definitions <dir>', description: '', type: [String] },
    { flags: '--dry-run', description: '' },
  ],
  action: () => undefined,
};

const t = suite('parseArgs');
const CASES: Array<[string, string, Partial<{ output: string; query: string; verbose: boolean; debug: boolean; onlyShowErrors: boolean }>, number]> = [
  ['app --destination x', 'app --destination x', {}, 0],
  ['app -o x.pkg', 'app --destination x.pkg', {}, 1],
  ['app -o json --destination x', 'app --destination x', { output: 'json' }, 0],
  ['app -ojson', 'app', { output: 'json' }, 0],
  ['app --output=yaml --query a.b', 'app', { output: 'yaml', query: 'a.b' }, 0],
  ['app --query=[0] --verbose --debug --only-show-errors', 'app', { query: '[0]', verbose: true, debug: true, onlyShowErrors: true }, 0],
  ['app --hardware-definitions a b --dry-run', 'app --hardware-definitions a --hardware-definitions b --dry-run', {}, 0],
  ['--hardware-definitions a b app', 'app --hardware-definitions a --hardware-definitions b', {}, 0],
  ['--hardware-definitions a --hardware-definitions b app', 'app --hardware-definitions a --hardware-definitions b', {}, 0],
  ['--hardware-definitions=a b', '--hardware-definitions=a b', {}, 0], // an inline value is one value, kept as one token; b stays the positional
  ['--security-version=-1', '--security-version=-1', {}, 0], // a value that looks like a flag stays the value
  ['app -- -o', 'app -- -o', {}, 0],
  ['motion az --name e -o json -- -500', 'motion az --name e -- -500', { output: 'json' }, 0],
];
for (const [input, expected, globals, notices] of CASES) {
  t(input, () => {
    const r = parseArgs(input.split(' '), pack);
    assert.is(r.args.join(' '), expected);
    assert.equal(r.globals, { verbose: false, debug: false, onlyShowErrors: false, ...globals });
    assert.is(r.notices.length, notices, r.notices.join('\n'));
  });
}
t('a missing format or query is an error naming the flag', () => {
  assert.throws(() => parseArgs(['app', '-o'], pack), /Cannot read -o: it needs an output format/);
  assert.throws(() => parseArgs(['app', '--query'], pack), /Cannot use --query without an expression/);
});
t.run();
