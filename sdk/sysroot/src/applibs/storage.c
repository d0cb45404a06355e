/*
 * Storage (applibs/storage.h): image-package paths are checked here (EINVAL for a path that
 * starts with '/' or '.', or contains ".."); the absolute path is built here, with malloc, from
 * the package folder the host reports.
 */
#include <stdlib.h>
#include <string.h>
#include <applibs/storage.h>

#include "internal.h"

static int check_relative(const char *relativePath)
{
    if (relativePath == NULL) {
        return EFAULT;
    }
    if (relativePath[0] == '/' || relativePath[0] == '.' || strstr(relativePath, "..") != NULL) {
        return EINVAL;
    }
    return 0;
}

char *Storage_GetAbsolutePathInImagePackage(const char *relativePath)
{
    int bad = check_relative(relativePath);
    if (bad != 0) {
        errno = bad;
        return NULL;
    }
    size_t capacity = 128;
    for (;;) {
        char *root = malloc(capacity);
        if (root == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        int32_t n = __sphere_storage_image_root(root, (uint32_t)capacity);
        if (n == -ERANGE && capacity < 65536) {
            free(root);
            capacity *= 4;
            continue;
        }
        if (n < 0) {
            free(root);
            errno = (int)-n;
            return NULL;
        }
        size_t rel = strlen(relativePath);
        char *path = malloc((size_t)n + 1 + rel + 1);
        if (path == NULL) {
            free(root);
            errno = ENOMEM;
            return NULL;
        }
        memcpy(path, root, (size_t)n);
        path[n] = '/';
        memcpy(path + n + 1, relativePath, rel + 1);
        free(root);
        return path;
    }
}

int Storage_OpenFileInImagePackage(const char *relativePath)
{
    int bad = check_relative(relativePath);
    if (bad != 0) {
        return __sphere_fail(bad);
    }
    return __sphere_result(__sphere_storage_open_image_file(relativePath, (uint32_t)strlen(relativePath)));
}

int Storage_OpenMutableFile(void)
{
    return __sphere_result(__sphere_storage_open_mutable());
}

int Storage_DeleteMutableFile(void)
{
    return __sphere_result(__sphere_storage_delete_mutable());
}
