/**
 * Board configuration presets and the payload `pack-board-config` puts in a type-21 package
 * (imagepackage.md §4, §2.6; azsphere-cli.md §3.2): a tiny device tree
 * `/ { azconfig { version = <1>; preset = "…"; desc = "…"; }; };`.
 */
import { UsageError } from './errors';
import { writeFdt } from './fdt';

export interface BoardConfigPreset {
  /** The `--preset` value, also written into the tree. */
  readonly name: string;
  /** Human description written as `desc`. */
  readonly desc: string;
}

/** Version of the `azconfig` node layout. */
export const BOARD_CONFIG_VERSION = 1;
/** The DB section stores at most this many name bytes (plus a NUL). */
export const BOARD_CONFIG_NAME_MAX_BYTES = 31;

export const BOARD_CONFIG_PRESETS: readonly BoardConfigPreset[] = Object.freeze([
  Object.freeze({ name: 'lan-enc28j60-isu0-int5', desc: 'Ethernet controller using SPI on ISU0 and interrupt on GPIO5' }),
  Object.freeze({ name: 'lan-enc28j60-isu1-int5', desc: 'Ethernet controller using SPI on ISU1 and interrupt on GPIO5' }),
]);

/** Looks a preset up by name; unknown names are a usage error that lists the known ones. */
export function findBoardConfigPreset(preset: string): BoardConfigPreset {
  const found = BOARD_CONFIG_PRESETS.find((p) => p.name === preset);
  if (!found) {
    const known = BOARD_CONFIG_PRESETS.map((p) => p.name).join(', ');
    throw new UsageError(`Cannot pack board configuration preset "${preset}": it is not a known preset. Use one of: ${known}.`, { code: 'UNKNOWN_PRESET' });
  }
  return found;
}

/** The FDT payload for `preset` (byte-identical to what the SDK packs). */
export function buildBoardConfigPayload(preset: string): Uint8Array {
  const p = findBoardConfigPreset(preset);
  return writeFdt({
    name: '',
    props: [],
    children: [{
      name: 'azconfig',
      props: [
        { name: 'version', value: BOARD_CONFIG_VERSION },
        { name: 'preset', value: p.name },
        { name: 'desc', value: p.desc },
      ],
      children: [],
    }],
  });
}

const GUID = /^\{?([0-9a-f]{8})-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/**
 * The package's DB-section name: `<preset>_<first 6 hex digits of the component id>`, cut to 31
 * UTF-8 bytes without splitting a character.
 */
export function boardConfigImageName(preset: string, componentId: string): string {
  const m = GUID.exec(componentId);
  if (!m) throw new RangeError(`boardConfigImageName: component id ${JSON.stringify(componentId)} is not a GUID`);
  const full = `${preset}_${m[1]!.slice(0, 6).toLowerCase()}`;
  const enc = new TextEncoder();
  let out = '';
  let bytes = 0;
  for (const ch of full) {
    bytes += enc.encode(ch).length;
    if (bytes > BOARD_CONFIG_NAME_MAX_BYTES) break;
    out += ch;
  }
  return out;
}
