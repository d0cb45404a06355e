/**
 * `--debug` for device commands: a Transport wrapper that reports each HTTP exchange on stderr —
 * method and URL, request headers and body, then status, response headers, body and the time it
 * took — as `az --debug` does for its requests. Bodies print as text when they are JSON or text
 * (cut at 2000 characters) and as their size otherwise.
 */
import type { Transport, TransportRequest, TransportResponse } from '../sideload/index';

const LIMIT = 2000;

function bodyText(body: Uint8Array | undefined, type: string | undefined): string {
  if (!body || body.length === 0) return '(no body)';
  if (type && !/json|text/.test(type)) return `(${body.length} bytes of ${type})`;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (!type && /[\x00-\x08\x0e-\x1f]/.test(text.slice(0, 200))) return `(${body.length} bytes)`;
  return text.length > LIMIT ? `${text.slice(0, LIMIT)}… (${body.length} bytes)` : text;
}

const headerLines = (h: Record<string, string | undefined>) => Object.entries(h).filter(([, v]) => v !== undefined).map(([k, v]) => `    ${k}: ${v}`);

export function traceTransport(inner: Transport, log: (line: string) => void, now: () => number = () => performance.now()): Transport {
  return {
    get address() { return inner.address; },
    close: () => inner.close(),
    async request(r: TransportRequest): Promise<TransportResponse> {
      const url = `https://${inner.address}${r.path}`;
      const reqType = r.headers?.['Content-Type'] ?? r.headers?.['content-type'];
      log([`Request: ${r.method} ${url}`, ...headerLines(r.headers ?? {}), `  Body: ${bodyText(r.body, reqType)}`].join('\n'));
      const started = now();
      try {
        const res = await inner.request(r);
        const ms = (now() - started).toFixed(1);
        log([`Response: ${res.status} from ${r.method} ${url} in ${ms} ms`, ...headerLines(res.headers), `  Body: ${bodyText(res.body, res.headers['content-type'])}`].join('\n'));
        return res;
      } catch (e) {
        log(`Response: none from ${r.method} ${url} after ${(now() - started).toFixed(1)} ms: ${(e as Error).message}`);
        throw e;
      }
    },
  };
}
