/* SHA-256 and HMAC-SHA256 from libcrypto, loaded on demand.
 *
 * libckpt does not link libcrypto: the first caller dlopen()s libcrypto.so.3
 * once per process (ckpt_shim_crypto_load) and resolves the functions below
 * through one table; SHA-256 is fetched from the provider once.  Until a
 * load has succeeded every function fails (returns 0), so nothing can call
 * through a missing pointer or pass for a match.
 * Every symbol is hidden: none of this is libckpt's ABI. */
#ifndef CKPT_CRYPTO_SHIM_H
#define CKPT_CRYPTO_SHIM_H

#include <stddef.h>

#define CKPT_SHIM_CRYPTO_SONAME "libcrypto.so.3"
#define CKPT_SHIM_SHA256_SIZE 32

/* Loads libcrypto (once per process; later calls return the first result).
 * Returns 0, or -1 with a message naming the library in error[0..size). */
__attribute__((visibility("hidden"))) int ckpt_shim_crypto_load(char *error, size_t size);

/* SHA-256 of data[0..count) into out[0..32).  Returns 1, or 0 on failure. */
__attribute__((visibility("hidden")))
int ckpt_shim_sha256(const void *data, size_t count, unsigned char out[CKPT_SHIM_SHA256_SIZE]);

/* HMAC-SHA256 of message[0..count) keyed with key[0..key_count) into
 * out[0..32).  Returns 1, or 0 on failure (an empty or over-long key too). */
__attribute__((visibility("hidden")))
int ckpt_shim_hmac_sha256(const void *key, size_t key_count, const void *message, size_t count,
                          unsigned char out[CKPT_SHIM_SHA256_SIZE]);

/* CRYPTO_memcmp: 0 when a[0..count) equals b[0..count), in time that depends
 * only on count.  Returns non-zero on a difference, or when not loaded. */
__attribute__((visibility("hidden"))) int ckpt_shim_memcmp(const void *a, const void *b, size_t count);

#endif
