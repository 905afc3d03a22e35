/*
 * A stand-in for libckpt.so.1 that counts its allocations, for the binding's
 * own tests: the ownership rules (every returned string freed exactly once,
 * with ckpt_free) and the requests the typed methods build.  Every operation
 * not named below answers {"op": <operation>, "request": <request>}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FAKE_VERSION
#define FAKE_VERSION "1.0.0"
#endif

static int allocs, frees, opens, closes;
static int handle;

int fake_allocs(void) { return allocs; }
int fake_frees(void) { return frees; }
int fake_opens(void) { return opens; }
int fake_closes(void) { return closes; }

const char *ckpt_version(void) { return FAKE_VERSION; }

#ifndef FAKE_ONLY_VERSION
static const char *classes[] = {"invalid", "not_found", "conflict", "quota", "auth", "permission",
                                "timeout", "network", "remote", "storage", "internal"};

const char *ckpt_strerror(int code) { return code <= -1 && code >= -11 ? classes[-code - 1] : "unknown"; }

static char *dup_text(const char *s) {
    allocs++;
    return strdup(s);
}

void ckpt_free(void *p) {
    if (p) {
        frees++;
        free(p);
    }
}

int ckpt_client_open_text(const char *config_json, void **out, char **error_json) {
    *out = NULL;
    if (error_json) *error_json = NULL;
    if (config_json && strstr(config_json, "\"bad\"")) {
        if (error_json)
            *error_json = dup_text("{\"code\":-1,\"class\":\"invalid\",\"http_status\":400,"
                                   "\"error_code\":\"BackupService.9900\",\"error_msg\":\"config.bad: unknown field\","
                                   "\"request_id\":null}");
        return -1;
    }
    opens++;
    *out = &handle;
    return 0;
}

void ckpt_client_close(void *client) {
    if (client) closes++;
}

int ckpt_call_text(void *client, const char *operation, const char *request_json, char **response_json,
                   char **error_json) {
    *response_json = NULL;
    if (error_json) *error_json = NULL;
    if (!client || !operation) return -1;
    if (!strcmp(operation, "fail.garbage")) {
        if (error_json) *error_json = dup_text("this is not JSON");
        return -3;
    }
    if (!strcmp(operation, "fail.no_object")) return -2;
    if (!strcmp(operation, "fail.remote")) {
        if (error_json)
            *error_json = dup_text("{\"code\":-9,\"class\":\"remote\",\"http_status\":503,\"error_code\":\"\","
                                   "\"error_msg\":\"busy\",\"request_id\":\"abc-123\"}");
        return -9;
    }
    const char *req = request_json ? request_json : "null";
    size_t n = strlen(operation) + strlen(req) + 32;
    char *out = malloc(n);
    if (!out) return -11;
    allocs++;
    snprintf(out, n, "{\"op\":\"%s\",\"request\":%s}", operation, req);
    *response_json = out;
    return 0;
}
#endif
