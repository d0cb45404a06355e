/**
 * Peripheral capabilities (`Gpio`, `Pwm`, `Adc`, `I2cMaster`, `SpiMaster`, `Uart`,
 * `I2sSubordinate`, `ExternalInterrupt`): `$NAME` references resolved through the hardware
 * definition with their `Type` checked (spec app-manifest.md §4 rule 4, §6), raw values checked
 * against the MT3620, duplicates, and pin-block exclusivity (§4 rule 5).
 */
import { manifestError, deviceErrorText, DEVICE_CATEGORY, PERIPHERAL_ERROR, APP_MANIFEST_ERROR as E } from './codes';
import { suggest, type CheckContext } from './context';

import { kindName, quote, sourceOf } from './diagnostics';
import type { JsonNode } from './json';
import { isMt3620Gpio, MT3620_GPIO_TEXT, MT3620_PIN_BLOCKS, MT3620_STRING_VALUES, usageOf, type PinUsage } from './mt3620';
import type { CapabilitySpec } from './schema';

/** One entry of a peripheral list; its pointer is built only when a finding needs it. */
export class PeripheralEntry {
  constructor(
    readonly spec: CapabilitySpec,
    readonly index: number,
    readonly node: JsonNode,
    private readonly list: string,
  ) {}
  get pointer(): string {
    return `${this.list}/${this.index}`;
  }
}

interface _Valid {
  entry: PeripheralEntry;
  value: string | number;
  /** `$NAME` the value came from, for messages. */
  via: string | undefined;
  usage: PinUsage;
}

const _GPIO_UNDEFINED = deviceErrorText(DEVICE_CATEGORY.PeripheralError, PERIPHERAL_ERROR.GpioNotDefined);

export function checkPeripherals(entries: readonly PeripheralEntry[], ctx: CheckContext): void {
  const valid: _Valid[] = [];
  for (const e of entries) {
    const { node } = e;
    if (node.kind === 'string' && node.value.startsWith('$')) {
      const value = _resolve(e, node.value, ctx);
      if (value === undefined) continue;
      ctx.resolved.push({ capability: e.spec.name, index: e.index, value });
      const v = _raw(e, value, node.value, ctx);
      if (v !== undefined) valid.push(v);
      continue;
    }
    if (e.spec.name === 'Gpio' ? !(node.kind === 'number' && Number.isInteger(node.value)) : node.kind !== 'string') {
      const expected = e.spec.name === 'Gpio' ? 'a GPIO number or a "$NAME" from the hardware definition' : 'a peripheral name string or a "$NAME" from the hardware definition';
      const fix = node.kind === 'string' && /^\d+$/.test(node.value) ? 'Remove the quotes.' : node.kind === 'string' ? `Write "$${node.value}" if it is a hardware definition name.` : 'Fix the entry.';
      ctx.out.add('ITEM_TYPE', e.pointer, node.start, () => `Cannot read ${e.spec.name} entry ${quote(sourceOf(node, ctx.text))}: expected ${expected}, got ${kindName(node)}. ${fix}`, manifestError(e.spec.parseError));
      continue;
    }
    const v = _raw(e, (node as { value: string | number }).value, undefined, ctx);
    if (v !== undefined) valid.push(v);
  }
  _exclusivity(valid, ctx);
}

/** Resolves `$NAME`; reports why not and returns undefined when it cannot. */
function _resolve(e: PeripheralEntry, ref: string, ctx: CheckContext): string | number | undefined {
  const name = ref.slice(1);
  const at = (code: 'HWDEF_REQUIRED' | 'HWDEF_UNRESOLVED' | 'HWDEF_TYPE_MISMATCH' | 'HWDEF_INT_PERIPHERAL' | 'HWDEF_NO_VALUE', message: () => string, device?: string): undefined => {
    ctx.out.add(code, e.pointer, e.node.start, message, device);
    return undefined;
  };
  const hw = ctx.hw;
  if (hw === undefined)
    return at('HWDEF_REQUIRED', () => `Cannot resolve ${quote(ref)}: no hardware definition was given, and the device cannot read a "$" name. Pass --target-definition <file> with --hardware-definitions <dir>, or write the raw value.`, manifestError(e.spec.parseError));
  const p = hw.peripherals.get(name);
  if (p === undefined) {
    const near = () => (name.length <= 64 ? suggest(name, [...hw.peripherals.keys()]) : undefined);
    return at('HWDEF_UNRESOLVED', () => `Cannot resolve ${quote(ref)}: no peripheral of that name in ${_base(hw.target)} or its imports. ${_didYouMean(near(), 'Check the name, or choose the target definition that declares it.')}`, manifestError(e.spec.parseError));
  }
  const where = `${_base(p.file)}:${p.line}`;
  if (p.type === 'int')
    return at('HWDEF_INT_PERIPHERAL', () => `Cannot use ${quote(ref)} in ${e.spec.name}: it is an "int" constant (${where}) for code, such as a channel or chip select, not a peripheral. Request its controller or interface instead.`);
  if (p.type !== e.spec.peripheralType)
    return at('HWDEF_TYPE_MISMATCH', () => `Cannot use ${quote(ref)} as ${e.spec.name}: it is declared as ${p.type} at ${where}. Move it to "${p.type}", or use a ${e.spec.peripheralType} peripheral.`);
  if (p.value === undefined)
    return at('HWDEF_NO_VALUE', () => `Cannot resolve ${quote(ref)}: ${p.broken === true ? `its mapping chain (${p.chain.join(' → ')}) is broken; see the hardware definition errors` : `its chain (${p.chain.join(' → ')}) ends without an AppManifestValue`}. Fix the hardware definition at ${where}.`);
  return p.value;
}

/** Checks a raw (or resolved) value against the MT3620; returns its pin claim when valid. */
function _raw(e: PeripheralEntry, value: string | number, via: string | undefined, ctx: CheckContext): _Valid | undefined {
  const cap = e.spec.name;
  const from = via === undefined ? '' : ` (from ${via})`;
  if (cap === 'Gpio') {
    if (typeof value !== 'number' || !isMt3620Gpio(value)) {
      ctx.out.add('GPIO_UNKNOWN', e.pointer, e.node.start, () => `Cannot use GPIO ${quote(value)}${from}: the MT3620 has no such GPIO. Use one of ${MT3620_GPIO_TEXT}.`, _GPIO_UNDEFINED);
      return undefined;
    }
  } else {
    const allowed = MT3620_STRING_VALUES[cap as keyof typeof MT3620_STRING_VALUES] as readonly string[];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      let hint = `Use one of ${_list(allowed)}.`;
      // Only a case slip is worth a guess: ISU5 is not a typo of ISU0.
      const near = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
      if (near !== undefined) hint = `Did you mean "${near}"?`;
      else if (cap === 'Uart' && typeof value === 'string' && /^uart/i.test(value)) hint = `MT3620 UARTs are ISUs: use one of ${_list(allowed)}.`;
      else if (typeof value === 'string') {
        const owner = Object.entries(MT3620_STRING_VALUES).find(([, vs]) => (vs as readonly string[]).includes(value));
        if (owner !== undefined) hint = `${quote(value)} is a ${owner[0]} value; ${cap} takes ${_list(allowed)}.`;
      }
      const device = cap === 'Uart' ? manifestError(E.UartNotAvailable) : manifestError(E.PeripheralParseError);
      ctx.out.add('PERIPHERAL_UNKNOWN', e.pointer, e.node.start, () => `Cannot use ${cap} ${quote(value)}${from}: the MT3620 has no such ${_noun(cap)}. ${hint}`, device);
      return undefined;
    }
  }
  return { entry: e, value, via, usage: usageOf(cap, value) };
}

function _list(values: readonly string[]): string {
  return values.length > 6 ? `${values[0]}–${values[values.length - 1]}` : values.join(', ');
}

function _noun(cap: string): string {
  switch (cap) {
    case 'Pwm': return 'PWM controller';
    case 'Adc': return 'ADC controller';
    case 'I2sSubordinate': return 'I2S interface';
    case 'ExternalInterrupt': return 'external interrupt';
    default: return 'ISU';
  }
}

function _describe(v: _Valid): string {
  const what = v.entry.spec.name === 'Gpio' ? `GPIO ${v.value}` : `${v.value} as ${v.entry.spec.name}`;
  return what + _from(v);
}

function _from(v: _Valid): string {
  return v.via === undefined ? '' : ` (from ${v.via})`;
}

/** Duplicates, then one use per pin block and per pin (spec §4 rule 5). */
function _exclusivity(valid: readonly _Valid[], ctx: CheckContext): void {
  const seen = new Map<string, Map<string | number, _Valid>>(); // capability → value → first request
  const blockOwner = new Map<string, _Valid>(); // a controller or interface holding the whole block
  const blockPins = new Map<string, _Valid>(); // the first GPIO / interrupt used inside a block
  const pinOwner = new Map<number, _Valid>();
  const conflict = (v: _Valid, why: () => string, fix: string): void => {
    ctx.out.add('PIN_CONFLICT', v.entry.pointer, v.entry.node.start, () => `Cannot use ${_describe(v)}: ${why()}, and a pin serves one function at a time. ${fix}`, manifestError(E.RequestedPeripheralsRequireSamePin));
  };
  for (const v of valid) {
    let values = seen.get(v.entry.spec.name);
    if (values === undefined) seen.set(v.entry.spec.name, (values = new Map()));
    const first = values.get(v.value);
    if (first !== undefined) {
      const same = first.via === v.via ? '' : ` through ${first.via ?? 'its raw value'}`;
      ctx.out.add('PERIPHERAL_DUPLICATE', v.entry.pointer, v.entry.node.start, () => `Cannot request ${_describe(v)} twice: ${first.entry.pointer} already requests it${same}. Remove one of them.`);
      continue;
    }
    values.set(v.value, v);
    const { block, pin, way } = v.usage;
    if (pin === undefined) {
      // A whole block: a controller or an ISU interface.
      const b = block as string;
      const owner = blockOwner.get(b);
      if (owner !== undefined) {
        conflict(v, () => `${b} is already used as ${owner.entry.spec.name} by ${owner.entry.pointer}${_from(owner)}`, `Use another ${b.startsWith('ISU') ? 'ISU' : 'block'} for one of them.`);
        continue;
      }
      const inside = blockPins.get(b);
      if (inside !== undefined) {
        conflict(v, () => `${b} shares its pins with ${inside.entry.pointer} (${_describe(inside)})`, `Use a GPIO outside ${_range(b)}, or another ${_noun(v.entry.spec.name)}.`);
        continue;
      }
      blockOwner.set(b, v);
      continue;
    }
    if (block !== undefined) {
      const owner = blockOwner.get(block);
      if (owner !== undefined) {
        conflict(v, () => `its pin belongs to ${block}, which ${owner.entry.pointer} requests as ${owner.entry.spec.name}${_from(owner)}`, `Use a pin outside ${_range(block)}, or drop that request.`);
        continue;
      }
    }
    const other = pinOwner.get(pin);
    if (other !== undefined && other.usage.way !== way) {
      conflict(v, () => `pin ${pin} is already claimed by ${other.entry.pointer} (${_describe(other)})`, 'Use a different pin for one of them.');
      continue;
    }
    if (other === undefined) pinOwner.set(pin, v);
    if (block !== undefined && !blockPins.has(block)) blockPins.set(block, v);
  }
}

function _didYouMean(near: string | undefined, otherwise: string): string {
  return near === undefined ? otherwise : `Did you mean "$${near}"?`;
}

function _range(block: string): string {
  const b = MT3620_PIN_BLOCKS.find((x) => x.block === block);
  return b === undefined ? block : `${b.gpios[0]}–${b.gpios[1]}`;
}

function _base(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}
