/* Loading a C library on first use: one dlopen per process, its functions
 * resolved once into a table.  Used for libcurl and libcrypto, which only
 * the remote backend and the emulator's AK/SK check need.
 * Every symbol is hidden: none of this is libckpt's ABI. */
#ifndef CKPT_LAZY_LOAD_H
#define CKPT_LAZY_LOAD_H

#include <stddef.h>

/* One library loaded on first use: what to load, and how it went. */
struct ckpt_lazy_library {
    const char *soname;
    const char *const *names; /* its functions, in the order of `table`'s members */
    size_t count;
    void *table;              /* `count` function pointers, filled by the load */
    /* Runs once after the functions are resolved: 0, or -1 with a message. */
    int (*after_load)(char *error, size_t size);
    int loaded;               /* written once by ckpt_lazy_load, read after it */
    char error[512];
};

/* Resolves `library` (its functions, then after_load), setting loaded or
 * error.  Run it under pthread_once. */
__attribute__((visibility("hidden"))) void ckpt_lazy_load(struct ckpt_lazy_library *library);

/* 0 when `library` loaded; else -1, with its message copied to error[0..size)
 * when error is not NULL. */
__attribute__((visibility("hidden")))
int ckpt_lazy_result(const struct ckpt_lazy_library *library, char *error, size_t size);

#endif
