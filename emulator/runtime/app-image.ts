/**
 * What the runtime takes from an installed app's package: whether `bin/app` (the manifest's
 * EntryPoint) is WebAssembly, its files, its command-line arguments and the capabilities the host
 * checks calls against (spec/app-manifest.md, Capabilities).
 */
import { manifestText, readPackage } from '../../image-builder/index';
import type { AppCapabilities } from './protocol';

/** An installed package as the runtime runs it. */
export interface RunnableApp { wasm: Uint8Array; files: Record<string, Uint8Array>; args: string[]; capabilities: AppCapabilities }

/** The package's entry point, files, arguments and capabilities; undefined when bin/app is not WebAssembly (or there is no file system). */
export function runnableApp(packageBytes: Uint8Array): RunnableApp | undefined {
  let view;
  try { view = readPackage(packageBytes); } catch { return undefined; }
  const fsView = view.inner?.asxipfs ?? view.asxipfs;
  const payload = view.inner ? view.inner.split.payload : view.split.payload;
  if (!fsView) return undefined;
  let manifest: Record<string, unknown> = {};
  try { manifest = JSON.parse(manifestText(view) ?? '{}') as Record<string, unknown>; } catch { manifest = {}; }
  const entry = (typeof manifest['EntryPoint'] === 'string' ? manifest['EntryPoint'] : '/bin/app').replace(/^\/*/, '');
  const files: Record<string, Uint8Array> = {};
  for (const i of fsView.inodes) if (i.type === 'file') files[i.path.replace(/^\//, '')] = payload.subarray(i.dataOrChildOffset, i.dataOrChildOffset + i.size);
  const wasm = files[entry];
  if (!wasm || !isWasm(wasm)) return undefined;
  const args = Array.isArray(manifest['CmdArgs']) ? (manifest['CmdArgs'] as unknown[]).map(String) : [];
  return { wasm, files, args, capabilities: appCapabilities(manifest) };
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export function isWasm(bytes: Uint8Array | undefined): boolean {
  return !!bytes && bytes.length >= 4 && WASM_MAGIC.every((b, i) => bytes[i] === b);
}

export function appCapabilities(manifest: Record<string, unknown>): AppCapabilities {
  const caps = (manifest['Capabilities'] ?? {}) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const storage = caps['MutableStorage'] as { SizeKB?: unknown } | undefined;
  const isu = (v: unknown) => list(v).map((x) => /^ISU(\d)$/i.exec(String(x))?.[1]).filter((x): x is string => x !== undefined).map(Number);
  const controller = (v: unknown, kind: string) => list(v).map((x) => new RegExp(`^${kind}-CONTROLLER-(\\d+)$`, 'i').exec(String(x))?.[1]).filter((x): x is string => x !== undefined).map(Number);
  return {
    pwm: controller(caps['Pwm'], 'PWM'),
    adc: controller(caps['Adc'], 'ADC'),
    uart: isu(caps['Uart']),
    i2c: isu(caps['I2cMaster']),
    spi: isu(caps['SpiMaster']),
    gpio: list(caps['Gpio']).map((g) => (typeof g === 'number' ? g : Number(g))).filter((g) => Number.isInteger(g)),
    mutableStorageKB: typeof storage?.SizeKB === 'number' ? storage.SizeKB : 0,
    powerControls: list(caps['PowerControls']).filter((x): x is string => typeof x === 'string'),
    systemEventNotifications: caps['SystemEventNotifications'] === true,
    softwareUpdateDeferral: caps['SoftwareUpdateDeferral'] === true,
    allowedConnections: list(caps['AllowedConnections']).filter((x): x is string => typeof x === 'string'),
    allowedTcpServerPorts: list(caps['AllowedTcpServerPorts']).filter((x): x is number => Number.isInteger(x)),
    ...(typeof caps['DeviceAuthentication'] === 'string' && caps['DeviceAuthentication'] !== '' ? { deviceAuthentication: true } : {}),
  };
}
