/* harness.h - a tiny test harness for the libckpt C ABI tests.
 *
 * CHECK(cond, fmt, ...) counts a pass or a failure (with file:line and the
 * formatted message); it is thread-safe.  The CHECK_ERR family asserts the
 * fields of an error object (ckpt.h, "The error object").  The open_* helpers
 * open in-memory or temp-file clients.  Everything is static inline so a
 * test file that does not use a helper still compiles with -Werror.
 */
#ifndef CKPT_TEST_HARNESS_H
#define CKPT_TEST_HARNESS_H

#include <ckpt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==========================================================================
 * Counting
 * ========================================================================== */

static int h_passed;
static int h_failed;
static pthread_mutex_t h_mutex = PTHREAD_MUTEX_INITIALIZER;
static const char *h_current_test = "";

static inline int h_vcheck(int ok, const char *file, int line, const char *fmt, va_list ap) {
    pthread_mutex_lock(&h_mutex);
    if (ok) {
        h_passed++;
    } else {
        h_failed++;
        fprintf(stderr, "FAIL %s:%d [%s]: ", file, line, h_current_test);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        fflush(stderr);
    }
    pthread_mutex_unlock(&h_mutex);
    return ok;
}

static inline int h_check(int ok, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    h_vcheck(ok, file, line, fmt, ap);
    va_end(ap);
    return ok;
}

/* CHECK(cond, fmt, ...): evaluates to cond's truth (0 or 1). */
#define CHECK(cond, ...) h_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* A sentinel to pre-load out-parameters with, to prove the library clears
 * them: never dereferenced, never freed. */
static char h_sentinel_byte;
#define SENTINEL_J ((json_t *)(void *)&h_sentinel_byte)
#define SENTINEL_S ((char *)(void *)&h_sentinel_byte)
#define SENTINEL_C ((ckpt_client *)(void *)&h_sentinel_byte)

static inline const char *h_str(const char *s) { return s ? s : "(null)"; }

/* A compact dump for messages; free() it. */
static inline char *h_dump(const json_t *j) {
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;
    return s ? s : strdup("(null)");
}

/* ==========================================================================
 * JSON helpers
 * ========================================================================== */

/* JSON text built printf-style, parsed; aborts on a malformed template (a
 * bug in the test, not in the library). */
static inline json_t *jf(const char *fmt, ...) {
    char small[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    char *buf = small;
    if (n < 0) abort();
    if ((size_t)n >= sizeof small) {
        buf = malloc((size_t)n + 1);
        if (!buf) abort();
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    json_error_t e;
    json_t *j = json_loads(buf, JSON_DECODE_ANY, &e);
    if (!j) {
        fprintf(stderr, "test bug: bad JSON template: %s: %s\n", e.text, buf);
        abort();
    }
    if (buf != small) free(buf);
    return j;
}

/* Member lookup through a dotted path, e.g. jget(r, "checkpoint.vault.id"). */
static inline json_t *jget(const json_t *j, const char *path) {
    char key[256];
    const char *p = path;
    json_t *cur = (json_t *)j;
    while (cur && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof key) return NULL;
        memcpy(key, p, n);
        key[n] = 0;
        cur = json_is_object(cur) ? json_object_get(cur, key) : NULL;
        p += n;
        if (*p == '.') p++;
    }
    return cur;
}

static inline const char *jstr(const json_t *j, const char *path) {
    return json_string_value(jget(j, path));
}

static inline int h_streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static inline int h_contains(const char *hay, const char *needle) {
    return hay && needle && strstr(hay, needle) != NULL;
}

/* 8-4-4-4-12 lower-case hex. */
static inline int is_uuid(const char *s) {
    if (!s || strlen(s) != 36) return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* YYYY-MM-DDTHH:MM:SS.ffffff (seed 000: UTC, microseconds, no zone). */
static inline int is_timestamp(const char *s) {
    static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddddd";
    if (!s || strlen(s) != sizeof pat - 1) return 0;
    for (size_t i = 0; i < sizeof pat - 1; i++) {
        if (pat[i] == 'd') {
            if (s[i] < '0' || s[i] > '9') return 0;
        } else if (s[i] != pat[i]) {
            return 0;
        }
    }
    return 1;
}

/* ==========================================================================
 * Error objects
 * ========================================================================== */

/* Checks every documented field of an error object:
 *   code == code, class == cls (and == ckpt_strerror(code)),
 *   http_status == http, error_code == ecode, error_msg a non-empty string
 *   (containing msg_sub when given), request_id null (no HTTP here), no
 *   member outside the documented ones (the standard six, plus what a wait
 *   saw last, "checkpoint", "backup" or "operation_log", and a failed
 *   prune's "prune"). */
static inline int h_check_error(const char *file, int line, const json_t *err, int code, const char *cls,
                                int http, const char *ecode, const char *msg_sub) {
    int ok = 1;
    char *d = h_dump(err);
    ok &= h_check(json_is_object(err), file, line, "error object expected, got %s", d);
    if (json_is_object(err)) {
        json_t *c = json_object_get(err, "code");
        ok &= h_check(json_is_integer(c) && json_integer_value(c) == code, file, line,
                      "error.code: want %d in %s", code, d);
        ok &= h_check(h_streq(json_string_value(json_object_get(err, "class")), cls), file, line,
                      "error.class: want %s in %s", cls, d);
        ok &= h_check(h_streq(cls, ckpt_strerror(code)), file, line, "ckpt_strerror(%d) != %s", code, cls);
        json_t *h = json_object_get(err, "http_status");
        ok &= h_check(json_is_integer(h) && json_integer_value(h) == http, file, line,
                      "error.http_status: want %d in %s", http, d);
        ok &= h_check(h_streq(json_string_value(json_object_get(err, "error_code")), ecode), file, line,
                      "error.error_code: want \"%s\" in %s", ecode, d);
        const char *m = json_string_value(json_object_get(err, "error_msg"));
        ok &= h_check(m && *m, file, line, "error.error_msg: want a non-empty string in %s", d);
        if (msg_sub) ok &= h_check(h_contains(m, msg_sub), file, line, "error.error_msg: want \"%s\" in %s", msg_sub, d);
        json_t *rid = json_object_get(err, "request_id");
        ok &= h_check(rid && json_is_null(rid), file, line, "error.request_id: want null in %s", d);
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)err, key, v) {
            int known = !strcmp(key, "code") || !strcmp(key, "class") || !strcmp(key, "http_status") ||
                        !strcmp(key, "error_code") || !strcmp(key, "error_msg") || !strcmp(key, "request_id") ||
                        !strcmp(key, "checkpoint") || !strcmp(key, "backup") || !strcmp(key, "operation_log") ||
                        !strcmp(key, "prune");
            ok &= h_check(known, file, line, "error object has an undocumented member \"%s\": %s", key, d);
        }
    }
    free(d);
    return ok;
}

/* CHECK_ERROR(err, code, class, http_status, error_code, msg_sub) */
#define CHECK_ERROR(err, ...) h_check_error(__FILE__, __LINE__, (err), __VA_ARGS__)

/* The same, for an error object delivered as text (ckpt_free'd here). */
static inline int h_check_error_text(const char *file, int line, char *text, int code, const char *cls, int http,
                                     const char *ecode, const char *msg_sub) {
    int ok = h_check(text != NULL && text != SENTINEL_S, file, line, "error text expected");
    if (!ok) return 0;
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ok &= h_check(j != NULL, file, line, "error text is not JSON (%s): %s", e.text, text);
    if (j) ok &= h_check_error(file, line, j, code, cls, http, ecode, msg_sub);
    json_decref(j);
    ckpt_free(text);
    return ok;
}

#define CHECK_ERROR_TEXT(text, ...) h_check_error_text(__FILE__, __LINE__, (text), __VA_ARGS__)

/* Shorthands for the common classes. */
#define E9900 CKPT_EINVAL, "invalid", 400, "BackupService.9900"
#define E9001 CKPT_EINVAL, "invalid", 400, "CSBS.9001"
/* The lifecycle's not-found errors (SPEC 6.5). */
#define E6200 CKPT_ENOTFOUND, "not_found", 404, "BackupService.6200"
#define E6217 CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217"
#define E6500 CKPT_ENOTFOUND, "not_found", 404, "BackupService.6500"

/* ==========================================================================
 * Clients
 * ========================================================================== */

/* A fresh directory under $TMPDIR (or /tmp); free() the result. */
static inline char *make_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    size_t n = strlen(base) + 32;
    char *t = malloc(n);
    if (!t) abort();
    snprintf(t, n, "%s/ckpt-test-XXXXXX", base);
    if (!mkdtemp(t)) {
        perror("mkdtemp");
        abort();
    }
    return t;
}

/* Opens a client from configuration text; NULL (and a failed CHECK) on failure. */
static inline ckpt_client *h_open(const char *file, int line, const char *config_text) {
    ckpt_client *c = NULL;
    char *err = NULL;
    int rc = ckpt_client_open_text(config_text, &c, &err);
    h_check(rc == CKPT_OK && c != NULL, file, line, "open %s: rc %d: %s", h_str(config_text), rc, h_str(err));
    ckpt_free(err);
    return rc == CKPT_OK ? c : NULL;
}

#define open_text(config_text) h_open(__FILE__, __LINE__, (config_text))
/* {"path": ":memory:"} */
#define open_memory() h_open(__FILE__, __LINE__, "{\"path\":\":memory:\"}")

/* A client on dir/name with extra configuration members (may be ""). */
static inline ckpt_client *h_open_file(const char *file, int line, const char *dir, const char *name,
                                       const char *extra) {
    char cfg[2048];
    snprintf(cfg, sizeof cfg, "{\"path\":\"%s/%s\"%s%s}", dir, name, (extra && *extra) ? "," : "", extra ? extra : "");
    return h_open(file, line, cfg);
}

#define open_file(dir, name, extra) h_open_file(__FILE__, __LINE__, (dir), (name), (extra))

#endif /* CKPT_TEST_HARNESS_H */
