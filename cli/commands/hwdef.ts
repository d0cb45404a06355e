/**
 * `sphere hwdef generate-header | test-header`: the C header of `#define`s a hardware definition
 * stands for (`inc/hw/<name>.h` beside the JSON by default), and a check that it is current.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { optString } from '../command';
import { NotFoundError, ValidationError } from '../../image-builder/errors';

async function load(ctx: CommandContext, definition: string) {
  const m = await import('../../image-builder/manifest/index');
  const path = resolve(ctx.cwd, definition);
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    bytes = readFileSync(path);
  } catch {
    throw new NotFoundError(`Cannot read hardware definition "${definition}": the file does not exist. Check the path.`, { code: 'HWDEF_NOT_FOUND', path: definition });
  }
  const parsed = m.parseHardwareDefinitionFile(definition, bytes);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (first !== undefined || parsed.file === undefined) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new ValidationError(`${first === undefined ? `Cannot read hardware definition "${definition}"` : m.formatDiagnostic(first)}${more}`, {
      code: first?.code ?? 'HWDEF_INVALID', path: definition, ...(first === undefined ? {} : { pointer: first.pointer }),
    });
  }
  // An Imports cycle is refused as `manifest check` refuses it (imports that are not found are
  // left to packing: the header only names their headers).
  const cycle = m.resolveHardwareDefinition(path).diagnostics.find((d) => d.code === 'HWDEF_IMPORT_CYCLE');
  if (cycle) throw new ValidationError(m.formatDiagnostic(cycle), { code: cycle.code, path: definition, pointer: cycle.pointer });
  const dir = optString(ctx, 'destination');
  const header = join(dir === undefined ? join(dirname(path), 'inc', 'hw') : resolve(ctx.cwd, dir), m.headerFileName(path));
  return { m, file: parsed.file, header, content: m.generateHeader(parsed.file) };
}

const outputDir = { flags: '--destination <dir>', description: 'Folder of the header (default: inc/hw beside the definition)', deprecated: ['-o', '--output-dir'] };

export const commands: CommandDef[] = [
  {
    group: 'hwdef',
    name: 'generate-header <definition>',
    description: 'Write the C header of #defines for a hardware definition JSON',
    options: [outputDir],
    examples: ['sphere hwdef generate-header HardwareDefinitions/mt3620_rdb/sample_appliance.json'],
    async action(ctx, definition) {
      const { file, header, content } = await load(ctx, definition as string);
      const { writeFileAtomic } = await import('../../image-builder/index');
      mkdirSync(dirname(header), { recursive: true });
      writeFileAtomic(header, Buffer.from(content, 'utf8'));
      const data = { definition, header, defines: file.peripherals.length, includes: file.imports.map((i) => i.path) };
      return { data, text: `Wrote ${header} (${file.peripherals.length} defines)\n` };
    },
  },
  {
    group: 'hwdef',
    name: 'test-header <definition>',
    description: 'Check that the generated C header of a hardware definition is current (exit 1 if not)',
    options: [outputDir],
    async action(ctx, definition) {
      const { m, header, content } = await load(ctx, definition as string);
      let existing: string | undefined;
      try {
        existing = readFileSync(header, 'utf8');
      } catch {
        existing = undefined;
      }
      if (existing === undefined) {
        const data = { definition, header, upToDate: false, exists: false };
        return { data, text: `${header}: missing. Run "sphere hwdef generate-header ${definition}".\n`, exitCode: 1 };
      }
      const cmp = m.compareHeader(existing, content);
      const data = { definition, header, upToDate: cmp.ok, exists: true, missing: cmp.missing, extra: cmp.extra, changed: cmp.changed, firstDifferentLine: cmp.firstDifferentLine ?? null };
      if (cmp.ok) return { data, text: `${header}: up to date\n` };
      const lines = [`${header}: out of date (first difference at line ${cmp.firstDifferentLine}). Run "sphere hwdef generate-header ${definition}".`];
      for (const n of cmp.missing) lines.push(`  missing #define ${n}`);
      for (const c of cmp.changed) lines.push(`  #define ${c.name} is ${c.actual}, expected ${c.expected}`);
      for (const n of cmp.extra) lines.push(`  extra #define ${n}`);
      return { data, text: lines.join('\n') + '\n', exitCode: 1 };
    },
  },
];
