/**
 * Diagnostics the device keeps (spec/device-rest-api.md §4.7, §4.6): the diagnostic log served by
 * GET /log, the error reports of GET/DELETE /telemetry, and the latest Wi-Fi connection failure of
 * each network. Kept in flash/diag.json, bounded, and written on every new entry.
 *
 * Binary forms (documented in emulator/README.md). GET /log: our own — a 4-byte magic `SPLG`, a
 * u16 little-endian format version (1), a u32 record count, then per record a u64 timestamp in ms,
 * a u32 boot number, a u16 byte length and that many bytes of UTF-8 text `<event> <detail>`.
 * GET /telemetry: the device's framing, whose bytes 3–4 (big-endian) are the length of the report
 * data that follows the 5-byte header (device clients read them to see whether reports are left,
 * and expect 0 after DELETE /telemetry); the header's first bytes and the records are ours:
 * `ER`, a format version byte (1), the u16 BE length, then per record a u64 BE timestamp in ms,
 * a u32 BE boot number, a u16 BE byte length and UTF-8 text. The data holds the newest records
 * that fit in 65535 bytes.
 */
import type { WifiFailureLog } from '../sideload/protocol/index';
import { MAX_LOG_ENTRIES, MAX_TELEMETRY_ENTRIES } from './limits';
import type { Flash } from './flash';

export interface DiagEntry { t: number; boot: number; event: string; detail: string }

export interface DiagData {
  log: DiagEntry[];
  telemetry: DiagEntry[];
  wifiFailures: Record<string, WifiFailureLog>;
}

export const LOG_MAGIC = 'SPLG';
export const DIAG_FORMAT_VERSION = 1;

/** GET /telemetry's header: bytes 0–1 `ER`, byte 2 the format version, bytes 3–4 the u16 BE length of the report data. */
export const TELEMETRY_FORMAT = { magic: 'ER', version: 1, lengthOffset: 3, headerBytes: 5, maxDataBytes: 0xffff } as const;

function parseDiag(raw: unknown): DiagData {
  const d = (raw ?? {}) as Partial<DiagData>;
  return { log: Array.isArray(d.log) ? d.log : [], telemetry: Array.isArray(d.telemetry) ? d.telemetry : [], wifiFailures: d.wifiFailures ?? {} };
}

export class Diagnostics {
  readonly #flash: Flash;
  readonly #now: () => number;
  data: DiagData;
  boot = 0;

  constructor(flash: Flash, now: () => number) {
    this.#flash = flash;
    this.#now = now;
    let raw: unknown;
    try { raw = flash.readDiag(); } catch { raw = undefined; } // a torn diag file is not worth refusing to boot over
    this.data = parseDiag(raw);
  }

  /** Appends to the diagnostic log; `report` also files an error report. */
  record(event: string, detail: string, report = false): void {
    const e: DiagEntry = { t: this.#now(), boot: this.boot, event, detail };
    this.data.log.push(e);
    if (this.data.log.length > MAX_LOG_ENTRIES) this.data.log.splice(0, this.data.log.length - MAX_LOG_ENTRIES);
    if (report) {
      this.data.telemetry.push(e);
      if (this.data.telemetry.length > MAX_TELEMETRY_ENTRIES) this.data.telemetry.splice(0, this.data.telemetry.length - MAX_TELEMETRY_ENTRIES);
    }
    this.#save();
  }

  recordWifiFailure(f: WifiFailureLog): void {
    this.data.wifiFailures[String(f.networkId)] = f;
    this.record('wifi-failure', `network ${f.networkId} "${f.ssid}": ${f.error}`);
  }

  forgetWifiNetwork(id: number): void {
    if (delete this.data.wifiFailures[String(id)]) this.#save();
  }

  clearTelemetry(): void {
    this.data.telemetry = [];
    this.#save();
  }

  logBytes(): Buffer {
    return encodeRecords(LOG_MAGIC, this.data.log);
  }

  telemetryBytes(): Buffer {
    return encodeErrorReports(this.data.telemetry);
  }

  #save(): void {
    this.#flash.writeDiag(this.data);
  }
}

function _text(e: DiagEntry): Buffer {
  return Buffer.from(`${e.event} ${e.detail}`.slice(0, 4096), 'utf8');
}

/** The error-report data (GET /telemetry): the 5-byte header, then the newest records that fit its u16 length. */
export function encodeErrorReports(entries: readonly DiagEntry[]): Buffer {
  const F = TELEMETRY_FORMAT;
  const records: Buffer[] = [];
  let n = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const t = _text(e);
    const r = Buffer.alloc(14 + t.length);
    r.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(e.t))), 0);
    r.writeUInt32BE(e.boot >>> 0, 8);
    r.writeUInt16BE(t.length, 12);
    t.copy(r, 14);
    if (n + r.length > F.maxDataBytes) break;
    records.unshift(r);
    n += r.length;
  }
  const head = Buffer.alloc(F.headerBytes);
  head.write(F.magic, 0, 'latin1');
  head.writeUInt8(F.version, 2);
  head.writeUInt16BE(n, F.lengthOffset);
  return Buffer.concat([head, ...records], F.headerBytes + n);
}

export function encodeRecords(magic: string, entries: readonly DiagEntry[]): Buffer {
  const texts = entries.map(_text);
  const out = Buffer.alloc(10 + texts.reduce((n, t) => n + 14 + t.length, 0));
  out.write(magic, 0, 'latin1');
  out.writeUInt16LE(DIAG_FORMAT_VERSION, 4);
  out.writeUInt32LE(entries.length, 6);
  let p = 10;
  entries.forEach((e, i) => {
    const t = texts[i]!;
    out.writeBigUInt64LE(BigInt(Math.max(0, Math.floor(e.t))), p);
    out.writeUInt32LE(e.boot >>> 0, p + 8);
    out.writeUInt16LE(t.length, p + 12);
    t.copy(out, p + 14);
    p += 14 + t.length;
  });
  return out;
}
