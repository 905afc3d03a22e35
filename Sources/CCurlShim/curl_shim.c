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

/* Runs one transfer of `easy` to its end on `multi`, as curl_easy_perform
 * does internally, but on a multi handle the caller keeps between requests:
 * its connection cache is reused, while every request gets a fresh easy
 * handle.  libcurl < 8.1.0 corrupts its heap when an easy handle is reused
 * and the next reply starts with a folded header line (curl/curl#11101),
 * and curl_easy_perform on a fresh easy handle would build (and tear down)
 * a private multi handle, with its wake-up socket pair, every time. */
CURLcode ckpt_shim_curl_perform_on(CURLM *multi, CURL *easy) {
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_OK;
    int running = 1;
    while (running) {
        CURLMcode mc = curl_multi_perform(multi, &running);
        if (mc == CURLM_OK && running) mc = curl_multi_poll(multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            result = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
            break;
        }
    }
    int queued = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(multi, &queued)) != NULL) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) result = msg->data.result;
    }
    curl_multi_remove_handle(multi, easy);
    return result;
}
