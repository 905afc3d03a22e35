#include "ckpt_curl_shim.h"
#include "ckpt_lazy_load.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libcurl's functions, resolved once by ckpt_shim_curl_load.  The names and
 * the struct's members are in the same order. */
static const char *const curl_names[] = {
    "curl_global_init", "curl_easy_init", "curl_easy_cleanup", "curl_easy_setopt", "curl_easy_getinfo",
    "curl_easy_strerror", "curl_slist_append", "curl_slist_free_all", "curl_multi_init",
    "curl_multi_cleanup", "curl_multi_add_handle", "curl_multi_remove_handle", "curl_multi_perform",
    "curl_multi_poll", "curl_multi_info_read",
};

static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
} api;

_Static_assert(sizeof api == sizeof curl_names / sizeof curl_names[0] * sizeof(void (*)(void)),
               "one name per function pointer");

static int global_init(char *error, size_t size) {
    CURLcode rc = api.global_init(CURL_GLOBAL_DEFAULT);
    if (rc == CURLE_OK) return 0;
    snprintf(error, size, "%s: curl_global_init failed (%d)", CKPT_SHIM_CURL_SONAME, (int)rc);
    return -1;
}

static struct ckpt_lazy_library curl = {
    CKPT_SHIM_CURL_SONAME, curl_names, sizeof curl_names / sizeof curl_names[0], &api, global_init, 0, {0},
};
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static void load(void) { ckpt_lazy_load(&curl); }

int ckpt_shim_curl_load(char *error, size_t size) {
    pthread_once(&load_once, load);
    return ckpt_lazy_result(&curl, error, size);
}

/* After a successful load only; before one, each fails as libcurl would
 * when out of memory. */
static int ready(void) { return ckpt_shim_curl_load(NULL, 0) == 0; }

CURL *ckpt_shim_curl_easy_init(void) { return ready() ? api.easy_init() : NULL; }

void ckpt_shim_curl_easy_cleanup(CURL *handle) {
    if (handle != NULL && ready()) api.easy_cleanup(handle);
}

const char *ckpt_shim_curl_easy_strerror(CURLcode code) { return ready() ? api.easy_strerror(code) : NULL; }

struct curl_slist *ckpt_shim_curl_slist_append(struct curl_slist *list, const char *line) {
    return ready() ? api.slist_append(list, line) : NULL;
}

void ckpt_shim_curl_slist_free_all(struct curl_slist *list) {
    if (list != NULL && ready()) api.slist_free_all(list);
}

CURLM *ckpt_shim_curl_multi_init(void) { return ready() ? api.multi_init() : NULL; }

void ckpt_shim_curl_multi_cleanup(CURLM *multi) {
    if (multi != NULL && ready()) api.multi_cleanup(multi);
}

CURLcode ckpt_shim_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return ready() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ckpt_shim_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return ready() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ckpt_shim_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return ready() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ckpt_shim_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return ready() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ckpt_shim_curl_setopt_callback(CURL *handle, CURLoption option, ckpt_shim_curl_data_fn fn) {
    return ready() ? api.easy_setopt(handle, option, fn) : CURLE_FAILED_INIT;
}

CURLcode ckpt_shim_curl_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    return ready() ? api.easy_getinfo(handle, info, out) : CURLE_FAILED_INIT;
}

CURLcode ckpt_shim_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out) {
    return ready() ? api.easy_getinfo(handle, info, out) : CURLE_FAILED_INIT;
}

/* Runs one transfer of `easy` to its end on `multi`, as curl_easy_perform
 * does internally, but on a multi handle the caller keeps between requests:
 * its connection cache is reused, while every request gets a fresh easy
 * handle.  libcurl < 8.1.0 corrupts its heap when an easy handle is reused
 * and the next reply starts with a folded header line (curl/curl#11101),
 * and curl_easy_perform on a fresh easy handle would build (and tear down)
 * a private multi handle, with its wake-up socket pair, every time. */
CURLcode ckpt_shim_curl_perform_on(CURLM *multi, CURL *easy) {
    if (!ready()) return CURLE_FAILED_INIT;
    if (api.multi_add_handle(multi, easy) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_OK;
    int running = 1;
    while (running) {
        CURLMcode mc = api.multi_perform(multi, &running);
        if (mc == CURLM_OK && running) mc = api.multi_poll(multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            result = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
            break;
        }
    }
    int queued = 0;
    CURLMsg *msg;
    while ((msg = api.multi_info_read(multi, &queued)) != NULL) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) result = msg->data.result;
    }
    api.multi_remove_handle(multi, easy);
    return result;
}
