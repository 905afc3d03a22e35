/* Two transfers on one reused easy handle (curl_easy_reset between them, as
 * libckpt's HTTPTransport does).  The second response is a 1xx whose first
 * header line is a folded continuation. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }
int main(int argc, char **argv) {
    const char *url = argv[1];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    for (int i = 0; i < 2; i++) {
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 1000L);
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)2);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{}");
        CURLcode rc = curl_easy_perform(h);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        printf("transfer %d: %s, status %ld\n", i + 1, curl_easy_strerror(rc), status);
    }
    curl_easy_cleanup(h);
    return 0;
}
