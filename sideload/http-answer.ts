/**
 * Reading a device's HTTP/1.1 answer as its bytes arrive (RFC 9112 §4–7), for the transport
 * (transport.ts), which writes requests on the pinned TLS socket itself: status line and headers,
 * then a body framed by Content-Length, by chunks (with any trailers), or by the connection's
 * close; `1xx` answers such as `100 Continue` are skipped. Malformed answers throw; an answer
 * over the size limit throws `AnswerTooLarge`.
 */

/** The answer is larger than the reader accepts. */
export class AnswerTooLarge extends Error {
  constructor(max: number) {
    super(`the answer exceeds ${max} bytes`);
    this.name = 'AnswerTooLarge';
  }
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Longest status line and header block accepted from a device. */
const MAX_HEAD_BYTES = 64 * 1024;

/** Parses an HTTP/1.1 answer as its bytes arrive. */
export class ResponseReader {
  status = 0;
  headers: Record<string, string | undefined> = {};
  /** Whether the connection can carry another request once this answer is complete. */
  reusable = true;
  done = false;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #buf: Buffer = Buffer.alloc(0);
  #mode: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' = 'head';
  #left = 0;
  readonly #noBody: boolean;
  readonly #max: number;

  constructor(method: string, maxBytes: number) {
    this.#noBody = method === 'HEAD';
    this.#max = maxBytes;
  }

  get body(): Buffer { return Buffer.concat(this.#chunks); }
  get size(): number { return this.#size; }

  /** Feeds bytes; throws on a malformed answer. */
  push(data: Buffer): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, data]) : data;
    while (!this.done && this.#step()) { /* next state */ }
    if (this.done && this.#buf.length) this.reusable = false; // bytes past the answer: do not reuse
  }

  /** The connection ended: completes an answer that runs until close, else reports it cut short. */
  end(): boolean {
    if (this.#mode === 'close') { this.done = true; this.reusable = false; }
    return this.done;
  }

  #take(n: number): Buffer {
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  #body(data: Buffer): void {
    if (!data.length) return;
    this.#size += data.length;
    if (this.#size > this.#max) throw new AnswerTooLarge(this.#max);
    this.#chunks.push(data); // a view of the chunk the socket handed over; nothing reuses it
  }

  #step(): boolean {
    switch (this.#mode) {
      case 'head': {
        const i = this.#buf.indexOf(HEAD_END);
        if (i < 0) {
          if (this.#buf.length > MAX_HEAD_BYTES) throw new Error('the answer\'s header block is too long');
          return false;
        }
        const lines = this.#take(i + 4).toString('latin1', 0, i).split('\r\n');
        const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]!);
        if (!m) throw new Error(`not an HTTP/1.1 answer: "${lines[0]!.slice(0, 40)}"`);
        const status = Number(m[2]);
        const headers: Record<string, string | undefined> = {};
        for (const line of lines.slice(1)) {
          const c = line.indexOf(':');
          if (c <= 0) throw new Error('a malformed header line in the answer');
          const name = line.slice(0, c).trim().toLowerCase();
          const value = line.slice(c + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        if (status >= 100 && status < 200) return true; // 100 Continue and friends precede the answer
        this.status = status;
        this.headers = headers;
        if (m[1] === '0' || /\bclose\b/i.test(headers['connection'] ?? '')) this.reusable = false;
        const te = headers['transfer-encoding'];
        const len = headers['content-length'];
        if (this.#noBody || status === 204 || status === 304) { this.done = true; return false; }
        if (te !== undefined && /\bchunked\b/i.test(te)) { this.#mode = 'chunk-size'; return true; }
        if (len !== undefined) {
          if (!/^\d{1,15}$/.test(len)) throw new Error(`a malformed Content-Length "${len.slice(0, 20)}"`);
          this.#left = Number(len);
          if (this.#left > this.#max) throw new AnswerTooLarge(this.#max);
          this.#mode = 'length';
          if (this.#left === 0) this.done = true;
          return true;
        }
        this.#mode = 'close';
        this.reusable = false;
        return true;
      }
      case 'length': {
        const part = this.#take(Math.min(this.#left, this.#buf.length));
        this.#body(part);
        this.#left -= part.length;
        if (this.#left === 0) this.done = true;
        return false;
      }
      case 'close':
        this.#body(this.#take(this.#buf.length));
        return false;
      case 'chunk-size': {
        const i = this.#buf.indexOf(CRLF);
        if (i < 0) return false;
        const text = this.#take(i + 2).toString('latin1', 0, i).split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(text)) throw new Error('a malformed chunk size in the answer');
        this.#left = parseInt(text, 16);
        this.#mode = this.#left === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data': {
        const part = this.#take(Math.min(this.#left, this.#buf.length));
        this.#body(part);
        this.#left -= part.length;
        if (this.#left > 0) return false;
        this.#mode = 'chunk-end';
        return true;
      }
      case 'chunk-end':
        if (this.#buf.length < 2) return false;
        if (this.#take(2).compare(CRLF) !== 0) throw new Error('a malformed chunk in the answer');
        this.#mode = 'chunk-size';
        return true;
      case 'trailers': {
        const i = this.#buf.indexOf(CRLF);
        if (i < 0) return false;
        this.#take(i + 2);
        if (i === 0) this.done = true; // the empty line after any trailers
        return true;
      }
    }
  }
}
