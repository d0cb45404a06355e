/**
 * `sphere device recover` for emulators (spec/device-rest-api.md §7 describes a board's serial
 * recovery, which sphere does not drive). The running emulator is asked over its recovery channel
 * (emulator/recovery.ts) to write the base OS image set again and wipe apps and settings, keeping
 * its identity; it boots again on the same address, with the same process and options. Then the
 * device is asked, over the REST API, for its ID (unchanged) and its applications (none).
 */
import { homedir } from 'node:os';
import type { CommandContext, CommandResult } from '../command';
import { DeviceError, UsageError } from '../../image-builder/errors';
import { chooseDevice } from './device-context';

export async function recoverEmulator(ctx: CommandContext): Promise<CommandResult> {
  const { target, connect } = await chooseDevice(ctx);
  const s = await import('../../sideload/index');
  if (target.kind !== 'emulator' || !target.stateDir) {
    throw new UsageError(`Cannot recover ${s.describeCandidate(target)}: a board is recovered over its recovery UART, which sphere does not drive. Use the vendor's recovery tool for boards; "sphere device recover" recovers emulators.`, { code: 'RECOVER_BOARD_UNSUPPORTED' });
  }
  const emu = await import('../../emulator/index');
  const entry = new emu.Registry(emu.runtimeDir(ctx.env, homedir())).get(target.name);
  if (!entry?.recovery) {
    throw new DeviceError(`Cannot recover emulator "${target.name}": it has no recovery channel (it was started by an older sphere). Restart it ("sphere emulator stop --name ${target.name}", then start it again) and retry.`, { code: 'RECOVER_UNSUPPORTED' });
  }
  const label = s.describeCandidate(target);
  ctx.ui.note(`Recovering ${label}: writing the base OS image set again and erasing apps and settings…`);
  const r = await emu.requestRecovery(entry.recovery, { label });
  const api = connect();
  try {
    const deviceId = (await api.securityState()).deviceIdentifier.toUpperCase();
    const apps = s.imageEntries(await api.images());
    if (deviceId !== r.deviceId.toUpperCase() || (target.deviceId && deviceId !== target.deviceId.toUpperCase())) {
      throw new DeviceError(`Cannot confirm the recovery of ${label}: its device ID changed. Its identity key was lost; see "sphere emulator logs --name ${target.name}".`, { code: 'RECOVER_IDENTITY_LOST' });
    }
    if (apps.length) throw new DeviceError(`Cannot confirm the recovery of ${label}: ${apps.length} application(s) are still installed. See "sphere emulator logs --name ${target.name}".`, { code: 'RECOVER_FAILED' });
    const data = { name: target.name, deviceId, address: s.formatAddress(target.host, target.port), applications: 0, removedImages: r.removedImages, identityKept: true, bootCount: r.bootCount };
    return { data, text: `Device ID: ${deviceId}\nDevice recovered successfully.\n` };
  } finally {
    api.client.close();
  }
}
