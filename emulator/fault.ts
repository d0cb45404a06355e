/**
 * A refusal by the emulated device: one of the contract's error codes (sideload/protocol/errors.ts)
 * and the HTTP status it travels with. The device model throws these; the HTTP layer turns them
 * into `{"error": <code>}` answers.
 */
import { DEVICE_ERROR, type DeviceErrorName } from '../sideload/protocol/index';

export class DeviceFault extends Error {
  readonly code: number;
  readonly status: number;
  readonly errorName: DeviceErrorName;
  constructor(name: DeviceErrorName, detail?: string, status?: number) {
    const d = DEVICE_ERROR[name];
    super(detail ? `${d.message} (${detail})` : d.message);
    this.name = 'DeviceFault';
    this.errorName = name;
    this.code = d.code;
    this.status = status ?? d.status;
  }
}

export function fault(name: DeviceErrorName, detail?: string, status?: number): never {
  throw new DeviceFault(name, detail, status);
}
