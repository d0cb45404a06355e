/**
 * A UART bridged to a local TCP port (board description `"uart": { "ISU0": { "tcp": 5000 } }`):
 * what the app writes to the UART goes to every connected client, and what a client sends
 * arrives on the UART's RX, so a person (`nc 127.0.0.1 5000`) or another program talks to the app.
 * Only this machine may connect (it listens on 127.0.0.1).
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface UartBridge { isu: number; port: number; send(data: Uint8Array): void; close(): Promise<void> }

export class UartBridgeError extends Error {}

export async function openUartBridge(isu: number, port: number, onData: (data: Uint8Array) => void): Promise<UartBridge> {
  const clients = new Set<Socket>();
  const server: Server = createServer((s) => {
    clients.add(s);
    s.on('data', (c: Buffer) => onData(c));
    s.on('error', () => {});
    s.on('close', () => clients.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UartBridgeError(`Cannot bridge UART ISU${isu} to 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : (e as Error).message}. Pick another port in the board description, or 0 for any free one.`);
  }
  return {
    isu,
    port: (server.address() as { port: number }).port,
    send(data) { for (const c of clients) c.write(data); },
    close: () => new Promise<void>((resolve) => { for (const c of clients) c.destroy(); server.close(() => resolve()); }),
  };
}

/** Throws UartBridgeError when a fixed bridge port of the wiring cannot be listened on now (checked before a detached start, so the error is the same line). */
export async function checkUartBridgePorts(uartTcp: Readonly<Record<number, number>>): Promise<void> {
  for (const [isu, port] of Object.entries(uartTcp)) {
    if (!port) continue;
    const b = await openUartBridge(Number(isu), port, () => {});
    await b.close();
  }
}
