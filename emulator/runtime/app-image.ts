/**
 * What the runtime takes from an installed app's package: whether `bin/app` (the manifest's
 * EntryPoint) is WebAssembly, its files, its command-line arguments and the capabilities the host
 * checks calls against (spec/app-manifest.md, Capabilities).
 */
import type { AppCapabilities } from './protocol';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function isWasm(bytes: Uint8Array | undefined): boolean {
  return !!bytes && bytes.length >= 4 && WASM_MAGIC.every((b, i) => bytes[i] === b);
}

export function appCapabilities(manifest: Record<string, unknown>): AppCapabilities {
  const caps = (manifest['Capabilities'] ?? {}) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const storage = caps['MutableStorage'] as { SizeKB?: unknown } | undefined;
  return {
    gpio: list(caps['Gpio']).map((g) => (typeof g === 'number' ? g : Number(g))).filter((g) => Number.isInteger(g)),
    mutableStorageKB: typeof storage?.SizeKB === 'number' ? storage.SizeKB : 0,
    powerControls: list(caps['PowerControls']).filter((x): x is string => typeof x === 'string'),
    systemEventNotifications: caps['SystemEventNotifications'] === true,
    softwareUpdateDeferral: caps['SoftwareUpdateDeferral'] === true,
  };
}
