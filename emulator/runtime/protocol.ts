/**
 * What the emulator's main thread and an app's worker share: the layout of the control memory
 * (a SharedArrayBuffer both sides see) and the messages they post. The worker blocks with
 * `Atomics.wait` on the wake cell; the main thread bumps it and notifies for every event the app
 * may be waiting for (an input edge, SIGTERM, virtual time moving, a system event).
 */

/** Int32 cells. */
export const CELL = {
  /** Bumped (and notified) by the main thread for every event. */
  wake: 0,
  /** Pending signals, one bit per signal number (only SIGTERM is raised). */
  signals: 1,
  /** 1 while the worker is blocked waiting for time or an event (the virtual clock moves only then). */
  waiting: 2,
  /** Bumped by the worker each time it blocks, so the main thread can tell one wait from the next. */
  waitSeq: 3,
} as const;

/** BigInt64 cells (byte offset / 8). */
export const BIG = {
  /** Virtual clock: nanoseconds since boot (virtual mode only). */
  now: 4,
  /** The deadline the blocked worker waits for, in ns since boot; -1 for none. */
  deadline: 5,
} as const;

/** Int32 offset of the GPIO levels driven from outside (buttons, `io set`): one cell per GPIO, 0 or 1. */
export const GPIO_INPUT_BASE = 16;
/** Int32 offset of the levels the app drives: -1 while the GPIO is not an output. */
export const GPIO_OUTPUT_BASE = GPIO_INPUT_BASE + 128;
/** GPIO numbers the board has (MT3620: 0–127 addressable here; the board description says which exist). */
export const GPIO_COUNT = 128;
/** Int32 offset of the motion the board's motion sensor feels: ax, ay, az (milli-g), gx, gy, gz (milli-degrees/s). */
export const MOTION_BASE = GPIO_OUTPUT_BASE + GPIO_COUNT;
/** Int32 offset of the ADC samples the board's analog parts give, per channel of controller 0. */
export const ADC_BASE = MOTION_BASE + 8;
export const ADC_CHANNELS = 8;
export const CONTROL_BYTES = (ADC_BASE + ADC_CHANNELS) * 4;

export const SIGTERM = 15;

/** Everything the worker needs to run one app. */
export interface WorkerInit {
  componentId: string;
  name: string;
  /** The app's WebAssembly module. */
  wasm: Uint8Array;
  args: string[];
  /** Files of the image package (read only to the app), by path without the leading '/'. */
  files: Record<string, Uint8Array>;
  /** Where the app's mutable storage file lives on the host (its folder is created on open). */
  storageFile: string;
  control: SharedArrayBuffer;
  clock: 'real' | 'virtual';
  /** Wall-clock milliseconds of the device's boot (realtime = boot + monotonic). */
  bootWallMs: number;
  /** Real mode: performance.timeOrigin + performance.now() at the device's boot, in ms. */
  bootPerfMs: number;
  /** Bytes the app may allocate beyond its starting linear memory (malloc fails past it). */
  memoryCap: number;
  capabilities: AppCapabilities;
  osVersion: string;
  /** Which models sit on the board's buses (board/rdb.ts). */
  wiring: { uartLoopback: readonly number[]; uartTcp: Readonly<Record<number, number>>; i2c: Readonly<Record<number, Readonly<Record<number, 'lsm6ds3'>>>>; spi: Readonly<Record<number, Readonly<Record<number, 'lsm6ds3'>>>> };
  /** Host facts the app may ask about. */
  networkingReady: boolean;
  interfaces: Record<string, number>;
  deviceAuthReady: boolean;
  /** The device certificate (PEM) an app with DeviceAuthentication reads at DEVICE_AUTH_PATH, when the device holds one. */
  deviceAuthCert?: Uint8Array;
}

/** The manifest facts the host checks calls against. */
export interface AppCapabilities {
  gpio: number[];
  /** ISU numbers of Capabilities.Uart ("ISU0" → 0). */
  uart: number[];
  /** ISU numbers of Capabilities.I2cMaster. */
  i2c: number[];
  /** ISU numbers of Capabilities.SpiMaster. */
  spi: number[];
  /** Controller numbers of Capabilities.Pwm ("PWM-CONTROLLER-2" → 2). */
  pwm: number[];
  /** Controller numbers of Capabilities.Adc. */
  adc: number[];
  mutableStorageKB: number;
  powerControls: string[];
  systemEventNotifications: boolean;
  softwareUpdateDeferral: boolean;
  /** Capabilities.AllowedConnections: host names and IPv4 addresses the app may connect to. */
  allowedConnections?: string[];
  /** Capabilities.AllowedTcpServerPorts. */
  allowedTcpServerPorts?: number[];
  /** Capabilities.DeviceAuthentication names a tenant: the app may use the device certificate. */
  deviceAuthentication?: boolean;
}

/** Where an app with DeviceAuthentication finds the device certificate (DeviceAuth_GetCertificatePath). */
export const DEVICE_AUTH_DIR = '/run/deviceauth';
export const DEVICE_AUTH_FILE = 'device.cert.pem';

/** Worker → main. */
export type WorkerMessage =
  | { t: 'started' }
  | { t: 'log'; source: 'app' | 'emulator'; text: string; at: number }
  | { t: 'gpio'; changes: Array<[gpio: number, value: number, atNs: number]>; dropped: number; opened?: Array<[gpio: number, direction: 'input' | 'output']>; closed?: number[]; pwm?: PwmChannelState[] }
  | { t: 'idle' }
  | { t: 'uart'; isu: number; data: Uint8Array }
  | { t: 'power'; state: 'reboot' | 'powerdown'; residencySeconds: number }
  | { t: 'sysevent'; op: 'defer' | 'resume'; event: number; minutes: number }
  | { t: 'net'; req: import('./net-protocol').NetRequest }
  | { t: 'exit'; code: number; reason: ExitReason; detail: string; memoryCapReached: boolean };

/** One PWM channel as the app last applied it. */
export interface PwmChannelState { controller: number; channel: number; periodNs: number; dutyNs: number; polarity: number; enabled: boolean }

export type ExitReason = 'exit' | 'trap' | 'signal' | 'load';
