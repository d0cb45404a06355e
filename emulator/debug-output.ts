/**
 * The debug output port (spec/device-rest-api.md, `startDebug`): a board streams the output of
 * an app started in debug mode on a TCP port; the emulator does the same on its listen address,
 * at the board's port 2342 where it is free (else any free port), which `startDebug` reports as `outPort`. Every connection receives the Log_Debug
 * output of the app running in debug mode, as plain text, from when it connects. There is no GDB
 * server: a WebAssembly app cannot be debugged with gdb (`gdbPort` is reported, nothing listens).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Device } from './device';
import { DEBUG_PORTS } from './limits';

export interface DebugOutput { port: number; close(): Promise<void> }

export async function serveDebugOutput(device: Device, host: string): Promise<DebugOutput> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  const listener = (l: { app: string; source: string; text: string }) => {
    if (l.source !== 'app' || device.apps.get(l.app)?.state !== 'debugging' || !sockets.size) return;
    for (const s of sockets) s.write(l.text);
  };
  device.runtime.log.listeners.add(listener);
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  // The board's port when it is free on this address (one emulator), else any free port.
  try { await listen(DEBUG_PORTS.outPort); } catch { await listen(0); }
  const port = (server.address() as { port: number }).port;
  device.debugOutPort = port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      device.runtime.log.listeners.delete(listener);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
