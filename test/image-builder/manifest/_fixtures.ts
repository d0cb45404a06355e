/** Paths of the manifest and hardware definition fixtures, and the RDB sample definition. */
import { join, resolve } from 'node:path';
import { resolveHardwareDefinition } from '../../../image-builder/manifest/index';

export const FIXTURES = resolve('test/fixtures');
export const VALID = join(FIXTURES, 'manifests/valid');
export const INVALID = join(FIXTURES, 'manifests/invalid');
export const HW = join(FIXTURES, 'hardware-definitions');

/** Search folders for the MT3620 RDB sample appliance: the board folder, then the SDK's. */
export const RDB_DIRS = [join(HW, 'mt3620_rdb'), join(HW, 'sdk-20.x')];

let _rdb: ReturnType<typeof resolveHardwareDefinition> | undefined;
export function rdb(): ReturnType<typeof resolveHardwareDefinition> {
  _rdb ??= resolveHardwareDefinition('sample_appliance.json', { hardwareDefinitionDirs: RDB_DIRS });
  return _rdb;
}

/** The text at 1-based line/column of `text`. */
export function textAt(text: string, line: number, column: number): string {
  const lines = text.split('\n');
  return (lines[line - 1] ?? '').slice(column - 1);
}
