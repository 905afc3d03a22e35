#include "ckpt_curl_shim.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_FAILED_INIT;

static void global_init_once(void) {
    global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode ckpt_shim_curl_global_init(void) {
    pthread_once(&global_once, global_init_once);
    return global_result;
}

CURLcode ckpt_shim_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ckpt_shim_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ckpt_shim_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ckpt_shim_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ckpt_shim_curl_setopt_callback(CURL *handle, CURLoption option, ckpt_shim_curl_data_fn fn) {
    return curl_easy_setopt(handle, option, fn);
}

CURLcode ckpt_shim_curl_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    return curl_easy_getinfo(handle, info, out);
}

CURLcode ckpt_shim_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out) {
    return curl_easy_getinfo(handle, info, out);
}

/* A connection (and DNS) cache shared by the easy handles of one transport.
 * libcurl < 8.1.0 corrupts its heap when an easy handle is reused and the
 * next reply starts with a folded header line (curl/curl#11101), so every
 * request gets a fresh easy handle, and connections are reused through this
 * share instead.  The lock callbacks make it safe from many threads. */
struct ckpt_shim_curl_share {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
};

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *user) {
    (void)handle;
    (void)access;
    struct ckpt_shim_curl_share *s = user;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&s->locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *user) {
    (void)handle;
    struct ckpt_shim_curl_share *s = user;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&s->locks[data]);
}

struct ckpt_shim_curl_share *ckpt_shim_curl_share_new(void) {
    struct ckpt_shim_curl_share *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->share = curl_share_init();
    if (!s->share) {
        free(s);
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&s->locks[i], NULL);
    curl_share_setopt(s->share, CURLSHOPT_USERDATA, s);
    curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    return s;
}

CURLcode ckpt_shim_curl_use_share(CURL *handle, struct ckpt_shim_curl_share *s) {
    return curl_easy_setopt(handle, CURLOPT_SHARE, s ? s->share : NULL);
}

void ckpt_shim_curl_share_free(struct ckpt_shim_curl_share *s) {
    if (!s) return;
    curl_share_cleanup(s->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&s->locks[i]);
    free(s);
}
