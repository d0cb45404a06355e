/**
 * `sphere device enable-development` and `sphere device enable-cloud-test` (spec/azsphere-cli.md
 * §7). On an emulator, its simulated Security Service (emulator/service/security-service.ts, reached
 * through the state folder the emulator registry names) signs a capability image for the device ID
 * the device reports; the image is deployed through `PUT /update/stage` + `POST /update/install`,
 * the device restarts, and `/device/capabilities` must show the new set. enable-development adds
 * appDevelopment (11) and records the "Development" group (cloud application updates off);
 * enable-cloud-test removes it and records "Field Test" (cloud application updates on). A board's
 * capability file is signed by Microsoft's Security Service, which sphere cannot obtain: refused.
 */
import type { CommandContext, CommandDef, CommandResult } from '../command';
import { optBool, optString } from '../command';
import { DeviceError } from '../../image-builder/errors';
import { chooseDevice, deviceOptions, fields } from './device-context';

type Mode = 'development' | 'cloud-test';

async function enable(ctx: CommandContext, mode: Mode): Promise<CommandResult> {
  const { target, connect } = await chooseDevice(ctx);
  const s = await import('../../sideload/index');
  const APP_DEVELOPMENT = s.DEVICE_CAPABILITY.appDevelopment;
  const what = mode === 'development' ? 'enable development' : 'enable cloud testing';
  if (target.kind !== 'emulator' || !target.stateDir) {
    throw new DeviceError(`Cannot ${what} on ${s.describeCandidate(target)}: a board's capabilities come from a capability file that Microsoft's Azure Sphere Security Service signs for that device, and Spherekit cannot obtain one. Use Microsoft's "az sphere device enable-${mode}" for boards.`, { code: 'CAPABILITY_NEEDS_SECURITY_SERVICE' });
  }
  const emu = await import('../../emulator/index');
  const stateDir = target.stateDir;
  const group = emu.checkDeviceGroup(optString(ctx, 'deviceGroup') ?? (mode === 'development' ? emu.DEVICE_GROUPS.development.name : emu.DEVICE_GROUPS.fieldTest.name));
  const rtCore = optBool(ctx, 'enableRtCoreDebugging');
  const api = connect();
  try {
    const deviceId = (await api.securityState()).deviceIdentifier.toUpperCase();
    // A device older than REST API 3.1.0 cannot say which capabilities it has: the image is applied regardless.
    const known = (await s.optional(() => api.capabilities()))?.device_capabilities;
    const current = known ?? [];
    const wanted = mode === 'development' ? [...new Set([...current, APP_DEVELOPMENT])] : current.filter((c) => c !== APP_DEVELOPMENT);
    const key = (l: number[]) => [...new Set(l)].sort((a, b) => a - b).join(',');
    const changed = known === undefined || key(current) !== key(wanted);
    let change: Awaited<ReturnType<typeof s.applyCapabilityImage>> | undefined;
    let issued: Awaited<ReturnType<typeof emu.issueCapabilityImage>> | undefined;
    if (changed) {
      ctx.ui.note(`Getting a capability image for device ID "${deviceId.slice(0, 16)}…" from the Security Service of ${s.describeCandidate(target)}.`);
      issued = await emu.issueCapabilityImage({ stateDir, deviceId, capabilities: wanted });
      ctx.ui.note(`Applying it: capabilities [${wanted.join(', ')}]; the device restarts.`);
      change = await s.applyCapabilityImage(api, issued.bytes, { expect: wanted });
    }
    const record = emu.assignDeviceGroup({ stateDir, deviceId, deviceGroup: group, applicationUpdates: mode === 'cloud-test', capabilities: wanted });
    const after = change?.after ?? (changed ? null : [...wanted].sort((a, b) => a - b));
    const caps = after === null ? null : after.map((id) => ({ id, name: s.capabilityName(id) }));
    const data = {
      name: target.name, deviceId, changed, capabilities: caps, before: known === undefined ? null : [...known].sort((a, b) => a - b), restarted: change?.restarted ?? false,
      deviceGroup: record.deviceGroup, applicationUpdates: record.applicationUpdates, imageId: issued?.imageId ?? null, signer: issued?.signer ?? null,
      ...(mode === 'development' ? { rtCoreDebugging: rtCore, debugServer: 'built in' } : {}),
    };
    const capsText = caps === null ? '(the device cannot report them)' : caps.length ? caps.map((c) => `${c.name} (${c.id})`).join(', ') : 'none';
    const head = mode === 'development'
      ? (changed ? `Application development capability enabled on ${s.describeCandidate(target)}.` : `Application development capability was already enabled on ${s.describeCandidate(target)}.`)
      : (changed ? `Application development capability removed from ${s.describeCandidate(target)}; it is ready for cloud updates.` : `The application development capability was not enabled on ${s.describeCandidate(target)}; it is ready for cloud updates.`);
    const rows: Array<[string, unknown]> = [
      ['Device ID', deviceId], ['Capabilities', capsText],
      ['Device group', `${record.deviceGroup} (cloud application updates ${record.applicationUpdates ? 'enabled' : 'disabled'})`],
    ];
    if (mode === 'development') rows.push(['Debugging server', `built into the emulator${rtCore ? '; it serves the real-time cores too' : ''}`]);
    return { data, text: `${head}\n${fields(rows)}` };
  } finally {
    api.client.close();
  }
}

const groupOption = (d: string) => ({ flags: '--device-group <name>', description: `Device group the local Security Service records (default "${d}")` });

export const commands: CommandDef[] = [
  {
    group: 'device', name: 'enable-development', description: 'Emulator: add the appDevelopment capability (a capability image from its Security Service); boards need Microsoft\'s',
    options: [
      ...deviceOptions, groupOption('Development'),
      { flags: '-r, --enable-rt-core-debugging', description: 'Also debug real-time core apps (the emulator\'s debug server serves them; no drivers to install)' },
    ],
    examples: ['sphere device enable-development', 'sphere device enable-development --device emu1'],
    action: (ctx) => enable(ctx, 'development'),
  },
  {
    group: 'device', name: 'enable-cloud-test', description: 'Emulator: remove the appDevelopment capability and record a cloud-updating device group',
    options: [...deviceOptions, groupOption('Field Test')],
    examples: ['sphere device enable-cloud-test'],
    action: (ctx) => enable(ctx, 'cloud-test'),
  },
];
