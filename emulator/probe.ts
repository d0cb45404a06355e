/**
 * A minimal pinned HTTPS request to a device, for the emulator's own commands (status, waiting
 * for a detached emulator to answer) and tests: trusts only the given device CA, checks the
 * certificate against `*.devices.sphere.azure.local` and sends that Host header (spec §2).
 * The full device client lives in sideload/.
 */
import { request } from 'node:https';
import { DEVICE_HOST, DEVICE_TLS_NAME } from '../sideload/protocol/index';

export interface ProbeResponse { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; json: unknown }

export interface ProbeOptions {
  url: string;
  caPem: string;
  method?: string;
  path: string;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function deviceRequest(o: ProbeOptions): Promise<ProbeResponse> {
  const u = new URL(o.path, o.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Host: DEVICE_HOST, Accept: 'application/json', ...o.headers };
    if (o.body !== undefined) headers['Content-Length'] = Buffer.byteLength(o.body);
    const req = request({
      host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method: o.method ?? 'GET',
      ca: o.caPem, servername: DEVICE_TLS_NAME, headers, agent: false, timeout: o.timeoutMs ?? 15_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        if (String(res.headers['content-type'] ?? '').startsWith('application/json')) {
          try { json = JSON.parse(body.toString('utf8')); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${o.url} within ${o.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
