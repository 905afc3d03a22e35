#include "ckpt_curl_shim.h"

#include <pthread.h>

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
