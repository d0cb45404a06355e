/**
 * errno values as a WebAssembly app sees them: WASI's numbering (wasi-libc's <errno.h>), which is
 * not Linux's (EACCES is 2 here, 13 on the device's Linux). Host calls return these negated.
 * test/emulator/runtime.test.ts locks every value against the numbers wasi-libc defines.
 */
export const E = {
  SUCCESS: 0,
  EACCES: 2,
  EAGAIN: 6,
  EBADF: 8,
  EBUSY: 10,
  EEXIST: 20,
  EFAULT: 21,
  EFBIG: 22,
  EINTR: 27,
  EINVAL: 28,
  EIO: 29,
  EISDIR: 31,
  ENODEV: 43,
  ENOENT: 44,
  ENOMEM: 48,
  ENOSPC: 51,
  ENOSYS: 52,
  ENOTDIR: 54,
  ENOTSUP: 58,
  ENXIO: 60,
  EPERM: 63,
  ERANGE: 68,
  EROFS: 69,
  ESPIPE: 70,
} as const;
