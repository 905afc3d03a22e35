/* libcurl for Swift, loaded on demand.
 *
 * libckpt does not link libcurl: a user of the embedded backend never pays
 * for loading it and the thirty-odd libraries it pulls in.  The first remote
 * client calls ckpt_shim_curl_load(), which dlopen()s libcurl.so.4 once per
 * process and resolves every function below through one table.  Every other
 * function here fails cleanly (NULL or CURLE_FAILED_INIT) until a load has
 * succeeded, so none of them can call through a missing pointer.
 *
 * Beyond the loading: curl_easy_setopt and curl_easy_getinfo are variadic,
 * and curl_global_init takes a macro, which Swift cannot call.
 * Every symbol is hidden: none of this is libckpt's ABI. */
#ifndef CKPT_CURL_SHIM_H
#define CKPT_CURL_SHIM_H

#include <stddef.h>
#include <curl/curl.h>

#define CKPT_SHIM_HIDDEN __attribute__((visibility("hidden")))

/* The soname loaded: the one libcurl4 (Debian) and libcurl (Fedora) ship. */
#define CKPT_SHIM_CURL_SONAME "libcurl.so.4"

/* Loads libcurl (once per process; later calls return the first result) and
 * runs curl_global_init(CURL_GLOBAL_DEFAULT).  Returns 0, or -1 with a
 * message naming the library in `error` (NUL-terminated, truncated to `size`). */
CKPT_SHIM_HIDDEN int ckpt_shim_curl_load(char *error, size_t size);

/* The shape of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks. */
typedef size_t (*ckpt_shim_curl_data_fn)(char *data, size_t size, size_t count, void *user);

CKPT_SHIM_HIDDEN CURL *ckpt_shim_curl_easy_init(void);
CKPT_SHIM_HIDDEN void ckpt_shim_curl_easy_cleanup(CURL *handle);
CKPT_SHIM_HIDDEN const char *ckpt_shim_curl_easy_strerror(CURLcode code);
CKPT_SHIM_HIDDEN struct curl_slist *ckpt_shim_curl_slist_append(struct curl_slist *list, const char *line);
CKPT_SHIM_HIDDEN void ckpt_shim_curl_slist_free_all(struct curl_slist *list);
CKPT_SHIM_HIDDEN CURLM *ckpt_shim_curl_multi_init(void);
CKPT_SHIM_HIDDEN void ckpt_shim_curl_multi_cleanup(CURLM *multi);

/* curl_easy_setopt, one function per argument type. */
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_setopt_long(CURL *handle, CURLoption option, long value);
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_setopt_callback(CURL *handle, CURLoption option, ckpt_shim_curl_data_fn fn);

/* curl_easy_getinfo, one function per result type. */
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_getinfo_long(CURL *handle, CURLINFO info, long *out);
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out);

/* One transfer of `easy` on a multi handle kept between requests (see curl_shim.c). */
CKPT_SHIM_HIDDEN CURLcode ckpt_shim_curl_perform_on(CURLM *multi, CURL *easy);

#endif
