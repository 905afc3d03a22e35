/* test_api.c - the libckpt C ABI, function by function, against the embedded
 * backend: the documented behaviour, the documented errors, hostile input,
 * ownership, threads and durability.
 *
 *   test_api [--no-threads]
 *
 * Prints one line per failure and, last, "N passed, N failed"; exits 1 on
 * any failure.  --no-threads skips the thread and multi-process tests (for
 * valgrind).  --only NAME runs one test.  CKPT_TEST_VERBOSE=1 prints timings.
 */
#define _XOPEN_SOURCE 700

#include "harness.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ==========================================================================
 * Fixtures
 * ========================================================================== */

/* Resource ids of the documents' examples (seeds 000/001 and 002). */
#define SEED_RES_000 "94eba8b2-acc9-4d82-badc-127144cc5526"
#define SEED_RES_002A "7a32a8b5-7977-4e24-b5da-e0eb457db75b"
#define SEED_RES_002B "b2b433bf-7dd6-4a74-aa8f-85673dfbda48"
#define SEED_PROJECT "4229d7a45436489f8c3dc2b1d35d4987"
#define MISSING_ID "0f0f0f0f-1111-4222-8333-444444444444"
#define OTHER_PROVIDER "0daac4c5-6707-4851-97ba-169e36266b66"

/* A distinct resource id per call: 00000000-0000-4000-8000-<n>. */
static void mkid(char out[37]) {
    static unsigned long n;
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&m);
    unsigned long k = ++n;
    pthread_mutex_unlock(&m);
    snprintf(out, 37, "00000000-0000-4000-8000-%012lx", k);
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(char *dir) {
    if (dir) nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ==========================================================================
 * Call helpers: every one checks the ownership rules on the way
 * ========================================================================== */

/* ckpt_call expecting success.  Checks: rc 0, *error cleared to NULL, the
 * request's refcount and content unchanged, the response a new object with
 * refcount 1.  Returns the response (json_decref it) or NULL. */
static json_t *h_call_ok(const char *file, int line, ckpt_client *c, const char *op, json_t *req) {
    size_t refs = req ? req->refcount : 0;
    char *before = req ? h_dump(req) : NULL;
    json_t *resp = SENTINEL_J, *err = SENTINEL_J;
    int rc = ckpt_call(c, op, req, &resp, &err);
    char *ed = (err && err != SENTINEL_J) ? h_dump(err) : strdup("");
    h_check(rc == CKPT_OK, file, line, "%s: rc %d (%s) %s", op, rc, ckpt_strerror(rc), ed);
    h_check(err == NULL, file, line, "%s: *error not NULL on success", op);
    if (err != SENTINEL_J) json_decref(err);
    free(ed);
    if (req) {
        char *after = h_dump(req);
        h_check(req->refcount == refs, file, line, "%s: request refcount %zu -> %zu", op, refs, req->refcount);
        h_check(strcmp(before, after) == 0, file, line, "%s: request modified: %s -> %s", op, before, after);
        free(after);
    }
    free(before);
    if (resp == SENTINEL_J) resp = NULL;
    if (rc != CKPT_OK) {
        h_check(resp == NULL, file, line, "%s: response not NULL on failure", op);
        json_decref(resp);
        return NULL;
    }
    if (!h_check(json_is_object(resp), file, line, "%s: response is not an object", op)) {
        json_decref(resp);
        return NULL;
    }
    h_check(resp->refcount == 1, file, line, "%s: response refcount %zu, want 1", op, resp->refcount);
    return resp;
}

#define call_ok(c, op, req) h_call_ok(__FILE__, __LINE__, (c), (op), (req))

static json_t *h_call_okf(const char *file, int line, ckpt_client *c, const char *op, const char *fmt, ...) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_t *req = jf("%s", buf);
    json_t *resp = h_call_ok(file, line, c, op, req);
    json_decref(req);
    return resp;
}

/* call_okf(client, op, fmt, ...): the request as printf-built JSON text. */
#define call_okf(c, op, ...) h_call_okf(__FILE__, __LINE__, (c), (op), __VA_ARGS__)

/* ckpt_call expecting a failure with the given error object.  Checks: rc,
 * *response NULL, the error object's fields, refcounts unchanged. */
static int h_call_fail(const char *file, int line, ckpt_client *c, const char *op, json_t *req, int code,
                       const char *cls, int http, const char *ecode, const char *msg_sub) {
    size_t refs = req ? req->refcount : 0;
    json_t *resp = SENTINEL_J, *err = SENTINEL_J;
    int rc = ckpt_call(c, op, req, &resp, &err);
    int ok = h_check(rc == code, file, line, "%s: rc %d, want %d", h_str(op), rc, code);
    ok &= h_check(resp == NULL, file, line, "%s: *response not NULL on failure", h_str(op));
    if (resp != SENTINEL_J) json_decref(resp);
    if (err == SENTINEL_J) err = NULL;
    ok &= h_check_error(file, line, err, code, cls, http, ecode, msg_sub);
    if (err) ok &= h_check(err->refcount == 1, file, line, "error refcount %zu, want 1", err->refcount);
    json_decref(err);
    if (req) ok &= h_check(req->refcount == refs, file, line, "%s: request refcount changed", h_str(op));
    return ok;
}

static int h_call_failf(const char *file, int line, ckpt_client *c, const char *op, int code, const char *cls,
                        int http, const char *ecode, const char *msg_sub, const char *fmt, ...) {
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_t *req = jf("%s", buf);
    int ok = h_call_fail(file, line, c, op, req, code, cls, http, ecode, msg_sub);
    json_decref(req);
    return ok;
}

/* call_fail(client, op, request, CODE, CLASS, HTTP, ECODE, msg_sub) */
#define call_fail(c, op, req, ...) h_call_fail(__FILE__, __LINE__, (c), (op), (req), __VA_ARGS__)
/* call_failf(client, op, CODE, CLASS, HTTP, ECODE, msg_sub, fmt, ...) */
#define call_failf(c, op, ...) h_call_failf(__FILE__, __LINE__, (c), (op), __VA_ARGS__)

/* ckpt_call_text expecting a failure. */
static int h_text_fail(const char *file, int line, ckpt_client *c, const char *op, const char *text, int code,
                       const char *cls, int http, const char *ecode, const char *msg_sub) {
    char *resp = SENTINEL_S, *err = SENTINEL_S;
    int rc = ckpt_call_text(c, op, text, &resp, &err);
    int ok = h_check(rc == code, file, line, "%s text: rc %d, want %d", h_str(op), rc, code);
    ok &= h_check(resp == NULL, file, line, "%s text: *response_json not NULL on failure", h_str(op));
    if (resp != SENTINEL_S) ckpt_free(resp);
    if (err == SENTINEL_S) err = NULL;
    ok &= h_check_error_text(file, line, err, code, cls, http, ecode, msg_sub);
    return ok;
}

#define text_fail(c, op, text, ...) h_text_fail(__FILE__, __LINE__, (c), (op), (text), __VA_ARGS__)

/* ckpt_call_text expecting success: returns the parsed response. */
static json_t *h_text_ok(const char *file, int line, ckpt_client *c, const char *op, const char *text) {
    char *resp = SENTINEL_S, *err = SENTINEL_S;
    int rc = ckpt_call_text(c, op, text, &resp, &err);
    h_check(rc == CKPT_OK, file, line, "%s text: rc %d: %s", op, rc,
            (err && err != SENTINEL_S) ? err : "(no error text)");
    h_check(err == NULL, file, line, "%s text: *error_json not NULL on success", op);
    if (err != SENTINEL_S) ckpt_free(err);
    if (resp == SENTINEL_S) resp = NULL;
    if (rc != CKPT_OK || !resp) {
        ckpt_free(resp);
        return NULL;
    }
    json_error_t e;
    json_t *j = json_loads(resp, 0, &e);
    h_check(j != NULL, file, line, "%s text: response is not JSON: %s", op, resp);
    h_check(strchr(resp, '\n') == NULL, file, line, "%s text: response is not compact", op);
    ckpt_free(resp);
    return j;
}

#define text_ok(c, op, text) h_text_ok(__FILE__, __LINE__, (c), (op), (text))

/* ==========================================================================
 * Set-up helpers
 * ========================================================================== */

typedef struct {
    const char *id;
    const char *type;
    const char *name;
    long long size;
} res_t;

static json_t *resources_json(const res_t *res, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *r = json_pack("{s:s, s:s, s:s, s:I}", "id", res[i].id, "type",
                              res[i].type ? res[i].type : "OS::Nova::Server", "name", res[i].name ? res[i].name : "",
                              "size", (json_int_t)res[i].size);
        json_array_append_new(a, r);
    }
    return a;
}

/* vault.create; returns the new vault's id (free it) or NULL. */
static char *h_create_vault(const char *file, int line, ckpt_client *c, const char *name, long long size_gb,
                            const res_t *res, int n) {
    json_t *req = json_pack("{s:{s:s, s:{s:I}, s:o}}", "vault", "name", name, "billing", "size", (json_int_t)size_gb,
                            "resources", resources_json(res, n));
    json_t *resp = h_call_ok(file, line, c, "vault.create", req);
    json_decref(req);
    const char *id = jstr(resp, "vault.id");
    h_check(is_uuid(id), file, line, "vault.create: vault.id is not a UUID");
    char *out = id ? strdup(id) : NULL;
    json_decref(resp);
    return out;
}

#define create_vault(c, name, size, res, n) h_create_vault(__FILE__, __LINE__, (c), (name), (size), (res), (n))

/* policy.create; returns the new policy's id (free it) or NULL. */
static char *h_create_policy(const char *file, int line, ckpt_client *c, const char *name, const res_t *res,
                             int n) {
    json_t *req = json_pack("{s:{s:s, s:o}}", "policy", "name", name, "resources", resources_json(res, n));
    json_t *resp = h_call_ok(file, line, c, "policy.create", req);
    json_decref(req);
    const char *id = jstr(resp, "policy.id");
    h_check(is_uuid(id), file, line, "policy.create: policy.id is not a UUID");
    char *out = id ? strdup(id) : NULL;
    json_decref(resp);
    return out;
}

#define create_policy(c, name, res, n) h_create_policy(__FILE__, __LINE__, (c), (name), (res), (n))

/* checkpoint.create through the typed function; returns the checkpoint id. */
static char *h_create_checkpoint(const char *file, int line, ckpt_client *c, const char *vault, json_t *params) {
    json_t *resp = SENTINEL_J, *err = SENTINEL_J;
    int rc = ckpt_checkpoint_create(c, vault, params, &resp, &err);
    char *ed = (err && err != SENTINEL_J) ? h_dump(err) : strdup("");
    h_check(rc == CKPT_OK, file, line, "ckpt_checkpoint_create: rc %d %s", rc, ed);
    free(ed);
    if (err != SENTINEL_J) json_decref(err);
    if (resp == SENTINEL_J) resp = NULL;
    const char *id = jstr(resp, "checkpoint.id");
    char *out = (rc == CKPT_OK && id) ? strdup(id) : NULL;
    h_check(rc != CKPT_OK || is_uuid(out), file, line, "checkpoint.id is not a UUID");
    json_decref(resp);
    return out;
}

#define create_checkpoint(c, vault, params) h_create_checkpoint(__FILE__, __LINE__, (c), (vault), (params))

/* The status of a v3 checkpoint, or "" (static buffer: not thread-safe). */
static const char *status_of(ckpt_client *c, const char *id) {
    static char buf[64];
    json_t *resp = NULL;
    buf[0] = 0;
    if (ckpt_checkpoint_get(c, id, &resp, NULL) == CKPT_OK && jstr(resp, "checkpoint.status"))
        snprintf(buf, sizeof buf, "%s", jstr(resp, "checkpoint.status"));
    json_decref(resp);
    return buf;
}

/* ==========================================================================
 * Library functions
 * ========================================================================== */

static void test_version(void) {
    const char *v = ckpt_version();
    CHECK(v != NULL, "ckpt_version() is NULL");
    CHECK(h_streq(v, CKPT_VERSION_STRING), "ckpt_version() %s != %s", h_str(v), CKPT_VERSION_STRING);
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", CKPT_VERSION_MAJOR, CKPT_VERSION_MINOR, CKPT_VERSION_PATCH);
    CHECK(h_streq(v, want), "ckpt_version() %s != macros %s", h_str(v), want);
    CHECK(ckpt_version() == v, "ckpt_version() is not static");
    /* 1.1: the number, as the header computes it from the same macros. */
    CHECK(ckpt_version_number() == CKPT_VERSION_NUMBER, "ckpt_version_number() %d != CKPT_VERSION_NUMBER %d",
          ckpt_version_number(), CKPT_VERSION_NUMBER);
    CHECK(CKPT_VERSION_NUMBER == CKPT_VERSION_MAJOR * 10000 + CKPT_VERSION_MINOR * 100 + CKPT_VERSION_PATCH,
          "CKPT_VERSION_NUMBER is not MAJOR*10000 + MINOR*100 + PATCH");
#if CKPT_VERSION_NUMBER < 10100
#error "this test suite covers libckpt 1.1"
#endif
}

static void test_strerror(void) {
    static const struct {
        int code;
        const char *name;
    } t[] = {
        {CKPT_OK, "ok"},          {CKPT_EINVAL, "invalid"},   {CKPT_ENOTFOUND, "not_found"},
        {CKPT_ECONFLICT, "conflict"}, {CKPT_EQUOTA, "quota"}, {CKPT_EAUTH, "auth"},
        {CKPT_EPERM, "permission"}, {CKPT_ETIMEOUT, "timeout"}, {CKPT_ENETWORK, "network"},
        {CKPT_EREMOTE, "remote"}, {CKPT_ESTORAGE, "storage"}, {CKPT_EINTERNAL, "internal"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK(h_streq(ckpt_strerror(t[i].code), t[i].name), "ckpt_strerror(%d) = %s, want %s", t[i].code,
              h_str(ckpt_strerror(t[i].code)), t[i].name);
    /* The codes are the documented numbers (append-only ABI). */
    CHECK(CKPT_EINVAL == -1 && CKPT_ENOTFOUND == -2 && CKPT_ECONFLICT == -3 && CKPT_EQUOTA == -4 &&
              CKPT_EAUTH == -5 && CKPT_EPERM == -6 && CKPT_ETIMEOUT == -7 && CKPT_ENETWORK == -8 &&
              CKPT_EREMOTE == -9 && CKPT_ESTORAGE == -10 && CKPT_EINTERNAL == -11,
          "CKPT_E* numbers changed");
    const int unknown[] = {12345, 1, -12, -100, 2147483647, -2147483647 - 1};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        CHECK(h_streq(ckpt_strerror(unknown[i]), "unknown"), "ckpt_strerror(%d) = %s, want unknown", unknown[i],
              h_str(ckpt_strerror(unknown[i])));
}

static void test_null_release(void) {
    ckpt_free(NULL);
    ckpt_client_close(NULL);
    CHECK(1, "ckpt_free(NULL) and ckpt_client_close(NULL) return");
}

/* ==========================================================================
 * Clients
 * ========================================================================== */

static void open_fail_json(const char *file, int line, const json_t *config, int code, const char *cls,
                           const char *ecode, int http, const char *msg_sub) {
    ckpt_client *c = SENTINEL_C;
    json_t *err = SENTINEL_J;
    size_t refs = config ? config->refcount : 0;
    int rc = ckpt_client_open(config, &c, &err);
    h_check(rc == code, file, line, "ckpt_client_open: rc %d, want %d", rc, code);
    h_check(c == NULL, file, line, "ckpt_client_open: *out not NULL on failure");
    if (c && c != SENTINEL_C) ckpt_client_close(c);
    if (err == SENTINEL_J) err = NULL;
    h_check_error(file, line, err, code, cls, http, ecode, msg_sub);
    json_decref(err);
    if (config) h_check(config->refcount == refs, file, line, "config refcount changed");
}

static void open_fail_text(const char *file, int line, const char *config, int code, const char *cls,
                           const char *ecode, int http, const char *msg_sub) {
    ckpt_client *c = SENTINEL_C;
    char *err = SENTINEL_S;
    int rc = ckpt_client_open_text(config, &c, &err);
    h_check(rc == code, file, line, "ckpt_client_open_text(%.60s): rc %d, want %d", h_str(config), rc, code);
    h_check(c == NULL, file, line, "ckpt_client_open_text: *out not NULL on failure");
    if (c && c != SENTINEL_C) ckpt_client_close(c);
    if (err == SENTINEL_S) err = NULL;
    h_check_error_text(file, line, err, code, cls, http, ecode, msg_sub);
}

#define OPEN_FAIL_J(cfg, code, cls, ecode, http, sub) open_fail_json(__FILE__, __LINE__, cfg, code, cls, ecode, http, sub)
#define OPEN_FAIL_T(cfg, code, cls, ecode, http, sub) open_fail_text(__FILE__, __LINE__, cfg, code, cls, ecode, http, sub)
#define OPEN_INVALID_T(cfg, sub) OPEN_FAIL_T(cfg, CKPT_EINVAL, "invalid", "BackupService.9900", 400, sub)
#define OPEN_INVALID_J(cfg, sub) OPEN_FAIL_J(cfg, CKPT_EINVAL, "invalid", "BackupService.9900", 400, sub)
#define OPEN_STORAGE_T(cfg, sub) OPEN_FAIL_T(cfg, CKPT_ESTORAGE, "storage", "", 0, sub)

static void test_open(void) {
    /* json_t configuration: borrowed, refcount unchanged, error cleared. */
    json_t *cfg = jf("{\"path\":\":memory:\",\"project_id\":\"p-1_X\",\"durability\":\"normal\","
                     "\"backend\":\"embedded\",\"simulate\":{\"backup_ms_per_gb\":0,\"fail_resources\":[]}}");
    json_incref(cfg);
    char *before = h_dump(cfg);
    ckpt_client *c = SENTINEL_C;
    json_t *err = SENTINEL_J;
    int rc = ckpt_client_open(cfg, &c, &err);
    CHECK(rc == CKPT_OK && c && c != SENTINEL_C, "ckpt_client_open: rc %d", rc);
    CHECK(err == NULL, "ckpt_client_open: *error not cleared on success");
    CHECK(cfg->refcount == 2, "config refcount %zu, want 2", cfg->refcount);
    char *after = h_dump(cfg);
    CHECK(strcmp(before, after) == 0, "config modified");
    free(before);
    free(after);
    json_decref(cfg);
    json_decref(cfg);
    if (rc == CKPT_OK) {
        /* project_id is the configured one. */
        res_t r = {NULL, NULL, "srv", 1};
        char rid[37];
        mkid(rid);
        r.id = rid;
        char *v = create_vault(c, "v", 10, &r, 1);
        json_t *resp = NULL;
        CHECK(ckpt_checkpoint_create(c, v, NULL, &resp, NULL) == CKPT_OK, "create with NULL parameters and NULL error");
        CHECK(h_streq(jstr(resp, "checkpoint.project_id"), "p-1_X"), "project_id not the configured one");
        json_decref(resp);
        free(v);
        ckpt_client_close(c);
    }

    /* NULL error pointer is allowed on success and on failure. */
    c = NULL;
    CHECK(ckpt_client_open_text("{\"path\":\":memory:\"}", &c, NULL) == CKPT_OK && c, "open_text with NULL error");
    ckpt_client_close(c);
    c = SENTINEL_C;
    CHECK(ckpt_client_open_text("{\"bogus\":1}", &c, NULL) == CKPT_EINVAL && c == NULL, "failing open, NULL error");
    c = SENTINEL_C;
    json_t *bad = jf("{\"bogus\":1}");
    CHECK(ckpt_client_open(bad, &c, NULL) == CKPT_EINVAL && c == NULL, "failing open (json), NULL error");
    json_decref(bad);

    /* NULL out: CKPT_EINVAL with the error set. */
    err = SENTINEL_J;
    json_t *mem = jf("{\"path\":\":memory:\"}");
    CHECK(ckpt_client_open(mem, NULL, &err) == CKPT_EINVAL, "ckpt_client_open(out NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "out");
    if (err != SENTINEL_J) json_decref(err);
    char *terr = SENTINEL_S;
    CHECK(ckpt_client_open_text("{\"path\":\":memory:\"}", NULL, &terr) == CKPT_EINVAL, "open_text(out NULL)");
    CHECK_ERROR_TEXT(terr == SENTINEL_S ? NULL : terr, E9900, "out");
    CHECK(ckpt_client_open(mem, NULL, NULL) == CKPT_EINVAL, "open(out NULL, error NULL)");
    CHECK(mem->refcount == 1, "config refcount changed by failed open");
    json_decref(mem);

    /* Bad configurations: class invalid, naming the key. */
    OPEN_INVALID_T("{\"path\":\":memory:\",\"bogus\":true}", "bogus");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"durability\":\"fast\"}", "durability");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"durability\":1}", "durability");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"backend\":\"cloud\"}", "backend");
    OPEN_INVALID_T("{\"path\":\"\"}", "path");
    OPEN_INVALID_T("{\"path\":42}", "path");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"project_id\":\"../x\"}", "project_id");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"project_id\":\"\"}", "project_id");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"simulate\":{\"bogus\":1}}", "simulate.bogus");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":-1}}", "simulate.backup_ms_per_gb");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":1.5}}", "simulate.backup_ms_per_gb");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"simulate\":{\"fail_resources\":[\"x\"]}}", "simulate.fail_resources");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"simulate\":[]}", "simulate");
    OPEN_INVALID_T("[]", "config");
    OPEN_INVALID_T("\"x\"", "config");
    OPEN_INVALID_T("null", "config");
    OPEN_INVALID_T("{\"path\":", "config");
    OPEN_INVALID_T("", "config");
    OPEN_INVALID_T("{\"path\":\"\xff\"}", "config");
    OPEN_INVALID_T("{\"path\":\"a\\u0000b\"}", "NUL");
    OPEN_INVALID_T("{\"path\":\":memory:\",\"path\":\":memory:\"}", "config");

    json_t *arr = json_array();
    OPEN_INVALID_J(arr, "config");
    json_decref(arr);
    json_t *badutf = json_object();
    json_object_set_new(badutf, "path", json_stringn_nocheck("\xff\xfe", 2));
    OPEN_INVALID_J(badutf, "UTF-8");
    json_decref(badutf);
    json_t *badkey = json_object();
    json_object_set_new_nocheck(badkey, "pa\xffth", json_string(":memory:"));
    OPEN_INVALID_J(badkey, "UTF-8");
    json_decref(badkey);

    /* Oversized configuration text. */
    size_t big = CKPT_MAX_REQUEST_BYTES + 16;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    memcpy(huge, "{\"path\":\":memory:\"", 18);
    huge[big - 1] = '}';
    huge[big] = 0;
    OPEN_INVALID_T(huge, "config");
    free(huge);

    /* Storage failures: class storage, no HTTP status, no service code. */
    char *dir = make_tmpdir();
    char cfgtext[2048];
    snprintf(cfgtext, sizeof cfgtext, "{\"path\":\"%s/missing/dir/store.db\"}", dir);
    OPEN_STORAGE_T(cfgtext, NULL);
    snprintf(cfgtext, sizeof cfgtext, "{\"path\":\"%s\"}", dir);
    OPEN_STORAGE_T(cfgtext, NULL); /* a directory */
    char junk[1024];
    snprintf(junk, sizeof junk, "%s/junk.db", dir);
    FILE *f = fopen(junk, "wb");
    if (f) {
        for (int i = 0; i < 512; i++) fputs("this is not a SQLite database ", f);
        fclose(f);
    }
    snprintf(cfgtext, sizeof cfgtext, "{\"path\":\"%s\"}", junk);
    OPEN_STORAGE_T(cfgtext, NULL); /* not a database */

    /* A file store: created, and durability "full" and "normal" both open. */
    c = open_file(dir, "a.db", "\"durability\":\"full\"");
    ckpt_client_close(c);
    snprintf(junk, sizeof junk, "%s/a.db", dir);
    CHECK(file_exists(junk), "store file %s not created", junk);
    c = open_file(dir, "a.db", "\"durability\":\"normal\"");
    ckpt_client_close(c);
    rm_rf(dir);
}

/* NULL configuration: the default store under $XDG_DATA_HOME (or ~/.local/share). */
static void test_open_defaults(void) {
    char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char *dir = make_tmpdir();
    char path[1024];

    setenv("XDG_DATA_HOME", dir, 1);
    ckpt_client *c = SENTINEL_C;
    json_t *err = SENTINEL_J;
    int rc = ckpt_client_open(NULL, &c, &err);
    CHECK(rc == CKPT_OK && c && c != SENTINEL_C, "ckpt_client_open(NULL config): rc %d", rc);
    CHECK(err == NULL, "error not cleared");
    snprintf(path, sizeof path, "%s/ckpt/store.db", dir);
    CHECK(file_exists(path), "default store %s not created", path);
    if (rc == CKPT_OK) {
        /* It works, and it is the same store for the text form. */
        res_t r = {SEED_RES_000, NULL, "srv", 1};
        char *v = create_vault(c, "default", 10, &r, 1);
        ckpt_client_close(c);
        ckpt_client *c2 = SENTINEL_C;
        char *terr = SENTINEL_S;
        rc = ckpt_client_open_text(NULL, &c2, &terr);
        CHECK(rc == CKPT_OK && c2 && terr == NULL, "ckpt_client_open_text(NULL): rc %d", rc);
        if (rc == CKPT_OK) {
            json_t *g = call_okf(c2, "vault.get", "{\"vault_id\":\"%s\"}", h_str(v));
            CHECK(h_streq(jstr(g, "vault.id"), v), "the default store is not shared by both open forms");
            json_decref(g);
            ckpt_client_close(c2);
        }
        free(v);
    }

    /* A relative XDG_DATA_HOME is ignored (XDG spec): ~/.local/share. */
    setenv("XDG_DATA_HOME", "relative/dir", 1);
    setenv("HOME", dir, 1);
    c = NULL;
    rc = ckpt_client_open(NULL, &c, NULL);
    CHECK(rc == CKPT_OK, "open with HOME only: rc %d", rc);
    ckpt_client_close(c);
    snprintf(path, sizeof path, "%s/.local/share/ckpt/store.db", dir);
    CHECK(file_exists(path), "HOME default store %s not created", path);

    /* XDG_DATA_HOME is a file: the directory cannot be created (storage). */
    char file[1024];
    snprintf(file, sizeof file, "%s/plainfile", dir);
    FILE *f = fopen(file, "w");
    if (f) fclose(f);
    setenv("XDG_DATA_HOME", file, 1);
    OPEN_FAIL_J(NULL, CKPT_ESTORAGE, "storage", "", 0, NULL);
    OPEN_FAIL_T(NULL, CKPT_ESTORAGE, "storage", "", 0, NULL);

    /* Neither: a configuration error, not a crash. */
    unsetenv("XDG_DATA_HOME");
    unsetenv("HOME");
    OPEN_FAIL_J(NULL, CKPT_EINVAL, "invalid", "BackupService.9900", 400, "path");

    if (old_xdg) setenv("XDG_DATA_HOME", old_xdg, 1);
    else unsetenv("XDG_DATA_HOME");
    if (old_home) setenv("HOME", old_home, 1);
    free(old_xdg);
    free(old_home);
    rm_rf(dir);
}

/* ==========================================================================
 * NULL and garbage arguments
 * ========================================================================== */

static void test_call_arguments(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    json_t *req = jf("{\"vault_id\":\"%s\"}", MISSING_ID);
    json_t *resp, *err;
    char *tresp, *terr;

    /* NULL client, operation, response: CKPT_EINVAL, error set, response NULL. */
    call_fail(NULL, "vault.get", req, E9900, "client");
    call_fail(c, NULL, req, E9900, "operation");
    call_fail(c, "vault.nope", req, E9900, "vault.nope");
    call_fail(c, "", req, E9900, "operation");
    call_fail(c, "VAULT.GET", req, E9900, "VAULT.GET");
    call_fail(c, "vault.get\xff", req, E9900, "UTF-8");
    err = SENTINEL_J;
    CHECK(ckpt_call(c, "vault.get", req, NULL, &err) == CKPT_EINVAL, "ckpt_call(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_call(NULL, NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_call(all NULL)");
    resp = SENTINEL_J;
    CHECK(ckpt_call(c, "vault.get", req, &resp, NULL) == CKPT_ENOTFOUND && resp == NULL, "NULL error on failure");
    CHECK(req->refcount == 1, "request refcount changed");

    text_fail(NULL, "vault.get", "{}", E9900, "client");
    text_fail(c, NULL, "{}", E9900, "operation");
    text_fail(c, "nope", "{}", E9900, "nope");
    terr = SENTINEL_S;
    CHECK(ckpt_call_text(c, "vault.get", "{}", NULL, &terr) == CKPT_EINVAL, "ckpt_call_text(response NULL)");
    CHECK_ERROR_TEXT(terr == SENTINEL_S ? NULL : terr, E9900, "response");
    CHECK(ckpt_call_text(NULL, NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_call_text(all NULL)");
    tresp = SENTINEL_S;
    CHECK(ckpt_call_text(c, "nope", "{}", &tresp, NULL) == CKPT_EINVAL && tresp == NULL, "text: NULL error");

    /* NULL request means {}: each operation then names its required field. */
    call_fail(c, "vault.get", NULL, E9900, "vault_id");
    call_fail(c, "vault.create", NULL, E9900, "vault");
    call_fail(c, "policy.get", NULL, E9001, "policy_id");
    call_fail(c, "policy.create", NULL, E9001, "policy");
    call_fail(c, "checkpoint.create", NULL, E9900, "checkpoint");
    call_fail(c, "checkpoint.get", NULL, E9900, "checkpoint_id");
    call_fail(c, "checkpoint.wait", NULL, E9900, "checkpoint_id");
    call_fail(c, "policy.execute", NULL, E9001, "checkpoint");
    call_fail(c, "policy.checkpoint_get", NULL, E9001, "checkpoint_id");
    call_fail(c, "local.vault.set_status", NULL, E9900, "vault_id");
    call_fail(c, "local.checkpoint.set_status", NULL, E9900, "checkpoint_id");
    text_fail(c, "checkpoint.get", NULL, E9900, "checkpoint_id");
    text_fail(c, "checkpoint.get", "{}", E9900, "checkpoint_id");

    /* Not an object. */
    json_t *arr = json_array();
    call_fail(c, "checkpoint.create", arr, E9900, "request");
    json_decref(arr);
    json_t *num = json_integer(7);
    call_fail(c, "checkpoint.get", num, E9900, "request");
    json_decref(num);
    text_fail(c, "checkpoint.get", "[]", E9900, "request");
    text_fail(c, "checkpoint.get", "null", E9900, "request");
    text_fail(c, "checkpoint.get", "\"x\"", E9900, "request");

    /* Malformed text, invalid UTF-8, NUL escapes, duplicate keys. */
    text_fail(c, "checkpoint.get", "", E9900, "request");
    text_fail(c, "checkpoint.get", "{", E9900, "request");
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":}", E9900, "request");
    text_fail(c, "checkpoint.get", "{'checkpoint_id':'x'}", E9900, "request");
    text_fail(c, "checkpoint.get", "{} {}", E9900, "request");
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":\"\xff\"}", E9900, "request");
    text_fail(c, "checkpoint.get", "\xff", E9900, "request");
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":\"\xc0\xaf\"}", E9900, "request"); /* overlong */
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":\"\xed\xa0\x80\"}", E9900, "request"); /* surrogate */
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":\"\\ud800\"}", E9900, "request"); /* lone surrogate */
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":\"a\\u0000b\"}", E9900, "NUL");
    text_fail(c, "checkpoint.get", "{\"checkpoint\\u0000_id\":\"x\"}", E9900, "NUL");
    text_fail(c, "checkpoint.get", "{\"checkpoint_id\":\"x\",\"checkpoint_id\":\"y\"}", E9900, "request");
    text_fail(c, "checkpoint.wait", "{\"checkpoint_id\":\"" MISSING_ID "\",\"timeout_ms\":1e400}", E9900,
              "request");
    text_fail(c, "checkpoint.wait", "{\"checkpoint_id\":\"" MISSING_ID "\",\"timeout_ms\":NaN}", E9900, "request");

    /* json_t values the text parser would refuse: built with *_nocheck. */
    json_t *j = json_object();
    json_object_set_new(j, "checkpoint_id", json_stringn_nocheck("\xff\xfe\xfd", 3));
    call_fail(c, "checkpoint.get", j, E9900, "UTF-8");
    json_decref(j);
    j = json_object();
    json_object_set_new(j, "checkpoint_id", json_stringn("ab\0cd", 5));
    call_fail(c, "checkpoint.get", j, E9900, "NUL");
    json_decref(j);
    j = json_object();
    json_object_set_new_nocheck(j, "\xc3\x28", json_string("x"));
    call_fail(c, "checkpoint.get", j, E9900, "UTF-8");
    json_decref(j);
    j = jf("{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{}}}", MISSING_ID);
    json_object_set_new(json_object_get(json_object_get(j, "checkpoint"), "parameters"), "name",
                        json_stringn_nocheck("bad\x80name", 8));
    call_fail(c, "checkpoint.create", j, E9900, "UTF-8");
    json_decref(j);

    /* Oversized text: one byte over the limit is refused, the limit itself is not. */
    size_t n = (size_t)CKPT_MAX_REQUEST_BYTES + 1;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    memcpy(big, "{\"x\":\"", 6);
    memcpy(big + n - 2, "\"}", 2);
    big[n] = 0;
    text_fail(c, "checkpoint.get", big, E9900, "1048576");
    /* {"x":"aaa...aaa"} of exactly CKPT_MAX_REQUEST_BYTES: parsed (then refused for its field). */
    char *limit = malloc(n);
    memset(limit, 'a', n - 1);
    memcpy(limit, "{\"x\":\"", 6);
    memcpy(limit + n - 3, "\"}", 2);
    limit[n - 1] = 0;
    CHECK(strlen(limit) == CKPT_MAX_REQUEST_BYTES, "test bug: at-limit text is %zu bytes", strlen(limit));
    text_fail(c, "checkpoint.get", limit, E9900, "x: unknown field");
    free(limit);
    /* A huge operation name and a huge id argument. */
    text_fail(c, big, "{}", E9900, "operation");
    resp = SENTINEL_J;
    err = SENTINEL_J;
    CHECK(ckpt_checkpoint_get(c, big, &resp, &err) == CKPT_EINVAL && resp == NULL, "huge checkpoint_id");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "checkpoint_id");
    if (err != SENTINEL_J) json_decref(err);
    /* A json_t string far over the request limit. */
    j = json_object();
    json_object_set_new(j, "checkpoint_id", json_stringn(big, n));
    call_fail(c, "checkpoint.get", j, E9900, "checkpoint_id");
    json_decref(j);
    free(big);

    /* Deep nesting: 100 levels, as text and as json_t. */
    char deep[512];
    size_t k = 0;
    deep[k++] = '{';
    memcpy(deep + k, "\"x\":", 4);
    k += 4;
    for (int i = 0; i < 100; i++) deep[k++] = '[';
    for (int i = 0; i < 100; i++) deep[k++] = ']';
    deep[k++] = '}';
    deep[k] = 0;
    text_fail(c, "checkpoint.get", deep, E9900, "nesting");
    json_t *top = json_object();
    json_t *cur = json_array();
    json_object_set_new(top, "x", cur);
    for (int i = 0; i < 99; i++) {
        json_t *next = json_array();
        json_array_append_new(cur, next);
        cur = next;
    }
    call_fail(c, "checkpoint.get", top, E9900, "nesting");
    json_decref(top);
    /* At the limit: CKPT_MAX_DEPTH levels are parsed (the request then fails
     * for its unknown field); one more level is refused as too deep. */
    for (int depth = CKPT_MAX_DEPTH; depth <= CKPT_MAX_DEPTH + 1; depth++) {
        k = 0;
        memcpy(deep, "{\"x\":", 5);
        k = 5;
        for (int i = 1; i < depth; i++) deep[k++] = '[';
        for (int i = 1; i < depth; i++) deep[k++] = ']';
        deep[k++] = '}';
        deep[k] = 0;
        text_fail(c, "checkpoint.get", deep, E9900, depth <= CKPT_MAX_DEPTH ? "x: unknown field" : "nesting");
    }

    /* A cyclic json_t (o -> a -> o): refused by the depth limit, not followed forever. */
    json_t *cyc_a = json_array();
    json_t *cyc_o = json_object();
    json_object_set(cyc_o, "x", cyc_a);
    json_array_append(cyc_a, cyc_o);
    call_fail(c, "checkpoint.get", cyc_o, E9900, "nesting");
    json_array_clear(cyc_a);
    json_decref(cyc_a);
    json_decref(cyc_o);
    /* Very many values in one json_t (no text limit applies): refused, no crash. */
    json_t *many = json_object();
    json_t *list = json_array();
    for (int i = 0; i < 100001; i++) json_array_append_new(list, json_integer(i));
    json_object_set_new(many, "checkpoint_id", list);
    call_fail(c, "checkpoint.get", many, E9900, NULL);
    json_decref(many);

    json_decref(req);
    ckpt_client_close(c);
}

/* The checks of one failing typed call; releases resp and err. */
static void h_typed_fail(const char *file, int line, const char *what, int rc, json_t *resp, json_t *err, int code,
                         const char *cls, int http, const char *ecode, const char *sub) {
    h_check(rc == code, file, line, "%s: rc %d, want %d", what, rc, code);
    h_check(resp == NULL, file, line, "%s: *response not NULL on failure", what);
    if (resp != SENTINEL_J) json_decref(resp);
    if (err == SENTINEL_J) err = NULL;
    h_check_error(file, line, err, code, cls, http, ecode, sub);
    if (err) h_check(err->refcount == 1, file, line, "%s: error refcount %zu", what, err->refcount);
    json_decref(err);
}

/* Every typed function with NULL and garbage in every argument. */
static void test_typed_arguments(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    json_t *resp, *err;
    json_t *params = jf("{}");
#define TYPED_FAIL(call, ...)                                                         \
    do {                                                                              \
        resp = SENTINEL_J;                                                            \
        err = SENTINEL_J;                                                             \
        int rc_ = (call);                                                             \
        h_typed_fail(__FILE__, __LINE__, #call, rc_, resp, err, __VA_ARGS__);         \
    } while (0)

    /* ckpt_checkpoint_create */
    TYPED_FAIL(ckpt_checkpoint_create(NULL, MISSING_ID, params, &resp, &err), E9900, "client");
    TYPED_FAIL(ckpt_checkpoint_create(c, NULL, params, &resp, &err), E9900, "vault_id");
    TYPED_FAIL(ckpt_checkpoint_create(c, "", params, &resp, &err), E9900, "vault_id");
    TYPED_FAIL(ckpt_checkpoint_create(c, "\xff", params, &resp, &err), E9900, "vault_id");
    TYPED_FAIL(ckpt_checkpoint_create(c, "../../etc/passwd", params, &resp, &err), E9900, "checkpoint.vault_id");
    TYPED_FAIL(ckpt_checkpoint_create(c, "x' OR '1'='1", NULL, &resp, &err), E9900, "checkpoint.vault_id");
    TYPED_FAIL(ckpt_checkpoint_create(c, MISSING_ID, NULL, &resp, &err), CKPT_EINVAL, "invalid", 400,
               "BackupService.6105", MISSING_ID);
    err = SENTINEL_J;
    CHECK(ckpt_checkpoint_create(c, MISSING_ID, params, NULL, &err) == CKPT_EINVAL, "create(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_checkpoint_create(NULL, NULL, NULL, NULL, NULL) == CKPT_EINVAL, "create(all NULL)");
    json_t *arr = json_array();
    TYPED_FAIL(ckpt_checkpoint_create(c, MISSING_ID, arr, &resp, &err), E9900, "checkpoint.parameters");
    json_t *bad = jf("{\"incremental\":\"yes\"}");
    TYPED_FAIL(ckpt_checkpoint_create(c, MISSING_ID, bad, &resp, &err), E9900, "checkpoint.parameters.incremental");
    json_decref(bad);
    bad = json_object();
    json_object_set_new(bad, "name", json_stringn_nocheck("\xff", 1));
    TYPED_FAIL(ckpt_checkpoint_create(c, MISSING_ID, bad, &resp, &err), E9900, "UTF-8");
    CHECK(bad->refcount == 1 && arr->refcount == 1 && params->refcount == 1, "parameters refcount changed");
    json_decref(bad);

    /* ckpt_checkpoint_get */
    TYPED_FAIL(ckpt_checkpoint_get(NULL, MISSING_ID, &resp, &err), E9900, "client");
    TYPED_FAIL(ckpt_checkpoint_get(c, NULL, &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "\xff\xfe", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "../../etc/passwd", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "x' OR '1'='1", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "%", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "{0f0f0f0f-1111-4222-8333-444444444444}", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "0f0f0f0f-1111-4222-8333-44444444444g", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, "0f0f0f0f11114222833344444444444400000", &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_get(c, MISSING_ID, &resp, &err), CKPT_ENOTFOUND, "not_found", 404,
               "BackupService.6302", MISSING_ID);
    err = SENTINEL_J;
    CHECK(ckpt_checkpoint_get(c, MISSING_ID, NULL, &err) == CKPT_EINVAL, "get(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_checkpoint_get(NULL, NULL, NULL, NULL) == CKPT_EINVAL, "get(all NULL)");

    /* ckpt_checkpoint_wait */
    TYPED_FAIL(ckpt_checkpoint_wait(NULL, MISSING_ID, NULL, 0, &resp, &err), E9900, "client");
    TYPED_FAIL(ckpt_checkpoint_wait(c, NULL, NULL, 0, &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_wait(c, "nope", NULL, 0, &resp, &err), E9900, "checkpoint_id");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, "done", 0, &resp, &err), E9900, "status");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, "", 0, &resp, &err), E9900, "status");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, "\xff", 0, &resp, &err), E9900, "status");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, NULL, -1, &resp, &err), E9900, "timeout_ms");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, NULL, 86400001LL, &resp, &err), E9900, "timeout_ms");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, NULL, -9223372036854775807LL - 1, &resp, &err), E9900,
               "timeout_ms");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, NULL, 9223372036854775807LL, &resp, &err), E9900, "timeout_ms");
    TYPED_FAIL(ckpt_checkpoint_wait(c, MISSING_ID, NULL, 0, &resp, &err), CKPT_ENOTFOUND, "not_found", 404,
               "BackupService.6302", NULL);
    err = SENTINEL_J;
    CHECK(ckpt_checkpoint_wait(c, MISSING_ID, NULL, 0, NULL, &err) == CKPT_EINVAL, "wait(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_checkpoint_wait(NULL, NULL, NULL, 0, NULL, NULL) == CKPT_EINVAL, "wait(all NULL)");

    /* ckpt_policy_execute */
    TYPED_FAIL(ckpt_policy_execute(NULL, MISSING_ID, NULL, &resp, &err), E9001, "client");
    TYPED_FAIL(ckpt_policy_execute(c, NULL, NULL, &resp, &err), E9001, "plan_id");
    TYPED_FAIL(ckpt_policy_execute(c, "plan", NULL, &resp, &err), E9001, "checkpoint.plan_id");
    TYPED_FAIL(ckpt_policy_execute(c, "\xff", NULL, &resp, &err), E9001, "plan_id");
    TYPED_FAIL(ckpt_policy_execute(c, MISSING_ID, arr, &resp, &err), E9001, "checkpoint.parameters");
    bad = jf("{\"auto_trigger\":\"no\"}");
    TYPED_FAIL(ckpt_policy_execute(c, MISSING_ID, bad, &resp, &err), E9001, "checkpoint.parameters.auto_trigger");
    json_decref(bad);
    bad = jf("{\"incremental\":true}");
    TYPED_FAIL(ckpt_policy_execute(c, MISSING_ID, bad, &resp, &err), E9001, "checkpoint.parameters.incremental");
    json_decref(bad);
    TYPED_FAIL(ckpt_policy_execute(c, MISSING_ID, NULL, &resp, &err), CKPT_ENOTFOUND, "not_found", 404, "CSBS.3002",
               MISSING_ID);
    err = SENTINEL_J;
    CHECK(ckpt_policy_execute(c, MISSING_ID, NULL, NULL, &err) == CKPT_EINVAL, "execute(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9001, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_policy_execute(NULL, NULL, NULL, NULL, NULL) == CKPT_EINVAL, "execute(all NULL)");
    CHECK(arr->refcount == 1, "parameters refcount changed");
    json_decref(arr);
    json_decref(params);
#undef TYPED_FAIL
    ckpt_client_close(c);
}

/* Ids that look like attacks, in every operation that takes one. */
static void test_hostile_ids(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    static const char *ids[] = {"../../etc/passwd", "x' OR '1'='1", "'; DROP TABLE checkpoints; --", "",
                                "0f0f0f0f-1111-4222-8333-4444444444441", "%2e%2e%2f", "*", "null",
                                "0f0f0f0f 1111 4222 8333 444444444444"};
    static const struct {
        const char *op;
        const char *key;
        int csbs;
    } ops[] = {
        {"vault.get", "vault_id", 0},
        {"policy.get", "policy_id", 1},
        {"checkpoint.get", "checkpoint_id", 0},
        {"checkpoint.wait", "checkpoint_id", 0},
        {"policy.checkpoint_get", "checkpoint_id", 1},
        {"local.checkpoint.set_status", "checkpoint_id", 0},
        {"local.vault.set_status", "vault_id", 0},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
            json_t *req = json_pack("{s:s}", ops[i].key, ids[k]);
            if (strncmp(ops[i].op, "local.", 6) == 0) json_object_set_new(req, "status", json_string("available"));
            if (ops[i].csbs) call_fail(c, ops[i].op, req, E9001, ops[i].key);
            else call_fail(c, ops[i].op, req, E9900, ops[i].key);
            json_decref(req);
        }
        /* Not a string at all. */
        json_t *req = json_pack("{s:i}", ops[i].key, 1);
        if (ops[i].csbs) call_fail(c, ops[i].op, req, E9001, ops[i].key);
        else call_fail(c, ops[i].op, req, E9900, ops[i].key);
        json_decref(req);
    }
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        json_t *req = json_pack("{s:{s:s}}", "checkpoint", "vault_id", ids[k]);
        call_fail(c, "checkpoint.create", req, E9900, "checkpoint.vault_id");
        json_decref(req);
        req = json_pack("{s:{s:s, s:{}}}", "checkpoint", "plan_id", ids[k], "parameters");
        call_fail(c, "policy.execute", req, E9001, "checkpoint.plan_id");
        json_decref(req);
        req = json_pack("{s:{s:s, s:{s:[s]}}}", "checkpoint", "vault_id", MISSING_ID, "parameters", "resources",
                        ids[k]);
        call_fail(c, "checkpoint.create", req, E9900, "checkpoint.parameters.resources[0]");
        json_decref(req);
    }

    /* The store survived all of that, and an upper-case UUID is the same id. */
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(c, "after-attacks", 10, &r, 1);
    char upper[37];
    for (int i = 0; i < 37; i++) upper[i] = (char)((v && v[i] >= 'a' && v[i] <= 'f') ? v[i] - 32 : (v ? v[i] : 0));
    json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", upper);
    CHECK(h_streq(jstr(g, "vault.id"), v), "upper-case vault id not found as the same vault");
    json_decref(g);
    char *cp = create_checkpoint(c, upper, NULL);
    if (cp) {
        for (int i = 0; i < 37; i++) upper[i] = (char)((cp[i] >= 'a' && cp[i] <= 'f') ? cp[i] - 32 : cp[i]);
        json_t *resp = NULL;
        CHECK(ckpt_checkpoint_get(c, upper, &resp, NULL) == CKPT_OK, "upper-case checkpoint id");
        CHECK(h_streq(jstr(resp, "checkpoint.id"), cp), "checkpoint id not normalised to lower case");
        json_decref(resp);
    }
    free(cp);
    free(v);
    ckpt_client_close(c);
}

/* Names, descriptions, resource counts at and over the limits. */
static void test_limits(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    enum { NRES = CKPT_MAX_RESOURCES + 1 };
    static char ids[NRES][37];
    static res_t res[NRES];
    for (int i = 0; i < NRES; i++) {
        mkid(ids[i]);
        res[i].id = ids[i];
        res[i].type = i % 2 ? "OS::Cinder::Volume" : "OS::Nova::Server";
        res[i].name = "r";
        res[i].size = 0;
    }
    /* A vault of exactly CKPT_MAX_RESOURCES resources is fine; one more is not. */
    char *v = create_vault(c, "limits", 1000, res, CKPT_MAX_RESOURCES);
    json_t *req = json_pack("{s:{s:s, s:{s:i}, s:o}}", "vault", "name", "too-many", "billing", "size", 10,
                            "resources", resources_json(res, NRES));
    call_fail(c, "vault.create", req, E9900, "vault.resources");
    json_decref(req);
    if (!v) {
        ckpt_client_close(c);
        return;
    }

    char name[CKPT_MAX_NAME_LENGTH + 2];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = 0; /* MAX + 1 characters */
    char desc[CKPT_MAX_DESCRIPTION_LENGTH + 2];
    memset(desc, 'd', sizeof desc - 1);
    desc[sizeof desc - 1] = 0;

    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.name",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"name\":\"%s\"}}}", v, name);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.name",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"name\":\"\"}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.description",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"description\":\"%s\"}}}", v, desc);
    call_failf(c, "vault.create", E9900, "vault.name", "{\"vault\":{\"name\":\"%s\",\"billing\":{\"size\":1},"
               "\"resources\":[]}}", name);
    name[CKPT_MAX_NAME_LENGTH] = 0;
    desc[CKPT_MAX_DESCRIPTION_LENGTH] = 0;
    /* At the limit: accepted, and echoed in extra_info. */
    json_t *resp = call_okf(c, "checkpoint.create",
                            "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"name\":\"%s\","
                            "\"description\":\"%s\",\"resources\":[\"%s\"]}}}", v, name, desc, ids[0]);
    CHECK(h_streq(jstr(resp, "checkpoint.extra_info.name"), name), "64-character name not kept");
    CHECK(h_streq(jstr(resp, "checkpoint.extra_info.description"), desc), "255-character description not kept");
    json_decref(resp);
    /* The limits count characters, not bytes: 64 two-byte characters are fine. */
    char wide[2 * CKPT_MAX_NAME_LENGTH + 3];
    for (int i = 0; i < CKPT_MAX_NAME_LENGTH; i++) memcpy(wide + 2 * i, "\xc3\xa9", 2);
    wide[2 * CKPT_MAX_NAME_LENGTH] = 0;
    resp = call_okf(c, "checkpoint.create",
                    "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"name\":\"%s\",\"resources\":[\"%s\"]}}}",
                    v, wide, ids[1]);
    CHECK(h_streq(jstr(resp, "checkpoint.extra_info.name"), wide), "64 two-byte characters not kept");
    json_decref(resp);
    memcpy(wide + 2 * CKPT_MAX_NAME_LENGTH, "\xc3\xa9", 3);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.name",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"name\":\"%s\"}}}", v, wide);

    /* More than CKPT_MAX_RESOURCES resources; duplicates; empty list. */
    json_t *p = json_object();
    json_t *list = json_array();
    for (int i = 0; i < NRES; i++) json_array_append_new(list, json_string(ids[i]));
    json_object_set_new(p, "resources", list);
    json_t *err = SENTINEL_J;
    resp = SENTINEL_J;
    CHECK(ckpt_checkpoint_create(c, v, p, &resp, &err) == CKPT_EINVAL && resp == NULL, "257 resources");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "checkpoint.parameters.resources");
    if (err != SENTINEL_J) json_decref(err);
    json_decref(p);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.resources[1]",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[\"%s\",\"%s\"]}}}", v, ids[2],
               ids[2]);
    /* Duplicates that differ only in case are still duplicates. */
    char up[37];
    for (int i = 0; i < 37; i++) up[i] = (char)((ids[2][i] >= 'a' && ids[2][i] <= 'f') ? ids[2][i] - 32 : ids[2][i]);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.resources[1]",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[\"%s\",\"%s\"]}}}", v, ids[2], up);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.resources",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[]}}}", v);
    call_failf(c, "vault.create", E9900, "vault.resources[1].id",
               "{\"vault\":{\"name\":\"dup\",\"billing\":{\"size\":1},\"resources\":["
               "{\"id\":\"%s\",\"type\":\"OS::Nova::Server\"},{\"id\":\"%s\",\"type\":\"OS::Nova::Server\"}]}}",
               ids[3], ids[3]);
    /* A full vault of CKPT_MAX_RESOURCES, backed up in one checkpoint (the
     * two resources used above are still fine: simulate is 0). */
    resp = call_okf(c, "checkpoint.create", "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    CHECK(json_array_size(jget(resp, "checkpoint.vault.resources")) == CKPT_MAX_RESOURCES,
          "a checkpoint of every resource has %zu resources", json_array_size(jget(resp, "checkpoint.vault.resources")));
    json_decref(resp);
    free(v);
    ckpt_client_close(c);
}

/* ==========================================================================
 * Documented errors
 * ========================================================================== */

static void test_parameter_errors(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(c, "params", 100, &r, 1);
    if (!v) {
        ckpt_client_close(c);
        return;
    }
    /* 9900 naming the offending field by its full path. */
    call_failf(c, "checkpoint.create", E9900, "checkpoint.vault_id", "{\"checkpoint\":{}}");
    call_failf(c, "checkpoint.create", E9900, "checkpoint.vault_id", "{\"checkpoint\":{\"vault_id\":1}}");
    call_failf(c, "checkpoint.create", E9900, "checkpoint.vault_id", "{\"checkpoint\":{\"vault_id\":null}}");
    call_failf(c, "checkpoint.create", E9900, "checkpoint", "{\"checkpoint\":[]}");
    call_failf(c, "checkpoint.create", E9900, "checkpoint", "{}");
    call_failf(c, "checkpoint.create", E9900, "bogus", "{\"checkpoint\":{\"vault_id\":\"%s\"},\"bogus\":1}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.bogus", "{\"checkpoint\":{\"vault_id\":\"%s\",\"bogus\":1}}",
               v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.incremental",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"incremental\":\"false\"}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.incremental",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"incremental\":0}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.auto_trigger",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"auto_trigger\":1}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.name",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"name\":7}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.description",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"description\":false}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.resources",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":\"%s\"}}}", v, rid);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.resources[0]",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[1]}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.bogus",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"bogus\":true}}}", v);
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":\"x\"}}", v);
    /* A resource id that is a UUID but not in the vault: 9900 too. */
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.resources[0]",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[\"%s\"]}}}", v, MISSING_ID);
    /* The whole body is validated before the vault is looked up. */
    call_failf(c, "checkpoint.create", E9900, "checkpoint.parameters.incremental",
               "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"incremental\":null}}}", MISSING_ID);
    /* An explicit false is accepted (and a full backup can be asked for). */
    json_t *resp = call_okf(c, "checkpoint.create",
                            "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"incremental\":false,"
                            "\"auto_trigger\":false}}}", v);
    CHECK(resp != NULL, "incremental:false refused");
    json_decref(resp);
    json_t *p = json_pack("{s:b}", "incremental", 0);
    char *cp = create_checkpoint(c, v, p);
    CHECK(cp != NULL, "typed create with incremental false");
    CHECK(p->refcount == 1, "parameters refcount changed");
    json_decref(p);
    free(cp);
    /* Newer editions' fields are accepted. */
    resp = call_okf(c, "checkpoint.create",
                    "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"policy_id\":\"%s\","
                    "\"resource_details\":[{\"id\":\"%s\",\"type\":\"OS::Nova::Server\",\"name\":\"srv\"}]}}}",
                    v, MISSING_ID, rid);
    json_decref(resp);

    /* Other operations' bodies. */
    call_failf(c, "vault.create", E9900, "vault.billing.size",
               "{\"vault\":{\"name\":\"x\",\"billing\":{\"size\":0},\"resources\":[]}}");
    call_failf(c, "vault.create", E9900, "vault.billing",
               "{\"vault\":{\"name\":\"x\",\"resources\":[]}}");
    call_failf(c, "vault.create", E9900, "vault.resources[0].type",
               "{\"vault\":{\"name\":\"x\",\"billing\":{\"size\":1},\"resources\":[{\"id\":\"%s\",\"type\":\"OS::X\"}]}}",
               rid);
    call_failf(c, "local.vault.set_status", E9900, "status", "{\"vault_id\":\"%s\",\"status\":\"melted\"}", v);
    call_failf(c, "local.vault.set_status", E9900, "status", "{\"vault_id\":\"%s\"}", v);
    call_failf(c, "local.vault.set_status", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6105", MISSING_ID,
               "{\"vault_id\":\"%s\",\"status\":\"lock\"}", MISSING_ID);
    call_failf(c, "local.checkpoint.set_status", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", MISSING_ID,
               "{\"checkpoint_id\":\"%s\",\"status\":\"error\"}", MISSING_ID);
    call_failf(c, "checkpoint.wait", E9900, "interval_ms",
               "{\"checkpoint_id\":\"%s\",\"interval_ms\":0}", MISSING_ID);
    /* waiting on a v1 checkpoint speaks CSBS's codes */
    call_failf(c, "checkpoint.wait", E9001, "provider_id",
               "{\"checkpoint_id\":\"%s\",\"provider_id\":\"%s\"}", MISSING_ID, OTHER_PROVIDER);
    free(v);
    ckpt_client_close(c);
}

static void test_vault_errors(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37], r3[37];
    mkid(r1);
    mkid(r2);
    mkid(r3);

    /* 6105: the vault does not exist (400, class invalid). */
    call_failf(c, "checkpoint.create", CKPT_EINVAL, "invalid", 400, "BackupService.6105", MISSING_ID,
               "{\"checkpoint\":{\"vault_id\":\"%s\"}}", MISSING_ID);
    /* vault.get of an unknown vault: not found, 404. */
    call_failf(c, "vault.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6105", MISSING_ID,
               "{\"vault_id\":\"%s\"}", MISSING_ID);

    /* 6113: any status but available refuses backups (400, conflict). */
    res_t ra = {r1, NULL, "srv", 1};
    char *v = create_vault(c, "status", 100, &ra, 1);
    static const char *statuses[] = {"lock", "frozen", "deleting", "error"};
    for (size_t i = 0; v && i < sizeof statuses / sizeof statuses[0]; i++) {
        json_t *s = call_okf(c, "local.vault.set_status", "{\"vault_id\":\"%s\",\"status\":\"%s\"}", v, statuses[i]);
        CHECK(h_streq(jstr(s, "vault.billing.status"), statuses[i]), "set_status response billing.status");
        json_decref(s);
        s = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
        CHECK(h_streq(jstr(s, "vault.billing.status"), statuses[i]), "vault.get billing.status after set_status");
        json_decref(s);
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.6113", statuses[i],
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    }
    if (v) {
        json_t *s = call_okf(c, "local.vault.set_status", "{\"vault_id\":\"%s\",\"status\":\"available\"}", v);
        json_decref(s);
        char *cp = create_checkpoint(c, v, NULL);
        CHECK(cp != NULL, "create after the vault is available again");
        free(cp);
    }
    free(v);

    /* 6114: the resource is bigger than the vault (400, quota). */
    res_t rb = {r2, NULL, "big", 2};
    v = create_vault(c, "small", 1, &rb, 1);
    if (v)
        call_failf(c, "checkpoint.create", CKPT_EQUOTA, "quota", 400, "BackupService.6114", v,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    free(v);
    /* 6114 counts what is already used: 2 + 2 > 3. */
    res_t rc3 = {r3, NULL, "two", 2};
    v = create_vault(c, "three", 3, &rc3, 1);
    if (v) {
        char *cp = create_checkpoint(c, v, NULL);
        CHECK(cp != NULL, "first 2 GB backup into a 3 GB vault");
        free(cp);
        json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
        CHECK(json_integer_value(jget(g, "vault.billing.used")) == 2, "vault.billing.used after a backup");
        json_decref(g);
        call_failf(c, "checkpoint.create", CKPT_EQUOTA, "quota", 400, "BackupService.6114", NULL,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    }
    free(v);

    /* 0001: a vault with no resources (conflict). */
    v = create_vault(c, "empty", 10, NULL, 0);
    if (v)
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.0001", v,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    free(v);

    /* checkpoint.get of an unknown id: 404 BackupService.6302. */
    call_failf(c, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", MISSING_ID,
               "{\"checkpoint_id\":\"%s\"}", MISSING_ID);
    ckpt_client_close(c);
}

/* 1001 and skipped_resources: backups that stay in progress. */
static void test_busy(void) {
    ckpt_client *c = open_text("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":3600000}}");
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t one = {r1, "OS::Nova::Server", "one", 1};
    char *v = create_vault(c, "busy", 100, &one, 1);
    char *cp = v ? create_checkpoint(c, v, NULL) : NULL;
    if (cp) {
        CHECK(h_streq(status_of(c, cp), "protecting"), "a slow backup is protecting");
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.1001", v,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.1001", v,
                   "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[\"%s\"]}}}", v, r1);
        /* wait times out: class timeout, no HTTP status, no code. */
        json_t *resp = SENTINEL_J, *err = SENTINEL_J;
        long long t0 = now_ms();
        int rc = ckpt_checkpoint_wait(c, cp, NULL, 100, &resp, &err);
        long long dt = now_ms() - t0;
        CHECK(rc == CKPT_ETIMEOUT && resp == NULL, "wait on a slow backup: rc %d", rc);
        CHECK(dt >= 90 && dt < 5000, "wait timeout of 100 ms took %lld ms", dt);
        CHECK_ERROR(err == SENTINEL_J ? NULL : err, CKPT_ETIMEOUT, "timeout", 0, "", cp);
        if (err != SENTINEL_J) json_decref(err);
        /* timeout 0: one poll, then timeout. */
        err = NULL;
        rc = ckpt_checkpoint_wait(c, cp, "available", 0, &resp, &err);
        CHECK(rc == CKPT_ETIMEOUT, "wait with timeout 0: rc %d", rc);
        CHECK_ERROR(err, CKPT_ETIMEOUT, "timeout", 0, "", NULL);
        json_decref(err);
        /* waiting for the status it has returns at once. */
        resp = NULL;
        rc = ckpt_checkpoint_wait(c, cp, "protecting", 0, &resp, NULL);
        CHECK(rc == CKPT_OK && h_streq(jstr(resp, "checkpoint.status"), "protecting"), "wait for protecting");
        json_decref(resp);
        json_t *w = call_okf(c, "checkpoint.wait", "{\"checkpoint_id\":\"%s\",\"status\":\"protecting\","
                             "\"timeout_ms\":0,\"interval_ms\":5}", cp);
        CHECK(h_streq(jstr(w, "checkpoint.status"), "protecting"), "checkpoint.wait by name");
        json_decref(w);
    }
    free(cp);
    free(v);

    /* Only some busy: the others are backed up, the busy ones skipped. */
    mkid(r1);
    res_t two[2] = {{r1, "OS::Nova::Server", "first", 1}, {r2, "OS::Cinder::Volume", "second", 1}};
    v = create_vault(c, "partly", 100, two, 2);
    if (v) {
        json_t *resp = call_okf(c, "checkpoint.create",
                                "{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"resources\":[\"%s\"]}}}", v, r1);
        CHECK(json_array_size(jget(resp, "checkpoint.vault.resources")) == 1, "first create backs up r1 only");
        CHECK(json_array_size(jget(resp, "checkpoint.vault.skipped_resources")) == 0, "nothing skipped at first");
        json_decref(resp);
        resp = call_okf(c, "checkpoint.create", "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
        json_t *res = jget(resp, "checkpoint.vault.resources");
        json_t *skipped = jget(resp, "checkpoint.vault.skipped_resources");
        CHECK(json_array_size(res) == 1 && h_streq(jstr(json_array_get(res, 0), "id"), r2),
              "second create backs up r2 only");
        CHECK(json_is_array(skipped) && json_array_size(skipped) == 1, "skipped_resources has one entry");
        json_t *s = json_array_get(skipped, 0);
        CHECK(h_streq(jstr(s, "id"), r1), "skipped_resources[0].id is r1");
        CHECK(h_streq(jstr(s, "type"), "OS::Nova::Server"), "skipped_resources[0].type");
        CHECK(h_streq(jstr(s, "name"), "first"), "skipped_resources[0].name");
        CHECK(jstr(s, "code") && *jstr(s, "code"), "skipped_resources[0].code is a non-empty string");
        CHECK(jstr(s, "reason") && *jstr(s, "reason"), "skipped_resources[0].reason is a non-empty string");
        json_decref(resp);
        /* Now both are busy. */
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.1001", NULL,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    }
    free(v);

    /* A resource busy in one vault is busy in another vault too. */
    char r3[37];
    mkid(r3);
    res_t shared = {r3, NULL, "shared", 1};
    char *va = create_vault(c, "a", 100, &shared, 1);
    char *vb = create_vault(c, "b", 100, &shared, 1);
    if (va && vb) {
        cp = create_checkpoint(c, va, NULL);
        free(cp);
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.1001", NULL,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", vb);
    }
    free(va);
    free(vb);
    ckpt_client_close(c);
}

/* local.checkpoint.set_status: hold a backup, fail it. */
static void test_set_status_and_wait(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37];
    mkid(r1);
    res_t one = {r1, NULL, "one", 1};
    char *v = create_vault(c, "control", 100, &one, 1);
    char *cp = v ? create_checkpoint(c, v, NULL) : NULL;
    if (!cp) {
        free(v);
        ckpt_client_close(c);
        return;
    }
    /* With no simulated duration it is available at once. */
    json_t *resp = NULL;
    CHECK(ckpt_checkpoint_wait(c, cp, NULL, 1000, &resp, NULL) == CKPT_OK, "wait on an instant backup");
    CHECK(h_streq(jstr(resp, "checkpoint.status"), "available"), "wait response status");
    json_decref(resp);

    /* protecting holds, and holds the resource. */
    json_t *s = call_okf(c, "local.checkpoint.set_status", "{\"checkpoint_id\":\"%s\",\"status\":\"protecting\"}", cp);
    CHECK(h_streq(jstr(s, "checkpoint.status"), "protecting"), "set_status response status");
    json_decref(s);
    sleep_ms(30);
    CHECK(h_streq(status_of(c, cp), "protecting"), "protecting holds");
    json_t *err = NULL;
    resp = SENTINEL_J;
    CHECK(ckpt_checkpoint_wait(c, cp, "available", 50, &resp, &err) == CKPT_ETIMEOUT && resp == NULL,
          "wait on a held backup times out");
    CHECK_ERROR(err, CKPT_ETIMEOUT, "timeout", 0, "", NULL);
    json_decref(err);
    call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.1001", NULL,
               "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);

    /* error: wait fails with conflict and carries the checkpoint. */
    s = call_okf(c, "local.checkpoint.set_status", "{\"checkpoint_id\":\"%s\",\"status\":\"error\"}", cp);
    json_decref(s);
    err = SENTINEL_J;
    resp = SENTINEL_J;
    int rc = ckpt_checkpoint_wait(c, cp, NULL, 1000, &resp, &err);
    CHECK(rc == CKPT_ECONFLICT && resp == NULL, "wait on an error checkpoint: rc %d", rc);
    if (err == SENTINEL_J) err = NULL;
    CHECK_ERROR(err, CKPT_ECONFLICT, "conflict", 0, "", cp);
    json_t *ec = json_object_get(err, "checkpoint");
    CHECK(json_is_object(ec), "the error object carries \"checkpoint\"");
    CHECK(h_streq(jstr(ec, "id"), cp) || h_streq(jstr(ec, "checkpoint.id"), cp), "error.checkpoint is this checkpoint");
    CHECK(h_streq(jstr(ec, "status"), "error"), "error.checkpoint.status is error");
    json_decref(err);
    /* Text form of the same. */
    char req[256];
    snprintf(req, sizeof req, "{\"checkpoint_id\":\"%s\",\"timeout_ms\":1000}", cp);
    char *tresp = SENTINEL_S, *terr = NULL;
    rc = ckpt_call_text(c, "checkpoint.wait", req, &tresp, &terr);
    CHECK(rc == CKPT_ECONFLICT && tresp == NULL, "text wait on an error checkpoint: rc %d", rc);
    CHECK(h_contains(terr, "\"checkpoint\":{"), "text error carries the checkpoint: %s", h_str(terr));
    CHECK_ERROR_TEXT(terr, CKPT_ECONFLICT, "conflict", 0, "", NULL);
    /* Waiting for "error" itself succeeds. */
    resp = NULL;
    CHECK(ckpt_checkpoint_wait(c, cp, "error", 0, &resp, NULL) == CKPT_OK, "wait for status error");
    json_decref(resp);
    /* An error checkpoint no longer holds the resource. */
    char *cp2 = create_checkpoint(c, v, NULL);
    CHECK(cp2 != NULL, "create after the held backup failed");
    free(cp2);
    free(cp);
    free(v);
    ckpt_client_close(c);
}

/* The lifecycle with a simulated duration, and simulated failures. */
static void test_lifecycle(void) {
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    char cfg[512];
    snprintf(cfg, sizeof cfg,
             "{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":300,\"fail_resources\":[\"%s\"]}}", r2);
    ckpt_client *c = open_text(cfg);
    if (!c) return;
    res_t ok = {r1, NULL, "ok", 1};
    res_t bad = {r2, NULL, "bad", 1};
    char *v = create_vault(c, "life", 100, &ok, 1);
    char *vbad = create_vault(c, "doomed", 100, &bad, 1);
    long long t0 = now_ms();
    char *cp = v ? create_checkpoint(c, v, NULL) : NULL;
    if (cp) {
        CHECK(h_streq(status_of(c, cp), "protecting"), "protecting right after create");
        json_t *resp = NULL, *err = NULL;
        int rc = ckpt_checkpoint_wait(c, cp, NULL, 10000, &resp, &err);
        long long dt = now_ms() - t0;
        CHECK(rc == CKPT_OK, "wait for available: rc %d", rc);
        CHECK(err == NULL, "error set on success");
        CHECK(h_streq(jstr(resp, "checkpoint.status"), "available"), "wait returns available");
        CHECK(dt >= 250, "a 300 ms backup became available after %lld ms", dt);
        CHECK(resp == NULL || resp->refcount == 1, "wait response refcount");
        json_decref(resp);
        CHECK(h_streq(status_of(c, cp), "available"), "get after wait: available");
    }
    /* fail_resources: protecting, then error. */
    char *cpb = vbad ? create_checkpoint(c, vbad, NULL) : NULL;
    if (cpb) {
        json_t *resp = SENTINEL_J, *err = NULL;
        int rc = ckpt_checkpoint_wait(c, cpb, NULL, 10000, &resp, &err);
        CHECK(rc == CKPT_ECONFLICT && resp == NULL, "wait on a failing backup: rc %d", rc);
        CHECK_ERROR(err, CKPT_ECONFLICT, "conflict", 0, "", NULL);
        CHECK(h_streq(jstr(err, "checkpoint.status"), "error"), "error.checkpoint.status");
        json_decref(err);
        CHECK(h_streq(status_of(c, cpb), "error"), "fail_resources: status error");
        /* A failed backup does not count against capacity. */
        json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", vbad);
        CHECK(json_integer_value(jget(g, "vault.billing.used")) == 0, "a failed backup uses no capacity");
        json_decref(g);
    }
    free(cp);
    free(cpb);
    free(v);
    free(vbad);
    ckpt_client_close(c);

    /* fail_resources with no duration: error at once. */
    snprintf(cfg, sizeof cfg, "{\"path\":\":memory:\",\"simulate\":{\"fail_resources\":[\"%s\"]}}", r2);
    c = open_text(cfg);
    if (!c) return;
    vbad = create_vault(c, "doomed", 100, &bad, 1);
    cpb = vbad ? create_checkpoint(c, vbad, NULL) : NULL;
    if (cpb) CHECK(h_streq(status_of(c, cpb), "error"), "instant failing backup: status error");
    free(cpb);
    free(vbad);
    ckpt_client_close(c);
}

static void test_policy_errors(void) {
    ckpt_client *c = open_text("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":3600000}}");
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t res[2] = {{r1, NULL, "s1", 1}, {r2, NULL, "s2", 1}};
    char *plan = create_policy(c, "plan", res, 2);
    if (!plan) {
        ckpt_client_close(c);
        return;
    }
    /* CSBS.9001: a provider other than CSBS, or not a UUID. */
    call_failf(c, "policy.execute", E9001, "provider_id",
               "{\"provider_id\":\"%s\",\"checkpoint\":{\"plan_id\":\"%s\",\"parameters\":{}}}", OTHER_PROVIDER, plan);
    call_failf(c, "policy.execute", E9001, "provider_id",
               "{\"provider_id\":\"csbs\",\"checkpoint\":{\"plan_id\":\"%s\",\"parameters\":{}}}", plan);
    call_failf(c, "policy.checkpoint_get", E9001, "provider_id",
               "{\"provider_id\":\"%s\",\"checkpoint_id\":\"%s\"}", OTHER_PROVIDER, MISSING_ID);
    call_failf(c, "policy.create", E9001, "policy.provider_id",
               "{\"policy\":{\"name\":\"p\",\"provider_id\":\"%s\",\"resources\":[]}}", OTHER_PROVIDER);
    call_failf(c, "policy.execute", E9001, "checkpoint.parameters",
               "{\"checkpoint\":{\"plan_id\":\"%s\"}}", plan);
    call_failf(c, "policy.execute", E9001, "checkpoint.parameters.resources[0]",
               "{\"checkpoint\":{\"plan_id\":\"%s\",\"parameters\":{\"resources\":[\"%s\"]}}}", plan, MISSING_ID);
    /* CSBS.3002: unknown plan (execute and get). */
    call_failf(c, "policy.execute", CKPT_ENOTFOUND, "not_found", 404, "CSBS.3002", MISSING_ID,
               "{\"checkpoint\":{\"plan_id\":\"%s\",\"parameters\":{}}}", MISSING_ID);
    call_failf(c, "policy.get", CKPT_ENOTFOUND, "not_found", 404, "CSBS.3002", MISSING_ID,
               "{\"policy_id\":\"%s\"}", MISSING_ID);
    /* CSBS.3001: unknown backup. */
    call_failf(c, "policy.checkpoint_get", CKPT_ENOTFOUND, "not_found", 404, "CSBS.3001", MISSING_ID,
               "{\"checkpoint_id\":\"%s\"}", MISSING_ID);
    call_failf(c, "policy.checkpoint_get", CKPT_ENOTFOUND, "not_found", 404, "CSBS.3001", MISSING_ID,
               "{\"provider_id\":\"%s\",\"checkpoint_id\":\"%s\"}", CKPT_CSBS_PROVIDER_ID, MISSING_ID);

    /* CSBS.2004: every resource of the policy busy. */
    json_t *resp = NULL, *err = NULL;
    int rc = ckpt_policy_execute(c, plan, NULL, &resp, &err);
    CHECK(rc == CKPT_OK, "first execute: rc %d", rc);
    const char *v1 = jstr(resp, "checkpoint.id");
    char *v1id = v1 ? strdup(v1) : NULL;
    json_decref(resp);
    json_decref(err);
    call_failf(c, "policy.execute", CKPT_ECONFLICT, "conflict", 400, "CSBS.2004", plan,
               "{\"checkpoint\":{\"plan_id\":\"%s\",\"parameters\":{}}}", plan);
    if (v1id) {
        /* v1 and v3 checkpoints are different namespaces. */
        call_failf(c, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", NULL,
                   "{\"checkpoint_id\":\"%s\"}", v1id);
        json_t *g = call_okf(c, "policy.checkpoint_get", "{\"checkpoint_id\":\"%s\"}", v1id);
        CHECK(h_streq(jstr(g, "checkpoint.status"), "protecting"), "v1 checkpoint protecting");
        json_decref(g);
        /* wait on a v1 checkpoint: via provider_id; times out here. */
        call_failf(c, "checkpoint.wait", CKPT_ETIMEOUT, "timeout", 0, "", NULL,
                   "{\"checkpoint_id\":\"%s\",\"provider_id\":\"%s\",\"timeout_ms\":20}", v1id, CKPT_CSBS_PROVIDER_ID);
        call_failf(c, "checkpoint.wait", CKPT_ENOTFOUND, "not_found", 404, "CSBS.3001", NULL,
                   "{\"checkpoint_id\":\"%s\",\"provider_id\":\"%s\"}", MISSING_ID, CKPT_CSBS_PROVIDER_ID);
    }
    free(v1id);
    /* The resources are busy for vaults too (one project, one set of locks). */
    res_t shared = {r1, NULL, "s1", 1};
    char *v = create_vault(c, "shares-r1", 100, &shared, 1);
    if (v)
        call_failf(c, "checkpoint.create", CKPT_ECONFLICT, "conflict", 400, "BackupService.1001", NULL,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    free(v);
    free(plan);

    /* A policy with no resources: nothing to back up (CSBS.6032). */
    plan = create_policy(c, "empty", NULL, 0);
    if (plan)
        call_failf(c, "policy.execute", CKPT_ECONFLICT, "conflict", 500, "CSBS.6032", NULL,
                   "{\"checkpoint\":{\"plan_id\":\"%s\",\"parameters\":{}}}", plan);
    free(plan);
    ckpt_client_close(c);
}

static void test_unknown_operation_and_config(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    static const char *bad_ops[] = {"checkpoint.delete", "checkpoint", "checkpoint.create ", " checkpoint.get",
                                    "local.vault", "vault.create\n", "policy.execute.now"};
    for (size_t i = 0; i < sizeof bad_ops / sizeof bad_ops[0]; i++) {
        call_fail(c, bad_ops[i], NULL, E9900, "operation");
        text_fail(c, bad_ops[i], "{}", E9900, "operation");
    }
    ckpt_client_close(c);
}

/* Vault usage follows the checkpoint status; :memory: stores are private;
 * the default project id. */
static void test_usage_and_isolation(void) {
    ckpt_client *c = open_memory();
    ckpt_client *other = open_memory();
    if (!c || !other) {
        ckpt_client_close(c);
        ckpt_client_close(other);
        return;
    }
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 3};
    char *v = create_vault(c, "usage", 100, &r, 1);
    json_t *resp = NULL;
    CHECK(v && ckpt_checkpoint_create(c, v, NULL, &resp, NULL) == CKPT_OK, "create");
    CHECK(h_streq(jstr(resp, "checkpoint.project_id"), "00000000000000000000000000000000"),
          "default project_id %s", h_str(jstr(resp, "checkpoint.project_id")));
    char *cp = jstr(resp, "checkpoint.id") ? strdup(jstr(resp, "checkpoint.id")) : NULL;
    json_decref(resp);
    static const struct {
        const char *status;
        long long used;
    } steps[] = {{"error", 0}, {"error", 0}, {"available", 3}, {"protecting", 3}, {"available", 3},
                 {"deleting", 3}, {"error", 0}, {"protecting", 3}, {"error", 0}};
    for (size_t i = 0; cp && i < sizeof steps / sizeof steps[0]; i++) {
        json_t *s = call_okf(c, "local.checkpoint.set_status", "{\"checkpoint_id\":\"%s\",\"status\":\"%s\"}", cp,
                             steps[i].status);
        json_decref(s);
        json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
        long long used = (long long)json_integer_value(jget(g, "vault.billing.used"));
        CHECK(used == steps[i].used, "step %zu (%s): vault.billing.used %lld, want %lld", i, steps[i].status, used,
              steps[i].used);
        json_decref(g);
    }
    /* Another :memory: handle is another store. */
    if (v)
        call_failf(other, "vault.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6105", NULL,
                   "{\"vault_id\":\"%s\"}", v);
    if (cp)
        call_failf(other, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", NULL,
                   "{\"checkpoint_id\":\"%s\"}", cp);
    free(cp);
    free(v);
    ckpt_client_close(c);
    ckpt_client_close(other);
}

/* ==========================================================================
 * The documented requests and responses (seeds 000/001, 002, 004)
 * ========================================================================== */

static void check_resource_v3(const char *where, const json_t *r, const char *id, const char *name,
                              const char *size) {
    CHECK(json_is_object(r), "%s: resource is not an object", where);
    CHECK(h_streq(jstr(r, "id"), id), "%s: resource.id", where);
    CHECK(h_streq(jstr(r, "name"), name), "%s: resource.name %s", where, h_str(jstr(r, "name")));
    CHECK(h_streq(jstr(r, "type"), "OS::Nova::Server"), "%s: resource.type", where);
    CHECK(h_streq(jstr(r, "resource_size"), size), "%s: resource.resource_size is not the string \"%s\"", where,
          size);
    const char *ps = jstr(r, "protect_status");
    CHECK(ps && (!strcmp(ps, "available") || !strcmp(ps, "error") || !strcmp(ps, "protecting") ||
                 !strcmp(ps, "restoring") || !strcmp(ps, "removing")),
          "%s: resource.protect_status %s", where, h_str(ps));
    json_t *x = json_object_get(r, "extra_info");
    CHECK(json_is_object(x), "%s: resource.extra_info is not an object", where);
    CHECK(json_is_array(json_object_get(x, "exclude_volumes")), "%s: extra_info.exclude_volumes not an array",
          where);
    CHECK(json_is_array(json_object_get(x, "include_volumes")), "%s: extra_info.include_volumes not an array",
          where);
}

/* CheckpointCreate, field by field (seed 000 table 7-12, seed 004). */
static void check_checkpoint_v3(const char *where, const json_t *resp, const char *vault_id, const char *project,
                                const char *status, int query) {
    CHECK(json_is_object(resp) && json_object_size(resp) == 1 && json_is_object(jget(resp, "checkpoint")),
          "%s: want {\"checkpoint\": {...}}", where);
    const json_t *cp = jget(resp, "checkpoint");
    CHECK(is_timestamp(jstr(cp, "created_at")), "%s: created_at %s is not YYYY-MM-DDTHH:MM:SS.ffffff", where,
          h_str(jstr(cp, "created_at")));
    CHECK(is_uuid(jstr(cp, "id")), "%s: id", where);
    CHECK(h_streq(jstr(cp, "project_id"), project), "%s: project_id %s", where, h_str(jstr(cp, "project_id")));
    CHECK(h_streq(jstr(cp, "status"), status), "%s: status %s, want %s", where, h_str(jstr(cp, "status")), status);
    json_t *v = jget(cp, "vault");
    CHECK(json_is_object(v), "%s: vault is not an object", where);
    CHECK(h_streq(jstr(v, "id"), vault_id), "%s: vault.id", where);
    CHECK(h_streq(jstr(v, "name"), "vault-be94"), "%s: vault.name", where);
    CHECK(json_is_array(jget(v, "resources")) && json_array_size(jget(v, "resources")) == 1,
          "%s: vault.resources", where);
    check_resource_v3(where, json_array_get(jget(v, "resources"), 0), SEED_RES_000, "ecs-1f0f-0002", "40");
    CHECK(json_is_array(jget(v, "skipped_resources")) && json_array_size(jget(v, "skipped_resources")) == 0,
          "%s: vault.skipped_resources", where);
    if (query) CHECK(is_uuid(jstr(v, "provider_id")), "%s: vault.provider_id (query response)", where);
    json_t *x = jget(cp, "extra_info");
    CHECK(json_is_object(x), "%s: extra_info is not an object", where);
    CHECK(h_streq(jstr(x, "name"), "backup_name"), "%s: extra_info.name", where);
    CHECK(h_streq(jstr(x, "description"), "backup_description"), "%s: extra_info.description", where);
    CHECK(json_is_integer(jget(x, "retention_duration")) && json_integer_value(jget(x, "retention_duration")) == -1,
          "%s: extra_info.retention_duration is not the integer -1", where);
}

static const char *seed000_request =
    "{\n"
    "\t\"checkpoint\":{\n"
    "\t\t\"parameters\":{\n"
    "\t\t\t\"auto_trigger\":true,\n"
    "\t\t\t\"description\":\"backup_description\",\n"
    "\t\t\t\"incremental\":true,\n"
    "\t\t\t\"name\":\"backup_name\",\n"
    "\t\t\t\"resources\":[\n"
    "\t\t\t\t\"94eba8b2-acc9-4d82-badc-127144cc5526\"\n"
    "\t\t\t]\n"
    "\t\t},\n"
    "\t\t\"vault_id\":\"%s\"\n"
    "\t}\n"
    "}";

static void test_seed_checkpoint_v3(void) {
    ckpt_client *c = open_text("{\"path\":\":memory:\",\"project_id\":\"" SEED_PROJECT "\"}");
    if (!c) return;
    json_t *vreq = jf("{\"vault\":{\"name\":\"vault-be94\",\"billing\":{\"size\":200},\"resources\":[{\"id\":\"%s\","
                      "\"type\":\"OS::Nova::Server\",\"name\":\"ecs-1f0f-0002\",\"size\":40}]}}", SEED_RES_000);
    json_t *vault = call_ok(c, "vault.create", vreq);
    json_decref(vreq);
    const char *vid = jstr(vault, "vault.id");
    if (!vid) {
        json_decref(vault);
        ckpt_client_close(c);
        return;
    }
    /* vault.get returns the vault. */
    json_t *vg = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", vid);
    CHECK(h_streq(jstr(vg, "vault.id"), vid) && h_streq(jstr(vg, "vault.name"), "vault-be94"), "vault.get");
    json_decref(vg);

    /* The request example, as text in and text out. */
    char text[2048];
    snprintf(text, sizeof text, seed000_request, vid);
    json_t *created = text_ok(c, "checkpoint.create", text);
    check_checkpoint_v3("create (text)", created, vid, SEED_PROJECT, "protecting", 0);

    /* checkpoint.get: provider_id, available, the same id and created_at. */
    const char *cid = jstr(created, "checkpoint.id");
    if (cid) {
        json_t *got = NULL, *err = SENTINEL_J;
        int rc = ckpt_checkpoint_get(c, cid, &got, &err);
        CHECK(rc == CKPT_OK && err == NULL, "ckpt_checkpoint_get: rc %d", rc);
        check_checkpoint_v3("get", got, vid, SEED_PROJECT, "available", 1);
        CHECK(h_streq(jstr(got, "checkpoint.id"), cid), "get: same id");
        CHECK(h_streq(jstr(got, "checkpoint.created_at"), jstr(created, "checkpoint.created_at")),
              "get: same created_at");
        CHECK(got == NULL || got->refcount == 1, "get response refcount");
        json_decref(got);
        /* Text get. */
        char greq[128];
        snprintf(greq, sizeof greq, "{\"checkpoint_id\":\"%s\"}", cid);
        json_t *tg = text_ok(c, "checkpoint.get", greq);
        check_checkpoint_v3("get (text)", tg, vid, SEED_PROJECT, "available", 1);
        json_decref(tg);
    }
    json_decref(created);

    /* The same request as json_t through ckpt_call. */
    json_t *req = jf(seed000_request, vid);
    json_t *resp = call_ok(c, "checkpoint.create", req);
    check_checkpoint_v3("create (json)", resp, vid, SEED_PROJECT, "protecting", 0);
    json_decref(resp);
    json_decref(req);

    /* Through the typed function: parameters borrowed. */
    json_t *params = jf("{\"auto_trigger\":true,\"description\":\"backup_description\",\"incremental\":false,"
                        "\"name\":\"backup_name\",\"resources\":[\"%s\"]}", SEED_RES_000);
    json_incref(params);
    resp = SENTINEL_J;
    json_t *err = SENTINEL_J;
    int rc = ckpt_checkpoint_create(c, vid, params, &resp, &err);
    CHECK(rc == CKPT_OK && err == NULL, "ckpt_checkpoint_create: rc %d", rc);
    CHECK(params->refcount == 2, "parameters refcount %zu, want 2", params->refcount);
    if (rc == CKPT_OK) {
        check_checkpoint_v3("create (typed)", resp, vid, SEED_PROJECT, "protecting", 0);
        CHECK(resp->refcount == 1, "typed response refcount");
        json_decref(resp);
    }
    json_decref(params);
    json_decref(params);

    /* Without parameters: every resource, a generated name, an empty description. */
    resp = NULL;
    rc = ckpt_checkpoint_create(c, vid, NULL, &resp, NULL);
    CHECK(rc == CKPT_OK, "create without parameters: rc %d", rc);
    CHECK(json_is_string(jget(resp, "checkpoint.extra_info.name")), "generated extra_info.name");
    CHECK(json_is_string(jget(resp, "checkpoint.extra_info.description")), "extra_info.description present");
    json_decref(resp);
    json_decref(vault);
    ckpt_client_close(c);
}

static const char *seed002_request =
    "{\n"
    "  \"checkpoint\" : {\n"
    "    \"plan_id\" : \"%s\",\n"
    "    \"parameters\" : {\n"
    "      \"auto_trigger\" : false,\n"
    "      \"resources\" : [ \"7a32a8b5-7977-4e24-b5da-e0eb457db75b\", \"b2b433bf-7dd6-4a74-aa8f-85673dfbda48\" ]\n"
    "    }\n"
    "  }\n"
    "}";

/* checkpoint_resp (seed 002). */
static void check_checkpoint_v1(const char *where, const json_t *resp, const char *plan, const char *status,
                                const char *created_by) {
    CHECK(json_is_object(resp) && json_object_size(resp) == 1 && json_is_object(jget(resp, "checkpoint")),
          "%s: want {\"checkpoint\": {...}}", where);
    const json_t *cp = jget(resp, "checkpoint");
    CHECK(h_streq(jstr(cp, "status"), status), "%s: status %s", where, h_str(jstr(cp, "status")));
    CHECK(is_timestamp(jstr(cp, "created_at")), "%s: created_at", where);
    CHECK(is_uuid(jstr(cp, "id")), "%s: id", where);
    json_t *rg = jget(cp, "resource_graph");
    CHECK(rg && (json_is_null(rg) || json_is_string(rg)), "%s: resource_graph missing or not null/string", where);
    CHECK(h_streq(jstr(cp, "project_id"), SEED_PROJECT), "%s: project_id", where);
    json_t *pp = jget(cp, "protection_plan");
    CHECK(json_is_object(pp), "%s: protection_plan", where);
    CHECK(h_streq(jstr(pp, "id"), plan), "%s: protection_plan.id", where);
    CHECK(h_streq(jstr(pp, "name"), "backup"), "%s: protection_plan.name", where);
    json_t *res = jget(pp, "resources");
    CHECK(json_is_array(res) && json_array_size(res) == 2, "%s: protection_plan.resources", where);
    for (size_t i = 0; i < json_array_size(res); i++) {
        json_t *r = json_array_get(res, i);
        CHECK(h_streq(jstr(r, "id"), i == 0 ? SEED_RES_002A : SEED_RES_002B), "%s: resources[%zu].id", where, i);
        CHECK(h_streq(jstr(r, "type"), "OS::Nova::Server"), "%s: resources[%zu].type", where, i);
        CHECK(h_streq(jstr(r, "name"), i == 0 ? "server0" : "server1"), "%s: resources[%zu].name", where, i);
        const char *x = jstr(r, "extra_info");
        CHECK(x != NULL, "%s: resources[%zu].extra_info is not a string", where, i);
        json_t *xj = x ? json_loads(x, 0, NULL) : NULL;
        CHECK(json_is_object(xj), "%s: resources[%zu].extra_info is not JSON object text: %s", where, i, h_str(x));
        if (i == 0)
            CHECK(h_streq(json_string_value(json_array_get(json_object_get(xj, "exclude_volumes"), 0)),
                          "53dbb1f8-0b14-4850-9346-ef5067acbeb5"),
                  "%s: resources[0].extra_info.exclude_volumes", where);
        json_decref(xj);
    }
    const char *x = jstr(cp, "extra_info");
    CHECK(x != NULL, "%s: extra_info is not a string", where);
    json_t *xj = x ? json_loads(x, 0, NULL) : NULL;
    CHECK(json_is_object(xj), "%s: extra_info is not JSON object text: %s", where, h_str(x));
    CHECK(h_streq(json_string_value(json_object_get(xj, "created_by")), created_by),
          "%s: extra_info.created_by %s, want %s", where, h_str(x), created_by);
    json_decref(xj);
}

static void test_seed_policy_v1(void) {
    ckpt_client *c = open_text("{\"path\":\":memory:\",\"project_id\":\"" SEED_PROJECT "\"}");
    if (!c) return;
    json_t *preq = jf("{\"policy\":{\"name\":\"backup\",\"description\":\"seed 002\",\"provider_id\":\"%s\","
                      "\"parameters\":{\"common\":{}},\"scheduled_operations\":[{\"name\":\"daily\",\"enabled\":true,"
                      "\"operation_type\":\"backup\",\"trigger\":{\"properties\":{\"pattern\":\"BEGIN:VCALENDAR\"}}}],"
                      "\"resources\":[{\"id\":\"%s\",\"type\":\"OS::Nova::Server\",\"name\":\"server0\","
                      "\"extra_info\":{\"exclude_volumes\":[\"53dbb1f8-0b14-4850-9346-ef5067acbeb5\"]}},"
                      "{\"id\":\"%s\",\"type\":\"OS::Nova::Server\",\"name\":\"server1\"}]}}",
                      CKPT_CSBS_PROVIDER_ID, SEED_RES_002A, SEED_RES_002B);
    json_t *policy = call_ok(c, "policy.create", preq);
    json_decref(preq);
    const char *pid = jstr(policy, "policy.id");
    if (!pid) {
        json_decref(policy);
        ckpt_client_close(c);
        return;
    }
    json_t *pg = call_okf(c, "policy.get", "{\"policy_id\":\"%s\"}", pid);
    CHECK(h_streq(jstr(pg, "policy.id"), pid) && h_streq(jstr(pg, "policy.name"), "backup"), "policy.get");
    json_decref(pg);

    char text[2048];
    snprintf(text, sizeof text, seed002_request, pid);
    json_t *resp = text_ok(c, "policy.execute", text);
    check_checkpoint_v1("execute (text)", resp, pid, "protecting", "manual");
    const char *cid = jstr(resp, "checkpoint.id");
    if (cid) {
        json_t *g = call_okf(c, "policy.checkpoint_get", "{\"checkpoint_id\":\"%s\"}", cid);
        check_checkpoint_v1("checkpoint_get", g, pid, "available", "manual");
        json_decref(g);
        g = call_okf(c, "policy.checkpoint_get", "{\"provider_id\":\"%s\",\"checkpoint_id\":\"%s\"}",
                     CKPT_CSBS_PROVIDER_ID, cid);
        check_checkpoint_v1("checkpoint_get (provider)", g, pid, "available", "manual");
        json_decref(g);
        g = call_okf(c, "checkpoint.wait", "{\"checkpoint_id\":\"%s\",\"provider_id\":\"%s\",\"timeout_ms\":1000}",
                     cid, CKPT_CSBS_PROVIDER_ID);
        check_checkpoint_v1("wait (v1)", g, pid, "available", "manual");
        json_decref(g);
        /* A v1 backup is not a v3 checkpoint. */
        call_failf(c, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", NULL,
                   "{\"checkpoint_id\":\"%s\"}", cid);
    }
    json_decref(resp);

    /* The same as json_t, with the explicit CSBS provider. */
    json_t *req = jf(seed002_request, pid);
    json_object_set_new(req, "provider_id", json_string(CKPT_CSBS_PROVIDER_ID));
    resp = call_ok(c, "policy.execute", req);
    check_checkpoint_v1("execute (json)", resp, pid, "protecting", "manual");
    json_decref(resp);
    json_decref(req);

    /* Typed, parameters borrowed. */
    json_t *params = jf("{\"auto_trigger\":false,\"resources\":[\"%s\",\"%s\"]}", SEED_RES_002A, SEED_RES_002B);
    resp = SENTINEL_J;
    json_t *err = SENTINEL_J;
    int rc = ckpt_policy_execute(c, pid, params, &resp, &err);
    CHECK(rc == CKPT_OK && err == NULL, "ckpt_policy_execute: rc %d", rc);
    CHECK(params->refcount == 1, "parameters refcount changed");
    if (rc == CKPT_OK) {
        check_checkpoint_v1("execute (typed)", resp, pid, "protecting", "manual");
        CHECK(resp->refcount == 1, "response refcount");
        json_decref(resp);
    }
    json_decref(params);
    /* NULL parameters: {} = every resource. */
    resp = NULL;
    rc = ckpt_policy_execute(c, pid, NULL, &resp, NULL);
    CHECK(rc == CKPT_OK, "ckpt_policy_execute(NULL parameters): rc %d", rc);
    CHECK(json_array_size(jget(resp, "checkpoint.protection_plan.resources")) == 2, "all policy resources");
    json_decref(resp);
    /* auto_trigger true: created_by auto. */
    params = jf("{\"auto_trigger\":true,\"resources\":[\"%s\"]}", SEED_RES_002A);
    resp = NULL;
    rc = ckpt_policy_execute(c, pid, params, &resp, NULL);
    CHECK(rc == CKPT_OK, "execute with auto_trigger: rc %d", rc);
    const char *x = jstr(resp, "checkpoint.extra_info");
    CHECK(h_contains(x, "created_by") && h_contains(x, "auto"), "auto_trigger true: extra_info %s", h_str(x));
    json_decref(resp);
    json_decref(params);
    json_decref(policy);
    ckpt_client_close(c);
}

/* ==========================================================================
 * Ownership in the text forms and under repeated use
 * ========================================================================== */

/* ckpt_call_ex / ckpt_call_text_ex: the metadata out-parameter. */
static void test_call_meta(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    json_t *req = jf("{\"checkpoint_id\":\"%s\"}", "8b0851a8-adf3-4f4c-a914-dead08bf9664");
    json_t *resp = (json_t *)1, *meta = (json_t *)1, *err = NULL;
    CHECK(ckpt_call_ex(c, "checkpoint.get", req, &resp, &meta, &err) == CKPT_ENOTFOUND, "ex: not found");
    CHECK(resp == NULL && meta == NULL, "ex: outs NULL on failure");
    CHECK_ERROR(err, CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", "does not exist");
    json_decref(err);
    err = NULL;
    json_t *vreq = jf("{\"vault\":{\"name\":\"m\",\"billing\":{\"size\":1},\"resources\":[]}}");
    CHECK(ckpt_call_ex(c, "vault.create", vreq, &resp, &meta, &err) == CKPT_OK, "ex: success");
    CHECK(resp && json_is_object(json_object_get(resp, "vault")), "ex: response body");
    CHECK(meta && json_is_null(json_object_get(meta, "request_id")), "ex: embedded request_id is null");
    CHECK(meta && strcmp(json_string_value(json_object_get(meta, "backend")), "embedded") == 0, "ex: backend");
    CHECK(meta && meta->refcount == 1, "ex: meta is a new reference");
    json_decref(resp);
    json_decref(meta);
    resp = NULL;
    CHECK(ckpt_call_ex(c, "vault.create", vreq, &resp, NULL, NULL) == CKPT_OK, "ex: meta is optional");
    json_decref(resp);
    char *text = NULL, *mtext = NULL, *etext = NULL;
    CHECK(ckpt_call_text_ex(c, "vault.create", "{\"vault\":{\"name\":\"m\",\"billing\":{\"size\":1},\"resources\":[]}}",
                            &text, &mtext, &etext) == CKPT_OK, "text_ex: success");
    CHECK(mtext && strcmp(mtext, "{\"request_id\":null,\"backend\":\"embedded\"}") == 0, "text_ex: meta %s", mtext ? mtext : "");
    CHECK(etext == NULL, "text_ex: no error");
    ckpt_free(text);
    ckpt_free(mtext);
    CHECK(ckpt_call_text_ex(c, "vault.create", "{", &text, &mtext, &etext) == CKPT_EINVAL, "text_ex: bad json");
    CHECK(text == NULL && mtext == NULL && etext != NULL, "text_ex: outs NULL on failure");
    ckpt_free(etext);
    CHECK(ckpt_call_ex(NULL, "vault.get", NULL, &resp, &meta, NULL) == CKPT_EINVAL, "ex: NULL client");
    CHECK(ckpt_call_ex(c, "vault.get", NULL, NULL, &meta, NULL) == CKPT_EINVAL && meta == NULL, "ex: NULL response");
    json_decref(vreq);
    json_decref(req);
    ckpt_client_close(c);
}

static void test_ownership(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(c, "own", 10000, &r, 1);
    if (!v) {
        ckpt_client_close(c);
        return;
    }
    /* A shared (refcount 3) request and parameters stay at 3 through success
     * and failure; outputs are fresh each time (not the same object). */
    json_t *req = jf("{\"checkpoint\":{\"vault_id\":\"%s\",\"parameters\":{\"incremental\":false}}}", v);
    json_incref(req);
    json_incref(req);
    json_t *params = json_object_get(json_object_get(req, "checkpoint"), "parameters");
    size_t prefs = params->refcount;
    json_t *a = NULL, *b = NULL;
    CHECK(ckpt_call(c, "checkpoint.create", req, &a, NULL) == CKPT_OK, "create a");
    CHECK(ckpt_call(c, "checkpoint.create", req, &b, NULL) == CKPT_OK, "create b");
    CHECK(a && b && a != b, "two calls return two objects");
    CHECK(a && a->refcount == 1 && b && b->refcount == 1, "response refcounts are 1");
    CHECK(req->refcount == 3, "request refcount %zu, want 3", req->refcount);
    json_t *resp = NULL;
    CHECK(ckpt_checkpoint_create(c, v, params, &resp, NULL) == CKPT_OK, "typed create with shared parameters");
    CHECK(params->refcount == prefs, "nested parameters refcount changed");
    json_decref(resp);
    json_t *err = NULL;
    CHECK(ckpt_call(c, "checkpoint.get", req, &resp, &err) == CKPT_EINVAL, "wrong body for checkpoint.get");
    CHECK(req->refcount == 3 && err && err->refcount == 1, "refcounts after failure");
    json_decref(err);
    /* The response does not alias the request. */
    if (a) {
        json_object_set_new(a, "mutated", json_true());
        CHECK(json_object_get(req, "mutated") == NULL, "mutating the response changed the request");
    }
    json_decref(a);
    json_decref(b);
    json_decref(req);
    json_decref(req);
    json_decref(req);

    /* Text outputs: released with ckpt_free, in a loop (valgrind counts them). */
    char text[256];
    snprintf(text, sizeof text, "{\"vault_id\":\"%s\"}", v);
    for (int i = 0; i < 20; i++) {
        char *out = NULL, *terr = NULL;
        CHECK(ckpt_call_text(c, "vault.get", text, &out, &terr) == CKPT_OK && out && !terr, "text vault.get");
        ckpt_free(out);
        CHECK(ckpt_call_text(c, "vault.get", "{}", &out, &terr) == CKPT_EINVAL && !out && terr, "text error");
        ckpt_free(terr);
    }
    /* The const char * results are static. */
    CHECK(ckpt_strerror(CKPT_EINVAL) == ckpt_strerror(CKPT_EINVAL), "ckpt_strerror is not static");
    free(v);
    ckpt_client_close(c);
}

/* ==========================================================================
 * Durability and sharing one store file
 * ========================================================================== */

static void test_durability(void) {
    char *dir = make_tmpdir();
    ckpt_client *a = open_file(dir, "store.db", "\"durability\":\"full\"");
    if (!a) {
        rm_rf(dir);
        return;
    }
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(a, "durable", 100, &r, 1);
    char *cp = v ? create_checkpoint(a, v, NULL) : NULL;
    /* A second handle opened afterwards, while the first is open... */
    ckpt_client *b = open_file(dir, "store.db", "");
    if (b && cp) {
        json_t *g = NULL;
        CHECK(ckpt_checkpoint_get(b, cp, &g, NULL) == CKPT_OK, "second handle reads the checkpoint");
        CHECK(h_streq(jstr(g, "checkpoint.id"), cp), "second handle: same checkpoint");
        json_decref(g);
    }
    ckpt_client_close(b);
    ckpt_client_close(a);
    /* ...and after it is closed. */
    b = open_file(dir, "store.db", "\"durability\":\"normal\"");
    if (b && cp) {
        json_t *g = NULL;
        CHECK(ckpt_checkpoint_get(b, cp, &g, NULL) == CKPT_OK, "reopened store reads the checkpoint");
        CHECK(h_streq(jstr(g, "checkpoint.status"), "available"), "reopened: status available");
        json_decref(g);
        g = call_okf(b, "vault.get", "{\"vault_id\":\"%s\"}", v);
        CHECK(json_integer_value(jget(g, "vault.billing.used")) == 1, "reopened: vault usage kept");
        json_decref(g);
    }
    ckpt_client_close(b);
    /* Another project on the same file sees nothing of it. */
    b = open_file(dir, "store.db", "\"project_id\":\"otherproject\"");
    if (b && cp) {
        call_failf(b, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6302", NULL,
                   "{\"checkpoint_id\":\"%s\"}", cp);
        call_failf(b, "vault.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6105", NULL,
                   "{\"vault_id\":\"%s\"}", v);
        call_failf(b, "checkpoint.create", CKPT_EINVAL, "invalid", 400, "BackupService.6105", NULL,
                   "{\"checkpoint\":{\"vault_id\":\"%s\"}}", v);
    }
    ckpt_client_close(b);
    free(cp);
    free(v);
    rm_rf(dir);
}

/* Two handles on one file, used in turns: each sees the other's latest
 * writes, and each can write after the other wrote. */
static void test_two_handles_interleaved(void) {
    char *dir = make_tmpdir();
    ckpt_client *a = open_file(dir, "store.db", "\"durability\":\"normal\"");
    ckpt_client *b = open_file(dir, "store.db", "\"durability\":\"normal\"");
    if (!a || !b) {
        ckpt_client_close(a);
        ckpt_client_close(b);
        rm_rf(dir);
        return;
    }
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t ra = {r1, NULL, "a", 1}, rb = {r2, NULL, "b", 1};
    char *pa = create_policy(a, "pa", &ra, 1);
    char *va = create_vault(a, "va", 100, &ra, 1);
    for (int round = 0; round < 3 && pa && va; round++) {
        /* a reads (leaving whatever it leaves behind), b writes, a reads b's write. */
        json_t *g = call_okf(a, "policy.get", "{\"policy_id\":\"%s\"}", pa);
        json_decref(g);
        g = call_okf(a, "vault.get", "{\"vault_id\":\"%s\"}", va);
        json_decref(g);
        char *vb = create_vault(b, "vb", 100, &rb, 1);
        if (!vb) break;
        json_t *ga = NULL, *ea = NULL;
        char q[128];
        snprintf(q, sizeof q, "{\"vault_id\":\"%s\"}", vb);
        json_t *qj = jf("%s", q);
        int rc = ckpt_call(a, "vault.get", qj, &ga, &ea);
        char *ed = h_dump(ea);
        CHECK(rc == CKPT_OK, "round %d: handle a cannot see the vault handle b just created: rc %d %s", round, rc, ed);
        free(ed);
        json_decref(ga);
        json_decref(ea);
        json_decref(qj);
        /* a writes after b wrote; b reads a's write. */
        long long t0 = now_ms();
        char *cp = create_checkpoint(a, vb, NULL);
        long long dt = now_ms() - t0;
        CHECK(dt < 5000, "round %d: handle a's write after b's took %lld ms", round, dt);
        if (cp) {
            json_t *gb = NULL;
            CHECK(ckpt_checkpoint_get(b, cp, &gb, NULL) == CKPT_OK, "round %d: b reads a's checkpoint", round);
            json_decref(gb);
        }
        free(cp);
        free(vb);
    }
    free(pa);
    free(va);
    ckpt_client_close(a);
    ckpt_client_close(b);
    rm_rf(dir);
}

/* ==========================================================================
 * Threads
 * ========================================================================== */

enum { THREADS = 8, ITERATIONS = 200 };

struct shared_ctx {
    ckpt_client *client;
    const char *vault;
    int index;
    int created;
    char ids[ITERATIONS][37];
};

static void *shared_worker(void *arg) {
    struct shared_ctx *x = arg;
    for (int i = 0; i < ITERATIONS; i++) {
        json_t *resp = NULL, *err = NULL;
        if (i % 2 == 0 || x->created == 0) {
            int rc = ckpt_checkpoint_create(x->client, x->vault, NULL, &resp, &err);
            char *ed = rc ? h_dump(err) : NULL;
            CHECK(rc == CKPT_OK, "thread %d iteration %d: create rc %d %s", x->index, i, rc, h_str(ed));
            free(ed);
            const char *id = jstr(resp, "checkpoint.id");
            if (rc == CKPT_OK && id) snprintf(x->ids[x->created++], 37, "%s", id);
        } else if (i % 10 == 3) {
            char req[128], *out = NULL, *terr = NULL;
            snprintf(req, sizeof req, "{\"vault_id\":\"%s\"}", x->vault);
            int rc = ckpt_call_text(x->client, "vault.get", req, &out, &terr);
            CHECK(rc == CKPT_OK && out, "thread %d: text vault.get rc %d %s", x->index, rc, h_str(terr));
            ckpt_free(out);
            ckpt_free(terr);
        } else {
            const char *want = x->ids[(unsigned)i % (unsigned)x->created];
            int rc = ckpt_checkpoint_get(x->client, want, &resp, &err);
            CHECK(rc == CKPT_OK && h_streq(jstr(resp, "checkpoint.id"), want), "thread %d: get rc %d", x->index,
                  rc);
        }
        json_decref(resp);
        json_decref(err);
    }
    return NULL;
}

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

static void test_threads_shared_handle(void) {
    char *dir = make_tmpdir();
    ckpt_client *c = open_file(dir, "threads.db", "\"durability\":\"normal\"");
    if (!c) {
        rm_rf(dir);
        return;
    }
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(c, "threads", 10485760, &r, 1);
    static struct shared_ctx ctx[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; v && i < THREADS; i++) {
        ctx[i].client = c;
        ctx[i].vault = v;
        ctx[i].index = i;
        ctx[i].created = 0;
        CHECK(pthread_create(&t[i], NULL, shared_worker, &ctx[i]) == 0, "pthread_create");
    }
    for (int i = 0; v && i < THREADS; i++) pthread_join(t[i], NULL);
    if (v) {
        static char all[THREADS * ITERATIONS][37];
        int n = 0;
        for (int i = 0; i < THREADS; i++)
            for (int k = 0; k < ctx[i].created; k++) memcpy(all[n++], ctx[i].ids[k], 37);
        CHECK(n == THREADS * ITERATIONS / 2, "created %d checkpoints, want %d", n, THREADS * ITERATIONS / 2);
        qsort(all, (size_t)n, 37, cmp_id);
        int dups = 0;
        for (int i = 1; i < n; i++) dups += strcmp(all[i - 1], all[i]) == 0;
        CHECK(dups == 0, "%d duplicate checkpoint ids", dups);
        int unreadable = 0;
        for (int i = 0; i < n; i++) {
            json_t *g = NULL;
            if (ckpt_checkpoint_get(c, all[i], &g, NULL) != CKPT_OK || !h_streq(jstr(g, "checkpoint.id"), all[i]))
                unreadable++;
            json_decref(g);
        }
        CHECK(unreadable == 0, "%d created checkpoints are not readable", unreadable);
        json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
        CHECK(json_integer_value(jget(g, "vault.billing.used")) == n, "vault usage %lld after %d backups of 1 GB",
              (long long)json_integer_value(jget(g, "vault.billing.used")), n);
        json_decref(g);
    }
    free(v);
    ckpt_client_close(c);
    rm_rf(dir);
}

/* A long checkpoint.wait on a shared handle does not hold the handle: other
 * threads' calls go through meanwhile. */
struct waiter_ctx {
    ckpt_client *client;
    const char *checkpoint;
    int rc;
    long long elapsed;
};

static void *waiter(void *arg) {
    struct waiter_ctx *w = arg;
    json_t *resp = NULL, *err = NULL;
    long long t0 = now_ms();
    w->rc = ckpt_checkpoint_wait(w->client, w->checkpoint, NULL, 1500, &resp, &err);
    w->elapsed = now_ms() - t0;
    json_decref(resp);
    json_decref(err);
    return NULL;
}

static void test_threads_wait_does_not_block(void) {
    ckpt_client *c = open_text("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":3600000}}");
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t a = {r1, NULL, "a", 1}, b = {r2, NULL, "b", 0};
    char *va = create_vault(c, "slow", 100, &a, 1);
    char *vb = create_vault(c, "other", 100, &b, 1);
    char *cp = va ? create_checkpoint(c, va, NULL) : NULL;
    if (cp && vb) {
        struct waiter_ctx w = {c, cp, 0, 0};
        pthread_t t;
        CHECK(pthread_create(&t, NULL, waiter, &w) == 0, "pthread_create");
        sleep_ms(50);
        long long t0 = now_ms();
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            json_t *g = NULL;
            ok += ckpt_call(c, "vault.get", NULL, &g, NULL) == CKPT_EINVAL; /* cheap call */
            json_decref(g);
            json_t *e = NULL;
            ok += ckpt_checkpoint_create(c, va, NULL, &g, &e) == CKPT_ECONFLICT; /* busy: 1001 */
            json_decref(e);
        }
        long long dt = now_ms() - t0;
        pthread_join(t, NULL);
        CHECK(ok == 40, "calls during a wait failed (%d of 40 as expected)", ok);
        CHECK(dt < 1000, "20 calls during another thread's wait took %lld ms: the wait holds the handle", dt);
        CHECK(w.rc == CKPT_ETIMEOUT && w.elapsed >= 1400, "the wait: rc %d after %lld ms", w.rc, w.elapsed);
    }
    free(cp);
    free(va);
    free(vb);
    ckpt_client_close(c);
}

enum { PER_HANDLE = 60 };

struct handle_ctx {
    const char *dir;
    const char *vault;
    int index;
    int created;
    char ids[PER_HANDLE][37];
};

static void *handle_worker(void *arg) {
    struct handle_ctx *x = arg;
    ckpt_client *c = open_file(x->dir, "shared.db", "\"durability\":\"normal\"");
    if (!c) return NULL;
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "own", 1};
    char *own = create_vault(c, "own", 1000, &r, 1);
    for (int i = 0; i < PER_HANDLE; i++) {
        json_t *resp = NULL, *err = NULL;
        const char *vault = (i % 2 && own) ? own : x->vault;
        int rc = ckpt_checkpoint_create(c, vault, NULL, &resp, &err);
        char *ed = rc ? h_dump(err) : NULL;
        CHECK(rc == CKPT_OK, "handle %d iteration %d: create rc %d %s", x->index, i, rc, h_str(ed));
        free(ed);
        const char *id = jstr(resp, "checkpoint.id");
        if (rc == CKPT_OK && id) snprintf(x->ids[x->created++], 37, "%s", id);
        json_decref(resp);
        json_decref(err);
        if (x->created) {
            resp = NULL;
            rc = ckpt_checkpoint_get(c, x->ids[x->created - 1], &resp, NULL);
            CHECK(rc == CKPT_OK, "handle %d: get own checkpoint rc %d", x->index, rc);
            json_decref(resp);
        }
    }
    free(own);
    ckpt_client_close(c);
    return NULL;
}

static void *open_worker(void *arg) {
    const char *dir = arg;
    for (int i = 0; i < 5; i++) {
        ckpt_client *c = open_file(dir, "fresh.db", "");
        ckpt_client_close(c);
    }
    return NULL;
}

static void test_threads_two_handles(void) {
    char *dir = make_tmpdir();
    ckpt_client *c = open_file(dir, "shared.db", "\"durability\":\"normal\"");
    if (!c) {
        rm_rf(dir);
        return;
    }
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(c, "shared", 1000, &r, 1);
    static struct handle_ctx ctx[2];
    pthread_t t[2];
    for (int i = 0; v && i < 2; i++) {
        ctx[i].dir = dir;
        ctx[i].vault = v;
        ctx[i].index = i;
        ctx[i].created = 0;
        CHECK(pthread_create(&t[i], NULL, handle_worker, &ctx[i]) == 0, "pthread_create");
    }
    for (int i = 0; v && i < 2; i++) pthread_join(t[i], NULL);
    for (int i = 0; v && i < 2; i++) {
        CHECK(ctx[i].created == PER_HANDLE, "handle %d created %d of %d", i, ctx[i].created, PER_HANDLE);
        int unreadable = 0;
        for (int k = 0; k < ctx[i].created; k++) {
            json_t *g = NULL;
            if (ckpt_checkpoint_get(c, ctx[i].ids[k], &g, NULL) != CKPT_OK) unreadable++;
            json_decref(g);
        }
        CHECK(unreadable == 0, "handle %d: %d checkpoints unreadable from the first handle", i, unreadable);
    }
    free(v);
    ckpt_client_close(c);

    /* Four threads opening a brand-new store at once: all succeed. */
    pthread_t o[4];
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&o[i], NULL, open_worker, dir) == 0, "pthread_create");
    for (int i = 0; i < 4; i++) pthread_join(o[i], NULL);
    rm_rf(dir);
}

/* ==========================================================================
 * Processes: several processes on one store; kill -9 loses no success
 * ========================================================================== */

/* A child's work: open its own handle, create and read back n checkpoints.
 * Returns the number of failures (the child's exit status). */
static int child_creates(const char *dir, const char *vault, int n, int fd) {
    ckpt_client *c = NULL;
    char cfg[2048], *err = NULL;
    snprintf(cfg, sizeof cfg, "{\"path\":\"%s/procs.db\",\"durability\":\"normal\"}", dir);
    if (ckpt_client_open_text(cfg, &c, &err) != CKPT_OK) {
        fprintf(stderr, "child %d: open: %s\n", (int)getpid(), h_str(err));
        ckpt_free(err);
        return 1;
    }
    int failures = 0;
    for (int i = 0; i < n; i++) {
        json_t *resp = NULL, *e = NULL;
        int rc = ckpt_checkpoint_create(c, vault, NULL, &resp, &e);
        if (rc != CKPT_OK) {
            char *d = h_dump(e);
            if (failures++ < 3) fprintf(stderr, "child %d: create %d: rc %d %s\n", (int)getpid(), i, rc, d);
            free(d);
        } else {
            const char *id = jstr(resp, "checkpoint.id");
            if (fd >= 0 && id) {
                char line[40];
                snprintf(line, sizeof line, "%s\n", id);
                if (write(fd, line, 37) != 37) failures++;
            }
            json_t *g = NULL;
            if (id && ckpt_checkpoint_get(c, id, &g, NULL) != CKPT_OK) failures++;
            json_decref(g);
        }
        json_decref(resp);
        json_decref(e);
    }
    ckpt_client_close(c);
    return failures > 255 ? 255 : failures;
}

static void test_processes(void) {
    char *dir = make_tmpdir();
    ckpt_client *c = open_file(dir, "procs.db", "\"durability\":\"normal\"");
    if (!c) {
        rm_rf(dir);
        return;
    }
    char rid[37];
    mkid(rid);
    res_t r = {rid, NULL, "srv", 1};
    char *v = create_vault(c, "procs", 10485760, &r, 1);
    if (!v) {
        ckpt_client_close(c);
        rm_rf(dir);
        return;
    }
    /* Three child processes and this one, creating at the same time. */
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        fflush(NULL);
        kids[i] = fork();
        if (kids[i] == 0) _exit(child_creates(dir, v, 40, -1));
        CHECK(kids[i] > 0, "fork");
    }
    int mine = 0;
    for (int i = 0; i < 40; i++) {
        char *cp = create_checkpoint(c, v, NULL);
        mine += cp != NULL;
        free(cp);
    }
    CHECK(mine == 40, "parent created %d of 40 while children wrote", mine);
    for (int i = 0; i < 3; i++) {
        int st = 0;
        if (kids[i] <= 0) continue;
        waitpid(kids[i], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: status 0x%x (failures or crash)", i, st);
    }
    json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
    CHECK(json_integer_value(jget(g, "vault.billing.used")) == 160, "vault usage %lld after 4 x 40 backups",
          (long long)json_integer_value(jget(g, "vault.billing.used")));
    json_decref(g);

    /* kill -9 in the middle of a stream of creates: every create that
     * returned success (and was reported down the pipe) is still there. */
    int fds[2];
    if (!CHECK(pipe(fds) == 0, "pipe")) goto out;
    fflush(NULL);
    pid_t kid = fork();
    if (kid == 0) {
        close(fds[0]);
        _exit(child_creates(dir, v, 100000, fds[1]));
    }
    close(fds[1]);
    static char buf[37 * 4096];
    size_t have = 0;
    while (have < 37 * 25) {
        ssize_t k = read(fds[0], buf + have, sizeof buf - have);
        if (k <= 0) break;
        have += (size_t)k;
    }
    if (kid > 0) {
        kill(kid, SIGKILL);
        int st = 0;
        waitpid(kid, &st, 0);
        CHECK(WIFSIGNALED(st), "the child was not killed (status 0x%x)", st);
    }
    for (;;) {
        ssize_t k = read(fds[0], buf + have, sizeof buf - have);
        if (k <= 0) break;
        have += (size_t)k;
    }
    close(fds[0]);
    size_t ids = have / 37;
    CHECK(ids >= 25, "only %zu creates reported before the kill", ids);
    ckpt_client *after = open_file(dir, "procs.db", "");
    int lost = 0;
    for (size_t i = 0; after && i < ids; i++) {
        char id[37];
        memcpy(id, buf + 37 * i, 36);
        id[36] = 0;
        json_t *gg = NULL;
        if (ckpt_checkpoint_get(after, id, &gg, NULL) != CKPT_OK) lost++;
        json_decref(gg);
    }
    CHECK(lost == 0, "%d of %zu successful creates lost by kill -9", lost, ids);
    /* And the store still takes writes. */
    if (after) {
        char *cp = create_checkpoint(after, v, NULL);
        CHECK(cp != NULL, "create after kill -9");
        free(cp);
    }
    ckpt_client_close(after);
out:
    free(v);
    ckpt_client_close(c);
    rm_rf(dir);
}

/* ==========================================================================
 * Main
 * ========================================================================== */

struct test {
    const char *name;
    void (*fn)(void);
    int threads;
};

static const struct test tests[] = {
    {"version", test_version, 0},
    {"strerror", test_strerror, 0},
    {"null_release", test_null_release, 0},
    {"open", test_open, 0},
    {"open_defaults", test_open_defaults, 0},
    {"call_arguments", test_call_arguments, 0},
    {"typed_arguments", test_typed_arguments, 0},
    {"hostile_ids", test_hostile_ids, 0},
    {"limits", test_limits, 0},
    {"parameter_errors", test_parameter_errors, 0},
    {"vault_errors", test_vault_errors, 0},
    {"busy", test_busy, 0},
    {"set_status_and_wait", test_set_status_and_wait, 0},
    {"lifecycle", test_lifecycle, 0},
    {"policy_errors", test_policy_errors, 0},
    {"unknown_operation", test_unknown_operation_and_config, 0},
    {"usage_and_isolation", test_usage_and_isolation, 0},
    {"seed_checkpoint_v3", test_seed_checkpoint_v3, 0},
    {"seed_policy_v1", test_seed_policy_v1, 0},
    {"call_meta", test_call_meta, 0},
    {"ownership", test_ownership, 0},
    {"durability", test_durability, 0},
    {"two_handles_interleaved", test_two_handles_interleaved, 0},
    {"threads_shared_handle", test_threads_shared_handle, 1},
    {"threads_two_handles", test_threads_two_handles, 1},
    {"threads_wait", test_threads_wait_does_not_block, 1},
    {"processes", test_processes, 1},
};

int main(int argc, char **argv) {
    int threads = 1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-threads") == 0) {
            threads = 0;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--no-threads] [--only TEST]\n", argv[0]);
            return 2;
        }
    }
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (tests[i].threads && !threads) continue;
        if (only && strcmp(only, tests[i].name) != 0) continue;
        h_current_test = tests[i].name;
        long long t0 = now_ms();
        int failed_before = h_failed;
        tests[i].fn();
        if (getenv("CKPT_TEST_VERBOSE"))
            fprintf(stderr, "%-26s %5lld ms%s\n", tests[i].name, now_ms() - t0,
                    h_failed > failed_before ? "  FAILED" : "");
    }
    printf("%d passed, %d failed\n", h_passed, h_failed);
    return h_failed ? 1 : 0;
}
