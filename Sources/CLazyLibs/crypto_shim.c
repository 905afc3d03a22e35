/* HMAC_CTX is deprecated in OpenSSL 3 but is the way to HMAC with a
 * pre-fetched digest; keep its declarations free of the attribute. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "ckpt_crypto_shim.h"
#include "ckpt_lazy_load.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libcrypto's functions, resolved once; names and members in the same order. */
static const char *const crypto_names[] = {
    "EVP_MD_fetch", "EVP_Digest", "HMAC_CTX_new", "HMAC_CTX_free",
    "HMAC_Init_ex", "HMAC_Update", "HMAC_Final", "CRYPTO_memcmp",
};

static struct {
    EVP_MD *(*md_fetch)(OSSL_LIB_CTX *, const char *, const char *);
    int (*digest)(const void *, size_t, unsigned char *, unsigned int *, const EVP_MD *, ENGINE *);
    HMAC_CTX *(*hmac_new)(void);
    void (*hmac_free)(HMAC_CTX *);
    int (*hmac_init)(HMAC_CTX *, const void *, int, const EVP_MD *, ENGINE *);
    int (*hmac_update)(HMAC_CTX *, const unsigned char *, size_t);
    int (*hmac_final)(HMAC_CTX *, unsigned char *, unsigned int *);
    int (*memcmp)(const void *, const void *, size_t);
} api;

_Static_assert(sizeof api == sizeof crypto_names / sizeof crypto_names[0] * sizeof(void (*)(void)),
               "one name per function pointer");

/* SHA-256, fetched from the provider once: OpenSSL 3 otherwise fetches it
 * again on every call, which costs more than hashing a request. */
static EVP_MD *sha256;

static int fetch_sha256(char *error, size_t size) {
    sha256 = api.md_fetch(NULL, "SHA256", NULL);
    if (sha256 != NULL) return 0;
    snprintf(error, size, "%s: SHA256 is not available", CKPT_SHIM_CRYPTO_SONAME);
    return -1;
}

static struct ckpt_lazy_library crypto = {
    CKPT_SHIM_CRYPTO_SONAME, crypto_names, sizeof crypto_names / sizeof crypto_names[0], &api, fetch_sha256, 0, {0},
};
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void load(void) { ckpt_lazy_load(&crypto); }

int ckpt_shim_crypto_load(char *error, size_t size) {
    pthread_once(&load_once, load);
    return ckpt_lazy_result(&crypto, error, size);
}

static int ready(void) { return ckpt_shim_crypto_load(NULL, 0) == 0; }

int ckpt_shim_sha256(const void *data, size_t count, unsigned char out[CKPT_SHIM_SHA256_SIZE]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!ready() || api.digest(data, count, md, &length, sha256, NULL) != 1 || length != CKPT_SHIM_SHA256_SIZE)
        return 0;
    memcpy(out, md, CKPT_SHIM_SHA256_SIZE);
    return 1;
}

int ckpt_shim_hmac_sha256(const void *key, size_t key_count, const void *message, size_t count,
                          unsigned char out[CKPT_SHIM_SHA256_SIZE]) {
    if (!ready() || key_count == 0 || key_count > INT_MAX) return 0;
    HMAC_CTX *ctx = api.hmac_new();
    if (ctx == NULL) return 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    int ok = api.hmac_init(ctx, key, (int)key_count, sha256, NULL) == 1
             && api.hmac_update(ctx, message, count) == 1
             && api.hmac_final(ctx, md, &length) == 1 && length == CKPT_SHIM_SHA256_SIZE;
    api.hmac_free(ctx);
    if (ok) memcpy(out, md, CKPT_SHIM_SHA256_SIZE);
    return ok;
}

int ckpt_shim_memcmp(const void *a, const void *b, size_t count) {
    return ready() ? api.memcmp(a, b, count) : 1;
}
