/**
 * The host side of the applibs API, one row per import of the "applibs" module (the contract is
 * sdk/sysroot/src/applibs/sphere_host.h): the applibs call it serves, the manifest capability that
 * gates it (checked on every call; a denial answers -EACCES and logs one line naming the call, the
 * resource and the manifest field), and what it does. Returns are -errno in WASI numbering.
 */
import { rmSync, existsSync } from 'node:fs';
import { E } from './errno';
import type { AppHost } from './host';
import { NET_ROWS } from './net-table';
import type { Gate, HostRow } from './host-row';
import { ADC_CHANNELS, CELL, DEVICE_AUTH_DIR, DEVICE_AUTH_FILE, GPIO_OUTPUT_BASE, SIGTERM } from './protocol';

const GPIO_MAX = 127;
/** MT3620: three PWM controllers of four channels; one 12-bit ADC controller of eight channels. */
const PWM_CONTROLLERS = 3;
const PWM_CHANNELS = 4;
const ADC_BITS = 12;
/** Upper half of an SPIMaster_Transfer's z__magicAndVersion (spec/applibs.md §1.3). */
const SPI_TRANSFER_MAGIC = 0x22130000;

const gpioGate: Gate = (c, [id]) => (c.gpio.includes(id!) ? undefined : [`GPIO ${id}`, 'Capabilities.Gpio']);
const powerGate = (what: string): Gate => (c) => (c.powerControls.includes(what) ? undefined : [`power control ${what}`, 'Capabilities.PowerControls']);

function gpioFd(h: AppHost, fd: number): Extract<ReturnType<AppHost['fds']['get']>, { kind: 'gpio' }> | undefined {
  const f = h.fds.get(fd);
  return f?.kind === 'gpio' ? f : undefined;
}

function writeBool(h: AppHost, ptr: number, v: boolean): number {
  const s = h.slice(ptr, 1);
  if (!s) return -E.EFAULT;
  s[0] = v ? 1 : 0;
  return 0;
}

function writeText(h: AppHost, ptr: number, cap: number, text: string): number {
  const b = Buffer.from(text, 'utf8');
  if (b.length > cap) return -E.ERANGE;
  const s = h.slice(ptr, b.length);
  if (!s) return -E.EFAULT;
  s.set(b);
  return b.length;
}

function readSpec(h: AppHost, ptr: number): bigint[] | undefined {
  const s = h.slice(ptr, 32);
  if (!s) return undefined;
  const v = h.view;
  return [0, 8, 16, 24].map((o) => v.getBigInt64(ptr + o, true));
}

function writeSpec(h: AppHost, ptr: number, spec: bigint[]): boolean {
  if (!h.slice(ptr, 32)) return false;
  const v = h.view;
  spec.forEach((x, i) => v.setBigInt64(ptr + i * 8, x, true));
  return true;
}

const NS = 1_000_000_000n;

export const HOST_TABLE: HostRow[] = [
  {
    name: 'log_write', call: 'Log_Debug',
    run: (h, ptr, len) => {
      const text = h.string(ptr!, len!);
      if (text === undefined) return -E.EFAULT;
      h.flushStdio();
      h.appLog(text);
      return 0;
    },
  },
  {
    name: 'gpio_open_input', call: 'GPIO_OpenAsInput', gate: gpioGate,
    run: (h, id) => {
      if (id! < 0 || id! > GPIO_MAX) return -E.ENODEV;
      if (h.gpioOpen.has(id!)) return -E.EBUSY;
      const fd = h.addFd({ kind: 'gpio', gpio: id!, output: false });
      h.gpioOpen.set(id!, fd);
      h.gpioOpened(id!, 'input');
      return fd;
    },
  },
  {
    name: 'gpio_open_output', call: 'GPIO_OpenAsOutput', gate: gpioGate,
    run: (h, id, mode, value) => {
      if (id! < 0 || id! > GPIO_MAX) return -E.ENODEV;
      if (mode! > 2 || value! > 1) return -E.EINVAL;
      if (h.gpioOpen.has(id!)) return -E.EBUSY;
      const fd = h.addFd({ kind: 'gpio', gpio: id!, output: true });
      h.gpioOpen.set(id!, fd);
      h.gpioOpened(id!, 'output');
      h.gpioChanged(id!, value!);
      return fd;
    },
  },
  {
    name: 'gpio_set_value', call: 'GPIO_SetValue',
    run: (h, fd, value) => {
      const f = gpioFd(h, fd!);
      if (!f) return -E.EBADF;
      if (value! > 1) return -E.EINVAL;
      if (f.output) h.gpioChanged(f.gpio, value!);
      return 0;
    },
  },
  {
    name: 'gpio_get_value', call: 'GPIO_GetValue',
    run: (h, fd, out) => {
      const f = gpioFd(h, fd!);
      if (!f) return -E.EBADF;
      const s = h.slice(out!, 1);
      if (!s) return -E.EFAULT;
      s[0] = f.output ? Math.max(0, Atomics.load(h.ctl, GPIO_OUTPUT_BASE + f.gpio)) : h.gpioInput(f.gpio);
      return 0;
    },
  },
  {
    name: 'uart_open', call: 'UART_Open',
    gate: (c, [id]) => (c.uart.includes(id! - 4) ? undefined : [`UART ISU${id! - 4}`, 'Capabilities.Uart']),
    run: (h, id, baud, dataBits, parity, stopBits, flow) => {
      if (id! < 4 || id! > 8) return -E.ENODEV;
      if (!baud || baud > 3_000_000 || dataBits! < 5 || dataBits! > 8 || parity! > 2 || (stopBits !== 1 && stopBits !== 2) || flow! > 2) return -E.EINVAL;
      const isu = id! - 4;
      if ([...h.fds.values()].some((f) => f.kind === 'uart' && f.isu === isu)) return -E.EBUSY;
      return h.addFd({ kind: 'uart', isu, rx: [], loopback: h.init.wiring.uartLoopback.includes(isu), bridged: h.init.wiring.uartTcp[isu] !== undefined });
    },
  },
  {
    name: 'i2c_open', call: 'I2CMaster_Open',
    gate: (c, [id]) => (c.i2c.includes(id!) ? undefined : [`I2C master ISU${id}`, 'Capabilities.I2cMaster']),
    run: (h, id) => {
      if (id! < 0 || id! > 4) return -E.ENODEV;
      if ([...h.fds.values()].some((f) => f.kind === 'i2c' && f.isu === id)) return -E.EBUSY;
      return h.addFd({ kind: 'i2c', isu: id!, target: 0 });
    },
  },
  {
    name: 'i2c_set', call: 'I2CMaster_SetBusSpeed/SetTimeout/SetDefaultTargetAddress',
    run: (h, fd, what, value) => {
      const f = h.fds.get(fd!);
      if (f?.kind !== 'i2c') return -E.EBADF;
      if (what === 0) return value! >= 10_000 && value! <= 3_400_000 ? 0 : -E.EINVAL;
      if (what === 1) return 0;
      if (what === 2) { if (value! > 0x3ff) return -E.EINVAL; f.target = value!; return 0; }
      return -E.EINVAL;
    },
  },
  {
    name: 'i2c_transfer', call: 'I2CMaster_Write/Read/WriteThenRead',
    run: (h, fd, address, wptr, wlen, rptr, rlen) => {
      const f = h.fds.get(fd!);
      if (f?.kind !== 'i2c') return -E.EBADF;
      if (address! > 0x3ff) return -E.EINVAL;
      const w = wlen ? h.slice(wptr!, wlen) : new Uint8Array(0);
      const r = rlen ? h.slice(rptr!, rlen) : new Uint8Array(0);
      if (!w || !r) return -E.EFAULT;
      // The write may overlap the read buffer: take a copy first.
      return h.i2cTransfer(f, address!, Uint8Array.from(w), r);
    },
  },
  {
    name: 'spi_open', call: 'SPIMaster_Open',
    gate: (c, [id]) => (c.spi.includes(id!) ? undefined : [`SPI master ISU${id}`, 'Capabilities.SpiMaster']),
    run: (h, id, cs, polarity) => {
      if (id! < 0 || id! > 4) return -E.ENODEV;
      if ((cs !== -1 && cs !== -2) || (polarity !== 1 && polarity !== 2)) return -E.EINVAL;
      if ([...h.fds.values()].some((f) => f.kind === 'spi' && f.isu === id && f.cs === cs)) return -E.EBUSY;
      return h.addFd({ kind: 'spi', isu: id!, cs: cs! });
    },
  },
  {
    name: 'spi_set', call: 'SPIMaster_SetBusSpeed/SetMode/SetBitOrder',
    run: (h, fd, what, value) => {
      if (h.fds.get(fd!)?.kind !== 'spi') return -E.EBADF;
      if (what === 0) return value! >= 1000 && value! <= 40_000_000 ? 0 : -E.EINVAL;
      if (what === 1) return value! >= 1 && value! <= 4 ? 0 : -E.EINVAL;
      if (what === 2) return value === 1 || value === 2 ? 0 : -E.EINVAL;
      return -E.EINVAL;
    },
  },
  {
    name: 'spi_transfer', call: 'SPIMaster_TransferSequential',
    run: (h, fd, ptr, count) => {
      const f = h.fds.get(fd!);
      if (f?.kind !== 'spi') return -E.EBADF;
      if (!h.slice(ptr!, count! * 20)) return -E.EFAULT;
      const v = h.view;
      const items: Array<{ write?: Uint8Array; read?: Uint8Array }> = [];
      for (let i = 0; i < count!; i++) {
        const p = ptr! + i * 20;
        if (v.getUint32(p, true) !== (SPI_TRANSFER_MAGIC | 1)) return -E.EINVAL;
        const flags = v.getUint32(p + 4, true);
        const len = v.getUint32(p + 16, true);
        if ((flags !== 1 && flags !== 2) || len === 0) return -E.EINVAL;
        const buf = h.slice(v.getUint32(p + (flags === 2 ? 8 : 12), true), len);
        if (!buf) return -E.EFAULT;
        items.push(flags === 2 ? { write: Uint8Array.from(buf) } : { read: buf });
      }
      return h.spiSequence(f, items);
    },
  },
  {
    name: 'pwm_open', call: 'PWM_Open',
    gate: (c, [n]) => (c.pwm.includes(n!) ? undefined : [`PWM-CONTROLLER-${n}`, 'Capabilities.Pwm']),
    run: (h, n) => {
      if (n! < 0 || n! > PWM_CONTROLLERS - 1) return -E.ENODEV;
      if ([...h.fds.values()].some((f) => f.kind === 'pwm' && f.controller === n)) return -E.EBUSY;
      return h.addFd({ kind: 'pwm', controller: n! });
    },
  },
  {
    name: 'pwm_apply', call: 'PWM_Apply',
    run: (h, fd, channel, ptr) => {
      const f = h.fds.get(fd!);
      if (f?.kind !== 'pwm') return -E.EBADF;
      if (channel! > PWM_CHANNELS - 1) return -E.ENODEV;
      if (!h.slice(ptr!, 16)) return -E.EINVAL;
      const v = h.view;
      const periodNs = v.getUint32(ptr!, true);
      const dutyNs = v.getUint32(ptr! + 4, true);
      const polarity = v.getUint32(ptr! + 8, true);
      // The device accepts a duty cycle equal to the period (the PWM sample steps up to it).
      if (polarity > 1 || dutyNs > periodNs) return -E.EINVAL;
      h.pwmApplied({ controller: f.controller, channel: channel!, periodNs, dutyNs, polarity, enabled: v.getUint8(ptr! + 12) !== 0 });
      return 0;
    },
  },
  {
    name: 'adc_open', call: 'ADC_Open',
    gate: (c, [n]) => (c.adc.includes(n!) ? undefined : [`ADC-CONTROLLER-${n}`, 'Capabilities.Adc']),
    run: (h, n) => (n === 0 ? h.addFd({ kind: 'adc', controller: 0 }) : -E.ENODEV),
  },
  {
    name: 'adc_bits', call: 'ADC_GetSampleBitCount',
    run: (h, fd, channel) => (h.fds.get(fd!)?.kind !== 'adc' ? -E.EBADF : channel! >= ADC_CHANNELS ? -E.ENODEV : ADC_BITS),
  },
  {
    name: 'adc_set_reference', call: 'ADC_SetReferenceVoltage',
    run: (h, fd, channel, mv) => (h.fds.get(fd!)?.kind !== 'adc' ? -E.EBADF : channel! >= ADC_CHANNELS ? -E.ENODEV : mv! < 1000 || mv! > 2500 ? -E.EINVAL : 0),
  },
  {
    name: 'adc_poll', call: 'ADC_Poll',
    run: (h, fd, channel, out) => {
      if (h.fds.get(fd!)?.kind !== 'adc') return -E.EBADF;
      if (channel! >= ADC_CHANNELS) return -E.ENODEV;
      if (!h.slice(out!, 4)) return -E.EFAULT;
      h.view.setUint32(out!, h.adcSample(channel!), true);
      return 0;
    },
  },
  {
    name: 'timerfd_create', call: 'timerfd_create',
    run: (h, clock, flags) => {
      if (clock !== 0 && clock !== 1) return -E.EINVAL;
      return h.addFd({ kind: 'timer', clock, nonblocking: (flags! & 1) !== 0, nextNs: 0n, intervalNs: 0n, armed: false, count: 0n });
    },
  },
  {
    name: 'timerfd_settime', call: 'timerfd_settime',
    run: (h, fd, flags, newPtr, oldPtr) => {
      const t = h.fds.get(fd!);
      if (t?.kind !== 'timer') return -E.EBADF;
      const spec = readSpec(h, newPtr!);
      if (!spec) return -E.EFAULT;
      const [is, ins, vs, vns] = spec as [bigint, bigint, bigint, bigint];
      if (ins < 0n || ins >= NS || vns < 0n || vns >= NS || is < 0n || vs < 0n) return -E.EINVAL;
      const now = h.nowNs();
      if (oldPtr) {
        const left = t.armed ? (t.nextNs > now ? t.nextNs - now : 0n) : 0n;
        if (!writeSpec(h, oldPtr, [t.intervalNs / NS, t.intervalNs % NS, left / NS, left % NS])) return -E.EFAULT;
      }
      const value = vs * NS + vns;
      t.intervalNs = is * NS + ins;
      t.count = 0n;
      if (value === 0n) { t.armed = false; return 0; }
      t.armed = true;
      if (flags! & 1) t.nextNs = t.clock === 0 ? value - (h.realtimeNs() - now) : value;
      else t.nextNs = now + value;
      return 0;
    },
  },
  {
    name: 'timerfd_gettime', call: 'timerfd_gettime',
    run: (h, fd, curPtr) => {
      const t = h.fds.get(fd!);
      if (t?.kind !== 'timer') return -E.EBADF;
      const now = h.nowNs();
      h.expire(t, now);
      const left = t.armed ? t.nextNs - now : 0n;
      return writeSpec(h, curPtr!, [t.intervalNs / NS, t.intervalNs % NS, left / NS, left % NS]) ? 0 : -E.EFAULT;
    },
  },
  {
    name: 'signal_action', call: 'sigaction',
    run: (h, signum, kind, handler) => {
      if (signum! < 1 || signum! > 31 || kind! > 2) return -E.EINVAL;
      if (signum === 9 || signum === 19) return -E.EINVAL;
      h.sigKind.set(signum!, kind!);
      if (kind === 2) h.sigHandler.set(signum!, handler!);
      return 0;
    },
  },
  {
    name: 'signal_mask', call: 'sigprocmask',
    run: (h, how, blocked) => {
      const before = h.sigBlocked ? 1 : 0;
      if (how === 0) { if (blocked) h.sigBlocked = true; }
      else if (how === 1) { if (blocked) h.sigBlocked = false; }
      else if (how === 2) h.sigBlocked = blocked === 1;
      else return -E.EINVAL;
      if (!h.sigBlocked) h.deliverSignals();
      return before;
    },
  },
  {
    name: 'signal_wait', call: 'sigtimedwait',
    run: (h, timeoutNs) => {
      const t = BigInt(timeoutNs as unknown as bigint);
      const deadline = t < 0n ? undefined : h.nowNs() + t;
      for (;;) {
        if (Atomics.load(h.ctl, CELL.signals) & (1 << SIGTERM)) { Atomics.and(h.ctl, CELL.signals, ~(1 << SIGTERM)); return SIGTERM; }
        if (deadline !== undefined && h.nowNs() >= deadline) return -E.EAGAIN;
        h.block(deadline);
      }
    },
  },
  {
    name: 'storage_open_mutable', call: 'Storage_OpenMutableFile',
    gate: (c) => (c.mutableStorageKB > 0 ? undefined : ['mutable storage', 'Capabilities.MutableStorage.SizeKB']),
    run: (h) => h.openMutable(h.init.capabilities.mutableStorageKB * 1024),
  },
  {
    name: 'storage_delete_mutable', call: 'Storage_DeleteMutableFile',
    gate: (c) => (c.mutableStorageKB > 0 ? undefined : ['mutable storage', 'Capabilities.MutableStorage.SizeKB']),
    run: (h) => {
      if ([...h.fds.values()].some((f) => f.kind === 'mutable')) return -E.EBUSY;
      if (!existsSync(h.init.storageFile)) return -E.ENOENT;
      try { rmSync(h.init.storageFile); return 0; } catch { return -E.EIO; }
    },
  },
  {
    name: 'storage_open_image_file', call: 'Storage_OpenFileInImagePackage',
    run: (h, ptr, len) => {
      const path = h.string(ptr!, len!);
      if (path === undefined) return -E.EFAULT;
      const data = h.init.files[path.replace(/^\.\//, '')];
      if (!data) return -E.ENOENT;
      return h.addFd({ kind: 'image', data, pos: 0 });
    },
  },
  {
    name: 'storage_image_root', call: 'Storage_GetAbsolutePathInImagePackage',
    run: (h, ptr, cap) => writeText(h, ptr!, cap!, `/mnt/apps/${h.init.componentId}`),
  },
  {
    name: 'networking_is_ready', call: 'Networking_IsNetworkingReady',
    run: (h, out) => writeBool(h, out!, h.facts().networkingReady),
  },
  {
    name: 'networking_interface_status', call: 'Networking_GetInterfaceConnectionStatus',
    run: (h, ptr, len, out) => {
      const name = h.string(ptr!, len!);
      if (name === undefined) return -E.EFAULT;
      const status = h.facts().interfaces[name];
      if (status === undefined) return -E.ENODEV;
      if (!h.slice(out!, 4)) return -E.EFAULT;
      h.view.setUint32(out!, status, true);
      return 0;
    },
  },
  {
    name: 'device_auth_ready', call: 'Application_IsDeviceAuthReady',
    run: (h, out) => writeBool(h, out!, h.facts().deviceAuthReady),
  },
  {
    name: 'device_auth_cert_path', call: 'DeviceAuth_GetCertificatePath',
    gate: (c) => (c.deviceAuthentication ? undefined : ['the device certificate', 'Capabilities.DeviceAuthentication']),
    run: (h, ptr, cap) => writeText(h, ptr!, cap!, `${DEVICE_AUTH_DIR}/${DEVICE_AUTH_FILE}`),
  },
  {
    name: 'power_transition', call: 'PowerManagement_ForceSystemReboot/PowerDown',
    gate: (c, [state]) => powerGate(state === 0 ? 'ForceReboot' : 'ForcePowerDown')(c, []),
    run: (h, state, residency) => {
      if (state !== 0 && state !== 1) return -E.EINVAL;
      h.emulatorLog(state === 0 ? 'the app asked for a system reboot' : `the app asked to power down for up to ${residency} s`);
      h.post({ t: 'power', state: state === 0 ? 'reboot' : 'powerdown', residencySeconds: residency! >>> 0 });
      return 0;
    },
  },
  {
    name: 'power_set_profile', call: 'PowerManagement_SetSystemPowerProfile', gate: powerGate('SetPowerProfile'),
    run: (h, profile) => {
      if (profile! > 2) return -E.EINVAL;
      h.emulatorLog(`power profile set to ${['PowerSaver', 'Balanced', 'HighPerformance'][profile!]}`);
      return 0;
    },
  },
  {
    name: 'sysevent_register', call: 'SysEvent_RegisterForEventNotifications',
    gate: (c) => (c.systemEventNotifications ? undefined : ['system event notifications', 'Capabilities.SystemEventNotifications']),
    run: (h, mask) => {
      if (!mask || mask & ~0x07) return -E.EINVAL;
      if (h.sysEventMask) return -E.EEXIST;
      h.sysEventMask = mask;
      return h.addFd({ kind: 'sysevent' });
    },
  },
  {
    name: 'sysevent_unregister', call: 'SysEvent_UnregisterForEventNotifications',
    run: (h) => { h.sysEventMask = 0; return 0; },
  },
  {
    name: 'sysevent_next', call: 'SysEvent (event delivery)',
    run: (h, evPtr, stPtr, maxPtr, typePtr) => {
      const e = h.nextSysEvent();
      if (!e) return 0;
      for (const p of [evPtr, stPtr, maxPtr, typePtr]) if (!h.slice(p!, 4)) return -E.EFAULT;
      const v = h.view;
      v.setUint32(evPtr!, e.event, true);
      v.setUint32(stPtr!, e.status, true);
      v.setUint32(maxPtr!, e.maxDeferral, true);
      v.setUint32(typePtr!, e.updateType, true);
      return 1;
    },
  },
  {
    name: 'sysevent_defer', call: 'SysEvent_DeferEvent',
    gate: (c) => (c.softwareUpdateDeferral ? undefined : ['update deferral', 'Capabilities.SoftwareUpdateDeferral']),
    run: (h, event, minutes) => {
      if (event !== 1) return -E.EINVAL;
      h.post({ t: 'sysevent', op: 'defer', event: event!, minutes: minutes! >>> 0 });
      return 0;
    },
  },
  {
    name: 'sysevent_resume', call: 'SysEvent_ResumeEvent',
    gate: (c) => (c.softwareUpdateDeferral ? undefined : ['update deferral', 'Capabilities.SoftwareUpdateDeferral']),
    run: (h, event) => {
      if (event !== 1) return -E.EINVAL;
      h.post({ t: 'sysevent', op: 'resume', event: event!, minutes: 0 });
      return 0;
    },
  },
  {
    name: 'memory_usage_kb', call: 'Applications_Get*MemoryUsageInKB',
    run: (h, which) => (which! > 2 ? -E.EINVAL : Math.ceil(h.memory.buffer.byteLength / 1024)),
  },
  {
    name: 'memory_denied', call: 'malloc',
    run: (h, increment) => {
      if (!h.memoryCapReached) {
        h.memoryCapReached = true;
        h.emulatorLog(`memory cap reached: the app asked for ${increment! >>> 0} more bytes with ${Math.round(h.memory.buffer.byteLength / 1024)} KiB of linear memory in use (allowance ${Math.round(h.init.memoryCap / 1024)} KiB); malloc returns NULL`);
      }
      return 0;
    },
  },
  {
    name: 'os_version', call: 'Applications_GetOsVersion',
    run: (h, ptr, cap) => writeText(h, ptr!, cap!, h.init.osVersion),
  },
  ...NET_ROWS,
];

/** The "applibs" import object for one app: every row wrapped with its capability check. */
export function applibsImports(h: AppHost): Record<string, (...a: number[]) => number> {
  const out: Record<string, (...a: number[]) => number> = {};
  const caps = h.init.capabilities;
  for (const row of HOST_TABLE) {
    const { gate, run, call } = row;
    out[row.name] = gate
      ? (...a: number[]) => {
        const denied = gate(caps, a);
        return denied ? h.deny(call, denied[0], denied[1]) : run(h, ...a);
      }
      : (...a: number[]) => run(h, ...a);
  }
  return out;
}
