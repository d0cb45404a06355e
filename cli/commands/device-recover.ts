/**
 * `sphere device recover` for emulators (spec/device-rest-api.md §7 describes a board's serial
 * recovery, which sphere does not drive): stop the emulator, erase its flash — apps, settings,
 * capabilities — so it boots the base OS image set again, and start it once more on the same
 * address and state folder, keeping its identity key and device CA. Reuses the emulator commands'
 * own stop, reset and start, then checks the device ID survived and no app is left.
 */
import type { CommandContext, CommandResult } from '../command';
import { optString } from '../command';
import { DeviceError, UsageError } from '../../image-builder/errors';
import { findDevices } from './device-context';

async function runEmulatorCommand(ctx: CommandContext, name: string, options: Record<string, unknown>): Promise<void> {
  const { commands } = await import('./emulator');
  const def = commands.find((c) => c.group === 'emulator' && c.name.split(' ')[0] === name);
  if (!def) throw new Error(`emulator command "${name}" is missing`);
  await def.action({ ...ctx, options });
}

export async function recoverEmulator(ctx: CommandContext): Promise<CommandResult> {
  const s = await import('../../sideload/index');
  const found = await findDevices(ctx);
  const sel: Parameters<typeof s.selectDevice>[2] = {};
  if (found.boardCa) sel.boardCa = found.boardCa;
  const target = await s.selectDevice(found.candidates, optString(ctx, 'device') ?? (ctx.env['SPHERE_DEVICE'] || undefined), sel);
  if (target.kind !== 'emulator' || !target.stateDir) {
    throw new UsageError(`Cannot recover ${s.describeCandidate(target)}: a board is recovered over its recovery UART, which sphere does not drive. Use the vendor's recovery tool for boards; "sphere device recover" recovers emulators.`, { code: 'RECOVER_BOARD_UNSUPPORTED' });
  }
  const before = target.deviceId;
  ctx.ui.note(`Recovering emulator "${target.name}": stopping it, erasing its flash and starting it again…`);
  await runEmulatorCommand(ctx, 'stop', { name: target.name });
  await runEmulatorCommand(ctx, 'reset', { name: target.name, stateDir: target.stateDir });
  await runEmulatorCommand(ctx, 'start', { name: target.name, stateDir: target.stateDir, listen: `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`, detach: true });
  const after = (await findDevices(ctx, { probeBoards: false })).candidates.find((c) => c.kind === 'emulator' && c.name === target.name);
  if (!after) throw new DeviceError(`Cannot confirm the recovery of emulator "${target.name}": it is not running after the restart. See "sphere emulator logs --name ${target.name}".`, { code: 'RECOVER_FAILED' });
  const api = s.connectDevice(after);
  try {
    const sec = await api.securityState();
    const apps = s.imageEntries(await api.images());
    const deviceId = sec.deviceIdentifier.toUpperCase();
    if (before && deviceId !== before.toUpperCase()) throw new DeviceError(`Cannot confirm the recovery of emulator "${target.name}": its device ID changed. Its identity key was lost; see "sphere emulator logs --name ${target.name}".`, { code: 'RECOVER_IDENTITY_LOST' });
    if (apps.length) throw new DeviceError(`Cannot confirm the recovery of emulator "${target.name}": ${apps.length} application(s) are still installed. Run "sphere emulator reset --name ${target.name}" while it is stopped.`, { code: 'RECOVER_FAILED' });
    const data = { name: target.name, deviceId, address: s.formatAddress(after.host, after.port), applications: 0, identityKept: true };
    return { data, text: `Device ID: ${deviceId}\nDevice recovered successfully.\n` };
  } finally {
    api.client.close();
  }
}
