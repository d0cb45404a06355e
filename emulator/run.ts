/**
 * Running one emulator in this process: lock its state folder, boot the device (secure boot),
 * load or make its TLS material, listen (HTTPS, and the recovery channel), and record it in the
 * registry so other commands find it.
 */
import { UsageError } from '../image-builder/index';
import { REST_API_VERSION } from '../sideload/protocol/index';
import { appNetFacts, checkEmulatedApiVersion } from './api/index';
import { Device, type DeviceOptions } from './device';
import { recoverySocketPath, serveRecovery, type RecoveryServer } from './recovery';
import { DeviceServer, type ServerLimits } from './api/index';
import { loadOrCreateTls } from './service/index';
import { DEFAULT_NAME, Registry, checkName, lockStateDir, type RegistryEntry } from './registry';
import { controlSocketPath, MT3620_RDB, openUartBridge, openUartPty, serveControl, UartBridgeError, UartPtyError, type ControlServer, type UartBridge, type UartPty } from './board/index';
import { controlHandlers } from './control-ops';
import { serveDebugOutput, type DebugOutput } from './debug-output';
import { startView, type ViewServer } from './view/index';

export interface StartOptions {
  stateDir: string;
  name?: string;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  capabilities?: number[];
  /** The REST-API-Version to report and behave as, for this run (default: the newest, REST_API_VERSION). */
  restApiVersion?: string;
  /** Serve the recovery channel (default true). */
  recovery?: boolean;
  /** PEM texts added to the secure-boot keystore. */
  trust?: string[];
  /** Where to record the running emulator; left out, it is not recorded. */
  registryDir?: string;
  logFile?: string;
  limits?: Partial<ServerLimits>;
  log?: (line: string) => void;
  now?: DeviceOptions['now'];
  /** The apps' clock (default real). */
  clock?: 'real' | 'virtual';
  /** What an app may allocate beyond its starting memory, in KiB. */
  appMemoryKB?: number;
  /** The board's parts and wiring (board/description.ts); this run only. */
  board?: DeviceOptions['board'];
  /** ISUs whose UART is bridged to a pseudo-terminal (board/uart-pty.ts) instead of the board's wiring. */
  uartPty?: number[];
  /** Names apps resolve to these IPv4 addresses before DNS. */
  hostMap?: DeviceOptions['hostMap'];
  /** The installation's manufacturer folder (service/manufacturer.ts). */
  manufacturerDir?: string;
}

/** How long apps get after SIGTERM when the emulator itself stops. */
const SHUTDOWN_GRACE_MS = 1000;

export interface RunningEmulator {
  name: string;
  host: string;
  port: number;
  url: string;
  caPem: string;
  device: Device;
  server: DeviceServer;
  entry: RegistryEntry;
  close(): Promise<void>;
}

/** Parses `host:port`, `[v6]:port`, `host` or `:port`. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = m?.[3] === undefined ? 0 : Number(m[3]);
  if (!m || port > 65535) {
    throw new UsageError(`Cannot listen on "${text}": expected host:port, e.g. 127.0.0.1:8443 or 192.168.35.2:443. Fix --listen.`, { code: 'BAD_LISTEN' });
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function urlOf(host: string, port: number): string {
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startEmulator(o: StartOptions): Promise<RunningEmulator> {
  const name = checkName(o.name ?? DEFAULT_NAME);
  const host = o.host ?? '127.0.0.1';
  const apiVersion = o.restApiVersion === undefined ? REST_API_VERSION : checkEmulatedApiVersion(o.restApiVersion);
  const release = lockStateDir(o.stateDir);
  let server: DeviceServer | undefined;
  let recovery: RecoveryServer | undefined;
  let control: ControlServer | undefined;
  let debugOut: DebugOutput | undefined;
  const bridges: UartBridge[] = [];
  let view: ViewServer | undefined;
  const ptys: UartPty[] = [];
  // A UART given a pseudo-terminal is bridged to a local TCP port that socat joins to the terminal.
  const board = o.uartPty?.length
    ? { ...(o.board ?? MT3620_RDB), uart: { ...(o.board ?? MT3620_RDB).uart, ...Object.fromEntries(o.uartPty.map((n) => [`ISU${n}`, { tcp: 0 }])) } }
    : o.board;
  try {
    const device = Device.open({
      stateDir: o.stateDir,
      ...(o.capabilities === undefined ? {} : { capabilities: o.capabilities }),
      ...(o.trust === undefined ? {} : { trust: o.trust }),
      ...(o.now === undefined ? {} : { now: o.now }),
      ...(o.clock === undefined ? {} : { clock: o.clock }),
      ...(o.appMemoryKB === undefined ? {} : { appMemoryKB: o.appMemoryKB }),
      ...(board === undefined ? {} : { board }),
      ...(o.hostMap === undefined ? {} : { hostMap: o.hostMap }),
      ...(o.manufacturerDir === undefined ? {} : { manufacturerDir: o.manufacturerDir }),
    });
    device.onPowerRequest = (state, residency) => {
      // As on the device: every app gets SIGTERM, then the system reboots or sleeps.
      setImmediate(() => {
        void device.runtime.stopAll(state === 'reboot' ? 'system reboot' : 'system power-down').then(() => {
          if (state === 'reboot') { device.diag.record('restart', 'reboot requested by an app'); device.boot(); return; }
          device.powerDown(residency);
        });
      });
    };
    void device.identityCertPem; // issued when the emulator is first started, not when first asked for
    device.apiVersion = apiVersion;
    device.netFacts = () => appNetFacts(device);
    device.netChanged();
    const tls = loadOrCreateTls(o.stateDir, device.deviceId, host);
    server = new DeviceServer(device, tls, { ...(o.limits ? { limits: o.limits } : {}), ...(o.log ? { log: o.log } : {}) });
    let bound: { host: string; port: number };
    try {
      bound = await server.listen(host, o.port ?? 0);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EADDRNOTAVAIL' ? 'no network interface has that address' : err.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : err.message;
      throw new UsageError(`Cannot listen on "${host}:${o.port ?? 0}": ${why}. Choose another --listen address or port.`, { code: 'CANNOT_LISTEN' });
    }
    device.serviceAddress = host === '0.0.0.0' || host === '::' ? '192.168.35.2' : host;
    if (o.recovery !== false) recovery = await serveRecovery(device, recoverySocketPath(o.stateDir), o.log);
    control = await serveControl(controlSocketPath(o.stateDir), {
      ...controlHandlers(device),
      // The board page, started by the first `sphere emulator view` (board page: view/server.ts).
      'view.open': async (a) => {
        const want = typeof a['host'] === 'string' ? { host: a['host'], port: Number(a['port'] ?? 0) } : undefined;
        const moved = view && want && (want.host !== view.host || (want.port !== 0 && want.port !== view.port));
        if (!view || moved) {
          // A page elsewhere replaces the one served so far only once it listens.
          const next = await startView(device, { ...(want ?? {}), boardName: o.board?.name ?? 'MT3620 RDB' }).catch((e: NodeJS.ErrnoException) => {
            throw new Error(e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? `no network interface has the address ${want?.host}` : e.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : e.message);
          });
          await view?.close();
          view = next;
        }
        return { url: view!.url, host: view!.host, port: view!.port };
      },
    });
    debugOut = await serveDebugOutput(device, bound.host);
    for (const [isu, port] of Object.entries(device.board.wiring.uartTcp)) {
      try {
        const b = await openUartBridge(Number(isu), port, (data) => device.runtime.uartRx(Number(isu), data));
        bridges.push(b);
        device.board.uartBridges.set(b.isu, b.port);
      } catch (e) {
        if (e instanceof UartBridgeError) throw new UsageError(e.message, { code: 'UART_BRIDGE' });
        throw e;
      }
    }
    for (const isu of o.uartPty ?? []) {
      try {
        const p = await openUartPty(isu, device.board.uartBridges.get(isu)!, o.stateDir);
        ptys.push(p);
        device.board.uartPtys.set(isu, p.path);
      } catch (e) {
        if (e instanceof UartPtyError) throw new UsageError(e.message, { code: 'UART_PTY' });
        throw e;
      }
    }
    device.onUartTx = (isu, data) => { bridges.find((b) => b.isu === isu)?.send(data); view?.uartTx(isu, data); };
    const url = urlOf(bound.host, bound.port);
    const entry: RegistryEntry = {
      name, pid: process.pid, host: bound.host, port: bound.port, url, stateDir: o.stateDir, deviceId: device.deviceId,
      caPem: tls.caPem, startedAt: new Date().toISOString(), restApiVersion: apiVersion,
      ...(recovery ? { recovery: recovery.path } : {}), control: control.path, clock: device.clock.mode, ...(o.logFile ? { logFile: o.logFile } : {}),
    };
    const registry = o.registryDir ? new Registry(o.registryDir) : undefined;
    if (registry) {
      const other = registry.get(name);
      if (other && other.pid !== process.pid) {
        throw new UsageError(`Cannot start emulator "${name}": it already runs (pid ${other.pid}, ${other.url}). Stop it first or pick another --name.`, { code: 'ALREADY_RUNNING' });
      }
      registry.write(entry);
    }
    const s = server;
    const r = recovery;
    const c = control;
    const dbg = debugOut;
    let closed = false;
    return {
      name, host: bound.host, port: bound.port, url, caPem: tls.caPem, device, server: s, entry,
      async close() {
        if (closed) return;
        closed = true;
        registry?.remove(name, process.pid);
        await Promise.race([device.runtime.stopAll('emulator stopping'), new Promise((done) => setTimeout(done, SHUTDOWN_GRACE_MS).unref())]);
        await device.runtime.killAll('emulator stopping');
        device.runtime.log.flush();
        await Promise.all([s.close(), r?.close(), c.close(), dbg.close(), view?.close(), ...ptys.map((p) => p.close()), ...bridges.map((b) => b.close())]);
        release();
      },
    };
  } catch (e) {
    if (server) await server.close().catch(() => {});
    if (recovery) await recovery.close().catch(() => {});
    if (control) await control.close().catch(() => {});
    if (debugOut) await debugOut.close().catch(() => {});
    for (const p of ptys) await p.close().catch(() => {});
    for (const b of bridges) await b.close().catch(() => {});
    release();
    throw e;
  }
}
