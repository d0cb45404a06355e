/** Helpers for the emulator suites: an emulator in this process, requests to it, test packages. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildPackage, planApplicationPackage } from '../../image-builder/index';
import { fileSigner, initDevCa, loadDevCa } from '../../signer/index';
import { deviceRequest, startEmulator, type ProbeResponse, type RunningEmulator, type StartOptions } from '../../emulator/index';
import { IMAGEPACKAGES, tempDir } from '../helpers';

export const SPEC_YAML = resolve('../shared/spec/device_rest_api.yaml');

/** Component IDs of the SDK-built fixtures (from their ID sections, see the .expected.json files). */
export const FIXTURE = {
  anvil: { file: 'anvilsecure--azure-sphere-re--test_app.imagepackage', cid: '1689d8b2-c835-2e27-27ad-e894d6d15fa9', iid: 'c25d88f4-9900-4a8e-9d2c-afc199c28151', name: 'Anvil Test App', storageKB: 64 },
  avnet: { file: 'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage', cid: 'b8f5931e-173a-40f5-a4f8-3d98240f53ec', iid: '851873cf-f7c3-4df0-85a0-fe5a4f0a839e', name: 'avnet_PHT_HLApp-V1', storageKB: 0 },
  altair: { file: 'AzureSphereCloudEnabledAltair8800--AltairOnAzureSphere--emulator_avnet_r1_sd_retro.imagepackage', cid: 'ac8d863a-4424-11eb-b378-0242ac130002', iid: '86abd074-2e47-4343-9fdb-4b07598821b4', name: 'AltairHL_emulator', storageKB: 64 },
  board: { file: 'Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage', cid: '67b80798-d771-4774-977a-2cd18491865f', iid: '39a3a45a-f17f-48ef-babb-5b977f5e75f3', name: 'lan-enc28j60-isu0-int5_67b807', storageKB: 0 },
  production: { file: 'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1-signed.imagepackage', cid: 'b8f5931e-173a-40f5-a4f8-3d98240f53ec', iid: '851873cf-f7c3-4df0-85a0-fe5a4f0a839e', name: 'avnet_PHT_HLApp-V1', storageKB: 0 },
} as const;

export function fixtureBytes(file: string): Buffer {
  return readFileSync(join(IMAGEPACKAGES, file));
}

export interface TestEmulator extends RunningEmulator {
  stateDir: string;
  call(method: string, path: string, o?: { json?: unknown; body?: Uint8Array | string; type?: string; headers?: Record<string, string> }): Promise<ProbeResponse>;
  done(): Promise<void>;
}

/** An emulator in this process on a free loopback port, with its own temporary state folder. */
export async function testEmulator(o: Partial<StartOptions> = {}): Promise<TestEmulator> {
  const t = o.stateDir ? undefined : tempDir('sphere-emu-');
  const stateDir = o.stateDir ?? join(t!.dir, 'state');
  const emu = await startEmulator({ stateDir, ...o });
  return Object.assign(emu, {
    stateDir,
    call(method: string, path: string, c: { json?: unknown; body?: Uint8Array | string; type?: string; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { ...c.headers };
      let body = c.body;
      if (c.json !== undefined) { body = JSON.stringify(c.json); headers['Content-Type'] = c.type ?? 'application/json'; }
      else if (c.type !== undefined) headers['Content-Type'] = c.type;
      return deviceRequest({ url: emu.url, caPem: emu.caPem, method, path, headers, ...(body === undefined ? {} : { body }) });
    },
    async done() { await emu.close(); t?.done(); },
  });
}

export const stage = (e: TestEmulator, bytes: Uint8Array) => e.call('PUT', '/update/stage', { body: bytes, type: 'application/octet-stream' });
export const install = (e: TestEmulator, mode?: 'Auto' | 'Manual') => e.call('POST', '/update/install', mode ? { json: { appControlMode: mode } } : {});

/** A development CA in `dir` and an app package it signs (manifest written here, not taken from the code under test). */
export async function devCaPackage(dir: string, o: { componentId?: string; name?: string; extraBytes?: number; runtime?: number; seed?: number; app?: Uint8Array } = {}): Promise<{ bytes: Uint8Array; caDir: string; caPem: string; componentId: string }> {
  const caDir = join(dir, 'ca');
  try { await loadDevCa(caDir); } catch { await initDevCa({ dir: caDir }); }
  const ca = await loadDevCa(caDir);
  const approot = join(dir, `approot-${o.seed ?? 0}`);
  mkdirSync(join(approot, 'bin'), { recursive: true });
  const componentId = o.componentId ?? '3f0a7c52-1d2e-4b8a-9c61-5e7d2f4a8b90';
  writeFileSync(join(approot, 'app_manifest.json'), JSON.stringify({
    SchemaVersion: 1, Name: o.name ?? 'EmuTestApp', ComponentId: componentId, EntryPoint: '/bin/app', CmdArgs: [],
    Capabilities: { MutableStorage: { SizeKB: 8 } }, ApplicationType: 'Default', TargetApplicationRuntimeVersion: Math.min(o.runtime ?? 16, 16),
  }));
  const payload = Buffer.alloc(256 + (o.extraBytes ?? 0));
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (o.seed ?? 0)) & 0xff;
  writeFileSync(join(approot, 'bin', 'app'), o.app ?? payload);
  const plan = planApplicationPackage({ approot, buildTime: 1700000000 + (o.seed ?? 0) });
  // Pack refuses an API set no released OS serves; an app for a future one (what a device must
  // refuse to start) gets it in the ABI Depends section, which is what the device reads.
  if ((o.runtime ?? 16) > 16) plan.abiDepends = [{ version: o.runtime!, type: 3 }];
  const bytes = await buildPackage(plan, fileSigner({ keyPem: ca.keyPem, certPem: ca.certPem }));
  return { bytes, caDir, caPem: ca.certPem, componentId };
}
