/**
 * The WASI preview1 calls the runtime serves itself (the rest stay node:wasi's): reads, writes,
 * seeks and closes on the host's descriptors, stdout/stderr into the app's log, the clocks (the
 * emulated one, real or virtual), and poll_oneoff, which waits through AppHost.block so a stop or
 * SIGTERM cuts any sleep or poll short. Layouts: WASI preview1 (iovec 8 bytes; subscription 48,
 * event 32; fdstat 24; filestat 64).
 */
import { E } from './errno';
import type { AppHost } from './host';
import { DEVICE_AUTH_DIR, DEVICE_AUTH_FILE } from './protocol';

type Fn = (...a: never[]) => number;
type Imports = Record<string, Fn>;

const TAG_CLOCK = 0;
const TAG_READ = 1;
const TAG_WRITE = 2;
const FILETYPE_CHAR = 2;
const FILETYPE_REGULAR = 4;
const FILETYPE_SOCKET_STREAM = 6;
const FDFLAG_NONBLOCK = 0x4;
const FILETYPE_DIRECTORY = 3;
/** The image package appears to the app as a read-only folder preopened at this descriptor. */
export const IMAGE_DIR_FD = 3;
/** For an app with DeviceAuthentication, DEVICE_AUTH_DIR (holding the device certificate) is preopened read-only here. */
export const DEVICE_AUTH_DIR_FD = 4;
const OFLAG_CREAT = 1;
const OFLAG_DIRECTORY = 2;
const OFLAG_TRUNC = 8;
const RIGHT_FD_WRITE = 1n << 6n;

function iovecs(h: AppHost, ptr: number, count: number): Uint8Array[] | undefined {
  if (!h.slice(ptr, count * 8)) return undefined;
  const v = h.view;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const s = h.slice(v.getUint32(ptr + i * 8, true), v.getUint32(ptr + i * 8 + 4, true));
    if (!s) return undefined;
    out.push(s);
  }
  return out;
}

export function wasiImports(h: AppHost, base: Record<string, unknown>): Imports {
  const real = base as Imports;
  const own = (fd: number) => h.fds.has(fd);
  const setU32 = (p: number, x: number) => h.view.setUint32(p, x, true);
  /** Moves data buffer by buffer until one comes short: the count so far, or the first error when nothing moved. */
  const transfer = (bufs: Uint8Array[], move: (b: Uint8Array) => number, outPtr: number, once: boolean): number => {
    let total = 0;
    for (const b of bufs) {
      if (!b.length) continue;
      const r = move(b);
      if (r < 0) { if (total) break; return -r; }
      total += r;
      if (r < b.length || once) break;
    }
    setU32(outPtr, total);
    return E.SUCCESS;
  };

  const imageRoot = `/mnt/apps/${h.init.componentId}`;
  const imagePath = (ptr: number, len: number): string | undefined => {
    const p = h.string(ptr, len);
    return p === undefined ? undefined : p.replace(/^\.\//, '').replace(/\/+$/, '');
  };
  const isImageDir = (p: string) => p === '' || p === '.' || Object.keys(h.init.files).some((f) => f.startsWith(p + '/'));
  const authDir = h.init.capabilities.deviceAuthentication === true;
  /** The preopened folder a descriptor names: its path and its files. */
  const dirOf = (fd: number): { root: string; files: Record<string, Uint8Array>; isDir: (p: string) => boolean } | undefined => {
    if (fd === IMAGE_DIR_FD) return { root: imageRoot, files: h.init.files, isDir: isImageDir };
    if (fd === DEVICE_AUTH_DIR_FD && authDir) {
      return { root: DEVICE_AUTH_DIR, files: h.init.deviceAuthCert ? { [DEVICE_AUTH_FILE]: h.init.deviceAuthCert } : {}, isDir: (p) => p === '' || p === '.' };
    }
    return undefined;
  };

  return {
    ...real,
    // The package's folder, so that open()/fopen() of a path from
    // Storage_GetAbsolutePathInImagePackage reads the file, read only.
    fd_prestat_get: ((fd: number, ptr: number) => {
      const dir = dirOf(fd);
      if (!dir) return E.EBADF;
      if (!h.slice(ptr, 8)) return E.EFAULT;
      h.view.setUint8(ptr, 0);
      h.view.setUint32(ptr + 4, Buffer.byteLength(dir.root), true);
      return E.SUCCESS;
    }) as Fn,
    fd_prestat_dir_name: ((fd: number, ptr: number, len: number) => {
      const dir = dirOf(fd);
      if (!dir) return E.EBADF;
      const b = Buffer.from(dir.root);
      const s = h.slice(ptr, Math.min(len, b.length));
      if (!s) return E.EFAULT;
      s.set(b.subarray(0, s.length));
      return E.SUCCESS;
    }) as Fn,
    path_open: ((dirfd: number, _dirflags: number, ptr: number, len: number, oflags: number, rightsBase: bigint, _inh: bigint, _fdflags: number, outPtr: number) => {
      const dir = dirOf(dirfd);
      if (!dir) return E.EBADF;
      const p = imagePath(ptr, len);
      if (p === undefined || !h.slice(outPtr, 4)) return E.EFAULT;
      if (p.split('/').includes('..')) return E.EACCES;
      const data = dir.files[p];
      if (!data) return dir.isDir(p) ? (oflags & OFLAG_CREAT ? E.EROFS : E.ENOTSUP) : oflags & OFLAG_CREAT ? E.EROFS : E.ENOENT;
      if (oflags & OFLAG_DIRECTORY) return E.ENOTDIR;
      if (oflags & (OFLAG_CREAT | OFLAG_TRUNC) || (BigInt(rightsBase) & RIGHT_FD_WRITE) !== 0n) return E.EROFS;
      h.view.setUint32(outPtr, h.addFd({ kind: 'image', data, pos: 0 }), true);
      return E.SUCCESS;
    }) as Fn,
    path_filestat_get: ((dirfd: number, _flags: number, ptr: number, len: number, out: number) => {
      const dir = dirOf(dirfd);
      if (!dir) return E.EBADF;
      const p = imagePath(ptr, len);
      if (p === undefined || !h.slice(out, 64)) return E.EFAULT;
      const data = dir.files[p];
      if (!data && !dir.isDir(p)) return E.ENOENT;
      h.bytes.fill(0, out, out + 64);
      h.view.setUint8(out + 16, data ? FILETYPE_REGULAR : FILETYPE_DIRECTORY);
      h.view.setBigUint64(out + 24, 1n, true);
      h.view.setBigUint64(out + 32, BigInt(data?.length ?? 0), true);
      return E.SUCCESS;
    }) as Fn,
    fd_read: ((fd: number, iovs: number, n: number, outPtr: number) => {
      if (!own(fd)) return fd === 0 ? E.EBADF : real['fd_read']!(...([fd, iovs, n, outPtr] as never[]));
      const bufs = iovecs(h, iovs, n);
      if (!bufs) return E.EFAULT;
      // A timer's read is one 8-byte count, whatever buffers follow.
      return transfer(bufs, (b) => h.read(fd, b), outPtr, h.fds.get(fd)?.kind === 'timer');
    }) as Fn,
    fd_write: ((fd: number, iovs: number, n: number, outPtr: number) => {
      const bufs = iovecs(h, iovs, n);
      if (!bufs) return E.EFAULT;
      if (fd === 1 || fd === 2) {
        let total = 0;
        for (const b of bufs) { h.stdio(fd, Buffer.from(b).toString('utf8')); total += b.length; }
        setU32(outPtr, total);
        return E.SUCCESS;
      }
      if (!own(fd)) return E.EBADF;
      return transfer(bufs, (b) => h.write(fd, b), outPtr, false);
    }) as Fn,
    fd_seek: ((fd: number, offset: bigint, whence: number, outPtr: number) => {
      if (!own(fd)) return fd <= 2 ? E.ESPIPE : E.EBADF;
      const r = h.seek(fd, offset, whence);
      if (typeof r === 'number') return -r;
      h.view.setBigUint64(outPtr, r, true);
      return E.SUCCESS;
    }) as Fn,
    fd_tell: ((fd: number, outPtr: number) => {
      if (!own(fd)) return E.EBADF;
      const r = h.seek(fd, 0n, 1);
      if (typeof r === 'number') return -r;
      h.view.setBigUint64(outPtr, r, true);
      return E.SUCCESS;
    }) as Fn,
    fd_close: ((fd: number) => (own(fd) ? h.closeFd(fd) : fd <= 2 ? E.SUCCESS : E.EBADF)) as Fn,
    fd_sync: ((fd: number) => (own(fd) ? E.SUCCESS : E.EBADF)) as Fn,
    fd_datasync: ((fd: number) => (own(fd) ? E.SUCCESS : E.EBADF)) as Fn,
    fd_fdstat_get: ((fd: number, ptr: number) => {
      const f = h.fds.get(fd);
      const preopen = !f && dirOf(fd) !== undefined;
      if (!f && fd > 2 && !preopen) return E.EBADF;
      if (!h.slice(ptr, 24)) return E.EFAULT;
      const v = h.view;
      const regular = f?.kind === 'mutable' || f?.kind === 'image';
      v.setUint8(ptr, preopen ? FILETYPE_DIRECTORY : regular ? FILETYPE_REGULAR : f?.kind === 'socket' ? FILETYPE_SOCKET_STREAM : FILETYPE_CHAR);
      v.setUint16(ptr + 2, (f?.kind === 'timer' || f?.kind === 'socket') && f.nonblocking ? FDFLAG_NONBLOCK : 0, true);
      v.setBigUint64(ptr + 8, 0x1fffffffn, true);
      v.setBigUint64(ptr + 16, 0x1fffffffn, true);
      return E.SUCCESS;
    }) as Fn,
    fd_fdstat_set_flags: ((fd: number, flags: number) => {
      const f = h.fds.get(fd);
      if (!f) return fd <= 2 ? E.SUCCESS : E.EBADF;
      if (f.kind === 'timer' || f.kind === 'socket') f.nonblocking = (flags & FDFLAG_NONBLOCK) !== 0;
      return E.SUCCESS;
    }) as Fn,
    fd_filestat_get: ((fd: number, ptr: number) => {
      const f = h.fds.get(fd);
      if (!f && fd > 2) return E.EBADF;
      if (!h.slice(ptr, 64)) return E.EFAULT;
      const v = h.view;
      h.bytes.fill(0, ptr, ptr + 64);
      v.setBigUint64(ptr + 8, BigInt(fd), true);
      v.setUint8(ptr + 16, f?.kind === 'mutable' || f?.kind === 'image' ? FILETYPE_REGULAR : FILETYPE_CHAR);
      v.setBigUint64(ptr + 24, 1n, true);
      v.setBigUint64(ptr + 32, BigInt(f ? h.size(fd) : 0), true);
      return E.SUCCESS;
    }) as Fn,
    fd_filestat_set_size: ((fd: number, size: bigint) => (own(fd) ? h.truncate(fd, size) : E.EBADF)) as Fn,
    clock_time_get: ((id: number, _precision: bigint, ptr: number) => {
      if (id > 3) return E.EINVAL;
      if (!h.slice(ptr, 8)) return E.EFAULT;
      h.view.setBigUint64(ptr, id === 0 ? h.realtimeNs() : h.nowNs(), true);
      return E.SUCCESS;
    }) as Fn,
    clock_res_get: ((id: number, ptr: number) => {
      if (id > 3) return E.EINVAL;
      h.view.setBigUint64(ptr, 1000n, true);
      return E.SUCCESS;
    }) as Fn,
    sched_yield: (() => { h.deliverSignals(); return E.SUCCESS; }) as Fn,
    poll_oneoff: ((inPtr: number, outPtr: number, n: number, neventsPtr: number) => {
      if (n === 0) return E.EINVAL;
      if (!h.slice(inPtr, n * 48) || !h.slice(outPtr, n * 32) || !h.slice(neventsPtr, 4)) return E.EFAULT;
      const start = h.nowNs();
      const subs: Array<{ userdata: bigint; tag: number; fd: number; deadline: bigint }> = [];
      {
        const v = h.view;
        for (let i = 0; i < n; i++) {
          const p = inPtr + i * 48;
          const tag = v.getUint8(p + 8);
          const userdata = v.getBigUint64(p, true);
          if (tag === TAG_CLOCK) {
            const id = v.getUint32(p + 16, true);
            const timeout = v.getBigUint64(p + 24, true);
            const abs = (v.getUint16(p + 40, true) & 1) !== 0;
            const deadline = !abs ? start + timeout : id === 0 ? timeout - (h.realtimeNs() - start) : timeout;
            subs.push({ userdata, tag, fd: -1, deadline });
          } else {
            subs.push({ userdata, tag, fd: v.getUint32(p + 16, true), deadline: -1n });
          }
        }
      }
      for (;;) {
        if (h.deliverSignals()) return E.EINTR;
        const seq = h.wakeSeq();
        const now = h.nowNs();
        const events: Array<{ userdata: bigint; error: number; tag: number }> = [];
        let wake: bigint | undefined;
        for (const s of subs) {
          if (s.tag === TAG_CLOCK) {
            if (now >= s.deadline) events.push({ userdata: s.userdata, error: 0, tag: s.tag });
            else if (wake === undefined || s.deadline < wake) wake = s.deadline;
          } else if (s.tag === TAG_READ || s.tag === TAG_WRITE) {
            const f = h.fds.get(s.fd);
            if (!f && s.fd > 2) events.push({ userdata: s.userdata, error: E.EBADF, tag: s.tag });
            else if (s.tag === TAG_WRITE ? h.writable(s.fd) : h.readable(s.fd, now)) events.push({ userdata: s.userdata, error: 0, tag: s.tag });
            else if (f?.kind === 'timer') {
              const d = h.timerDeadline(f);
              if (d !== undefined && (wake === undefined || d < wake)) wake = d;
            }
          }
        }
        if (events.length) {
          const v = h.view;
          h.bytes.fill(0, outPtr, outPtr + events.length * 32);
          events.forEach((e, i) => {
            const p = outPtr + i * 32;
            v.setBigUint64(p, e.userdata, true);
            v.setUint16(p + 8, e.error, true);
            v.setUint8(p + 10, e.tag);
            if (e.tag !== TAG_CLOCK) v.setBigUint64(p + 16, 8n, true);
          });
          v.setUint32(neventsPtr, events.length, true);
          return E.SUCCESS;
        }
        h.block(wake, seq);
      }
    }) as Fn,
  };
}
