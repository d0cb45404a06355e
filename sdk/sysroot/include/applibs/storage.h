/*
 * applibs/storage.h - the files of the app's image package (read only) and the app's own
 * mutable file (Spherekit SDK, WebAssembly build).
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* "<package folder>/<relativePath>" in memory the caller frees with free(). The file need not
 * exist. NULL with errno EFAULT (NULL path), EINVAL (path starts with '/' or '.', or contains
 * "..") or ENOMEM. */
char *Storage_GetAbsolutePathInImagePackage(const char *relativePath);

/* A read-only fd of a regular file of the image package, or -1 with errno EFAULT, EINVAL (as
 * above) or ENOENT. */
int Storage_OpenFileInImagePackage(const char *relativePath);

/* A read-write fd of the app's mutable file, created empty when missing. Needs
 * Capabilities.MutableStorage.SizeKB > 0 (else EACCES); -1 with errno EACCES or EIO. */
int Storage_OpenMutableFile(void);

/* Deletes the mutable file (close its fds first). 0, or -1 with errno EACCES, EIO or ENOENT. */
int Storage_DeleteMutableFile(void);

#ifdef __cplusplus
}
#endif
