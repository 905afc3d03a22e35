/* libcurl helpers for what Swift cannot import: curl_easy_setopt and
 * curl_easy_getinfo are variadic, and curl_global_init takes a macro.
 * Every symbol is hidden: none of this is libckpt's ABI. */
#ifndef CKPT_CURL_SHIM_H
#define CKPT_CURL_SHIM_H

#include <stddef.h>
#include <curl/curl.h>

/* The shape of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks. */
typedef size_t (*ckpt_shim_curl_data_fn)(char *data, size_t size, size_t count, void *user);

/* curl_global_init(CURL_GLOBAL_DEFAULT), run at most once per process
 * (pthread_once); later calls return the first call's result. */
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_global_init(void);

/* curl_easy_setopt, one function per argument type. */
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_setopt_long(CURL *handle, CURLoption option, long value);
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_setopt_callback(CURL *handle, CURLoption option, ckpt_shim_curl_data_fn fn);

/* curl_easy_getinfo, one function per result type. */
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_getinfo_long(CURL *handle, CURLINFO info, long *out);
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out);

/* One transfer of `easy` on a multi handle kept between requests (see curl_shim.c). */
__attribute__((visibility("hidden"))) CURLcode ckpt_shim_curl_perform_on(CURLM *multi, CURL *easy);

#endif
