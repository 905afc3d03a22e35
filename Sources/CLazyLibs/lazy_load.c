#define _GNU_SOURCE
#include "ckpt_lazy_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* The optional libraries, described for packagers the way systemd does
 * (https://systemd.io/ELF_DLOPEN_METADATA/): an ELF note of type 0x407c0c0a,
 * owner "FDO", holding a JSON array: `readelf -p .note.dlopen libckpt.so.1`. */
#define CKPT_DLOPEN_JSON \
    "[{\"feature\":\"remote\",\"description\":\"the remote backend: HTTPS to the real service\"," \
    "\"priority\":\"recommended\",\"soname\":[\"libcurl.so.4\"]}," \
    "{\"feature\":\"signing\",\"description\":\"SDK-HMAC-SHA256 request signing (AK/SK)\"," \
    "\"priority\":\"recommended\",\"soname\":[\"libcrypto.so.3\"]}]"

struct ckpt_dlopen_note {
    unsigned int namesz, descsz, type;
    char name[4];
    char desc[(sizeof(CKPT_DLOPEN_JSON) + 3) & ~3u];
};

__attribute__((section(".note.dlopen"), aligned(4), used, visibility("hidden")))
const struct ckpt_dlopen_note ckpt_dlopen_note = {
    4, sizeof(CKPT_DLOPEN_JSON), 0x407c0c0a, "FDO", CKPT_DLOPEN_JSON,
};

static int resolve_all(void *handle, const char *const *names, void **slots, size_t count, size_t *missing) {
    for (size_t i = 0; i < count; i++) {
        slots[i] = dlsym(handle, names[i]);
        if (slots[i] == NULL) {
            *missing = i;
            return -1;
        }
    }
    return 0;
}

/* Fills slots[i] with the address of names[i] for i < count, from the first
 * place that has them all:
 *   1. libckpt's own dependencies, when the library was linked against
 *      `soname` after all (the wheel does that, so that auditwheel bundles
 *      the library under another file name; a program that links it too);
 *   2. dlopen(soname, RTLD_NOW | RTLD_LOCAL).
 * Returns 0, or -1 with a message naming `soname` (and the missing function,
 * or dlerror's reason) in error[0..size).  Not thread-safe by itself: it runs
 * under the callers' pthread_once. */
static int resolve(const char *soname, const char *const *names, void **slots, size_t count,
                   char *error, size_t size) {
    size_t missing = 0;
    /* 1. Our own dependency scope: dlsym on our own handle searches this
     *    object and the libraries it was linked against, nothing else. */
    Dl_info self;
    if (dladdr((void *)&ckpt_lazy_load, &self) != 0 && self.dli_fname != NULL) {
        void *own = dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD);
        if (own == NULL) own = dlopen(NULL, RTLD_NOW); /* linked into a program */
        if (own != NULL) {
            int found = resolve_all(own, names, slots, count, &missing);
            dlclose(own); /* a reference count: the object stays loaded */
            if (found == 0) return 0;
        }
    }
    /* 2. The library itself, by its soname. */
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *reason = dlerror();
        snprintf(error, size, "%s could not be loaded (%s); the remote backend needs it: install it "
                 "(Debian: libcurl4 for libcurl.so.4, libssl3 for libcrypto.so.3)",
                 soname, reason != NULL ? reason : "no reason given");
        return -1;
    }
    if (resolve_all(lib, names, slots, count, &missing) != 0) {
        snprintf(error, size, "%s has no %s: it is too old for libckpt", soname, names[missing]);
        memset(slots, 0, count * sizeof *slots);
        dlclose(lib);
        return -1;
    }
    return 0; /* kept loaded for the life of the process */
}

void ckpt_lazy_load(struct ckpt_lazy_library *library) {
    void *slots[64];
    if (library->count > sizeof slots / sizeof slots[0]) {
        snprintf(library->error, sizeof library->error, "%s: too many functions", library->soname);
        return;
    }
    if (resolve(library->soname, library->names, slots, library->count, library->error,
                          sizeof library->error) != 0)
        return;
    memcpy(library->table, slots, library->count * sizeof slots[0]);
    if (library->after_load != NULL && library->after_load(library->error, sizeof library->error) != 0) return;
    library->loaded = 1;
}

int ckpt_lazy_result(const struct ckpt_lazy_library *library, char *error, size_t size) {
    if (library->loaded) return 0;
    if (error != NULL && size > 0) snprintf(error, size, "%s", library->error);
    return -1;
}
