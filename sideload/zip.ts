/**
 * A minimal ZIP writer (PKWARE APPNOTE: local file headers, deflated data, the central directory
 * and its end record) for `get-support-data --destination x.zip`, the archive azsphere writes.
 * Deflate and CRC-32 come from node:zlib; names are UTF-8 (flag bit 11); times are DOS date/time
 * fields taken in UTC so the same input gives the same bytes. No ZIP64: parts stay far below 4 GiB.
 */
import { crc32, deflateRawSync } from 'node:zlib';

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50 } as const;
const VERSION = 20; // 2.0: deflate
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
const MADE_BY_UNIX = 3 << 8;

function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export interface ZipEntry { name: string; data: Uint8Array; mode?: number }

/** The archive's bytes for `entries` (files only), all stamped `mtime`. */
export function zipOf(entries: readonly ZipEntry[], mtime: Date): Buffer {
  const { time, date } = dosTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data) >>> 0;
    // The fields the local header (from offset 4) and the central record (from offset 6) share:
    // version needed, flags, method, time, date, CRC, sizes, name length.
    const common = (b: Buffer, at: number) => {
      b.writeUInt16LE(VERSION, at);
      b.writeUInt16LE(UTF8_NAMES, at + 2);
      b.writeUInt16LE(DEFLATE, at + 4);
      b.writeUInt16LE(time, at + 6);
      b.writeUInt16LE(date, at + 8);
      b.writeUInt32LE(crc, at + 10);
      b.writeUInt32LE(packed.length, at + 14);
      b.writeUInt32LE(e.data.length, at + 18);
      b.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG.local, 0);
    common(local, 4);
    // extra length: 0
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(SIG.central, 0);
    central.writeUInt16LE(MADE_BY_UNIX | VERSION, 4);
    common(central, 6);
    // extra length, comment length, disk number, internal attributes: all 0
    central.writeUInt32LE((((e.mode ?? 0o644) | 0o100000) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG.end, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
