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
#include <sqlite3.h>
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
        {CKPT_ECANCELED, "canceled"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK(h_streq(ckpt_strerror(t[i].code), t[i].name), "ckpt_strerror(%d) = %s, want %s", t[i].code,
              h_str(ckpt_strerror(t[i].code)), t[i].name);
    /* The codes are the documented numbers (append-only ABI). */
    CHECK(CKPT_EINVAL == -1 && CKPT_ENOTFOUND == -2 && CKPT_ECONFLICT == -3 && CKPT_EQUOTA == -4 &&
              CKPT_EAUTH == -5 && CKPT_EPERM == -6 && CKPT_ETIMEOUT == -7 && CKPT_ENETWORK == -8 &&
              CKPT_EREMOTE == -9 && CKPT_ESTORAGE == -10 && CKPT_EINTERNAL == -11 && CKPT_ECANCELED == -12,
          "CKPT_E* numbers changed");
    const int unknown[] = {12345, 1, -13, -100, 2147483647, -2147483647 - 1};
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
    /* 1.1 */
    call_fail(c, "backup.get", NULL, E9900, "backup_id");
    call_fail(c, "backup.update", NULL, E9900, "backup_id");
    call_fail(c, "backup.delete", NULL, E9900, "backup_id");
    call_fail(c, "backup.restore", NULL, E9900, "backup_id");
    call_fail(c, "backup.wait", NULL, E9900, "backup_id");
    call_fail(c, "backup.prune", NULL, E9900, "vault_id");
    call_fail(c, "operation_log.get", NULL, E9900, "operation_log_id");
    call_fail(c, "operation_log.wait", NULL, E9900, "operation_log_id");
    text_fail(c, "backup.restore", NULL, E9900, "backup_id");
    {
        json_t *all = call_ok(c, "backup.list", NULL); /* NULL: every backup, here none */
        CHECK(all && json_array_size(jget(all, "backups")) == 0 && json_integer_value(jget(all, "count")) == 0,
              "backup.list with a NULL request");
        json_decref(all);
        all = call_ok(c, "operation_log.list", NULL);
        CHECK(all && json_is_array(jget(all, "operation_logs")), "operation_log.list with a NULL request");
        json_decref(all);
    }

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
               "BackupService.6217", MISSING_ID);
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
               "BackupService.6217", NULL);
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
        {"backup.get", "backup_id", 0},
        {"backup.delete", "backup_id", 0},
        {"backup.wait", "backup_id", 0},
        {"operation_log.get", "operation_log_id", 0},
        {"operation_log.wait", "operation_log_id", 0},
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
    call_failf(c, "local.checkpoint.set_status", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", MISSING_ID,
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
    call_failf(c, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", MISSING_ID,
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
    /* Karbor's extra-info is an object or null (SPEC 6.7); parameters may be left out. */
    call_failf(c, "policy.execute", E9001, "checkpoint.extra-info",
               "{\"checkpoint\":{\"plan_id\":\"%s\",\"extra-info\":\"x\"}}", plan);
    call_failf(c, "policy.execute", E9001, "checkpoint.extra_info",
               "{\"checkpoint\":{\"plan_id\":\"%s\",\"extra_info\":{}}}", plan);
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
        call_failf(c, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", NULL,
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
        call_failf(other, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", NULL,
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
    /* SPEC 6.3: extra_info is JSON-encoded text, and backup_size and
     * backup_count are strings (the official SDK types them so). */
    const char *xt = jstr(r, "extra_info");
    CHECK(xt != NULL, "%s: resource.extra_info is not a string", where);
    json_t *x = xt ? json_loads(xt, 0, NULL) : NULL;
    CHECK(json_is_object(x), "%s: resource.extra_info %s is not the text of an object", where, h_str(xt));
    CHECK(json_is_array(json_object_get(x, "exclude_volumes")), "%s: extra_info.exclude_volumes not an array",
          where);
    CHECK(json_is_array(json_object_get(x, "include_volumes")), "%s: extra_info.include_volumes not an array",
          where);
    json_decref(x);
    CHECK(json_is_string(json_object_get(r, "backup_size")), "%s: resource.backup_size is not a string", where);
    CHECK(json_is_string(json_object_get(r, "backup_count")), "%s: resource.backup_count is not a string", where);
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
        call_failf(c, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", NULL,
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
 * The lifecycle (since 1.1): backups, tasks, restore, retention
 * ========================================================================== */

#define DEFAULT_PROJECT "00000000000000000000000000000000"

/* A borrowed input's refcount and content before a call, to compare after. */
typedef struct {
    const json_t *j;
    size_t refs;
    char *dump;
} borrowed_t;

static borrowed_t borrow(const json_t *j) {
    borrowed_t b = {j, j ? j->refcount : 0, j ? h_dump(j) : NULL};
    return b;
}

static void h_borrowed(const char *file, int line, borrowed_t *b, const char *what) {
    if (b->j) {
        char *now = h_dump(b->j);
        h_check(b->j->refcount == b->refs, file, line, "%s: refcount %zu -> %zu", what, b->refs, b->j->refcount);
        h_check(strcmp(now, b->dump) == 0, file, line, "%s: modified: %s -> %s", what, b->dump, now);
        free(now);
    }
    free(b->dump);
    b->dump = NULL;
}

/* CHECK_BORROWED(b, what): the input of borrow() is as it was. */
#define CHECK_BORROWED(b, what) h_borrowed(__FILE__, __LINE__, &(b), (what))

/* The checks of one successful typed call: rc 0, *error cleared to NULL, the
 * response a new object (refcount 1).  Returns the response or NULL. */
static json_t *h_typed_ok(const char *file, int line, const char *what, int rc, json_t *resp, json_t *err) {
    char *ed = (err && err != SENTINEL_J) ? h_dump(err) : NULL;
    h_check(rc == CKPT_OK, file, line, "%s: rc %d (%s) %s", what, rc, ckpt_strerror(rc), h_str(ed));
    free(ed);
    h_check(err == NULL, file, line, "%s: *error not NULL on success", what);
    if (err != SENTINEL_J) json_decref(err);
    if (resp == SENTINEL_J) {
        h_check(0, file, line, "%s: *response not set", what);
        resp = NULL;
    }
    if (rc != CKPT_OK) {
        h_check(resp == NULL, file, line, "%s: *response not NULL on failure", what);
        json_decref(resp);
        return NULL;
    }
    if (!h_check(json_is_object(resp), file, line, "%s: response is not an object", what)) {
        json_decref(resp);
        return NULL;
    }
    h_check(resp->refcount == 1, file, line, "%s: response refcount %zu, want 1", what, resp->refcount);
    return resp;
}

/* LC_OK(out, call) and LC_FAIL(call, CODE, CLASS, HTTP, ECODE, msg_sub): a
 * typed call with its out-parameters pre-loaded with sentinels; they use
 * the locals `resp` and `err` of the test. */
#define LC_OK(out, call)                                                              \
    do {                                                                              \
        resp = SENTINEL_J;                                                            \
        err = SENTINEL_J;                                                             \
        int rc_ = (call);                                                             \
        (out) = h_typed_ok(__FILE__, __LINE__, #call, rc_, resp, err);                \
    } while (0)
#define LC_FAIL(call, ...)                                                            \
    do {                                                                              \
        resp = SENTINEL_J;                                                            \
        err = SENTINEL_J;                                                             \
        int rc_ = (call);                                                             \
        h_typed_fail(__FILE__, __LINE__, #call, rc_, resp, err, __VA_ARGS__);         \
    } while (0)

/* ckpt_backup_delete expecting success: *error cleared. */
static int h_delete_ok(const char *file, int line, ckpt_client *c, const char *id) {
    json_t *err = SENTINEL_J;
    int rc = ckpt_backup_delete(c, id, &err);
    char *ed = (err && err != SENTINEL_J) ? h_dump(err) : NULL;
    int ok = h_check(rc == CKPT_OK, file, line, "ckpt_backup_delete(%s): rc %d %s", h_str(id), rc, h_str(ed));
    free(ed);
    ok &= h_check(err == NULL, file, line, "ckpt_backup_delete: *error not NULL on success");
    if (err != SENTINEL_J) json_decref(err);
    return ok;
}

/* ckpt_backup_delete expecting the given error object. */
static int h_delete_fail(const char *file, int line, ckpt_client *c, const char *id, int code, const char *cls,
                         int http, const char *ecode, const char *msg_sub) {
    json_t *err = SENTINEL_J;
    int rc = ckpt_backup_delete(c, id, &err);
    int ok = h_check(rc == code, file, line, "ckpt_backup_delete(%.40s): rc %d, want %d", h_str(id), rc, code);
    if (err == SENTINEL_J) err = NULL;
    ok &= h_check_error(file, line, err, code, cls, http, ecode, msg_sub);
    if (err) ok &= h_check(err->refcount == 1, file, line, "error refcount %zu, want 1", err->refcount);
    json_decref(err);
    return ok;
}

#define delete_ok(c, id) h_delete_ok(__FILE__, __LINE__, (c), (id))
#define delete_fail(c, id, ...) h_delete_fail(__FILE__, __LINE__, (c), (id), __VA_ARGS__)

/* A list function of the C API: ckpt_backup_list, ckpt_vault_list. */
typedef int (*list_fn)(ckpt_client *, const json_t *, json_t **, json_t **);

/* A list function with printf-built filters (fmt NULL: NULL filters),
 * expecting success.  Checks the ownership rules and the page's shape:
 * {"<key>": [objects with an id], "count", "offset", "limit"}, integers,
 * count at least the page's size.  Returns the page (json_decref it) or NULL. */
static json_t *h_page(const char *file, int line, ckpt_client *c, list_fn fn, const char *op, const char *key,
                      const char *fmt, va_list ap) {
    json_t *filters = NULL;
    if (fmt) {
        char buf[4096];
        vsnprintf(buf, sizeof buf, fmt, ap);
        filters = jf("%s", buf);
    }
    borrowed_t b = borrow(filters);
    json_t *resp = SENTINEL_J, *err = SENTINEL_J;
    int rc = fn(c, filters, &resp, &err);
    json_t *page = h_typed_ok(file, line, op, rc, resp, err);
    h_borrowed(file, line, &b, op);
    json_decref(filters);
    if (!page) return NULL;
    json_t *list = json_object_get(page, key);
    json_t *count = json_object_get(page, "count");
    h_check(json_is_array(list), file, line, "%s: %s is not an array", op, key);
    h_check(json_is_integer(count) && json_integer_value(count) >= (json_int_t)json_array_size(list), file, line,
            "%s: count is not an integer >= the page size", op);
    h_check(json_is_integer(json_object_get(page, "offset")), file, line, "%s: offset is not an integer", op);
    h_check(json_is_integer(json_object_get(page, "limit")), file, line, "%s: limit is not an integer", op);
    for (size_t i = 0; i < json_array_size(list); i++)
        h_check(is_uuid(jstr(json_array_get(list, i), "id")), file, line, "%s: %s[%zu] has no id", op, key, i);
    return page;
}

/* ckpt_backup_list: h_page of "backups". */
static json_t *h_list(const char *file, int line, ckpt_client *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    json_t *page = h_page(file, line, c, ckpt_backup_list, "ckpt_backup_list", "backups", fmt, ap);
    va_end(ap);
    return page;
}

#define list_ok(c, ...) h_list(__FILE__, __LINE__, (c), __VA_ARGS__)

static size_t page_size(const json_t *page) { return json_array_size(json_object_get(page, "backups")); }
static long long page_count(const json_t *page) { return (long long)json_integer_value(json_object_get(page, "count")); }
static const char *page_id(const json_t *page, size_t i) {
    return jstr(json_array_get(json_object_get(page, "backups"), i), "id");
}

/* The one backup of `resource` in checkpoint `cp` (free it), or NULL. */
static char *h_backup_of(const char *file, int line, ckpt_client *c, const char *cp, const char *resource) {
    json_t *page = h_list(file, line, c, "{\"checkpoint_id\":\"%s\",\"resource_id\":\"%s\"}", cp, resource);
    h_check(page_size(page) == 1, file, line, "checkpoint %s has %zu backups of resource %s, want 1", cp,
            page_size(page), resource);
    const char *id = page_size(page) == 1 ? page_id(page, 0) : NULL;
    char *out = id ? strdup(id) : NULL;
    json_decref(page);
    return out;
}

#define backup_of(c, cp, resource) h_backup_of(__FILE__, __LINE__, (c), (cp), (resource))

/* vault.billing.used, or -1. */
static long long vault_used(ckpt_client *c, const char *vault) {
    json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", vault);
    json_t *u = jget(g, "vault.billing.used");
    long long used = json_is_integer(u) ? (long long)json_integer_value(u) : -1;
    json_decref(g);
    return used;
}

/* A backup's status through ckpt_backup_get, or "" (static buffer). */
static const char *backup_status(ckpt_client *c, const char *id) {
    static char buf[64];
    json_t *resp = NULL;
    buf[0] = 0;
    if (ckpt_backup_get(c, id, &resp, NULL) == CKPT_OK && jstr(resp, "backup.status"))
        snprintf(buf, sizeof buf, "%s", jstr(resp, "backup.status"));
    json_decref(resp);
    return buf;
}

static void set_checkpoint_status(ckpt_client *c, const char *cp, const char *status) {
    json_t *s = call_okf(c, "local.checkpoint.set_status", "{\"checkpoint_id\":\"%s\",\"status\":\"%s\"}", cp, status);
    json_decref(s);
}

static void set_vault_status(ckpt_client *c, const char *vault, const char *status) {
    json_t *s = call_okf(c, "local.vault.set_status", "{\"vault_id\":\"%s\",\"status\":\"%s\"}", vault, status);
    json_decref(s);
}

/* The id of the newest `type` task (operation_log.list) about backup_id
 * (free it), or NULL. */
static char *find_log(ckpt_client *c, const char *vault, const char *type, const char *backup_id) {
    json_t *l = call_okf(c, "operation_log.list", "{\"vault_id\":\"%s\",\"operation_type\":\"%s\"}", vault, type);
    json_t *logs = json_object_get(l, "operation_logs");
    char path[64];
    snprintf(path, sizeof path, "extra_info.%s.backup_id", type);
    char *out = NULL;
    for (size_t i = 0; !out && i < json_array_size(logs); i++)
        if (h_streq(jstr(json_array_get(logs, i), path), backup_id)) out = strdup(jstr(json_array_get(logs, i), "id"));
    json_decref(l);
    return out;
}

static int one_of(const char *s, const char *const *set) {
    for (; s && *set; set++)
        if (strcmp(s, *set) == 0) return 1;
    return 0;
}

/* What a BackupResp should say; NULL, -1: anything of the right type. */
typedef struct {
    const char *checkpoint_id, *vault_id, *resource_id, *resource_name, *resource_type, *status, *name;
    long long size;
    int incremental;
    int auto_trigger;
} backup_want;

/* BackupResp (SPEC 6.3), field by field, with the JSON types. */
static void check_backup_resp(const char *where, const json_t *b, const backup_want *w) {
    static const char *const statuses[] = {"available",       "protecting",     "deleting",        "restoring", "error",
                                           "waiting_protect", "waiting_delete", "waiting_restore", NULL};
    if (!CHECK(json_is_object(b), "%s: backup is not an object", where)) return;
    CHECK(is_uuid(jstr(b, "id")), "%s: id %s is not a UUID", where, h_str(jstr(b, "id")));
    CHECK(json_is_string(jget(b, "name")), "%s: name is not a string", where);
    if (w->name) CHECK(h_streq(jstr(b, "name"), w->name), "%s: name %s, want %s", where, h_str(jstr(b, "name")), w->name);
    CHECK(json_is_string(jget(b, "description")), "%s: description is not a string", where);
    if (w->checkpoint_id)
        CHECK(h_streq(jstr(b, "checkpoint_id"), w->checkpoint_id), "%s: checkpoint_id %s, want %s", where,
              h_str(jstr(b, "checkpoint_id")), w->checkpoint_id);
    else
        CHECK(is_uuid(jstr(b, "checkpoint_id")), "%s: checkpoint_id", where);
    if (w->vault_id)
        CHECK(h_streq(jstr(b, "vault_id"), w->vault_id), "%s: vault_id %s, want %s", where, h_str(jstr(b, "vault_id")),
              w->vault_id);
    CHECK(h_streq(jstr(b, "project_id"), DEFAULT_PROJECT), "%s: project_id %s", where, h_str(jstr(b, "project_id")));
    CHECK(is_uuid(jstr(b, "provider_id")), "%s: provider_id %s is not a UUID", where, h_str(jstr(b, "provider_id")));
    if (w->resource_id) CHECK(h_streq(jstr(b, "resource_id"), w->resource_id), "%s: resource_id", where);
    if (w->resource_name)
        CHECK(h_streq(jstr(b, "resource_name"), w->resource_name), "%s: resource_name %s, want %s", where,
              h_str(jstr(b, "resource_name")), w->resource_name);
    CHECK(json_is_string(jget(b, "resource_name")), "%s: resource_name is not a string", where);
    if (w->resource_type)
        CHECK(h_streq(jstr(b, "resource_type"), w->resource_type), "%s: resource_type %s, want %s", where,
              h_str(jstr(b, "resource_type")), w->resource_type);
    json_t *size = jget(b, "resource_size");
    CHECK(json_is_integer(size), "%s: resource_size is not an integer (SPEC 6.3)", where);
    if (w->size >= 0)
        CHECK(json_integer_value(size) == w->size, "%s: resource_size %lld, want %lld", where,
              (long long)json_integer_value(size), w->size);
    CHECK(json_is_string(jget(b, "resource_az")), "%s: resource_az is not a string", where);
    CHECK(h_streq(jstr(b, "image_type"), "backup"), "%s: image_type %s", where, h_str(jstr(b, "image_type")));
    const char *st = jstr(b, "status");
    CHECK(one_of(st, statuses), "%s: status %s is not a BackupResp status", where, h_str(st));
    if (w->status) CHECK(h_streq(st, w->status), "%s: status %s, want %s", where, h_str(st), w->status);
    CHECK(is_timestamp(jstr(b, "created_at")), "%s: created_at %s", where, h_str(jstr(b, "created_at")));
    CHECK(is_timestamp(jstr(b, "updated_at")), "%s: updated_at %s", where, h_str(jstr(b, "updated_at")));
    json_t *pa = jget(b, "protected_at");
    CHECK(json_is_null(pa) || is_timestamp(json_string_value(pa)), "%s: protected_at is not null or a timestamp",
          where);
    if (h_streq(st, "available"))
        CHECK(is_timestamp(json_string_value(pa)), "%s: an available backup has no protected_at", where);
    CHECK(json_is_null(jget(b, "expired_at")), "%s: expired_at of a backup kept forever is not null", where);
    json_t *parent = jget(b, "parent_id");
    CHECK(json_is_null(parent) || json_is_string(parent), "%s: parent_id missing or not null/string", where);
    json_t *inc = jget(b, "incremental");
    CHECK(json_is_boolean(inc), "%s: incremental is not a boolean (SPEC 6.3)", where);
    if (w->incremental >= 0)
        CHECK(json_is_boolean(inc) && json_boolean_value(inc) == w->incremental, "%s: incremental, want %s", where,
              w->incremental ? "true" : "false");
    json_t *children = jget(b, "children");
    CHECK(json_is_array(children), "%s: children is not an array", where);
    if (h_streq(jstr(b, "resource_type"), "OS::Cinder::Volume"))
        CHECK(json_array_size(children) == 0, "%s: children of a volume backup is not []", where);
    json_t *x = jget(b, "extend_info");
    if (CHECK(json_is_object(x), "%s: extend_info is not an object", where)) {
        static const char *const bools[] = {"auto_trigger", "bootable", "contain_system_disk", "encrypted", "system_disk"};
        for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
            CHECK(json_is_boolean(json_object_get(x, bools[i])), "%s: extend_info.%s is not a boolean", where, bools[i]);
        if (w->auto_trigger >= 0)
            CHECK(json_boolean_value(json_object_get(x, "auto_trigger")) == w->auto_trigger,
                  "%s: extend_info.auto_trigger, want %s", where, w->auto_trigger ? "true" : "false");
        CHECK(h_streq(jstr(x, "supported_restore_mode"), "backup"), "%s: extend_info.supported_restore_mode", where);
        CHECK(json_is_string(json_object_get(x, "snapshot_id")), "%s: extend_info.snapshot_id is not a string", where);
    }
    CHECK(h_streq(jstr(b, "enterprise_project_id"), "0"), "%s: enterprise_project_id", where);
    json_t *rr = jget(b, "replication_records");
    CHECK(json_is_array(rr) && json_array_size(rr) == 0, "%s: replication_records is not []", where);
}

/* OperationLog (SPEC 6.3), field by field; status NULL: any. */
static void check_operation_log(const char *where, const json_t *log, const char *type, const char *status) {
    static const char *const statuses[] = {"waiting", "running", "success", "failed", "timeout", "skipped", NULL};
    if (!CHECK(json_is_object(log), "%s: operation log is not an object", where)) return;
    CHECK(is_uuid(jstr(log, "id")), "%s: id", where);
    CHECK(h_streq(jstr(log, "project_id"), DEFAULT_PROJECT), "%s: project_id", where);
    static const char *const strings[] = {"provider_id", "checkpoint_id", "policy_id", "vault_id", "vault_name"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        CHECK(json_is_string(jget(log, strings[i])), "%s: %s is not a string", where, strings[i]);
    CHECK(h_streq(jstr(log, "operation_type"), type), "%s: operation_type %s, want %s", where,
          h_str(jstr(log, "operation_type")), type);
    const char *st = jstr(log, "status");
    CHECK(one_of(st, statuses), "%s: status %s is not an OperationLog status", where, h_str(st));
    if (status) CHECK(h_streq(st, status), "%s: status %s, want %s", where, h_str(st), status);
    CHECK(is_timestamp(jstr(log, "created_at")), "%s: created_at", where);
    CHECK(is_timestamp(jstr(log, "started_at")), "%s: started_at", where);
    CHECK(is_timestamp(jstr(log, "updated_at")), "%s: updated_at", where);
    json_t *ended = jget(log, "ended_at");
    CHECK(json_is_null(ended) || is_timestamp(json_string_value(ended)), "%s: ended_at is not null or a timestamp",
          where);
    int final = st && (strcmp(st, "success") == 0 || strcmp(st, "failed") == 0);
    if (final) CHECK(is_timestamp(json_string_value(ended)), "%s: a %s task has no ended_at", where, st);
    json_t *ei = jget(log, "error_info");
    CHECK(json_is_object(ei) && json_is_string(jget(ei, "code")) && json_is_string(jget(ei, "message")),
          "%s: error_info is not {code, message} strings", where);
    if (h_streq(st, "success"))
        CHECK(h_streq(jstr(ei, "code"), "") && h_streq(jstr(ei, "message"), ""),
              "%s: error_info of a success is not empty strings", where);
    json_t *progress = jget(log, "extra_info.common.progress");
    CHECK(json_is_integer(progress) && json_integer_value(progress) >= 0 && json_integer_value(progress) <= 100,
          "%s: extra_info.common.progress is not an integer 0-100", where);
    if (h_streq(st, "success"))
        CHECK(json_integer_value(progress) == 100, "%s: progress %lld of a success", where,
              (long long)json_integer_value(progress));
    CHECK(json_is_string(jget(log, "extra_info.common.request_id")), "%s: extra_info.common.request_id", where);
    CHECK(json_is_string(jget(log, "extra_info.common.task_id")), "%s: extra_info.common.task_id", where);
    json_t *r = jget(log, "extra_info.resource");
    CHECK(json_is_object(r) && json_is_string(jget(r, "id")) && json_is_string(jget(r, "name")) &&
              json_is_string(jget(r, "type")) && json_is_object(jget(r, "extra_info")),
          "%s: extra_info.resource is not {id, name, type, extra_info {}}", where);
    json_t *t = json_object_get(jget(log, "extra_info"), type);
    if (strcmp(type, "backup") == 0 || strcmp(type, "delete") == 0 || strcmp(type, "restore") == 0) {
        CHECK(json_is_object(t), "%s: extra_info.%s is not an object", where, type);
        CHECK(is_uuid(jstr(t, "backup_id")), "%s: extra_info.%s.backup_id", where, type);
        CHECK(json_is_string(jget(t, "backup_name")), "%s: extra_info.%s.backup_name", where, type);
    }
    if (strcmp(type, "backup") == 0) {
        const char *inc = jstr(t, "incremental");
        CHECK(h_streq(inc, "true") || h_streq(inc, "false"),
              "%s: extra_info.backup.incremental is not the string \"true\" or \"false\" (SPEC 6.3)", where);
    }
    if (strcmp(type, "restore") == 0)
        CHECK(json_is_string(jget(t, "target_resource_id")) && json_is_string(jget(t, "target_resource_name")),
              "%s: extra_info.restore.target_resource_id/name are not strings", where);
}

/* A checkpoint's vault.resources[] (SPEC 6.3): resource_size, backup_size
 * and backup_count strings, extra_info the JSON text of an object. */
static void check_checkpoint_resource(const char *where, const json_t *r, long long size, const char *protect) {
    char want[32];
    snprintf(want, sizeof want, "%lld", size);
    CHECK(h_streq(jstr(r, "resource_size"), want), "%s: resource_size is not the string \"%s\"", where, want);
    const char *xt = jstr(r, "extra_info");
    CHECK(xt != NULL, "%s: extra_info is not a string (SPEC 6.3)", where);
    json_t *x = xt ? json_loads(xt, 0, NULL) : NULL;
    CHECK(json_is_object(x), "%s: extra_info %s is not the JSON text of an object", where, h_str(xt));
    json_decref(x);
    CHECK(json_is_string(jget(r, "backup_size")), "%s: backup_size is not a string", where);
    CHECK(json_is_string(jget(r, "backup_count")), "%s: backup_count is not a string", where);
    if (h_streq(protect, "available")) {
        CHECK(h_streq(jstr(r, "backup_size"), want), "%s: backup_size %s of an available backup, want \"%s\"", where,
              h_str(jstr(r, "backup_size")), want);
        CHECK(h_streq(jstr(r, "backup_count"), "1"), "%s: backup_count %s, want \"1\"", where,
              h_str(jstr(r, "backup_count")));
    }
    if (protect)
        CHECK(h_streq(jstr(r, "protect_status"), protect), "%s: protect_status %s, want %s", where,
              h_str(jstr(r, "protect_status")), protect);
}

/* The vault.resources[] entry of `resource` in a checkpoint response. */
static const json_t *checkpoint_resource(const json_t *resp, const char *resource) {
    json_t *list = jget(resp, "checkpoint.vault.resources");
    for (size_t i = 0; i < json_array_size(list); i++)
        if (h_streq(jstr(json_array_get(list, i), "id"), resource)) return json_array_get(list, i);
    return NULL;
}

/* ckpt_backup_list and ckpt_backup_get: shapes, filters, paging, errors. */
static void test_backup_list_get(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t res[2] = {{r1, "OS::Nova::Server", "srv", 2}, {r2, "OS::Cinder::Volume", "vol", 3}};
    char *v = create_vault(c, "list", 100, res, 2);
    json_t *p = jf("{\"name\":\"nightly\",\"description\":\"d\",\"incremental\":false}");
    char *cp = v ? create_checkpoint(c, v, p) : NULL;
    json_decref(p);
    if (!cp) {
        free(v);
        ckpt_client_close(c);
        return;
    }
    json_t *resp, *err, *page, *g;

    /* One page of the checkpoint's backups; the filters borrowed (a shared
     * object: refcount 2 before and after). */
    json_t *filters = jf("{\"checkpoint_id\":\"%s\"}", cp);
    json_incref(filters);
    borrowed_t bf = borrow(filters);
    LC_OK(page, ckpt_backup_list(c, filters, &resp, &err));
    CHECK_BORROWED(bf, "ckpt_backup_list filters");
    CHECK(filters->refcount == 2, "filters refcount %zu, want 2", filters->refcount);
    json_decref(filters);
    json_decref(filters);
    json_t *list = jget(page, "backups");
    CHECK(json_object_size(page) == 4, "backup.list: want exactly {backups, count, offset, limit}");
    CHECK(json_is_array(list) && json_array_size(list) == 2, "a checkpoint of 2 resources lists %zu backups",
          json_array_size(list));
    CHECK(json_is_integer(jget(page, "count")) && page_count(page) == 2, "count %lld, want 2", page_count(page));
    CHECK(json_is_integer(jget(page, "offset")) && json_integer_value(jget(page, "offset")) == 0, "offset, want 0");
    CHECK(json_is_integer(jget(page, "limit")) && json_integer_value(jget(page, "limit")) == 1000,
          "limit, want the default 1000");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *b = json_array_get(list, i);
        int vol = h_streq(jstr(b, "resource_id"), r2);
        backup_want w = {cp, v, vol ? r2 : r1, vol ? "vol" : "srv", vol ? "OS::Cinder::Volume" : "OS::Nova::Server",
                         "available", "nightly", vol ? 3 : 2, 0, 0};
        char where[64];
        snprintf(where, sizeof where, "backup.list[%zu]", i);
        check_backup_resp(where, b, &w);
        CHECK(h_streq(jstr(b, "description"), "d"), "%s: description is not the checkpoint's", where);

        /* ckpt_backup_get: {"backup": the same BackupResp}. */
        const char *id = jstr(b, "id");
        LC_OK(g, ckpt_backup_get(c, id, &resp, &err));
        CHECK(json_object_size(g) == 1 && json_is_object(jget(g, "backup")), "backup.get: want {\"backup\": {...}}");
        check_backup_resp("backup.get", jget(g, "backup"), &w);
        CHECK(json_equal(jget(g, "backup"), b), "backup.get and backup.list differ for %s", h_str(id));
        /* A new reference each time: mutating it changes nothing later. */
        json_t *g2 = NULL;
        CHECK(ckpt_backup_get(c, id, &g2, NULL) == CKPT_OK, "backup.get with NULL error");
        CHECK(g2 && g2 != g && g2->refcount == 1, "two gets return one object");
        if (g) json_object_set_new(json_object_get(g, "backup"), "name", json_string("mutated"));
        json_decref(g2);
        g2 = NULL;
        CHECK(ckpt_backup_get(c, id, &g2, NULL) == CKPT_OK && h_streq(jstr(g2, "backup.name"), "nightly"),
              "mutating a response changed the backup");
        json_decref(g2);
        json_decref(g);
    }
    /* Two lists: two objects. */
    json_t *page2 = list_ok(c, "{\"checkpoint_id\":\"%s\"}", cp);
    CHECK(page2 && page2 != page && json_equal(page, page2), "a second list is not a new, equal object");
    json_decref(page2);

    /* NULL filters: the first page of all of them. */
    LC_OK(page2, ckpt_backup_list(c, NULL, &resp, &err));
    CHECK(page_count(page2) == 2 && page_size(page2) == 2, "NULL filters: %lld backups, want 2", page_count(page2));
    json_decref(page2);
    page2 = NULL;
    CHECK(ckpt_backup_list(c, NULL, &page2, NULL) == CKPT_OK && page2, "ckpt_backup_list with NULL error");
    json_decref(page2);

    /* Filters (SPEC 6.1) and paging (SPEC 6.2). */
    static const struct {
        const char *fmt;
        long long count;
    } filt[] = {
        {"{\"vault_id\":\"%s\",\"resource_id\":\"%s\"}", 1},
        {"{\"vault_id\":\"%s\",\"resource_type\":\"OS::Cinder::Volume\"}", 1},
        {"{\"vault_id\":\"%s\",\"resource_name\":\"srv\"}", 1},
        {"{\"vault_id\":\"%s\",\"status\":[\"available\",\"error\"]}", 2},
        {"{\"vault_id\":\"%s\",\"status\":\"protecting\"}", 0},
        {"{\"vault_id\":\"%s\",\"incremental\":false}", 2},
        {"{\"vault_id\":\"%s\",\"incremental\":true}", 0},
        {"{\"vault_id\":\"%s\",\"name\":\"nightly\"}", 2},
        {"{\"vault_id\":\"%s\",\"name\":\"night\"}", 0},
        {"{\"vault_id\":\"%s\",\"image_type\":\"backup\"}", 2},
        {"{\"vault_id\":\"%s\",\"start_time\":\"2999-01-01T00:00:00Z\"}", 0},
        {"{\"vault_id\":\"%s\",\"end_time\":\"2999-01-01T00:00:00Z\"}", 2},
        {"{\"vault_id\":\"%s\",\"start_time\":\"2000-01-01T00:00:00Z\",\"end_time\":\"2000-01-02T00:00:00Z\"}", 0},
    };
    for (size_t i = 0; i < sizeof filt / sizeof filt[0]; i++) {
        json_t *f = list_ok(c, filt[i].fmt, v, r2);
        if (f)
            CHECK(page_count(f) == filt[i].count && (long long)page_size(f) == filt[i].count,
                  "filter %zu: %lld backups, want %lld", i, page_count(f), filt[i].count);
        json_decref(f);
    }
    json_t *f = list_ok(c, "{\"resource_id\":\"%s\"}", r2);
    CHECK(page_size(f) == 1 && h_streq(jstr(json_array_get(jget(f, "backups"), 0), "resource_type"), "OS::Cinder::Volume"),
          "resource_id filter");
    json_decref(f);
    const char *first = page_id(page, 0), *second = page_id(page, 1);
    f = list_ok(c, "{\"vault_id\":\"%s\",\"limit\":1}", v);
    CHECK(page_size(f) == 1 && page_count(f) == 2 && json_integer_value(jget(f, "limit")) == 1 &&
              h_streq(page_id(f, 0), first),
          "limit 1: the first of 2, count the total");
    json_decref(f);
    f = list_ok(c, "{\"vault_id\":\"%s\",\"limit\":1,\"offset\":1}", v);
    CHECK(page_size(f) == 1 && page_count(f) == 2 && h_streq(page_id(f, 0), second) &&
              json_integer_value(jget(f, "offset")) == 1,
          "limit 1 offset 1: the second");
    json_decref(f);
    f = list_ok(c, "{\"vault_id\":\"%s\",\"limit\":1,\"marker\":\"%s\"}", v, h_str(first));
    CHECK(page_size(f) == 1 && page_count(f) == 2 && h_streq(page_id(f, 0), second), "marker: the page after it");
    json_decref(f);
    f = list_ok(c, "{\"vault_id\":\"%s\",\"offset\":5}", v);
    CHECK(f && page_size(f) == 0 && page_count(f) == 2, "a page past the end: [] and the count");
    json_decref(f);
    f = list_ok(c, "{\"vault_id\":\"%s\",\"sort\":\"created_at:asc\"}", v);
    CHECK(page_size(f) == 2 && h_streq(page_id(f, 0), second) && h_streq(page_id(f, 1), first),
          "sort created_at:asc is not the default order reversed");
    json_decref(f);
    f = list_ok(c, "{\"vault_id\":\"%s\",\"sort\":\"name:asc,id:desc\",\"limit\":1000}", v);
    CHECK(page_size(f) == 2, "sort by two keys");
    json_decref(f);

    /* ckpt_call_text and ckpt_call give the same JSON for backup.list. */
    char text[256];
    snprintf(text, sizeof text, "{\"vault_id\":\"%s\",\"sort\":\"created_at:asc\",\"limit\":10}", v);
    json_t *tj = text_ok(c, "backup.list", text);
    json_t *req = jf("%s", text);
    json_t *cj = call_ok(c, "backup.list", req);
    json_t *lj = NULL;
    CHECK(ckpt_backup_list(c, req, &lj, NULL) == CKPT_OK, "ckpt_backup_list of the same request");
    CHECK(tj && cj && json_equal(tj, cj), "backup.list: ckpt_call_text and ckpt_call differ");
    CHECK(lj && cj && json_equal(lj, cj), "backup.list: ckpt_backup_list and ckpt_call differ");
    json_decref(tj);
    json_decref(cj);
    json_decref(lj);
    json_decref(req);
    json_decref(page);

    /* Bad filters: 9900 naming the member; the filters still borrowed. */
    static const struct {
        const char *text, *sub;
    } bad[] = {
        {"{\"limit\":0}", "limit"},
        {"{\"limit\":1001}", "limit"},
        {"{\"limit\":\"10\"}", "limit"},
        {"{\"limit\":1.5}", "limit"},
        {"{\"offset\":-1}", "offset"},
        {"{\"sort\":\"size\"}", "sort"},
        {"{\"sort\":\"created_at:sideways\"}", "sort"},
        {"{\"marker\":\"nope\"}", "marker"},
        {"{\"start_time\":\"yesterday\"}", "start_time"},
        {"{\"end_time\":\"2020-01-01\"}", "end_time"},
        {"{\"status\":\"melted\"}", "status"},
        {"{\"status\":[]}", "status"},
        {"{\"status\":[\"available\",7]}", "status"},
        {"{\"incremental\":\"true\"}", "incremental"},
        {"{\"checkpoint_id\":\"nope\"}", "checkpoint_id"},
        {"{\"vault_id\":7}", "vault_id"},
        {"{\"resource_type\":\"OS::X\"}", "resource_type"},
        {"{\"image_type\":\"snapshot\"}", "image_type"},
        {"{\"bogus\":1}", "bogus"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *bj = jf("%s", bad[i].text);
        borrowed_t bb = borrow(bj);
        LC_FAIL(ckpt_backup_list(c, bj, &resp, &err), E9900, bad[i].sub);
        CHECK_BORROWED(bb, bad[i].text);
        json_decref(bj);
    }
    json_t *arr = json_array();
    LC_FAIL(ckpt_backup_list(c, arr, &resp, &err), E9900, NULL);
    CHECK(arr->refcount == 1, "array filters refcount changed");
    json_decref(arr);
    json_t *nocheck = json_object();
    json_object_set_new(nocheck, "name", json_stringn_nocheck("\xff\xfe", 2));
    LC_FAIL(ckpt_backup_list(c, nocheck, &resp, &err), E9900, "UTF-8");
    json_decref(nocheck);
    /* NULL pointers. */
    LC_FAIL(ckpt_backup_list(NULL, NULL, &resp, &err), E9900, "client");
    err = SENTINEL_J;
    CHECK(ckpt_backup_list(c, NULL, NULL, &err) == CKPT_EINVAL, "ckpt_backup_list(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_backup_list(NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_backup_list(all NULL)");
    resp = SENTINEL_J;
    json_t *lim = jf("{\"limit\":0}");
    CHECK(ckpt_backup_list(c, lim, &resp, NULL) == CKPT_EINVAL && resp == NULL, "failing list with NULL error");
    json_decref(lim);

    /* ckpt_backup_get errors. */
    LC_FAIL(ckpt_backup_get(c, MISSING_ID, &resp, &err), E6200, MISSING_ID);
    LC_FAIL(ckpt_backup_get(c, cp, &resp, &err), E6200, NULL); /* a checkpoint id is not a backup id */
    LC_FAIL(ckpt_backup_get(c, NULL, &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_get(c, "", &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_get(c, "nope", &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_get(c, "../../etc/passwd", &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_get(c, "\xff\xfe", &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_get(NULL, MISSING_ID, &resp, &err), E9900, "client");
    err = SENTINEL_J;
    CHECK(ckpt_backup_get(c, MISSING_ID, NULL, &err) == CKPT_EINVAL, "ckpt_backup_get(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_backup_get(NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_backup_get(all NULL)");
    resp = SENTINEL_J;
    CHECK(ckpt_backup_get(c, MISSING_ID, &resp, NULL) == CKPT_ENOTFOUND && resp == NULL, "failing get, NULL error");
    /* The same through ckpt_call, as text too. */
    call_failf(c, "backup.get", E6200, MISSING_ID, "{\"backup_id\":\"%s\"}", MISSING_ID);
    text_fail(c, "backup.get", "{}", E9900, "backup_id");
    call_failf(c, "backup.list", E9900, "limit", "{\"limit\":0}");
    free(cp);
    free(v);
    ckpt_client_close(c);
}

/* ckpt_backup_delete: gone at once or "deleting" then gone; the vault's
 * usage; the delete task; 6200, 6203, 9900. */
static void test_backup_delete(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t res[2] = {{r1, "OS::Nova::Server", "srv", 2}, {r2, "OS::Cinder::Volume", "vol", 3}};
    char *v = create_vault(c, "delete", 100, res, 2);
    char *cp = v ? create_checkpoint(c, v, NULL) : NULL;
    char *bs = cp ? backup_of(c, cp, r1) : NULL;
    char *bv = cp ? backup_of(c, cp, r2) : NULL;
    json_t *resp, *err;
    if (bs && bv) {
        CHECK(vault_used(c, v) == 5, "vault used %lld, want 5 after backing up 2 + 3 GB", vault_used(c, v));
        /* Gone at once (no simulated duration); *error cleared. */
        delete_ok(c, bv);
        LC_FAIL(ckpt_backup_get(c, bv, &resp, &err), E6200, bv);
        CHECK(vault_used(c, v) == 2, "vault used %lld after deleting the 3 GB backup, want 2", vault_used(c, v));
        json_t *l = list_ok(c, "{\"checkpoint_id\":\"%s\"}", cp);
        CHECK(page_count(l) == 1 && h_streq(page_id(l, 0), bs), "the checkpoint lists the other backup only");
        json_decref(l);
        json_t *g = NULL;
        CHECK(ckpt_checkpoint_get(c, cp, &g, NULL) == CKPT_OK, "the checkpoint is there while it has a backup");
        json_decref(g);
        /* The delete task. */
        char *log = find_log(c, v, "delete", bv);
        CHECK(log != NULL, "no delete operation log for %s", bv);
        if (log) {
            json_t *lg = call_okf(c, "operation_log.get", "{\"operation_log_id\":\"%s\"}", log);
            check_operation_log("delete log", jget(lg, "operation_log"), "delete", "success");
            CHECK(h_streq(jstr(lg, "operation_log.vault_id"), v), "delete log: vault_id");
            CHECK(h_streq(jstr(lg, "operation_log.checkpoint_id"), cp), "delete log: checkpoint_id");
            CHECK(h_streq(jstr(lg, "operation_log.extra_info.resource.id"), r2), "delete log: extra_info.resource.id");
            json_decref(lg);
        }
        free(log);
        /* Twice: it is gone. */
        delete_fail(c, bv, E6200, bv);
        /* The last one: the checkpoint reads as not found. */
        CHECK(ckpt_backup_delete(c, bs, NULL) == CKPT_OK, "delete with NULL error");
        CHECK(vault_used(c, v) == 0, "vault used %lld after deleting every backup", vault_used(c, v));
        LC_FAIL(ckpt_checkpoint_get(c, cp, &resp, &err), E6217, cp);
        call_failf(c, "checkpoint.get", E6217, NULL, "{\"checkpoint_id\":\"%s\"}", cp);
        l = list_ok(c, "{\"checkpoint_id\":\"%s\"}", cp);
        CHECK(l && page_size(l) == 0 && page_count(l) == 0, "a deleted checkpoint still lists backups");
        json_decref(l);
    }
    free(bs);
    free(bv);
    free(cp);

    /* 6203: a backup being made. */
    cp = v ? create_checkpoint(c, v, NULL) : NULL;
    bs = cp ? backup_of(c, cp, r1) : NULL;
    if (bs) {
        set_checkpoint_status(c, cp, "protecting");
        CHECK(h_streq(backup_status(c, bs), "protecting"), "a held checkpoint's backup is %s, want protecting",
              backup_status(c, bs));
        delete_fail(c, bs, CKPT_ECONFLICT, "conflict", 400, "BackupService.6203", NULL);
        CHECK(h_streq(backup_status(c, bs), "protecting"), "a refused delete changed the backup");
        set_checkpoint_status(c, cp, "available");
        delete_ok(c, bs);
    }
    free(bs);
    free(cp);

    /* Errors and NULL pointers. */
    delete_fail(c, MISSING_ID, E6200, MISSING_ID);
    delete_fail(c, NULL, E9900, "backup_id");
    delete_fail(c, "", E9900, "backup_id");
    delete_fail(c, "nope", E9900, "backup_id");
    delete_fail(c, "'; DROP TABLE backups; --", E9900, "backup_id");
    delete_fail(c, "\xff", E9900, "backup_id");
    delete_fail(NULL, MISSING_ID, E9900, "client");
    CHECK(ckpt_backup_delete(c, MISSING_ID, NULL) == CKPT_ENOTFOUND, "failing delete with NULL error");
    CHECK(ckpt_backup_delete(NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_backup_delete(all NULL)");
    call_failf(c, "backup.delete", E6200, MISSING_ID, "{\"backup_id\":\"%s\"}", MISSING_ID);
    call_failf(c, "backup.delete", E9900, "backup_id", "{}");
    free(v);
    ckpt_client_close(c);

    /* With a simulated duration: "deleting" (protect_status "removing"),
     * then gone; backup.wait for "deleted" sees it go. */
    c = open_text("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":300}}");
    if (!c) return;
    mkid(r1);
    res_t one = {r1, NULL, "srv", 1};
    v = create_vault(c, "slow-delete", 10, &one, 1);
    cp = v ? create_checkpoint(c, v, NULL) : NULL;
    if (cp) set_checkpoint_status(c, cp, "available"); /* the backup is made: no need to wait */
    json_t *w = NULL;
    bs = cp ? backup_of(c, cp, r1) : NULL;
    if (bs) {
        delete_ok(c, bs);
        CHECK(h_streq(backup_status(c, bs), "deleting"), "a backup being deleted is %s, want deleting",
              backup_status(c, bs));
        json_t *g = NULL;
        CHECK(ckpt_checkpoint_get(c, cp, &g, NULL) == CKPT_OK, "checkpoint.get while its backup is deleting");
        const json_t *r = checkpoint_resource(g, r1);
        CHECK(h_streq(jstr(r, "protect_status"), "removing"), "protect_status %s while deleting, want removing",
              h_str(jstr(r, "protect_status")));
        json_decref(g);
        long long t0 = now_ms();
        w = call_okf(c, "backup.wait", "{\"backup_id\":\"%s\",\"status\":\"deleted\",\"timeout_ms\":10000}", bs);
        CHECK(h_streq(jstr(w, "backup.status"), "deleted"), "backup.wait for deleted: status %s",
              h_str(jstr(w, "backup.status")));
        CHECK(now_ms() - t0 < 10000, "a 300 ms delete took %lld ms", now_ms() - t0);
        json_decref(w);
        LC_FAIL(ckpt_backup_get(c, bs, &resp, &err), E6200, bs);
        LC_FAIL(ckpt_checkpoint_get(c, cp, &resp, &err), E6217, cp);
        CHECK(vault_used(c, v) == 0, "vault used %lld after the delete ended", vault_used(c, v));
        char *log = find_log(c, v, "delete", bs);
        if (CHECK(log != NULL, "no delete log")) {
            json_t *lg = call_okf(c, "operation_log.get", "{\"operation_log_id\":\"%s\"}", log);
            check_operation_log("slow delete log", jget(lg, "operation_log"), "delete", "success");
            json_decref(lg);
        }
        free(log);
    }
    free(bs);
    free(cp);
    free(v);
    ckpt_client_close(c);
}

/* ckpt_backup_restore and ckpt_operation_log_wait on its job. */
static void test_backup_restore(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37], target[37];
    mkid(r1);
    mkid(r2);
    mkid(target);
    res_t res[2] = {{r1, "OS::Nova::Server", "srv", 1}, {r2, "OS::Cinder::Volume", "vol", 1}};
    char *v = create_vault(c, "restore", 100, res, 2);
    char *cp = v ? create_checkpoint(c, v, NULL) : NULL;
    char *bs = cp ? backup_of(c, cp, r1) : NULL;
    char *bv = cp ? backup_of(c, cp, r2) : NULL;
    json_t *resp, *err, *r, *w;
    if (!bs || !bv) {
        free(bs);
        free(bv);
        free(cp);
        free(v);
        ckpt_client_close(c);
        return;
    }
    /* A server backup into a server: {"job_id"}; the body borrowed. */
    json_t *body = jf("{\"server_id\":\"%s\",\"power_on\":true}", target);
    json_incref(body);
    borrowed_t bb = borrow(body);
    LC_OK(r, ckpt_backup_restore(c, bs, body, &resp, &err));
    CHECK_BORROWED(bb, "ckpt_backup_restore restore");
    CHECK(body->refcount == 2, "restore refcount %zu, want 2", body->refcount);
    json_decref(body);
    json_decref(body);
    CHECK(json_object_size(r) == 1 && is_uuid(jstr(r, "job_id")), "restore: want {\"job_id\": uuid}");
    const char *job = jstr(r, "job_id");
    if (job) {
        LC_OK(w, ckpt_operation_log_wait(c, job, 10000, &resp, &err));
        CHECK(json_object_size(w) == 1 && json_is_object(jget(w, "operation_log")),
              "operation_log.wait: want {\"operation_log\": {...}}");
        json_t *log = jget(w, "operation_log");
        check_operation_log("restore log", log, "restore", "success");
        CHECK(h_streq(jstr(log, "id"), job), "the restore log's id is not the job_id");
        CHECK(h_streq(jstr(log, "vault_id"), v) && h_streq(jstr(log, "checkpoint_id"), cp),
              "restore log: vault_id / checkpoint_id");
        CHECK(h_streq(jstr(log, "extra_info.restore.backup_id"), bs), "restore log: extra_info.restore.backup_id");
        CHECK(h_streq(jstr(log, "extra_info.restore.target_resource_id"), target),
              "restore log: target_resource_id %s, want %s", h_str(jstr(log, "extra_info.restore.target_resource_id")),
              target);
        /* operation_log.get answers the same log. */
        json_t *lg = call_okf(c, "operation_log.get", "{\"operation_log_id\":\"%s\"}", job);
        CHECK(lg && json_equal(lg, w), "operation_log.get and operation_log.wait differ for an ended task");
        json_decref(lg);
        /* timeout 0 on an ended task: one poll, success. */
        json_decref(w);
        LC_OK(w, ckpt_operation_log_wait(c, job, 0, &resp, &err));
        json_decref(w);
    }
    json_decref(r);
    CHECK(h_streq(backup_status(c, bs), "available"), "after a restore the backup is %s, want available",
          backup_status(c, bs));
    CHECK(vault_used(c, v) == 2, "vault used %lld after a restore, want 2 (unchanged)", vault_used(c, v));

    /* A volume backup into a volume; a server backup by resource_id; with
     * mappings; NULL error. */
    json_t *vb = jf("{\"volume_id\":\"%s\"}", target);
    LC_OK(r, ckpt_backup_restore(c, bv, vb, &resp, &err));
    if (r && jstr(r, "job_id")) {
        LC_OK(w, ckpt_operation_log_wait(c, jstr(r, "job_id"), 10000, &resp, &err));
        check_operation_log("volume restore log", jget(w, "operation_log"), "restore", "success");
        json_decref(w);
    }
    json_decref(r);
    json_t *rb = jf("{\"resource_id\":\"%s\"}", r1);
    LC_OK(r, ckpt_backup_restore(c, bs, rb, &resp, &err));
    json_decref(r);
    json_t *mb = jf("{\"server_id\":\"%s\",\"power_on\":false,\"mappings\":[{\"backup_id\":\"%s\",\"volume_id\":\"%s\"}]}",
                    target, bv, r2);
    r = NULL;
    CHECK(ckpt_backup_restore(c, bs, mb, &r, NULL) == CKPT_OK && jstr(r, "job_id"), "restore with mappings, NULL error");
    json_decref(r);

    /* 9900: the body. */
    static const struct {
        int volume;
        const char *text, *sub;
    } bad[] = {
        {0, "{}", "server_id"},
        {0, "{\"volume_id\":\"" MISSING_ID "\"}", "server_id"},
        {1, "{\"server_id\":\"" MISSING_ID "\"}", "volume_id"},
        {0, "{\"server_id\":\"nope\"}", "server_id"},
        {0, "{\"server_id\":\"" MISSING_ID "\",\"power_on\":\"yes\"}", "power_on"},
        {0, "{\"server_id\":\"" MISSING_ID "\",\"bogus\":1}", "bogus"},
        {0, "{\"server_id\":\"" MISSING_ID "\",\"mappings\":{}}", "mappings"},
        {0, "{\"server_id\":\"" MISSING_ID "\",\"mappings\":[{\"backup_id\":\"x\",\"volume_id\":\"" MISSING_ID "\"}]}",
         "backup_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *bj = jf("%s", bad[i].text);
        borrowed_t b = borrow(bj);
        LC_FAIL(ckpt_backup_restore(c, bad[i].volume ? bv : bs, bj, &resp, &err), E9900, bad[i].sub);
        CHECK_BORROWED(b, bad[i].text);
        json_decref(bj);
    }
    json_t *arr = json_array();
    LC_FAIL(ckpt_backup_restore(c, bs, arr, &resp, &err), E9900, "restore");
    json_decref(arr);
    /* NULL pointers and bad ids. */
    LC_FAIL(ckpt_backup_restore(c, bs, NULL, &resp, &err), E9900, "restore");
    LC_FAIL(ckpt_backup_restore(c, NULL, rb, &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_restore(c, "nope", rb, &resp, &err), E9900, "backup_id");
    LC_FAIL(ckpt_backup_restore(NULL, bs, rb, &resp, &err), E9900, "client");
    err = SENTINEL_J;
    CHECK(ckpt_backup_restore(c, bs, rb, NULL, &err) == CKPT_EINVAL, "ckpt_backup_restore(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_backup_restore(NULL, NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_backup_restore(all NULL)");
    /* 6200: unknown backup. */
    LC_FAIL(ckpt_backup_restore(c, MISSING_ID, rb, &resp, &err), E6200, MISSING_ID);
    resp = SENTINEL_J;
    CHECK(ckpt_backup_restore(c, MISSING_ID, rb, &resp, NULL) == CKPT_ENOTFOUND && resp == NULL,
          "failing restore with NULL error");
    /* 2005: the backup is not available (here: error). */
    set_checkpoint_status(c, cp, "error");
    CHECK(h_streq(backup_status(c, bs), "error"), "backup of an error checkpoint is %s", backup_status(c, bs));
    LC_FAIL(ckpt_backup_restore(c, bs, rb, &resp, &err), CKPT_ECONFLICT, "conflict", 400, "BackupService.2005", NULL);
    set_checkpoint_status(c, cp, "available");
    /* 6202: its vault is not available. */
    set_vault_status(c, v, "lock");
    LC_FAIL(ckpt_backup_restore(c, bs, rb, &resp, &err), CKPT_ECONFLICT, "conflict", 400, "BackupService.6202", v);
    set_vault_status(c, v, "frozen");
    call_failf(c, "backup.restore", CKPT_ECONFLICT, "conflict", 400, "BackupService.6202", NULL,
               "{\"backup_id\":\"%s\",\"restore\":{\"server_id\":\"%s\"}}", bs, target);
    set_vault_status(c, v, "available");
    LC_OK(r, ckpt_backup_restore(c, bs, rb, &resp, &err));
    json_decref(r);
    json_decref(vb);
    json_decref(rb);
    json_decref(mb);
    free(bs);
    free(bv);
    free(cp);
    free(v);
    ckpt_client_close(c);

    /* A restore in progress (an hour per GB): "restoring"; delete is 6216;
     * another restore 2005; the wait on its task times out carrying the
     * running task.  A backup being made: delete is 6203. */
    c = open_text("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":3600000}}");
    if (!c) return;
    mkid(r1);
    mkid(r2);
    res_t two[2] = {{r1, NULL, "srv", 1}, {r2, NULL, "other", 1}};
    v = create_vault(c, "slow-restore", 100, two, 2);
    json_t *p = jf("{\"resources\":[\"%s\"]}", r1);
    cp = v ? create_checkpoint(c, v, p) : NULL;
    json_decref(p);
    bs = cp ? backup_of(c, cp, r1) : NULL;
    if (bs) {
        set_checkpoint_status(c, cp, "available");
        json_t *tb = jf("{\"server_id\":\"%s\"}", target);
        LC_OK(r, ckpt_backup_restore(c, bs, tb, &resp, &err));
        const char *jid = jstr(r, "job_id");
        CHECK(h_streq(backup_status(c, bs), "restoring"), "a backup being restored is %s, want restoring",
              backup_status(c, bs));
        json_t *g = NULL;
        CHECK(ckpt_checkpoint_get(c, cp, &g, NULL) == CKPT_OK, "checkpoint.get during a restore");
        CHECK(h_streq(jstr(checkpoint_resource(g, r1), "protect_status"), "restoring"),
              "protect_status %s during a restore, want restoring", h_str(jstr(checkpoint_resource(g, r1), "protect_status")));
        json_decref(g);
        delete_fail(c, bs, CKPT_ECONFLICT, "conflict", 400, "BackupService.6216", bs);
        LC_FAIL(ckpt_backup_restore(c, bs, tb, &resp, &err), CKPT_ECONFLICT, "conflict", 400, "BackupService.2005",
                NULL);
        if (jid) {
            resp = SENTINEL_J;
            err = SENTINEL_J;
            long long t0 = now_ms();
            int rc = ckpt_operation_log_wait(c, jid, 40, &resp, &err);
            long long dt = now_ms() - t0;
            CHECK(rc == CKPT_ETIMEOUT && resp == NULL, "wait on a running restore: rc %d", rc);
            CHECK(dt >= 35 && dt < 5000, "a 40 ms wait took %lld ms", dt);
            if (err == SENTINEL_J) err = NULL;
            CHECK_ERROR(err, CKPT_ETIMEOUT, "timeout", 0, "", NULL);
            json_t *seen = json_object_get(err, "operation_log");
            CHECK(json_is_object(seen), "the timeout's error object carries no \"operation_log\"");
            check_operation_log("running restore (timeout)", seen, "restore", "running");
            CHECK(h_streq(jstr(seen, "id"), jid), "error.operation_log is not the task waited on");
            json_decref(err);
        }
        json_decref(r);
        json_decref(tb);
    }
    free(bs);
    free(cp);
    p = jf("{\"resources\":[\"%s\"]}", r2);
    cp = v ? create_checkpoint(c, v, p) : NULL; /* protecting for an hour */
    json_decref(p);
    char *b2 = cp ? backup_of(c, cp, r2) : NULL;
    if (b2) delete_fail(c, b2, CKPT_ECONFLICT, "conflict", 400, "BackupService.6203", NULL);
    free(b2);
    free(cp);
    free(v);
    ckpt_client_close(c);
}

/* ckpt_operation_log_wait: a backup task's shape, a failed task, errors. */
static void test_operation_log_wait(void) {
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    char cfg[256];
    snprintf(cfg, sizeof cfg, "{\"path\":\":memory:\",\"simulate\":{\"fail_resources\":[\"%s\"]}}", r2);
    ckpt_client *c = open_text(cfg);
    if (!c) return;
    res_t ok = {r1, NULL, "ok", 1}, bad = {r2, NULL, "bad", 1};
    char *v = create_vault(c, "logs", 100, &ok, 1);
    char *vbad = create_vault(c, "doomed", 100, &bad, 1);
    json_t *resp, *err, *w;
    /* incremental false, then the default (true): the task says so as a string. */
    for (int inc = 0; v && inc < 2; inc++) {
        json_t *p = inc ? NULL : jf("{\"incremental\":false}");
        char *cp = create_checkpoint(c, v, p);
        json_decref(p);
        char *b = cp ? backup_of(c, cp, r1) : NULL;
        json_t *g = NULL;
        if (b && ckpt_backup_get(c, b, &g, NULL) == CKPT_OK)
            CHECK(json_is_boolean(jget(g, "backup.incremental")) &&
                      json_boolean_value(jget(g, "backup.incremental")) == inc,
                  "backup.incremental is not the boolean %s", inc ? "true" : "false");
        json_decref(g);
        char *log = b ? find_log(c, v, "backup", b) : NULL;
        CHECK(!b || log, "no backup operation log for %s", h_str(b));
        if (log) {
            LC_OK(w, ckpt_operation_log_wait(c, log, 10000, &resp, &err));
            json_t *l = jget(w, "operation_log");
            check_operation_log("backup log", l, "backup", "success");
            CHECK(h_streq(jstr(l, "extra_info.backup.incremental"), inc ? "true" : "false"),
                  "extra_info.backup.incremental %s, want the string \"%s\"",
                  h_str(jstr(l, "extra_info.backup.incremental")), inc ? "true" : "false");
            CHECK(h_streq(jstr(l, "extra_info.backup.backup_id"), b), "extra_info.backup.backup_id");
            CHECK(h_streq(jstr(l, "checkpoint_id"), cp) && h_streq(jstr(l, "vault_id"), v) &&
                      h_streq(jstr(l, "vault_name"), "logs"),
                  "backup log: checkpoint_id / vault_id / vault_name");
            CHECK(h_streq(jstr(l, "extra_info.resource.id"), r1) && h_streq(jstr(l, "extra_info.resource.name"), "ok"),
                  "backup log: extra_info.resource");
            json_decref(w);
        }
        free(log);
        free(b);
        free(cp);
    }
    /* A failed backup's task: conflict, carrying the task. */
    char *cpb = vbad ? create_checkpoint(c, vbad, NULL) : NULL;
    char *bb = cpb ? backup_of(c, cpb, r2) : NULL;
    char *lb = bb ? find_log(c, vbad, "backup", bb) : NULL;
    if (lb) {
        CHECK(h_streq(backup_status(c, bb), "error"), "the failing resource's backup is %s", backup_status(c, bb));
        resp = SENTINEL_J;
        err = SENTINEL_J;
        int rc = ckpt_operation_log_wait(c, lb, 10000, &resp, &err);
        CHECK(rc == CKPT_ECONFLICT && resp == NULL, "wait on a failed task: rc %d", rc);
        if (err == SENTINEL_J) err = NULL;
        CHECK_ERROR(err, CKPT_ECONFLICT, "conflict", 0, "", NULL);
        json_t *seen = json_object_get(err, "operation_log");
        check_operation_log("failed task", seen, "backup", "failed");
        CHECK(h_streq(jstr(seen, "id"), lb), "error.operation_log is not the task");
        CHECK(jstr(seen, "error_info.code") && *jstr(seen, "error_info.code"), "a failed task's error_info.code is empty");
        json_decref(err);
        /* A failed backup uses nothing, cannot be restored, and goes at once. */
        CHECK(vault_used(c, vbad) == 0, "a failed backup uses capacity");
        json_t *tb = jf("{\"server_id\":\"%s\"}", r2);
        LC_FAIL(ckpt_backup_restore(c, bb, tb, &resp, &err), CKPT_ECONFLICT, "conflict", 400, "BackupService.2005",
                NULL);
        json_decref(tb);
        delete_ok(c, bb);
        LC_FAIL(ckpt_backup_get(c, bb, &resp, &err), E6200, NULL);
        CHECK(vault_used(c, vbad) == 0, "deleting a failed backup changed the usage");
    }
    CHECK(lb != NULL, "no backup log for the failing resource");
    free(lb);
    free(bb);
    free(cpb);

    /* Errors and NULL pointers. */
    LC_FAIL(ckpt_operation_log_wait(c, MISSING_ID, 1000, &resp, &err), E6500, MISSING_ID);
    LC_FAIL(ckpt_operation_log_wait(c, MISSING_ID, 0, &resp, &err), E6500, NULL);
    LC_FAIL(ckpt_operation_log_wait(c, NULL, 1000, &resp, &err), E9900, "operation_log_id");
    LC_FAIL(ckpt_operation_log_wait(c, "nope", 1000, &resp, &err), E9900, "operation_log_id");
    LC_FAIL(ckpt_operation_log_wait(c, "\xff", 1000, &resp, &err), E9900, "operation_log_id");
    LC_FAIL(ckpt_operation_log_wait(c, MISSING_ID, -1, &resp, &err), E9900, "timeout_ms");
    LC_FAIL(ckpt_operation_log_wait(c, MISSING_ID, 86400001LL, &resp, &err), E9900, "timeout_ms");
    LC_FAIL(ckpt_operation_log_wait(c, MISSING_ID, -9223372036854775807LL - 1, &resp, &err), E9900, "timeout_ms");
    LC_FAIL(ckpt_operation_log_wait(NULL, MISSING_ID, 1000, &resp, &err), E9900, "client");
    err = SENTINEL_J;
    CHECK(ckpt_operation_log_wait(c, MISSING_ID, 0, NULL, &err) == CKPT_EINVAL, "operation_log_wait(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_operation_log_wait(NULL, NULL, 0, NULL, NULL) == CKPT_EINVAL, "operation_log_wait(all NULL)");
    resp = SENTINEL_J;
    CHECK(ckpt_operation_log_wait(c, MISSING_ID, 0, &resp, NULL) == CKPT_ENOTFOUND && resp == NULL,
          "failing wait with NULL error");
    call_failf(c, "operation_log.get", E6500, MISSING_ID, "{\"operation_log_id\":\"%s\"}", MISSING_ID);
    call_failf(c, "operation_log.wait", E6500, NULL, "{\"operation_log_id\":\"%s\",\"timeout_ms\":0}", MISSING_ID);
    free(v);
    free(vbad);
    ckpt_client_close(c);
}

/* ckpt_backup_prune: dry run, per resource, refusals, the deletes. */
static void test_backup_prune(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t res[2] = {{r1, "OS::Nova::Server", "srv", 1}, {r2, "OS::Cinder::Volume", "vol", 1}};
    char *v = create_vault(c, "prune", 100, res, 2);
    enum { N = 3 };
    char *cps[N] = {NULL, NULL, NULL};
    char *b1[N] = {NULL, NULL, NULL}, *b2[N] = {NULL, NULL, NULL}; /* oldest first */
    int ready = v != NULL;
    for (int i = 0; ready && i < N; i++) {
        cps[i] = create_checkpoint(c, v, NULL);
        b1[i] = cps[i] ? backup_of(c, cps[i], r1) : NULL;
        b2[i] = cps[i] ? backup_of(c, cps[i], r2) : NULL;
        ready = b1[i] && b2[i];
    }
    json_t *resp, *err, *pr;
    if (!ready) goto out;
    CHECK(vault_used(c, v) == 2 * N, "vault used %lld, want %d", vault_used(c, v), 2 * N);

    /* Dry run, keep_last 1: the newest of each resource kept, nothing deleted;
     * the request borrowed. */
    json_t *req = jf("{\"vault_id\":\"%s\",\"keep_last\":1,\"dry_run\":true}", v);
    json_incref(req);
    borrowed_t br = borrow(req);
    LC_OK(pr, ckpt_backup_prune(c, req, &resp, &err));
    CHECK_BORROWED(br, "ckpt_backup_prune request");
    CHECK(req->refcount == 2, "prune request refcount %zu, want 2", req->refcount);
    json_decref(req);
    json_decref(req);
    json_t *keep = jget(pr, "keep"), *remove = jget(pr, "remove");
    CHECK(json_is_true(jget(pr, "dry_run")), "dry_run is not true in the result");
    CHECK(json_is_array(keep) && json_array_size(keep) == 2, "dry run keeps %zu, want 2 (one per resource)",
          json_array_size(keep));
    CHECK(json_is_array(remove) && json_array_size(remove) == 2 * (N - 1), "dry run removes %zu, want %d",
          json_array_size(remove), 2 * (N - 1));
    for (size_t i = 0; i < json_array_size(keep); i++) {
        json_t *k = json_array_get(keep, i);
        const char *id = jstr(k, "id");
        int is1 = h_streq(id, b1[N - 1]), is2 = h_streq(id, b2[N - 1]);
        CHECK(is1 || is2, "kept %s is not the newest backup of a resource", h_str(id));
        CHECK(h_streq(jstr(k, "resource_id"), is2 ? r2 : r1), "keep[%zu].resource_id", i);
        CHECK(is_timestamp(jstr(k, "created_at")), "keep[%zu].created_at %s", i, h_str(jstr(k, "created_at")));
        json_t *reasons = jget(k, "reasons");
        int last = 0;
        for (size_t j = 0; j < json_array_size(reasons); j++) last |= h_streq(json_string_value(json_array_get(reasons, j)), "last");
        CHECK(json_is_array(reasons) && last, "keep[%zu].reasons has no \"last\"", i);
    }
    for (size_t i = 0; i < json_array_size(remove); i++) {
        const char *id = json_string_value(json_array_get(remove, i));
        int old = 0;
        for (int k = 0; k < N - 1; k++) old |= h_streq(id, b1[k]) || h_streq(id, b2[k]);
        CHECK(old, "dry run would remove %s, not an older backup", h_str(id));
    }
    json_decref(pr);
    json_t *l = list_ok(c, "{\"vault_id\":\"%s\"}", v);
    CHECK(page_count(l) == 2 * N, "a dry run deleted backups: %lld left of %d", page_count(l), 2 * N);
    json_decref(l);

    /* Paging one by one by marker through ties (the two backups of a
     * checkpoint share its name; all share a status): every backup once. */
    static const char *const sorts[] = {"name:asc", "name:desc", "status", "status:desc,name:asc"};
    for (size_t s = 0; s < sizeof sorts / sizeof sorts[0]; s++) {
        char seen[2 * N][37];
        int n = 0, dup = 0;
        char marker[37] = "";
        for (int step = 0; step <= 2 * N; step++) {
            json_t *pg = marker[0] ? list_ok(c, "{\"vault_id\":\"%s\",\"sort\":\"%s\",\"limit\":1,\"marker\":\"%s\"}",
                                             v, sorts[s], marker)
                                   : list_ok(c, "{\"vault_id\":\"%s\",\"sort\":\"%s\",\"limit\":1}", v, sorts[s]);
            CHECK(page_count(pg) == 2 * N, "sort %s: count %lld on a page, want the total %d", sorts[s],
                  page_count(pg), 2 * N);
            const char *id = page_size(pg) ? page_id(pg, 0) : NULL;
            if (id) {
                for (int k = 0; k < n; k++) dup += strcmp(seen[k], id) == 0;
                if (n < 2 * N) snprintf(seen[n++], 37, "%s", id);
                snprintf(marker, sizeof marker, "%s", id);
            }
            json_decref(pg);
            if (!id) break;
        }
        CHECK(n == 2 * N && dup == 0, "sort %s: paging by marker gave %d backups, %d repeated, want %d once each",
              sorts[s], n, dup, 2 * N);
    }

    /* One resource, keep_last 2: its oldest goes. */
    req = jf("{\"vault_id\":\"%s\",\"resource_id\":\"%s\",\"keep_last\":2}", v, r1);
    LC_OK(pr, ckpt_backup_prune(c, req, &resp, &err));
    json_decref(req);
    CHECK(json_is_false(jget(pr, "dry_run")), "dry_run is not false");
    CHECK(json_array_size(jget(pr, "keep")) == 2 && json_array_size(jget(pr, "remove")) == 1 &&
              h_streq(json_string_value(json_array_get(jget(pr, "remove"), 0)), b1[0]),
          "keep_last 2 of one resource: want its oldest removed");
    json_decref(pr);
    LC_FAIL(ckpt_backup_get(c, b1[0], &resp, &err), E6200, NULL);
    CHECK(h_streq(backup_status(c, b2[0]), "available"), "the other resource's backup was pruned");
    CHECK(vault_used(c, v) == 2 * N - 1, "vault used %lld after pruning one", vault_used(c, v));

    /* No keep rule: refused, and nothing is deleted. */
    static const struct {
        const char *fmt, *sub;
    } bad[] = {
        {"{\"vault_id\":\"%s\"}", "keep_last"},
        {"{\"vault_id\":\"%s\",\"dry_run\":false}", "keep_last"},
        {"{\"vault_id\":\"%s\",\"resource_id\":\"" MISSING_ID "\"}", "keep_last"},
        {"{\"vault_id\":\"%s\",\"keep_last\":0}", "keep_last"},
        {"{\"vault_id\":\"%s\",\"keep_last\":-1}", "keep_last"},
        {"{\"vault_id\":\"%s\",\"keep_last\":\"1\"}", "keep_last"},
        {"{\"vault_id\":\"%s\",\"keep_daily\":0}", "keep_daily"},
        {"{\"vault_id\":\"%s\",\"keep_within_days\":0}", "keep_within_days"},
        {"{\"vault_id\":\"%s\",\"keep_last\":1,\"dry_run\":\"no\"}", "dry_run"},
        {"{\"vault_id\":\"%s\",\"keep_last\":1,\"bogus\":1}", "bogus"},
        {"{\"vault_id\":\"%s\",\"keep_last\":1,\"resource_id\":\"nope\"}", "resource_id"},
        {"{\"keep_last\":1}%.0s", "vault_id"},
        {"{\"vault_id\":\"nope%.0s\",\"keep_last\":1}", "vault_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *bj = jf(bad[i].fmt, v);
        borrowed_t b = borrow(bj);
        LC_FAIL(ckpt_backup_prune(c, bj, &resp, &err), E9900, bad[i].sub);
        CHECK_BORROWED(b, bad[i].fmt);
        json_decref(bj);
    }
    json_t *arr = json_array();
    LC_FAIL(ckpt_backup_prune(c, arr, &resp, &err), E9900, NULL);
    json_decref(arr);
    LC_FAIL(ckpt_backup_prune(c, NULL, &resp, &err), E9900, "request");
    req = jf("{\"vault_id\":\"%s\",\"keep_last\":1}", v);
    LC_FAIL(ckpt_backup_prune(NULL, req, &resp, &err), E9900, "client");
    err = SENTINEL_J;
    CHECK(ckpt_backup_prune(c, req, NULL, &err) == CKPT_EINVAL, "ckpt_backup_prune(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_backup_prune(NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_backup_prune(all NULL)");
    json_t *none = jf("{\"vault_id\":\"%s\"}", v);
    resp = SENTINEL_J;
    CHECK(ckpt_backup_prune(c, none, &resp, NULL) == CKPT_EINVAL && resp == NULL, "failing prune with NULL error");
    json_decref(none);
    call_failf(c, "backup.prune", E9900, "keep_last", "{\"vault_id\":\"%s\"}", v);
    /* An unknown vault: its 404 (SPEC 6.5), not an empty plan. */
    json_t *mv = jf("{\"vault_id\":\"%s\",\"keep_last\":1}", MISSING_ID);
    LC_FAIL(ckpt_backup_prune(c, mv, &resp, &err), CKPT_ENOTFOUND, "not_found", 404, "BackupService.6105", MISSING_ID);
    json_decref(mv);
    l = list_ok(c, "{\"vault_id\":\"%s\"}", v);
    CHECK(page_count(l) == 2 * N - 1, "a refused prune deleted backups: %lld left, want %d", page_count(l), 2 * N - 1);
    json_decref(l);
    CHECK(vault_used(c, v) == 2 * N - 1, "a refused prune changed the usage");

    /* keep_within_days 1: everything is from today, nothing goes. */
    json_t *within = jf("{\"vault_id\":\"%s\",\"keep_within_days\":1}", v);
    LC_OK(pr, ckpt_backup_prune(c, within, &resp, &err));
    CHECK(json_array_size(jget(pr, "remove")) == 0 && json_array_size(jget(pr, "keep")) == 2 * N - 1,
          "keep_within_days 1 removes %zu of today's backups", json_array_size(jget(pr, "remove")));
    json_decref(pr);
    json_decref(within);

    /* keep_last 1 for real: the older checkpoints lose every backup. */
    pr = NULL;
    CHECK(ckpt_backup_prune(c, req, &pr, NULL) == CKPT_OK, "prune keep_last 1 with NULL error");
    CHECK(json_array_size(jget(pr, "remove")) == 2 * N - 3 && json_array_size(jget(pr, "keep")) == 2,
          "keep_last 1: removed %zu, want %d", json_array_size(jget(pr, "remove")), 2 * N - 3);
    json_decref(pr);
    json_decref(req);
    l = list_ok(c, "{\"vault_id\":\"%s\"}", v);
    CHECK(page_count(l) == 2, "after keep_last 1: %lld backups, want 2", page_count(l));
    json_decref(l);
    CHECK(vault_used(c, v) == 2, "vault used %lld after the prune, want 2", vault_used(c, v));
    for (int i = 0; i < N - 1; i++) {
        LC_FAIL(ckpt_backup_get(c, b2[i], &resp, &err), E6200, NULL);
        LC_FAIL(ckpt_checkpoint_get(c, cps[i], &resp, &err), E6217, NULL);
    }
    json_t *g = NULL;
    CHECK(ckpt_checkpoint_get(c, cps[N - 1], &g, NULL) == CKPT_OK, "the newest checkpoint is still there");
    json_decref(g);
out:
    for (int i = 0; i < N; i++) {
        free(cps[i]);
        free(b1[i]);
        free(b2[i]);
    }
    free(v);
    ckpt_client_close(c);
}

/* What a progress callback saw. */
struct progress_log {
    unsigned magic;
    int calls;
    int bad_subject; /* not an object with the checkpoint's id and a status */
    int backwards;   /* elapsed_ms negative or smaller than the call before */
    long long first_ms, last_ms;
    int cancel_at;   /* return cancel_value from this call on; 0: never */
    int cancel_value;
    char id[37];
    char last_status[32];
};

#define PROGRESS_MAGIC 0x6b707463u

static int progress_bad_user;

static int progress_cb(const json_t *subject, long long elapsed_ms, void *user) {
    struct progress_log *p = user;
    if (!p || p->magic != PROGRESS_MAGIC) { /* user not passed as it is */
        progress_bad_user++;
        return 1;
    }
    p->calls++;
    if (!json_is_object(subject) || !h_streq(jstr(subject, "id"), p->id) || !jstr(subject, "status"))
        p->bad_subject++;
    else
        snprintf(p->last_status, sizeof p->last_status, "%s", jstr(subject, "status"));
    if (elapsed_ms < 0 || (p->calls > 1 && elapsed_ms < p->last_ms)) p->backwards++;
    if (p->calls == 1) p->first_ms = elapsed_ms;
    p->last_ms = elapsed_ms;
    return p->cancel_at && p->calls >= p->cancel_at ? p->cancel_value : 0;
}

static void progress_reset(struct progress_log *p, const char *id, int cancel_at, int cancel_value) {
    memset(p, 0, sizeof *p);
    p->magic = PROGRESS_MAGIC;
    p->cancel_at = cancel_at;
    p->cancel_value = cancel_value;
    snprintf(p->id, sizeof p->id, "%s", id ? id : "");
}

/* A callback that only counts, and records the user pointer it got. */
static int counted_calls;
static void *counted_user;
static int counting_cb(const json_t *subject, long long elapsed_ms, void *user) {
    (void)subject;
    (void)elapsed_ms;
    counted_calls++;
    counted_user = user;
    return 0;
}

/* ckpt_checkpoint_wait_ex: the callback, cancelling, NULL callback. */
static void test_checkpoint_wait_ex(void) {
    CHECK(h_streq(ckpt_strerror(CKPT_ECANCELED), "canceled"), "ckpt_strerror(CKPT_ECANCELED) = %s",
          h_str(ckpt_strerror(CKPT_ECANCELED)));
    json_t *resp, *err, *w;
    struct progress_log p;

    /* A 300 ms backup: called after every poll with the checkpoint and a
     * growing elapsed_ms, the last time with it available. */
    ckpt_client *c = open_text("{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":300}}");
    if (!c) return;
    char r1[37];
    mkid(r1);
    res_t one = {r1, NULL, "srv", 1};
    char *v = create_vault(c, "wait-ex", 100, &one, 1);
    char *cp = v ? create_checkpoint(c, v, NULL) : NULL;
    char *b = cp ? backup_of(c, cp, r1) : NULL;
    char *log = b ? find_log(c, v, "backup", b) : NULL;
    if (cp) {
        /* Meanwhile its backup task is running (SPEC 6.4); timeout 0 polls once. */
        CHECK(log != NULL, "no backup task for the backup being made");
        if (log) {
            resp = SENTINEL_J;
            err = NULL;
            int rc = ckpt_operation_log_wait(c, log, 0, &resp, &err);
            CHECK(rc == CKPT_ETIMEOUT && resp == NULL, "wait 0 ms on a running task: rc %d", rc);
            CHECK_ERROR(err, CKPT_ETIMEOUT, "timeout", 0, "", NULL);
            check_operation_log("running backup task", json_object_get(err, "operation_log"), "backup", "running");
            json_decref(err);
        }
        progress_reset(&p, cp, 0, 0);
        long long t0 = now_ms();
        LC_OK(w, ckpt_checkpoint_wait_ex(c, cp, NULL, 10000, progress_cb, &p, &resp, &err));
        long long dt = now_ms() - t0;
        CHECK(h_streq(jstr(w, "checkpoint.status"), "available") && json_object_size(w) == 1,
              "wait_ex: want {\"checkpoint\": available}");
        CHECK(h_streq(jstr(w, "checkpoint.id"), cp), "wait_ex: the checkpoint's id");
        CHECK(p.calls >= 2, "the callback was called %d times during a 300 ms wait", p.calls);
        CHECK(p.bad_subject == 0, "%d calls without the checkpoint object (its id and status)", p.bad_subject);
        CHECK(p.backwards == 0, "elapsed_ms went backwards %d times", p.backwards);
        CHECK(p.last_ms > p.first_ms, "elapsed_ms did not grow: %lld then %lld", p.first_ms, p.last_ms);
        CHECK(p.last_ms > 0 && p.last_ms <= dt + 5, "last elapsed_ms %lld of a %lld ms wait", p.last_ms, dt);
        CHECK(h_streq(p.last_status, "available"), "the last call saw %s, want available", p.last_status);
        json_decref(w);
        if (log) {
            LC_OK(w, ckpt_operation_log_wait(c, log, 10000, &resp, &err));
            check_operation_log("ended backup task", jget(w, "operation_log"), "backup", "success");
            json_decref(w);
        }
    }
    free(log);
    free(b);
    free(cp);
    free(v);
    ckpt_client_close(c);

    c = open_memory();
    if (!c) return;
    mkid(r1);
    v = create_vault(c, "wait-ex", 100, &one, 1);
    cp = v ? create_checkpoint(c, v, NULL) : NULL;
    if (!cp) {
        free(v);
        ckpt_client_close(c);
        return;
    }
    /* NULL callback: ckpt_checkpoint_wait. */
    json_t *plain = NULL;
    CHECK(ckpt_checkpoint_wait(c, cp, NULL, 1000, &plain, NULL) == CKPT_OK, "ckpt_checkpoint_wait");
    LC_OK(w, ckpt_checkpoint_wait_ex(c, cp, NULL, 1000, NULL, NULL, &resp, &err));
    CHECK(w && plain && json_equal(w, plain), "wait_ex with a NULL callback differs from ckpt_checkpoint_wait");
    json_decref(w);
    LC_OK(w, ckpt_checkpoint_wait_ex(c, cp, "available", 0, NULL, &p, &resp, &err));
    json_decref(w);
    json_decref(plain);
    /* user as it is: NULL and a value that is no pointer at all. */
    counted_calls = 0;
    counted_user = &p;
    LC_OK(w, ckpt_checkpoint_wait_ex(c, cp, NULL, 1000, counting_cb, NULL, &resp, &err));
    CHECK(counted_calls == 1 && counted_user == NULL, "user NULL: %d calls, user %p", counted_calls, counted_user);
    json_decref(w);
    counted_calls = 0;
    LC_OK(w, ckpt_checkpoint_wait_ex(c, cp, NULL, 1000, counting_cb, (void *)(uintptr_t)0x5eed, &resp, &err));
    CHECK(counted_calls == 1 && counted_user == (void *)(uintptr_t)0x5eed, "user not passed as it is: %p",
          counted_user);
    json_decref(w);

    /* Cancel: non-zero on the first call stops at once with CKPT_ECANCELED,
     * the error object carrying the checkpoint as last seen. */
    set_checkpoint_status(c, cp, "protecting");
    progress_reset(&p, cp, 1, 1);
    long long t0 = now_ms();
    resp = SENTINEL_J;
    err = SENTINEL_J;
    int rc = ckpt_checkpoint_wait_ex(c, cp, NULL, 60000, progress_cb, &p, &resp, &err);
    long long dt = now_ms() - t0;
    CHECK(rc == CKPT_ECANCELED && resp == NULL, "a canceled wait: rc %d", rc);
    CHECK(p.calls == 1, "the callback was called %d times, want 1 (it canceled)", p.calls);
    CHECK(dt < 5000, "a canceled 60 s wait took %lld ms", dt);
    if (err == SENTINEL_J) err = NULL;
    CHECK_ERROR(err, CKPT_ECANCELED, "canceled", 0, "", NULL);
    json_t *seen = json_object_get(err, "checkpoint");
    CHECK(json_is_object(seen) && h_streq(jstr(seen, "id"), cp) && h_streq(jstr(seen, "status"), "protecting"),
          "error.checkpoint is not the checkpoint as last seen (protecting)");
    if (err) CHECK(err->refcount == 1, "error refcount %zu", err->refcount);
    json_decref(err);
    /* ...on the third call; any non-zero value cancels. */
    progress_reset(&p, cp, 3, -7);
    resp = SENTINEL_J;
    err = NULL;
    rc = ckpt_checkpoint_wait_ex(c, cp, "available", 60000, progress_cb, &p, &resp, &err);
    CHECK(rc == CKPT_ECANCELED && resp == NULL && p.calls == 3, "cancel on the 3rd call: rc %d after %d calls", rc,
          p.calls);
    CHECK(p.bad_subject == 0 && p.backwards == 0, "cancel on the 3rd call: bad subjects or times");
    CHECK_ERROR(err, CKPT_ECANCELED, "canceled", 0, "", NULL);
    CHECK(h_streq(jstr(err, "checkpoint.id"), cp), "error.checkpoint.id");
    json_decref(err);
    resp = SENTINEL_J;
    CHECK(ckpt_checkpoint_wait_ex(c, cp, NULL, 60000, progress_cb, &p, &resp, NULL) == CKPT_ECANCELED &&
              resp == NULL,
          "a canceled wait with NULL error");
    /* Returning 0 never cancels: the timeout still applies. */
    progress_reset(&p, cp, 0, 0);
    resp = SENTINEL_J;
    err = NULL;
    rc = ckpt_checkpoint_wait_ex(c, cp, NULL, 60, progress_cb, &p, &resp, &err);
    CHECK(rc == CKPT_ETIMEOUT && resp == NULL, "wait_ex with a callback that never cancels: rc %d", rc);
    CHECK_ERROR(err, CKPT_ETIMEOUT, "timeout", 0, "", NULL);
    CHECK(h_streq(jstr(err, "checkpoint.id"), cp) && h_streq(jstr(err, "checkpoint.status"), "protecting"),
          "the timeout's error object does not carry the checkpoint as last seen");
    json_decref(err);
    CHECK(p.calls >= 2 && p.last_ms >= 50 && p.bad_subject == 0, "timeout: %d calls, last at %lld ms", p.calls,
          p.last_ms);
    /* Waiting for the status it has: one poll, one call. */
    progress_reset(&p, cp, 0, 0);
    LC_OK(w, ckpt_checkpoint_wait_ex(c, cp, "protecting", 0, progress_cb, &p, &resp, &err));
    CHECK(p.calls == 1 && h_streq(p.last_status, "protecting"), "wait for its status: %d calls", p.calls);
    json_decref(w);
    /* "error": conflict; the callback saw it. */
    set_checkpoint_status(c, cp, "error");
    progress_reset(&p, cp, 0, 0);
    LC_FAIL(ckpt_checkpoint_wait_ex(c, cp, NULL, 1000, progress_cb, &p, &resp, &err), CKPT_ECONFLICT, "conflict", 0,
            "", NULL);
    CHECK(p.calls >= 1 && h_streq(p.last_status, "error"), "the callback did not see the error status");
    set_checkpoint_status(c, cp, "available");

    /* Arguments: as ckpt_checkpoint_wait, and the callback is not called. */
    progress_reset(&p, cp, 0, 0);
    LC_FAIL(ckpt_checkpoint_wait_ex(NULL, cp, NULL, 0, progress_cb, &p, &resp, &err), E9900, "client");
    LC_FAIL(ckpt_checkpoint_wait_ex(c, NULL, NULL, 0, progress_cb, &p, &resp, &err), E9900, "checkpoint_id");
    LC_FAIL(ckpt_checkpoint_wait_ex(c, "nope", NULL, 0, progress_cb, &p, &resp, &err), E9900, "checkpoint_id");
    LC_FAIL(ckpt_checkpoint_wait_ex(c, cp, "done", 0, progress_cb, &p, &resp, &err), E9900, "status");
    LC_FAIL(ckpt_checkpoint_wait_ex(c, cp, "\xff", 0, progress_cb, &p, &resp, &err), E9900, "status");
    LC_FAIL(ckpt_checkpoint_wait_ex(c, cp, NULL, -1, progress_cb, &p, &resp, &err), E9900, "timeout_ms");
    LC_FAIL(ckpt_checkpoint_wait_ex(c, cp, NULL, 86400001LL, progress_cb, &p, &resp, &err), E9900, "timeout_ms");
    err = SENTINEL_J;
    CHECK(ckpt_checkpoint_wait_ex(c, cp, NULL, 0, progress_cb, &p, NULL, &err) == CKPT_EINVAL,
          "wait_ex(response NULL)");
    CHECK_ERROR(err == SENTINEL_J ? NULL : err, E9900, "response");
    if (err != SENTINEL_J) json_decref(err);
    CHECK(ckpt_checkpoint_wait_ex(NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL) == CKPT_EINVAL, "wait_ex(all NULL)");
    CHECK(p.calls == 0, "the callback was called %d times by calls refused for their arguments", p.calls);
    LC_FAIL(ckpt_checkpoint_wait_ex(c, MISSING_ID, NULL, 0, progress_cb, &p, &resp, &err), E6217, MISSING_ID);
    CHECK(p.bad_subject == 0, "a poll that found nothing passed a subject to the callback");
    CHECK(progress_bad_user == 0, "the callback got another user pointer %d times", progress_bad_user);
    free(cp);
    free(v);
    ckpt_client_close(c);
}

/* Backups through the C API: one per resource; the checkpoint's shape; the
 * vault's usage follows deletes; the last delete removes the checkpoint. */
static void test_lifecycle_backups(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r[3][37];
    for (int i = 0; i < 3; i++) mkid(r[i]);
    res_t res[3] = {{r[0], "OS::Nova::Server", "web", 1},
                    {r[1], "OS::Nova::Server", "db", 2},
                    {r[2], "OS::Cinder::Volume", "data", 4}};
    char *v = create_vault(c, "life-1.1", 100, res, 3);
    json_t *resp, *err, *g;
    json_t *created = NULL;
    if (v) CHECK(ckpt_checkpoint_create(c, v, NULL, &created, NULL) == CKPT_OK, "create");
    const char *cp = jstr(created, "checkpoint.id");
    const char *cpname = jstr(created, "checkpoint.extra_info.name");
    if (!cp) {
        json_decref(created);
        free(v);
        ckpt_client_close(c);
        return;
    }
    /* One backup per resource, named after the checkpoint. */
    json_t *page = list_ok(c, "{\"checkpoint_id\":\"%s\",\"sort\":\"created_at:asc\"}", cp);
    CHECK(page_count(page) == 3 && page_size(page) == 3, "a checkpoint of 3 resources has %lld backups",
          page_count(page));
    char ids[3][37] = {"", "", ""};
    for (size_t i = 0; i < page_size(page); i++) {
        json_t *b = json_array_get(jget(page, "backups"), i);
        int k = -1;
        for (int j = 0; j < 3; j++)
            if (h_streq(jstr(b, "resource_id"), r[j])) k = j;
        if (!CHECK(k >= 0, "backup of an unknown resource %s", h_str(jstr(b, "resource_id")))) continue;
        CHECK(ids[k][0] == 0, "two backups of resource %s", r[k]);
        snprintf(ids[k], 37, "%s", h_str(jstr(b, "id")));
        backup_want w = {cp, v, r[k], res[k].name, res[k].type, "available", cpname, res[k].size, 1, 0};
        check_backup_resp("lifecycle backup", b, &w);
        CHECK(cpname && strncmp(cpname, "manualbk_", 9) == 0,
              "an unnamed manual checkpoint's name %s is not manualbk_xxxx", h_str(cpname));
    }
    json_decref(page);
    /* checkpoint.get: vault.resources[] as SPEC 6.3 types them. */
    LC_OK(g, ckpt_checkpoint_get(c, cp, &resp, &err));
    CHECK(h_streq(jstr(g, "checkpoint.status"), "available"), "checkpoint status");
    CHECK(json_array_size(jget(g, "checkpoint.vault.resources")) == 3, "checkpoint.vault.resources");
    for (int k = 0; k < 3; k++) {
        char where[64];
        snprintf(where, sizeof where, "checkpoint.vault.resources[%s]", res[k].name);
        const json_t *cr = checkpoint_resource(g, r[k]);
        if (CHECK(cr != NULL, "%s missing", where)) check_checkpoint_resource(where, cr, res[k].size, "available");
    }
    json_decref(g);
    /* The vault document keeps integers and an extra_info object. */
    g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
    json_t *vr = jget(g, "vault.resources");
    for (size_t i = 0; i < json_array_size(vr); i++) {
        json_t *x = json_array_get(vr, i);
        CHECK(json_is_integer(jget(x, "size")) && json_is_integer(jget(x, "backup_size")) &&
                  json_is_integer(jget(x, "backup_count")) && json_is_object(jget(x, "extra_info")),
              "vault.resources[%zu]: size/backup_size/backup_count integers, extra_info an object", i);
    }
    json_decref(g);

    /* A second checkpoint of one resource, auto-triggered: one backup, autobk_. */
    json_t *p = jf("{\"resources\":[\"%s\"],\"auto_trigger\":true}", r[1]);
    char *cp2 = create_checkpoint(c, v, p);
    json_decref(p);
    if (cp2) {
        json_t *l2 = list_ok(c, "{\"checkpoint_id\":\"%s\"}", cp2);
        CHECK(page_size(l2) == 1, "a checkpoint of one resource has %zu backups", page_size(l2));
        json_t *b = json_array_get(jget(l2, "backups"), 0);
        backup_want w = {cp2, v, r[1], "db", "OS::Nova::Server", "available", NULL, 2, 1, 1};
        check_backup_resp("auto backup", b, &w);
        CHECK(jstr(b, "name") && strncmp(jstr(b, "name"), "autobk_", 7) == 0, "an auto backup's name %s is not autobk_",
              h_str(jstr(b, "name")));
        json_decref(l2);
        json_t *lr = list_ok(c, "{\"resource_id\":\"%s\"}", r[1]);
        CHECK(page_count(lr) == 2, "resource %s has %lld backups, want 2", r[1], page_count(lr));
        json_decref(lr);
    }
    /* One backup task per protected resource. */
    g = call_okf(c, "operation_log.list", "{\"vault_id\":\"%s\",\"operation_type\":\"backup\"}", v);
    CHECK(json_integer_value(jget(g, "count")) == 4, "%lld backup tasks, want 4 (3 + 1)",
          (long long)json_integer_value(jget(g, "count")));
    for (size_t i = 0; i < json_array_size(jget(g, "operation_logs")); i++)
        check_operation_log("backup task", json_array_get(jget(g, "operation_logs"), i), "backup", "success");
    json_decref(g);

    /* Deleting the first checkpoint's backups one by one: the usage
     * follows, the checkpoint stays until its last backup is gone. */
    long long used = vault_used(c, v);
    CHECK(used == 1 + 2 + 4 + 2, "vault used %lld, want 9", used);
    for (int k = 0; k < 3; k++) {
        if (!ids[k][0]) continue;
        delete_ok(c, ids[k]);
        used -= res[k].size;
        CHECK(vault_used(c, v) == used, "after deleting %s: used %lld, want %lld", res[k].name, vault_used(c, v), used);
        if (k < 2) {
            LC_OK(g, ckpt_checkpoint_get(c, cp, &resp, &err));
            json_decref(g);
        }
    }
    LC_FAIL(ckpt_checkpoint_get(c, cp, &resp, &err), E6217, cp);
    json_t *wreq = jf("{\"checkpoint_id\":\"%s\",\"timeout_ms\":0}", cp);
    call_fail(c, "checkpoint.wait", wreq, E6217, NULL);
    json_decref(wreq);
    LC_FAIL(ckpt_checkpoint_wait_ex(c, cp, NULL, 0, NULL, NULL, &resp, &err), E6217, NULL);
    /* The other checkpoint is untouched. */
    if (cp2) {
        LC_OK(g, ckpt_checkpoint_get(c, cp2, &resp, &err));
        json_decref(g);
    }
    page = list_ok(c, NULL);
    CHECK(page_count(page) == 1, "%lld backups left, want 1", page_count(page));
    json_decref(page);
    free(cp2);
    json_decref(created);
    free(v);
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
    CHECK_ERROR(err, CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", "does not exist");
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
        call_failf(b, "checkpoint.get", CKPT_ENOTFOUND, "not_found", 404, "BackupService.6217", NULL,
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

/* Several threads listing, getting and deleting the backups of one vault on
 * one shared handle.  Each thread deletes its own backups; all of them try
 * to delete a contested set (exactly one wins each); a kept set is only
 * read.  Every result is checked. */
enum {
    BT_THREADS = 4,
    BT_OWN = 8, /* per thread */
    BT_CONTESTED = 8,
    BT_KEPT = 8,
    BT_TOTAL = BT_THREADS * BT_OWN + BT_CONTESTED + BT_KEPT, /* 48: 24 checkpoints of 2 resources */
};

struct backup_thread_ctx {
    ckpt_client *client;
    const char *vault;
    int index;
    char (*ids)[37]; /* all BT_TOTAL, oldest first: own, contested, kept */
    int contested_rc[BT_CONTESTED];
};

static void *backup_worker(void *arg) {
    struct backup_thread_ctx *x = arg;
    long long last_count = BT_TOTAL;
    for (int i = 0; i < BT_OWN; i++) {
        json_t *resp = NULL, *err = NULL;
        /* A page of the vault's backups: the count never grows. */
        json_t *f = json_pack("{s:s, s:i, s:i}", "vault_id", x->vault, "limit", 10, "offset", (i % 3) * 10);
        int rc = ckpt_backup_list(x->client, f, &resp, &err);
        char *ed = rc ? h_dump(err) : NULL;
        CHECK(rc == CKPT_OK && err == NULL && resp, "thread %d: list rc %d %s", x->index, rc, h_str(ed));
        free(ed);
        CHECK(f->refcount == 1, "thread %d: filters refcount %zu", x->index, f->refcount);
        json_decref(f);
        if (rc == CKPT_OK) {
            json_t *list = json_object_get(resp, "backups");
            json_t *count = json_object_get(resp, "count");
            long long n = (long long)json_integer_value(count);
            CHECK(json_is_integer(count) && n >= BT_KEPT && n <= BT_TOTAL, "thread %d: count %lld", x->index, n);
            CHECK(n <= last_count, "thread %d: count grew from %lld to %lld", x->index, last_count, n);
            last_count = n;
            CHECK(json_is_array(list) && json_array_size(list) <= 10, "thread %d: a page of %zu", x->index,
                  json_array_size(list));
            for (size_t k = 0; k < json_array_size(list); k++) {
                json_t *b = json_array_get(list, k);
                CHECK(is_uuid(jstr(b, "id")) && h_streq(jstr(b, "vault_id"), x->vault) &&
                          h_streq(jstr(b, "status"), "available"),
                      "thread %d: listed backup %zu: %s in %s, %s", x->index, k, h_str(jstr(b, "id")),
                      h_str(jstr(b, "vault_id")), h_str(jstr(b, "status")));
            }
        }
        json_decref(resp);
        resp = NULL;

        /* A kept backup reads back. */
        const char *kept = x->ids[BT_THREADS * BT_OWN + BT_CONTESTED + (i + x->index) % BT_KEPT];
        rc = ckpt_backup_get(x->client, kept, &resp, &err);
        CHECK(rc == CKPT_OK && err == NULL && h_streq(jstr(resp, "backup.id"), kept) &&
                  h_streq(jstr(resp, "backup.status"), "available"),
              "thread %d: get kept backup: rc %d", x->index, rc);
        json_decref(resp);
        resp = NULL;

        /* Its own: deleted, then not found, and not found to delete again. */
        const char *own = x->ids[x->index * BT_OWN + i];
        err = SENTINEL_J;
        rc = ckpt_backup_delete(x->client, own, &err);
        CHECK(rc == CKPT_OK && err == NULL, "thread %d: delete own backup: rc %d", x->index, rc);
        if (err != SENTINEL_J) json_decref(err);
        err = NULL;
        resp = SENTINEL_J;
        rc = ckpt_backup_get(x->client, own, &resp, &err);
        CHECK(rc == CKPT_ENOTFOUND && resp == NULL, "thread %d: get deleted backup: rc %d", x->index, rc);
        CHECK_ERROR(err, E6200, own);
        json_decref(err);
        err = NULL;
        rc = ckpt_backup_delete(x->client, own, &err);
        CHECK(rc == CKPT_ENOTFOUND, "thread %d: delete a deleted backup: rc %d", x->index, rc);
        CHECK_ERROR(err, E6200, own);
        json_decref(err);
        err = NULL;

        /* A contested one: deleted, or already gone. */
        int j = (i + x->index) % BT_CONTESTED;
        const char *contested = x->ids[BT_THREADS * BT_OWN + j];
        rc = ckpt_backup_delete(x->client, contested, &err);
        x->contested_rc[j] = rc;
        if (rc == CKPT_OK)
            CHECK(err == NULL, "thread %d: *error set on success", x->index);
        else if (CHECK(rc == CKPT_ENOTFOUND, "thread %d: contested delete rc %d", x->index, rc))
            CHECK_ERROR(err, E6200, contested);
        json_decref(err);

        /* The text form, now and then. */
        if (i % 2) {
            char req[128], *out = NULL, *terr = NULL;
            snprintf(req, sizeof req, "{\"vault_id\":\"%s\",\"limit\":5}", x->vault);
            rc = ckpt_call_text(x->client, "backup.list", req, &out, &terr);
            json_t *j2 = out ? json_loads(out, 0, NULL) : NULL;
            CHECK(rc == CKPT_OK && terr == NULL && json_is_array(json_object_get(j2, "backups")) &&
                      json_array_size(json_object_get(j2, "backups")) <= 5,
                  "thread %d: text backup.list rc %d %s", x->index, rc, h_str(terr));
            json_decref(j2);
            ckpt_free(out);
            ckpt_free(terr);
        }
    }
    return NULL;
}

static void test_threads_backups(void) {
    char *dir = make_tmpdir();
    ckpt_client *c = open_file(dir, "backups.db", "\"durability\":\"normal\"");
    if (!c) {
        rm_rf(dir);
        return;
    }
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t res[2] = {{r1, NULL, "a", 1}, {r2, "OS::Cinder::Volume", "b", 1}};
    char *v = create_vault(c, "thread-backups", 1000, res, 2);
    static char ids[BT_TOTAL][37];
    static char cps[BT_TOTAL / 2][37];
    int ready = v != NULL;
    for (int i = 0; ready && i < BT_TOTAL / 2; i++) {
        char *cp = create_checkpoint(c, v, NULL);
        ready = cp != NULL;
        if (cp) snprintf(cps[i], 37, "%s", cp);
        free(cp);
    }
    if (ready) {
        /* Oldest first: checkpoint k holds backups 2k and 2k + 1. */
        json_t *page = list_ok(c, "{\"vault_id\":\"%s\",\"sort\":\"created_at:asc\"}", v);
        ready = CHECK(page_size(page) == BT_TOTAL, "%zu backups, want %d", page_size(page), BT_TOTAL);
        for (int i = 0; ready && i < BT_TOTAL; i++) {
            json_t *b = json_array_get(jget(page, "backups"), (size_t)i);
            snprintf(ids[i], 37, "%s", h_str(jstr(b, "id")));
            ready = CHECK(h_streq(jstr(b, "checkpoint_id"), cps[i / 2]), "backup %d is not of checkpoint %d", i, i / 2);
        }
        json_decref(page);
    }
    static struct backup_thread_ctx ctx[BT_THREADS];
    pthread_t t[BT_THREADS];
    int started[BT_THREADS] = {0};
    for (int i = 0; ready && i < BT_THREADS; i++) {
        ctx[i].client = c;
        ctx[i].vault = v;
        ctx[i].index = i;
        ctx[i].ids = ids;
        for (int j = 0; j < BT_CONTESTED; j++) ctx[i].contested_rc[j] = 1;
        started[i] = CHECK(pthread_create(&t[i], NULL, backup_worker, &ctx[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < BT_THREADS; i++)
        if (started[i]) pthread_join(t[i], NULL);
    if (ready) {
        /* Each contested backup was deleted by exactly one thread. */
        for (int j = 0; j < BT_CONTESTED; j++) {
            int wins = 0;
            for (int i = 0; i < BT_THREADS; i++) wins += ctx[i].contested_rc[j] == CKPT_OK;
            CHECK(wins == 1, "contested backup %d deleted by %d threads, want 1", j, wins);
        }
        /* What is left is the kept set, and the usage says so. */
        json_t *page = list_ok(c, "{\"vault_id\":\"%s\",\"sort\":\"created_at:asc\"}", v);
        CHECK(page_count(page) == BT_KEPT, "%lld backups left, want %d", page_count(page), BT_KEPT);
        for (size_t i = 0; i < page_size(page) && i < BT_KEPT; i++)
            CHECK(h_streq(page_id(page, i), ids[BT_TOTAL - BT_KEPT + i]), "left backup %zu is not a kept one", i);
        json_decref(page);
        CHECK(vault_used(c, v) == BT_KEPT, "vault used %lld, want %d", vault_used(c, v), BT_KEPT);
        int found = 0, unreadable = 0;
        for (int i = 0; i < BT_TOTAL; i++) {
            json_t *g = NULL;
            int rc = ckpt_backup_get(c, ids[i], &g, NULL);
            if (i < BT_TOTAL - BT_KEPT) found += rc != CKPT_ENOTFOUND;
            else unreadable += rc != CKPT_OK;
            json_decref(g);
        }
        CHECK(found == 0 && unreadable == 0, "%d deleted backups still found, %d kept ones unreadable", found,
              unreadable);
        /* A checkpoint with no backup left reads as not found. */
        int wrong = 0;
        for (int k = 0; k < BT_TOTAL / 2; k++) {
            json_t *g = NULL;
            int rc = ckpt_checkpoint_get(c, cps[k], &g, NULL);
            wrong += rc != (2 * k >= BT_TOTAL - BT_KEPT ? CKPT_OK : CKPT_ENOTFOUND);
            json_decref(g);
        }
        CHECK(wrong == 0, "%d checkpoints in the wrong state after their backups were deleted", wrong);
    }
    free(v);
    ckpt_client_close(c);
    rm_rf(dir);
}

/* ==========================================================================
 * Vaults (1.1): ckpt_vault_list, ckpt_vault_delete
 * ========================================================================== */

#define E6105 CKPT_ENOTFOUND, "not_found", 404, "BackupService.6105"

/* ckpt_vault_list: h_page of "vaults". */
static json_t *h_vault_list(const char *file, int line, ckpt_client *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    json_t *page = h_page(file, line, c, ckpt_vault_list, "ckpt_vault_list", "vaults", fmt, ap);
    va_end(ap);
    return page;
}

#define vault_list(c, ...) h_vault_list(__FILE__, __LINE__, (c), __VA_ARGS__)

static long long page_count_of(const json_t *page) {
    const json_t *n = json_object_get(page, "count");
    return json_is_integer(n) ? (long long)json_integer_value(n) : -1;
}

/* The ids of a vault page, joined by commas, in order (free it). */
static char *vault_ids(const json_t *page) {
    char *out = calloc(1, 37 * 64 + 1);
    json_t *list = json_object_get(page, "vaults");
    for (size_t i = 0; out && i < json_array_size(list) && i < 64; i++) {
        if (i) strcat(out, ",");
        strncat(out, jstr(json_array_get(list, i), "id") ? jstr(json_array_get(list, i), "id") : "?", 36);
    }
    return out;
}

/* ckpt_vault_list: filters, paging, the same answer as ckpt_call, errors. */
static void test_vault_list(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37];
    mkid(r1);
    mkid(r2);
    res_t a_res = {r1, NULL, "srv", 1}, b_res = {r2, "OS::Cinder::Volume", "vol", 1};
    char *va = create_vault(c, "alpha", 10, &a_res, 1);
    char *vb = create_vault(c, "beta", 20, &b_res, 1);
    char *vc = create_vault(c, "gamma", 30, NULL, 0);
    json_t *resp, *err;
    if (va && vb && vc) {
        json_t *all = vault_list(c, NULL);
        CHECK(page_count_of(all) == 3 && json_array_size(json_object_get(all, "vaults")) == 3, "three vaults");
        /* Newest first by default. */
        char *ids = vault_ids(all);
        char want[200];
        snprintf(want, sizeof want, "%s,%s,%s", vc, vb, va);
        CHECK(h_streq(ids, want), "default order %s, want %s", h_str(ids), want);
        free(ids);
        CHECK(h_streq(jstr(json_array_get(json_object_get(all, "vaults"), 2), "name"), "alpha"), "a listed vault is the vault");
        json_decref(all);

        json_t *p = vault_list(c, "{\"name\":\"beta\"}");
        CHECK(page_count_of(p) == 1 && h_streq(jstr(json_array_get(json_object_get(p, "vaults"), 0), "id"), vb),
              "name filter");
        json_decref(p);
        p = vault_list(c, "{\"id\":[\"%s\",\"%s\"]}", va, vc);
        CHECK(page_count_of(p) == 2, "id filter with two ids: count %lld", page_count_of(p));
        json_decref(p);
        p = vault_list(c, "{\"id\":\"%s\"}", vb);
        CHECK(page_count_of(p) == 1, "id filter with one id");
        json_decref(p);
        p = vault_list(c, "{\"resource_ids\":\"%s,%s\"}", r2, MISSING_ID);
        CHECK(page_count_of(p) == 1 && h_streq(jstr(json_array_get(json_object_get(p, "vaults"), 0), "id"), vb),
              "resource_ids filter");
        json_decref(p);
        set_vault_status(c, vc, "frozen");
        p = vault_list(c, "{\"status\":\"frozen\"}");
        CHECK(page_count_of(p) == 1 && h_streq(jstr(json_array_get(json_object_get(p, "vaults"), 0), "billing.status"), "frozen"),
              "status filter reads the live status");
        json_decref(p);
        set_vault_status(c, vc, "available");
        /* Paging: limit, offset, marker; count stays the total. */
        p = vault_list(c, "{\"sort\":\"name:asc\",\"limit\":2}");
        ids = vault_ids(p);
        snprintf(want, sizeof want, "%s,%s", va, vb);
        CHECK(h_streq(ids, want) && page_count_of(p) == 3, "first page by name: %s", h_str(ids));
        free(ids);
        json_decref(p);
        p = vault_list(c, "{\"sort\":\"name:asc\",\"limit\":2,\"marker\":\"%s\"}", vb);
        ids = vault_ids(p);
        CHECK(h_streq(ids, vc) && page_count_of(p) == 3, "page after the marker: %s", h_str(ids));
        free(ids);
        json_decref(p);
        p = vault_list(c, "{\"offset\":5}");
        CHECK(json_array_size(json_object_get(p, "vaults")) == 0 && page_count_of(p) == 3, "a page past the end");
        json_decref(p);
        /* The same answer as ckpt_call. */
        json_t *req = jf("{\"sort\":\"id:asc\"}");
        json_t *lj = NULL, *cj = NULL;
        CHECK(ckpt_vault_list(c, req, &lj, NULL) == CKPT_OK, "ckpt_vault_list");
        CHECK(ckpt_call(c, "vault.list", req, &cj, NULL) == CKPT_OK, "ckpt_call vault.list");
        CHECK(lj && cj && json_equal(lj, cj), "ckpt_vault_list and ckpt_call differ");
        json_decref(lj);
        json_decref(cj);
        json_decref(req);
    }
    /* Errors. */
    const char *bad[][2] = {
        {"{\"limit\":0}", "limit"},           {"{\"sort\":\"size\"}", "sort"},
        {"{\"id\":\"nope\"}", "id"},          {"{\"resource_ids\":\"x,y\"}", "resource_ids"},
        {"{\"status\":\"gone\"}", "status"},  {"{\"vault_id\":\"" MISSING_ID "\"}", "vault_id"},
        {"{\"marker\":\"" MISSING_ID "\"}", "marker"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *bj = jf("%s", bad[i][0]);
        LC_FAIL(ckpt_vault_list(c, bj, &resp, &err), E9900, bad[i][1]);
        json_decref(bj);
    }
    json_t *arr = json_array();
    LC_FAIL(ckpt_vault_list(c, arr, &resp, &err), E9900, NULL);
    json_decref(arr);
    LC_FAIL(ckpt_vault_list(NULL, NULL, &resp, &err), E9900, "client");
    CHECK(ckpt_vault_list(c, NULL, NULL, &err) == CKPT_EINVAL, "ckpt_vault_list(response NULL)");
    json_decref(err);
    CHECK(ckpt_vault_list(NULL, NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_vault_list(all NULL)");
    free(va);
    free(vb);
    free(vc);
    ckpt_client_close(c);
}

/* Whether vault.get finds the vault. */
static int vault_exists(ckpt_client *c, const char *vault) {
    json_t *req = json_pack("{s:s}", "vault_id", vault), *resp = NULL;
    int rc = ckpt_call(c, "vault.get", req, &resp, NULL);
    json_decref(req);
    json_decref(resp);
    return rc == CKPT_OK;
}

/* Whether vault.get stops finding the vault within ms milliseconds. */
static int vault_gone_within(ckpt_client *c, const char *vault, long long ms) {
    long long t0 = now_ms();
    while (vault_exists(c, vault)) {
        if (now_ms() - t0 >= ms) return 0;
        sleep_ms(20);
    }
    return 1;
}

/* ckpt_vault_delete expecting the given error object. */
static int h_vault_delete_fail(const char *file, int line, ckpt_client *c, const char *id, int code,
                               const char *cls, int http, const char *ecode, const char *msg_sub) {
    json_t *err = SENTINEL_J;
    int rc = ckpt_vault_delete(c, id, &err);
    int ok = h_check(rc == code, file, line, "ckpt_vault_delete(%.40s): rc %d, want %d", h_str(id), rc, code);
    if (err == SENTINEL_J) err = NULL;
    ok &= h_check_error(file, line, err, code, cls, http, ecode, msg_sub);
    json_decref(err);
    return ok;
}

#define vault_delete_fail(c, id, ...) h_vault_delete_fail(__FILE__, __LINE__, (c), (id), __VA_ARGS__)

/* The number of `type` tasks of a vault (operation_log.list's count). */
static long long vault_logs(ckpt_client *c, const char *vault, const char *type) {
    json_t *l = type ? call_okf(c, "operation_log.list", "{\"vault_id\":\"%s\",\"operation_type\":\"%s\"}", vault, type)
                     : call_okf(c, "operation_log.list", "{\"vault_id\":\"%s\"}", vault);
    long long n = json_is_integer(json_object_get(l, "count")) ? (long long)json_integer_value(json_object_get(l, "count")) : -1;
    json_decref(l);
    return n;
}

/* ckpt_vault_delete: the cascade, the vault_delete task, 6203, 6105, 9900. */
static void test_vault_delete(void) {
    ckpt_client *c = open_memory();
    if (!c) return;
    char r1[37], r2[37], r3[37];
    mkid(r1);
    mkid(r2);
    mkid(r3);
    res_t doomed_res[2] = {{r1, NULL, "srv", 2}, {r2, "OS::Cinder::Volume", "vol", 3}};
    res_t kept_res = {r3, NULL, "keep", 1};
    char *v = create_vault(c, "doomed", 100, doomed_res, 2);
    char *k = create_vault(c, "kept", 100, &kept_res, 1);
    json_t *resp, *err;
    if (v && k) {
        char *cps[3] = {0};
        for (int i = 0; i < 3; i++) cps[i] = create_checkpoint(c, v, NULL);
        char *kcp = create_checkpoint(c, k, NULL);
        char *gone = cps[0] ? backup_of(c, cps[0], r2) : NULL;
        if (gone) delete_ok(c, gone); /* a delete task of the vault */
        json_t *before = list_ok(c, NULL);
        long long total = page_count(before);
        json_decref(before);
        CHECK(total == 6, "%lld backups before the delete, want 6", total);
        long long kept_used = vault_used(c, k);

        /* 6203 while one is being made; nothing changes. */
        set_checkpoint_status(c, cps[1], "protecting");
        vault_delete_fail(c, v, CKPT_ECONFLICT, "conflict", 400, "BackupService.6203", v);
        json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
        CHECK(h_streq(jstr(g, "vault.billing.status"), "available"), "a refused delete changed the vault");
        json_decref(g);
        CHECK(vault_logs(c, v, "vault_delete") == 0, "a refused delete wrote a task");
        set_checkpoint_status(c, cps[1], "available");

        /* Gone at once (no simulated duration), with everything in it. */
        json_t *e2 = SENTINEL_J;
        CHECK(ckpt_vault_delete(c, v, &e2) == CKPT_OK && e2 == NULL, "ckpt_vault_delete: rc or *error");
        if (e2 != SENTINEL_J) json_decref(e2);
        call_failf(c, "vault.get", E6105, v, "{\"vault_id\":\"%s\"}", v);
        json_t *l = list_ok(c, "{\"vault_id\":\"%s\"}", v);
        CHECK(l && page_size(l) == 0 && page_count(l) == 0, "backup.list of a deleted vault is not empty");
        json_decref(l);
        l = list_ok(c, NULL);
        CHECK(page_count(l) == 1, "%lld backups left, want the other vault's 1", page_count(l));
        json_decref(l);
        for (int i = 0; i < 3; i++)
            if (cps[i]) LC_FAIL(ckpt_checkpoint_get(c, cps[i], &resp, &err), E6217, cps[i]);
        CHECK(vault_logs(c, v, NULL) == 1, "%lld tasks of the deleted vault, want its vault_delete only",
              vault_logs(c, v, NULL));
        json_t *t = call_okf(c, "operation_log.list", "{\"vault_id\":\"%s\"}", v);
        json_t *log = json_array_get(json_object_get(t, "operation_logs"), 0);
        check_operation_log("vault_delete log", log, "vault_delete", "success");
        CHECK(json_integer_value(jget(log, "extra_info.vault_delete.total_count")) == 5 &&
                  json_integer_value(jget(log, "extra_info.vault_delete.fail_count")) == 0,
              "vault_delete counts: %s", h_str(jstr(log, "id")));
        CHECK(h_streq(jstr(log, "vault_name"), "doomed"), "vault_delete log: vault_name");
        json_decref(t);
        /* The other vault is untouched. */
        CHECK(vault_used(c, k) == kept_used, "the other vault's usage changed");
        CHECK(kcp && h_streq(status_of(c, kcp), "available"), "the other vault's checkpoint");
        /* Twice: it is gone. */
        vault_delete_fail(c, v, E6105, v);
        free(gone);
        free(kcp);
        for (int i = 0; i < 3; i++) free(cps[i]);
    }
    vault_delete_fail(c, MISSING_ID, E6105, MISSING_ID);
    vault_delete_fail(c, NULL, E9900, "vault_id");
    vault_delete_fail(c, "nope", E9900, "vault_id");
    vault_delete_fail(c, "\xff", E9900, "vault_id");
    vault_delete_fail(NULL, MISSING_ID, E9900, "client");
    CHECK(ckpt_vault_delete(c, MISSING_ID, NULL) == CKPT_ENOTFOUND, "failing delete with NULL error");
    CHECK(ckpt_vault_delete(NULL, NULL, NULL) == CKPT_EINVAL, "ckpt_vault_delete(all NULL)");
    free(v);
    free(k);
    ckpt_client_close(c);

    /* With a simulated duration: "deleting", then gone. */
    c = h_open(__FILE__, __LINE__, "{\"path\":\":memory:\",\"simulate\":{\"backup_ms_per_gb\":100}}");
    if (!c) return;
    char r4[37];
    mkid(r4);
    res_t slow = {r4, NULL, "slow", 1};
    v = create_vault(c, "slow", 10, &slow, 1);
    if (v) {
        CHECK(ckpt_vault_delete(c, v, NULL) == CKPT_OK, "delete of an empty vault");
        json_t *g = call_okf(c, "vault.get", "{\"vault_id\":\"%s\"}", v);
        CHECK(h_streq(jstr(g, "vault.billing.status"), "deleting"), "vault is %s, want deleting",
              h_str(jstr(g, "vault.billing.status")));
        json_decref(g);
        CHECK(ckpt_vault_delete(c, v, NULL) == CKPT_OK, "deleting a vault being deleted changes nothing");
        CHECK(vault_logs(c, v, "vault_delete") == 1, "one vault_delete task, not two");
        json_t *cr = NULL, *ce = NULL;
        CHECK(ckpt_checkpoint_create(c, v, NULL, &cr, &ce) == CKPT_ECONFLICT, "a backup of a deleting vault");
        json_decref(cr);
        json_decref(ce);
        CHECK(vault_gone_within(c, v, 5000), "the vault is still there 5 s after its delete began");
    }
    free(v);
    ckpt_client_close(c);
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

/* Whether a failure is one the documents give for the call while its vault
 * is deleted under it: create of a vault being deleted (6113) or gone
 * (6105), every resource busy (1001); delete of a backup gone (6200), being
 * made (6203) or restored (6216). */
static int documented_race(const char *op, const json_t *err) {
    const char *code = jstr(err, "error_code");
    if (!code) return 0;
    if (strcmp(op, "create") == 0)
        return !strcmp(code, "BackupService.6113") || !strcmp(code, "BackupService.6105") ||
               !strcmp(code, "BackupService.1001");
    if (strcmp(op, "delete") == 0)
        return !strcmp(code, "BackupService.6200") || !strcmp(code, "BackupService.6203") ||
               !strcmp(code, "BackupService.6216");
    return 0;
}

/* A child's work while the vault is deleted: create, list and delete, until
 * creates have met the vault gone (6105) ten times, or n rounds.  Returns
 * the number of undocumented failures (255 if the vault never went). */
static int child_churns(const char *dir, const char *vault, int n) {
    ckpt_client *c = NULL;
    char cfg[2048], *err = NULL, filters[128];
    snprintf(cfg, sizeof cfg,
             "{\"path\":\"%s/churn.db\",\"durability\":\"normal\",\"simulate\":{\"backup_ms_per_gb\":3}}", dir);
    if (ckpt_client_open_text(cfg, &c, &err) != CKPT_OK) {
        fprintf(stderr, "child %d: open: %s\n", (int)getpid(), h_str(err));
        ckpt_free(err);
        return 1;
    }
    snprintf(filters, sizeof filters, "{\"vault_id\":\"%s\",\"limit\":5}", vault);
    json_t *f = jf("%s", filters);
    int failures = 0, gone = 0;
    for (int i = 0; i < n; i++) {
        json_t *resp = NULL, *e = NULL;
        const char *op = "create";
        int rc = ckpt_checkpoint_create(c, vault, NULL, &resp, &e);
        if (rc == CKPT_OK) {
            json_decref(resp);
            resp = NULL;
            op = "list";
            rc = ckpt_backup_list(c, f, &resp, &e);
            const char *victim = rc == CKPT_OK ? jstr(json_array_get(json_object_get(resp, "backups"), 0), "id") : NULL;
            if (victim) {
                op = "delete";
                rc = ckpt_backup_delete(c, victim, &e);
            }
        }
        if (rc != CKPT_OK && h_streq(jstr(e, "error_code"), "BackupService.6105") && ++gone == 10) {
            json_decref(e);
            break;
        }
        if (rc != CKPT_OK && !documented_race(op, e)) {
            char *d = h_dump(e);
            if (failures++ < 3) fprintf(stderr, "child %d: %s %d: rc %d %s\n", (int)getpid(), op, i, rc, d);
            free(d);
        }
        json_decref(resp);
        json_decref(e);
    }
    json_decref(f);
    ckpt_client_close(c);
    if (gone < 10) return 255;
    return failures > 254 ? 254 : failures;
}

/* One integer from a query of the store file (-1 when it fails). */
static long long store_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    long long out = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return out;
}

/* Four processes create, list and delete in a vault while a fifth deletes
 * it: no failure but the documented ones, nothing of the vault left, and
 * the store sound. */
static void test_processes_vault_delete(void) {
    char *dir = make_tmpdir();
    ckpt_client *c = open_file(dir, "churn.db", "\"durability\":\"normal\",\"simulate\":{\"backup_ms_per_gb\":3}");
    if (!c) {
        rm_rf(dir);
        return;
    }
    char r[3][37];
    res_t res[3];
    for (int i = 0; i < 3; i++) {
        mkid(r[i]);
        res[i] = (res_t){r[i], NULL, "srv", 1};
    }
    char *v = create_vault(c, "churn", 10485760, res, 3);
    char rk[37];
    mkid(rk);
    res_t kept_res = {rk, NULL, "kept", 1};
    char *k = create_vault(c, "kept", 100, &kept_res, 1);
    char *kcp = k ? create_checkpoint(c, k, NULL) : NULL;
    pid_t kids[4] = {0};
    for (int i = 0; v && i < 4; i++) {
        fflush(NULL);
        kids[i] = fork();
        if (kids[i] == 0) _exit(child_churns(dir, v, 100000));
        CHECK(kids[i] > 0, "fork");
    }
    sleep_ms(300);
    /* The fifth: delete the vault, again while a backup of it is being made (6203). */
    int rc = CKPT_ECONFLICT, refused = 0;
    long long t0 = now_ms();
    while (v && rc == CKPT_ECONFLICT && now_ms() - t0 < 20000) {
        json_t *e = NULL;
        rc = ckpt_vault_delete(c, v, &e);
        if (rc == CKPT_ECONFLICT) {
            CHECK(h_streq(jstr(e, "error_code"), "BackupService.6203"), "vault delete refused with %s",
                  h_str(jstr(e, "error_code")));
            refused++;
            sleep_ms(2);
        }
        json_decref(e);
    }
    CHECK(rc == CKPT_OK, "vault delete under load: rc %d after %d refusals", rc, refused);
    for (int i = 0; i < 4; i++) {
        int st = 0;
        if (kids[i] <= 0) continue;
        waitpid(kids[i], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: status 0x%x (undocumented failures or crash)", i, st);
    }
    /* Gone, once its simulated time has passed. */
    CHECK(v && vault_gone_within(c, v, 20000), "the vault outlived its delete");
    if (v) {
        json_t *l = list_ok(c, "{\"vault_id\":\"%s\"}", v);
        CHECK(l && page_count(l) == 0, "backups of the deleted vault remain");
        json_decref(l);
        CHECK(vault_logs(c, v, NULL) == 1 && vault_logs(c, v, "vault_delete") == 1,
              "tasks of the deleted vault: %lld, want its vault_delete only", vault_logs(c, v, NULL));
        json_t *t = call_okf(c, "operation_log.list", "{\"vault_id\":\"%s\"}", v);
        json_t *log = json_array_get(json_object_get(t, "operation_logs"), 0);
        CHECK(h_streq(jstr(log, "status"), "success") &&
                  json_integer_value(jget(log, "extra_info.vault_delete.total_count")) > 0,
              "the vault_delete task: %s, total_count %lld (the children made no backup?)", h_str(jstr(log, "status")),
              (long long)json_integer_value(jget(log, "extra_info.vault_delete.total_count")));
        json_decref(t);
    }
    CHECK(kcp && h_streq(status_of(c, kcp), "available"), "the other vault's checkpoint");
    ckpt_client_close(c);
    /* Nothing dangles, in the file itself. */
    char path[4096];
    snprintf(path, sizeof path, "%s/churn.db", dir);
    sqlite3 *db = NULL;
    if (CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open the store read-only")) {
        sqlite3_stmt *st = NULL;
        const char *ok = NULL;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            ok = (const char *)sqlite3_column_text(st, 0);
        CHECK(ok && strcmp(ok, "ok") == 0, "integrity_check: %s", h_str(ok));
        sqlite3_finalize(st);
        CHECK(store_int(db, "SELECT count(*) FROM backups") == 1, "backups left: %lld, want the other vault's 1",
              store_int(db, "SELECT count(*) FROM backups"));
        CHECK(store_int(db, "SELECT count(*) FROM checkpoints") == 1, "checkpoints left: %lld, want 1",
              store_int(db, "SELECT count(*) FROM checkpoints"));
        CHECK(store_int(db, "SELECT count(*) FROM resource_locks") == 0, "resource locks left");
        CHECK(store_int(db, "SELECT count(*) FROM vaults") == 1, "vault rows left: %lld, want 1",
              store_int(db, "SELECT count(*) FROM vaults"));
        /* The kept counts agree with the rows: the project's, and each vault's. */
        CHECK(store_int(db, "SELECT n FROM backup_counts WHERE substr(scope, 1, 1) = X'50'") == 1,
              "the project's backup count is %lld, want 1",
              store_int(db, "SELECT n FROM backup_counts WHERE substr(scope, 1, 1) = X'50'"));
        CHECK(store_int(db, "SELECT count(*) FROM backup_counts WHERE length(scope) = 16 AND n != "
                            "(SELECT count(*) FROM backups WHERE vault = scope)") == 0,
              "a vault's backup count disagrees with its rows");
        CHECK(store_int(db, "SELECT count(*) FROM operation_logs WHERE checkpoint != X'' AND checkpoint NOT IN "
                            "(SELECT checkpoint FROM backups) AND type = 0") == 0,
              "backup tasks of checkpoints that are gone remain");
        sqlite3_close(db);
    }
    free(kcp);
    free(k);
    free(v);
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
    {"backup_list_get", test_backup_list_get, 0},
    {"backup_delete", test_backup_delete, 0},
    {"backup_restore", test_backup_restore, 0},
    {"operation_log_wait", test_operation_log_wait, 0},
    {"backup_prune", test_backup_prune, 0},
    {"checkpoint_wait_ex", test_checkpoint_wait_ex, 0},
    {"lifecycle_backups", test_lifecycle_backups, 0},
    {"vault_list", test_vault_list, 0},
    {"vault_delete", test_vault_delete, 0},
    {"seed_checkpoint_v3", test_seed_checkpoint_v3, 0},
    {"seed_policy_v1", test_seed_policy_v1, 0},
    {"call_meta", test_call_meta, 0},
    {"ownership", test_ownership, 0},
    {"durability", test_durability, 0},
    {"two_handles_interleaved", test_two_handles_interleaved, 0},
    {"threads_shared_handle", test_threads_shared_handle, 1},
    {"threads_two_handles", test_threads_two_handles, 1},
    {"threads_wait", test_threads_wait_does_not_block, 1},
    {"threads_backups", test_threads_backups, 1},
    {"processes", test_processes, 1},
    {"processes_vault_delete", test_processes_vault_delete, 1},
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
