/**
 * State shared by the checks of one manifest: the source text (for quoting values), the collector,
 * the app type the capability rules apply to, and the hardware definition `$NAME`s resolve through.
 */
import type { Collector } from './diagnostics';
import type { HardwareDefinition } from './hwdef';
import type { ApplicationType } from './schema';

export interface ResolvedReference {
  capability: string;
  index: number;
  value: string | number;
}

export interface CheckContext {
  text: string;
  out: Collector;
  appType: ApplicationType;
  /** Lower-case `ComponentId` when it is a valid GUID (for self-connection checks). */
  componentId: string | undefined;
  /** The definition `$NAME`s resolve through; undefined when none was given. */
  hw: HardwareDefinition | undefined;
  /** `$NAME`s replaced by their values, for the returned manifest. */
  resolved: ResolvedReference[];
  /** The document is a capabilities snippet and snippets are allowed (missing fields warn once). */
  snippet?: boolean;
}

/** 8-4-4-4-12 hex digits, any case; RFC 4122 version and variant bits are deliberately not checked. */
export const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/** Why a string is not a GUID, for the message. */
export function guidProblem(s: string): string {
  if (/^\{.*\}$/.test(s)) return 'it is wrapped in braces';
  if (s.length !== 36) return `it has ${s.length} characters instead of 36`;
  if (/[^0-9A-Fa-f-]/.test(s)) return 'it contains characters other than hex digits and dashes';
  return 'its dashes are not in the 8-4-4-4-12 positions';
}

/** A close known name for a misspelt one: same letters ignoring case, or one edit away. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  for (const k of known) if (k.toLowerCase() === lower) return k;
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = _distance(lower, k.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return bestDistance <= (name.length > 6 ? 2 : 1) ? best : undefined;
}

function _distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return prev[b.length] as number;
}
