/* bad_inputs.c - runs the bad-input catalogue (bad_inputs.json) through the
 * libckpt C API.
 *
 *   bad_inputs CATALOGUE TMPDIR [-v] [--only SUBSTRING]
 *
 * For every case it asserts: the return code is the expected class's CKPT_E*
 * code; the error object (when asked for) has that code, class, error_code,
 * http_status, a short non-empty error_msg and a null request_id; every other
 * out-parameter is NULL; borrowed json_t inputs are unchanged (text and
 * reference count); and the store file is unchanged (a fingerprint of every
 * table read with sqlite3, before and after).  For ckpt_checkpoint_wait_ex
 * with a progress callback it also asserts how the callback was called: never
 * for a refused request, once for a canceled wait, with the user pointer as
 * given, a checkpoint object and a non-decreasing elapsed time.  The
 * catalogue format is in README.md.  Cases tagged "bug" are known library
 * bugs: they fail unless CKPT_HARDENING_XFAIL=1, which counts them as
 * expected failures (and an unexpected pass as a failure, so the tag gets
 * removed once fixed).
 *
 * The last line is "N passed, N failed"; the exit status is 1 on failure.
 */
#include "common.h"

#include <ctype.h>
#include <limits.h>

/* ==========================================================================
 * Fixtures and placeholders
 * ========================================================================== */

#define R1 "aaaaaaaa-0000-4000-8000-000000000001"
#define R2 "aaaaaaaa-0000-4000-8000-000000000002"
#define PR1 "bbbbbbbb-0000-4000-8000-000000000001"
/* 1.1 part 2 (vaults and CSBS checkpoints): */
#define R3 "aaaaaaaa-0000-4000-8000-000000000003"  /* in {vault_id2}: 6103 when added to {vault_id} */
#define R4 "aaaaaaaa-0000-4000-8000-000000000004"  /* in {vault_id2}: what the remove_resources cases remove */
#define R5 "aaaaaaaa-0000-4000-8000-000000000005"  /* in {busy_vault_id}, held by a backup being made */
#define PR2 "bbbbbbbb-0000-4000-8000-000000000002" /* in the busy policy, held by a v1 checkpoint being made */
/* Backups made through the busy handle take this long per GB (the maximum),
 * so they stay "protecting" for hours: far longer than a run. */
#define BUSY_MS_PER_GB "3600000"
#define MISSING_ID "00000000-0000-4000-8000-00000000dead"

typedef struct {
    const char *name;
    char *value;
} placeholder;

static placeholder ph[32];
static int nph;

static void ph_set(const char *name, const char *value) {
    if (nph >= (int)(sizeof ph / sizeof ph[0])) {
        fprintf(stderr, "too many placeholders\n");
        exit(2);
    }
    ph[nph].name = name;
    ph[nph].value = strdup(value);
    nph++;
}

/* A placeholder set to response["<top>"]["id"]. */
static void ph_set_id(const char *name, const json_t *resp, const char *top) {
    char *id = h_id(resp, top);
    ph_set(name, id);
    free(id);
}

static const char *ph_get(const char *name) {
    for (int i = 0; i < nph; i++)
        if (strcmp(ph[i].name, name) == 0) return ph[i].value;
    return NULL;
}

static char *g_tmpdir;
static char *g_store;
static ckpt_client *g_client;
static int g_verbose;

/* Expands the catalogue's placeholders in n bytes of text:
 *   {vault_id} {plan_id} ... (fixtures), {tmpdir}, {store} ...
 *   {pad:N}        N 'x' characters
 *   {deep_arr:N}   N nested arrays
 *   {deep_obj:N}   N nested objects
 *   {int_array:N}  an array of N zeros
 *   {uuid_array:N} an array of N distinct UUID strings
 *   {many_keys:N}  N object members "k0":0,"k1":0,... (without braces)
 *   {grapheme:N}   'a' followed by N U+0301 (one grapheme cluster)
 *   {ws_to:N}      spaces, so that the whole expanded text is N bytes
 * Unknown {...} sequences are copied as they are. */
static hbuf expand(const char *in, size_t n) {
    hbuf out = {0};
    hb_reserve(&out, n);
    out.p[0] = '\0';
    long ws_to = -1;
    size_t ws_at = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] == '{') {
            size_t j = i + 1;
            while (j < n && j - i < 40 && (isalnum((unsigned char)in[j]) || in[j] == '_' || in[j] == ':')) j++;
            if (j < n && in[j] == '}' && j > i + 1) {
                char key[48];
                memcpy(key, in + i + 1, j - i - 1);
                key[j - i - 1] = '\0';
                char *colon = strchr(key, ':');
                long num = 0;
                if (colon) {
                    *colon = '\0';
                    num = strtol(colon + 1, NULL, 10);
                }
                const char *v = colon ? NULL : ph_get(key);
                int done = 1;
                if (v) {
                    hb_adds(&out, v);
                } else if (colon && strcmp(key, "pad") == 0) {
                    hb_fill(&out, 'x', (size_t)num);
                } else if (colon && strcmp(key, "deep_arr") == 0) {
                    hb_fill(&out, '[', (size_t)num);
                    hb_fill(&out, ']', (size_t)num);
                } else if (colon && strcmp(key, "deep_obj") == 0) {
                    for (long k = 1; k < num; k++) hb_adds(&out, "{\"a\":");
                    hb_adds(&out, "{}");
                    hb_fill(&out, '}', (size_t)(num > 0 ? num - 1 : 0));
                } else if (colon && strcmp(key, "int_array") == 0) {
                    hb_adds(&out, "[");
                    for (long k = 0; k < num; k++) hb_adds(&out, k ? ",0" : "0");
                    hb_adds(&out, "]");
                } else if (colon && strcmp(key, "uuid_array") == 0) {
                    hb_adds(&out, "[");
                    for (long k = 0; k < num; k++) hb_printf(&out, "%s\"ffffffff-0000-4000-8000-%012lx\"", k ? "," : "", k);
                    hb_adds(&out, "]");
                } else if (colon && strcmp(key, "many_keys") == 0) {
                    for (long k = 0; k < num; k++) hb_printf(&out, "%s\"k%ld\":0", k ? "," : "", k);
                } else if (colon && strcmp(key, "grapheme") == 0) {
                    hb_adds(&out, "a");
                    for (long k = 0; k < num; k++) hb_adds(&out, "\xcc\x81");
                } else if (colon && strcmp(key, "ws_to") == 0) {
                    ws_to = num;
                    ws_at = out.n;
                } else {
                    done = 0;
                }
                if (done) {
                    i = j + 1;
                    continue;
                }
            }
        }
        hb_add(&out, in + i, 1);
        i++;
    }
    if (ws_to >= 0 && (size_t)ws_to > out.n) {
        size_t pad = (size_t)ws_to - out.n;
        hb_reserve(&out, pad);
        memmove(out.p + ws_at + pad, out.p + ws_at, out.n - ws_at + 1);
        memset(out.p + ws_at, ' ', pad);
        out.n += pad;
    }
    return out;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex text, then expands placeholders in the bytes. */
static hbuf from_hex(const char *hex) {
    hbuf raw = {0};
    size_t n = strlen(hex);
    for (size_t i = 0; i + 1 < n; i += 2) {
        char c = (char)(hexval(hex[i]) * 16 + hexval(hex[i + 1]));
        hb_add(&raw, &c, 1);
    }
    hbuf out = expand(raw.p ? raw.p : "", raw.n);
    hb_free(&raw);
    return out;
}

/* The id of the first item of a list operation's answer (the request is
 * printf-style); exits when the list is empty: for fixtures only. */
static char *h_first_id(ckpt_client *c, const char *op, const char *collection, const char *fmt, ...) {
    char req[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(req, sizeof req, fmt, ap);
    va_end(ap);
    json_t *list = h_must(c, op, req);
    const char *id = json_string_value(json_object_get(json_array_get(json_object_get(list, collection), 0), "id"));
    if (!id) {
        fprintf(stderr, "fixture %s %s: no %s\n", op, req, collection);
        exit(2);
    }
    char *out = strdup(id);
    json_decref(list);
    return out;
}

static void setup_fixtures(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/store.db", g_tmpdir);
    g_store = strdup(path);
    h_remove_store(g_store);
    g_client = h_open("{\"path\": \"%s\"}", g_store);

    json_t *v = h_must(g_client, "vault.create",
                       "{\"vault\": {\"name\": \"hardening\", \"billing\": {\"size\": 1000}, \"resources\": ["
                       "{\"id\": \"" R1 "\", \"type\": \"OS::Nova::Server\", \"name\": \"r1\", \"size\": 1},"
                       "{\"id\": \"" R2 "\", \"type\": \"OS::Cinder::Volume\", \"name\": \"r2\", \"size\": 1}]}}");
    char *vault_id = h_id(v, "vault");
    json_t *p = h_must(g_client, "policy.create",
                       "{\"policy\": {\"name\": \"hardening\", \"resources\": ["
                       "{\"id\": \"" PR1 "\", \"type\": \"OS::Nova::Server\", \"name\": \"p1\"}]}}");
    char *plan_id = h_id(p, "policy");
    char req[1024];
    snprintf(req, sizeof req, "{\"checkpoint\": {\"vault_id\": \"%s\", \"parameters\": {\"resources\": [\"" R1 "\"]}}}",
             vault_id);
    /* An older checkpoint of R1 first: its backup is {old_backup_id}, the one
     * a prune that keeps the newest would delete (and the target of the
     * delete cases), so a wrongly accepted prune or delete leaves the
     * {checkpoint_id} fixture readable. */
    json_t *old = h_must(g_client, "checkpoint.create", req);
    json_t *c = h_must(g_client, "checkpoint.create", req);
    snprintf(req, sizeof req, "{\"checkpoint\": {\"plan_id\": \"%s\", \"parameters\": {}}}", plan_id);
    json_t *e = h_must(g_client, "policy.execute", req);

    ph_set("vault_id", vault_id);
    ph_set("plan_id", plan_id);
    char *cid = h_id(c, "checkpoint"), *v1 = h_id(e, "checkpoint");
    ph_set("checkpoint_id", cid);
    ph_set("v1_checkpoint_id", v1);
    ph_set("resource_id", R1);
    ph_set("resource_id2", R2);
    char upper[64];
    snprintf(upper, sizeof upper, "%s", R1);
    for (char *q = upper; *q; q++) *q = (char)toupper((unsigned char)*q);
    ph_set("resource_id_upper", upper);
    ph_set("policy_resource_id", PR1);
    ph_set("missing_id", MISSING_ID);
    ph_set("tmpdir", g_tmpdir);
    ph_set("store", g_store);

    /* 1.1: the backups of the two checkpoints, and the newest backup task of R1. */
    char *old_cid = h_id(old, "checkpoint");
    char *backup_id = h_first_id(g_client, "backup.list", "backups", "{\"checkpoint_id\": \"%s\"}", cid);
    char *old_backup_id = h_first_id(g_client, "backup.list", "backups", "{\"checkpoint_id\": \"%s\"}", old_cid);
    char *log_id = h_first_id(g_client, "operation_log.list", "operation_logs",
                              "{\"vault_id\": \"%s\", \"resource_id\": \"" R1 "\", \"operation_type\": \"backup\", "
                              "\"status\": \"success\", \"sort\": \"created_at:desc\", \"limit\": 1}",
                              vault_id);
    ph_set("backup_id", backup_id);
    ph_set("old_backup_id", old_backup_id);
    ph_set("operation_log_id", log_id);

    /* 1.1 part 2.  {spare_v1_checkpoint_id}: a second v1 checkpoint of
     * {plan_id}, the target of the policy.checkpoint_delete cases (so a
     * wrongly accepted delete leaves {v1_checkpoint_id} readable). */
    snprintf(req, sizeof req, "{\"checkpoint\": {\"plan_id\": \"%s\", \"parameters\": {}}}", plan_id);
    json_t *e_spare = h_must(g_client, "policy.execute", req);
    ph_set_id("spare_v1_checkpoint_id", e_spare, "checkpoint");
    json_decref(e_spare);
    /* {spare_vault_id}: an empty vault, the target of the vault.delete cases
     * (a wrongly accepted delete removes nothing another case needs). */
    json_t *spare = h_must(g_client, "vault.create",
                           "{\"vault\": {\"name\": \"hardening-spare\", \"billing\": {\"size\": 10}, \"resources\": []}}");
    ph_set_id("spare_vault_id", spare, "vault");
    json_decref(spare);
    /* {vault_id2}: a second vault holding {resource_id3} (in another vault:
     * 6103 when added to {vault_id}) and {resource_id4} (what the
     * remove_resources cases remove from it). */
    json_t *v2 = h_must(g_client, "vault.create",
                        "{\"vault\": {\"name\": \"hardening-2\", \"billing\": {\"size\": 10}, \"resources\": ["
                        "{\"id\": \"" R3 "\", \"type\": \"OS::Nova::Server\", \"name\": \"r3\", \"size\": 1},"
                        "{\"id\": \"" R4 "\", \"type\": \"OS::Nova::Server\", \"name\": \"r4\", \"size\": 1}]}}");
    ph_set_id("vault_id2", v2, "vault");
    json_decref(v2);
    ph_set("resource_id3", R3);
    ph_set("resource_id4", R4);
    /* {busy_vault_id}: a vault whose backup of {busy_resource_id} is being
     * made, and {busy_v1_checkpoint_id}: a v1 checkpoint being made, both
     * through a second handle whose simulated backups take hours.  They are
     * what 6203 (vault.delete), 6134 (vault.remove_resources), 6203
     * (backup.delete of {busy_backup_id}) and CSBS.2003
     * (policy.checkpoint_delete) refuse. */
    json_t *bv = h_must(g_client, "vault.create",
                        "{\"vault\": {\"name\": \"hardening-busy\", \"billing\": {\"size\": 100}, \"resources\": ["
                        "{\"id\": \"" R5 "\", \"type\": \"OS::Nova::Server\", \"name\": \"r5\", \"size\": 10}]}}");
    char *busy_vault = h_id(bv, "vault");
    json_decref(bv);
    json_t *bp = h_must(g_client, "policy.create",
                        "{\"policy\": {\"name\": \"hardening-busy\", \"resources\": ["
                        "{\"id\": \"" PR2 "\", \"type\": \"OS::Nova::Server\", \"name\": \"p2\", \"size\": 10}]}}");
    char *busy_plan = h_id(bp, "policy");
    json_decref(bp);
    ckpt_client *slow = h_open("{\"path\": \"%s\", \"simulate\": {\"backup_ms_per_gb\": " BUSY_MS_PER_GB "}}", g_store);
    snprintf(req, sizeof req, "{\"checkpoint\": {\"vault_id\": \"%s\", \"parameters\": {\"resources\": [\"" R5 "\"]}}}",
             busy_vault);
    json_t *bc = h_must(slow, "checkpoint.create", req);
    char *busy_cid = h_id(bc, "checkpoint");
    json_decref(bc);
    snprintf(req, sizeof req, "{\"checkpoint\": {\"plan_id\": \"%s\", \"parameters\": {}}}", busy_plan);
    json_t *be = h_must(slow, "policy.execute", req);
    ph_set_id("busy_v1_checkpoint_id", be, "checkpoint");
    json_decref(be);
    ckpt_client_close(slow);
    char *busy_backup = h_first_id(g_client, "backup.list", "backups", "{\"checkpoint_id\": \"%s\"}", busy_cid);
    ph_set("busy_vault_id", busy_vault);
    ph_set("busy_resource_id", R5);
    ph_set("busy_backup_id", busy_backup);
    free(busy_vault);
    free(busy_plan);
    free(busy_cid);
    free(busy_backup);
    free(old_cid);
    free(backup_id);
    free(old_backup_id);
    free(log_id);
    json_decref(old);
    free(vault_id);
    free(plan_id);
    free(cid);
    free(v1);
    json_decref(v);
    json_decref(p);
    json_decref(c);
    json_decref(e);

    /* A file that is not a database. */
    snprintf(path, sizeof path, "%s/garbage.db", g_tmpdir);
    h_remove_store(path);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    for (int i = 0; i < 200; i++) fputs("this is not an SQLite database, just text.\n", f);
    fclose(f);
    ph_set("garbage_store", path);

    /* A store written by a future libckpt (schema version 99). */
    snprintf(path, sizeof path, "%s/future.db", g_tmpdir);
    h_remove_store(path);
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE vaults(x); PRAGMA user_version=99;", NULL, NULL, NULL) !=
            SQLITE_OK) {
        fprintf(stderr, "cannot create %s\n", path);
        exit(2);
    }
    sqlite3_close(db);
    ph_set("future_store", path);
}

/* ==========================================================================
 * One case
 * ========================================================================== */

enum fn {
    FN_CALL,
    FN_CALL_TEXT,
    FN_CALL_EX,
    FN_CALL_TEXT_EX,
    FN_OPEN,
    FN_OPEN_TEXT,
    FN_CREATE,
    FN_GET,
    FN_WAIT,
    FN_EXECUTE,
    FN_WAIT_EX,
    FN_BACKUP_LIST,
    FN_BACKUP_GET,
    FN_BACKUP_DELETE,
    FN_BACKUP_RESTORE,
    FN_LOG_WAIT,
    FN_BACKUP_PRUNE,
    FN_VAULT_LIST,
    FN_VAULT_DELETE,
    FN_BAD
};

static enum fn fn_of(const char *api, const char *function) {
    if (strcmp(api, "text") == 0) return FN_CALL_TEXT;
    if (strcmp(api, "json") == 0) return FN_CALL;
    if (strcmp(api, "open") == 0) return FN_OPEN;
    if (strcmp(api, "open_text") == 0) return FN_OPEN_TEXT;
    if (!function) return FN_BAD;
    static const struct {
        const char *name;
        enum fn fn;
    } map[] = {{"ckpt_call", FN_CALL},
               {"ckpt_call_text", FN_CALL_TEXT},
               {"ckpt_call_ex", FN_CALL_EX},
               {"ckpt_call_text_ex", FN_CALL_TEXT_EX},
               {"ckpt_client_open", FN_OPEN},
               {"ckpt_client_open_text", FN_OPEN_TEXT},
               {"ckpt_checkpoint_create", FN_CREATE},
               {"ckpt_checkpoint_get", FN_GET},
               {"ckpt_checkpoint_wait", FN_WAIT},
               {"ckpt_policy_execute", FN_EXECUTE},
               {"ckpt_checkpoint_wait_ex", FN_WAIT_EX},
               {"ckpt_backup_list", FN_BACKUP_LIST},
               {"ckpt_backup_get", FN_BACKUP_GET},
               {"ckpt_backup_delete", FN_BACKUP_DELETE},
               {"ckpt_backup_restore", FN_BACKUP_RESTORE},
               {"ckpt_operation_log_wait", FN_LOG_WAIT},
               {"ckpt_backup_prune", FN_BACKUP_PRUNE},
               {"ckpt_vault_list", FN_VAULT_LIST},
               {"ckpt_vault_delete", FN_VAULT_DELETE}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, function) == 0) return map[i].fn;
    return FN_BAD;
}

/* A failure report for the current case. */
static hbuf g_why;
static int g_nwhy;
/* WHY: a failed assertion; NOTE: context printed with the failures. */
#define WHY(...) (g_nwhy++, hb_adds(&g_why, "\n    "), hb_printf(&g_why, __VA_ARGS__))
#define NOTE(...) (hb_adds(&g_why, "\n    "), hb_printf(&g_why, __VA_ARGS__))

/* The string argument of a typed function ("vault_id", "plan_id", ...). */
static const char *id_arg_of(enum fn fn) {
    switch (fn) {
    case FN_CREATE:
    case FN_VAULT_DELETE: return "vault_id";
    case FN_EXECUTE: return "plan_id";
    case FN_BACKUP_GET:
    case FN_BACKUP_DELETE:
    case FN_BACKUP_RESTORE: return "backup_id";
    case FN_LOG_WAIT: return "operation_log_id";
    default: return "checkpoint_id";
    }
}

/* The borrowed json_t argument of a typed function, given in "args" as JSON
 * text under this name (NULL: the function has none). */
static const char *json_arg_of(enum fn fn) {
    switch (fn) {
    case FN_CREATE:
    case FN_EXECUTE: return "parameters";
    case FN_BACKUP_LIST:
    case FN_VAULT_LIST: return "filters";
    case FN_BACKUP_RESTORE: return "restore";
    case FN_BACKUP_PRUNE: return "request";
    default: return NULL;
    }
}

/* The progress callback of ckpt_checkpoint_wait_ex ("progress": "cancel"
 * returns 1, "continue" 0), recording how it was called. */
#define PROGRESS_MAGIC 0x70726f67
typedef struct {
    int magic;
    int cancel;
    int calls;
    int bad_subject;
    int bad_elapsed;
    long long last_ms;
} progress_state;

static int progress_cb(const json_t *subject, long long elapsed_ms, void *user) {
    progress_state *p = user;
    if (!p || p->magic != PROGRESS_MAGIC) return 1; /* user was not passed as it is; counted by the caller */
    p->calls++;
    if (!json_is_object(subject) || !json_is_string(json_object_get(subject, "status"))) p->bad_subject++;
    if (elapsed_ms < 0 || elapsed_ms < p->last_ms) p->bad_elapsed++;
    p->last_ms = elapsed_ms;
    return p->cancel;
}

static int is_null_arg(const json_t *c, const char *arg) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c, "null"), i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), arg) == 0) return 1;
    }
    return 0;
}

/* Text of a string field with placeholders expanded, or of its "<key>_hex"
 * twin; NULL (p == NULL) when neither is a string. */
static hbuf text_field(const json_t *o, const char *key) {
    char hexkey[64];
    snprintf(hexkey, sizeof hexkey, "%s_hex", key);
    const char *hex = json_string_value(json_object_get(o, hexkey));
    if (hex) return from_hex(hex);
    const json_t *v = json_object_get(o, key);
    if (json_is_string(v)) return expand(json_string_value(v), json_string_length(v));
    hbuf none = {0};
    return none;
}

/* Parses text for a json_t entry point: ANY value, NUL escapes allowed (so
 * the library, not jansson, is what refuses them). */
static json_t *parse_input(const hbuf *text, const char *what) {
    json_error_t e;
    json_t *j = json_loadb(text->p, text->n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!j) WHY("catalogue: %s is not JSON for a json_t entry point: %s", what, e.text);
    return j;
}

/* Applies "json_patch": strings (or keys) with bytes jansson's checked API
 * would refuse (invalid UTF-8, NUL), built with the *_nocheck functions. */
static int apply_patches(json_t *root, const json_t *patches) {
    size_t i;
    json_t *patch;
    json_array_foreach(patches, i, patch) {
        const json_t *path = json_object_get(patch, "path");
        size_t n = json_array_size(path);
        const char *key_hex = json_string_value(json_object_get(patch, "key_hex"));
        size_t walk = key_hex ? n : n - 1;
        json_t *o = root;
        for (size_t k = 0; k < walk && o; k++) {
            json_t *step = json_array_get(path, k);
            o = json_is_integer(step) ? json_array_get(o, (size_t)json_integer_value(step))
                                      : json_object_get(o, json_string_value(step));
        }
        hbuf value = from_hex(json_string_value(json_object_get(patch, "hex")));
        json_t *s = json_stringn_nocheck(value.p ? value.p : "", value.n);
        hb_free(&value);
        int rc;
        if (!json_is_object(o)) {
            json_decref(s);
            WHY("catalogue: json_patch path does not lead to an object");
            return -1;
        }
        if (key_hex) {
            hbuf key = from_hex(key_hex);
            rc = json_object_set_new_nocheck(o, key.p ? key.p : "", s);
            hb_free(&key);
        } else {
            rc = json_object_set_new_nocheck(o, json_string_value(json_array_get(path, n - 1)), s);
        }
        if (rc != 0) {
            WHY("catalogue: json_patch failed");
            return -1;
        }
    }
    return 0;
}

/* "special": "cycle": root["cycle"] = a, with a = [b] and b = [a]. */
static json_t *g_cycle_b;
static void make_cycle(json_t *root) {
    json_t *a = json_array(), *b = json_array();
    json_array_append(a, b);
    json_array_append(b, a);
    json_object_set_new(root, "cycle", a);
    g_cycle_b = b;
    json_decref(b);
}
static void break_cycle(void) {
    if (g_cycle_b) json_array_clear(g_cycle_b);
    g_cycle_b = NULL;
}

/* Snapshot of a borrowed input: its text and reference count. */
typedef struct {
    const json_t *j;
    char *text;
    size_t refcount;
} snapshot;

static snapshot snap(const json_t *j) {
    snapshot s = {j, NULL, 0};
    if (j) {
        s.text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        s.refcount = j->refcount;
    }
    return s;
}

static void check_snapshot(snapshot *s, const char *what) {
    if (!s->j) return;
    char *now = json_dumps(s->j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if ((now == NULL) != (s->text == NULL) || (now && strcmp(now, s->text) != 0))
        WHY("borrowed %s was modified", what);
    if (s->j->refcount != s->refcount)
        WHY("borrowed %s: refcount %zu -> %zu", what, s->refcount, (size_t)s->j->refcount);
    free(now);
    free(s->text);
    s->text = NULL;
}

static uint64_t file_hash(const char *path, int *exists) {
    FILE *f = fopen(path, "rb");
    *exists = f != NULL;
    uint64_t h = H_FNV_INIT;
    if (!f) return h;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) h = h_fnv(h, buf, n);
    fclose(f);
    return h;
}

/* Checks an error object against the expectation. */
static void check_error(const json_t *err, int rc, const json_t *expect) {
    const char *want_class = json_string_value(json_object_get(expect, "class"));
    const char *want_code = json_string_value(json_object_get(expect, "error_code"));
    if (!json_is_object(err)) {
        WHY("error out-parameter is not an object");
        return;
    }
    json_t *code = json_object_get(err, "code");
    if (!json_is_integer(code) || json_integer_value(code) != rc)
        WHY("error.code %lld != return code %d", (long long)json_integer_value(code), rc);
    if (strcmp(h_err_str(err, "class"), want_class) != 0)
        WHY("error.class \"%s\", expected \"%s\"", h_err_str(err, "class"), want_class);
    if (!json_is_string(json_object_get(err, "error_code")) || strcmp(h_err_str(err, "error_code"), want_code) != 0)
        WHY("error.error_code \"%s\", expected \"%s\"", h_err_str(err, "error_code"), want_code);
    long long want_http = json_is_integer(json_object_get(expect, "http_status"))
                              ? json_integer_value(json_object_get(expect, "http_status"))
                              : (want_code[0] ? 400 : 0);
    json_t *http = json_object_get(err, "http_status");
    if (!json_is_integer(http) || json_integer_value(http) != want_http)
        WHY("error.http_status %lld, expected %lld", (long long)json_integer_value(http), want_http);
    const char *msg = h_err_str(err, "error_msg");
    if (!json_is_string(json_object_get(err, "error_msg")) || !msg[0]) WHY("error.error_msg is missing or empty");
    if (strlen(msg) > 8192) WHY("error.error_msg is %zu bytes long (it echoes the input?)", strlen(msg));
    if (!json_is_null(json_object_get(err, "request_id"))) WHY("error.request_id is not null");
    const char *contains = json_string_value(json_object_get(expect, "msg_contains"));
    if (contains && !strstr(msg, contains)) WHY("error.error_msg does not contain \"%s\"", contains);
    /* A wait that ends in failure, a timeout or a cancel carries the object
     * it waited on (ckpt.h, "The error object"). */
    const char *member = json_string_value(json_object_get(expect, "error_member"));
    if (member && !json_is_object(json_object_get(err, member)))
        WHY("error object has no \"%s\" object", member);
    char shown[301];
    size_t k = 0;
    for (; k < 300 && msg[k]; k++) shown[k] = ((unsigned char)msg[k] < 0x20 || (unsigned char)msg[k] > 0x7e) ? '?' : msg[k];
    shown[k] = '\0';
    NOTE("error_msg: %s%s", shown, msg[k] ? "..." : "");
}

typedef struct {
    int passed, failed, xfailed;
} tally;

static char *g_baseline;

static void run_case(const json_t *c, tally *t) {
    const char *name = json_string_value(json_object_get(c, "name"));
    const char *api = json_string_value(json_object_get(c, "api"));
    const json_t *expect = json_object_get(c, "expect");
    const char *want_class = json_string_value(json_object_get(expect, "class"));
    const char *bug = json_string_value(json_object_get(c, "bug"));
    g_why.n = 0;
    g_nwhy = 0;
    if (!name || !api || !want_class || !json_is_string(json_object_get(expect, "error_code"))) {
        fprintf(stderr, "FAIL %s: catalogue entry lacks name, api or expect\n", name ? name : "(unnamed)");
        t->failed++;
        return;
    }
    int want_rc = h_class_code(want_class);
    enum fn fn = fn_of(api, json_string_value(json_object_get(c, "function")));
    const json_t *args = json_object_get(c, "args");
    const char *special = json_string_value(json_object_get(c, "special"));

    /* --- inputs --- */
    hbuf op = text_field(c, "operation");
    hbuf req = text_field(c, "request");
    hbuf cfg = {0};
    const json_t *cfgv = json_object_get(c, "config");
    if (json_string_value(json_object_get(c, "config_hex"))) {
        cfg = from_hex(json_string_value(json_object_get(c, "config_hex")));
    } else if (json_is_string(cfgv)) {
        cfg = expand(json_string_value(cfgv), json_string_length(cfgv));
    } else if (cfgv && !json_is_null(cfgv)) {
        char *s = json_dumps(cfgv, JSON_COMPACT | JSON_ENCODE_ANY);
        cfg = expand(s, strlen(s));
        free(s);
    }
    hbuf id = {0}, status = {0}, params_text = {0};
    long long timeout_ms = 0;
    const char *idname = id_arg_of(fn);
    const char *jname = json_arg_of(fn);
    const char *progress_kind = json_string_value(json_object_get(args, "progress"));
    progress_state pstate = {PROGRESS_MAGIC, progress_kind && strcmp(progress_kind, "cancel") == 0, 0, 0, 0, 0};
    if (args) {
        id = text_field(args, idname);
        status = text_field(args, "status");
        if (jname) params_text = text_field(args, jname);
        json_t *to = json_object_get(args, "timeout_ms");
        if (json_is_integer(to)) timeout_ms = json_integer_value(to);
        else if (json_is_string(to) && strcmp(json_string_value(to), "LLONG_MAX") == 0) timeout_ms = LLONG_MAX;
        else if (json_is_string(to) && strcmp(json_string_value(to), "LLONG_MIN") == 0) timeout_ms = LLONG_MIN;
    }
    json_t *req_json = NULL, *cfg_json = NULL, *params = NULL;
    int setup_ok = fn != FN_BAD;
    if (fn == FN_BAD) WHY("catalogue: unknown api/function");
    if ((fn == FN_CALL || fn == FN_CALL_EX) && req.p && !is_null_arg(c, "request")) {
        req_json = parse_input(&req, "request");
        setup_ok = req_json != NULL;
        if (req_json && json_object_get(c, "json_patch")) setup_ok = apply_patches(req_json, json_object_get(c, "json_patch")) == 0;
        if (req_json && special && strcmp(special, "cycle") == 0) make_cycle(req_json);
    }
    if (fn == FN_OPEN && cfg.p && !is_null_arg(c, "config")) {
        cfg_json = parse_input(&cfg, "config");
        setup_ok = setup_ok && cfg_json != NULL;
        if (cfg_json && special && strcmp(special, "cycle") == 0) make_cycle(cfg_json);
    }
    if (progress_kind && strcmp(progress_kind, "cancel") != 0 && strcmp(progress_kind, "continue") != 0) {
        WHY("catalogue: progress is \"cancel\" or \"continue\"");
        setup_ok = 0;
    }
    if (params_text.p && !is_null_arg(c, jname)) {
        params = parse_input(&params_text, jname);
        setup_ok = setup_ok && params != NULL;
    }
    const char *no_file = json_string_value(json_object_get(c, "expect_no_file"));
    hbuf no_file_path = no_file ? expand(no_file, strlen(no_file)) : (hbuf){0};
    const char *unchanged = json_string_value(json_object_get(c, "expect_unchanged_file"));
    hbuf unchanged_path = unchanged ? expand(unchanged, strlen(unchanged)) : (hbuf){0};
    int existed = 0;
    uint64_t before_hash = unchanged_path.p ? file_hash(unchanged_path.p, &existed) : 0;

    snapshot s_req = snap(req_json), s_cfg = snap(cfg_json), s_par = snap(params);
    if (special && strcmp(special, "cycle") == 0) { /* cannot be dumped: compare refcounts only */
        free(s_req.text);
        free(s_cfg.text);
        s_req.text = s_cfg.text = NULL;
    }

    /* --- the call --- */
    ckpt_client *client = is_null_arg(c, "client") ? NULL : g_client;
    const char *opp = is_null_arg(c, "operation") ? NULL : op.p;
    const char *reqp = is_null_arg(c, "request") ? NULL : req.p;
    const char *cfgp = is_null_arg(c, "config") ? NULL : cfg.p;
    const char *idp = id.p;
    int null_resp = is_null_arg(c, "response") || is_null_arg(c, "out");
    /* ckpt_backup_delete and ckpt_vault_delete have no response out-parameter */
    int has_resp = fn != FN_BACKUP_DELETE && fn != FN_VAULT_DELETE;
    int null_err = is_null_arg(c, "error");
    if (is_null_arg(c, idname)) idp = NULL;
    const char *statusp = is_null_arg(c, "status") ? NULL : status.p;

    char sentinel;
    json_t *resp_j = (json_t *)(void *)&sentinel, *err_j = (json_t *)(void *)&sentinel;
    char *resp_s = &sentinel, *err_s = &sentinel, *meta_s = &sentinel;
    json_t *meta_j = (json_t *)(void *)&sentinel;
    int null_meta = is_null_arg(c, "meta");
    ckpt_client *out_c = (ckpt_client *)(void *)&sentinel;
    int text_err = fn == FN_CALL_TEXT || fn == FN_OPEN_TEXT || fn == FN_CALL_TEXT_EX;
    int text_resp = fn == FN_CALL_TEXT || fn == FN_CALL_TEXT_EX;
    int rc = 1;
    double started = h_now();
    if (setup_ok) {
        switch (fn) {
        case FN_CALL:
            rc = ckpt_call(client, opp, req_json, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_CALL_TEXT:
            rc = ckpt_call_text(client, opp, reqp, null_resp ? NULL : &resp_s, null_err ? NULL : &err_s);
            break;
        case FN_CALL_EX:
            rc = ckpt_call_ex(client, opp, req_json, null_resp ? NULL : &resp_j, null_meta ? NULL : &meta_j,
                              null_err ? NULL : &err_j);
            break;
        case FN_CALL_TEXT_EX:
            rc = ckpt_call_text_ex(client, opp, reqp, null_resp ? NULL : &resp_s, null_meta ? NULL : &meta_s,
                                   null_err ? NULL : &err_s);
            break;
        case FN_OPEN:
            rc = ckpt_client_open(cfg_json, null_resp ? NULL : &out_c, null_err ? NULL : &err_j);
            break;
        case FN_OPEN_TEXT:
            rc = ckpt_client_open_text(cfgp, null_resp ? NULL : &out_c, null_err ? NULL : &err_s);
            break;
        case FN_CREATE:
            rc = ckpt_checkpoint_create(client, idp, params, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_GET:
            rc = ckpt_checkpoint_get(client, idp, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_WAIT:
            rc = ckpt_checkpoint_wait(client, idp, statusp, timeout_ms, null_resp ? NULL : &resp_j,
                                      null_err ? NULL : &err_j);
            break;
        case FN_EXECUTE:
            rc = ckpt_policy_execute(client, idp, params, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_WAIT_EX:
            rc = ckpt_checkpoint_wait_ex(client, idp, statusp, timeout_ms, progress_kind ? progress_cb : NULL,
                                         progress_kind ? &pstate : NULL, null_resp ? NULL : &resp_j,
                                         null_err ? NULL : &err_j);
            break;
        case FN_BACKUP_LIST:
            rc = ckpt_backup_list(client, params, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_BACKUP_GET:
            rc = ckpt_backup_get(client, idp, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_BACKUP_DELETE:
            rc = ckpt_backup_delete(client, idp, null_err ? NULL : &err_j);
            break;
        case FN_BACKUP_RESTORE:
            rc = ckpt_backup_restore(client, idp, params, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_LOG_WAIT:
            rc = ckpt_operation_log_wait(client, idp, timeout_ms, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_BACKUP_PRUNE:
            rc = ckpt_backup_prune(client, params, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_VAULT_LIST:
            rc = ckpt_vault_list(client, params, null_resp ? NULL : &resp_j, null_err ? NULL : &err_j);
            break;
        case FN_VAULT_DELETE:
            rc = ckpt_vault_delete(client, idp, null_err ? NULL : &err_j);
            break;
        case FN_BAD:
            break;
        }
    }

    double elapsed_ms = (h_now() - started) * 1000.0;

    /* --- checks --- */
    if (setup_ok) {
        json_t *max_ms = json_object_get(c, "max_ms");
        if (json_is_integer(max_ms) && elapsed_ms > (double)json_integer_value(max_ms))
            WHY("took %.0f ms, more than the %lld ms budget", elapsed_ms, (long long)json_integer_value(max_ms));
        if (rc != want_rc) WHY("returned %d (%s), expected %d (%s)", rc, h_class_name(rc), want_rc, want_class);
        int is_open = fn == FN_OPEN || fn == FN_OPEN_TEXT;
        if (!null_resp && has_resp) {
            if (is_open && out_c != NULL) {
                WHY("out is not NULL after a failure");
                if (out_c != (ckpt_client *)(void *)&sentinel) ckpt_client_close(out_c);
            }
            if (!is_open && !text_resp && resp_j != NULL) {
                if (resp_j != (json_t *)(void *)&sentinel) {
                    char *d = json_dumps(resp_j, JSON_COMPACT);
                    WHY("response is not NULL: %.300s", d ? d : "?");
                    free(d);
                    json_decref(resp_j);
                } else {
                    WHY("response out-parameter was not cleared");
                }
            }
            if (text_resp && resp_s != NULL) {
                WHY("response is not NULL: %.300s", resp_s != &sentinel ? resp_s : "(not cleared)");
                if (resp_s != &sentinel) ckpt_free(resp_s);
            }
        }
        if (fn == FN_CALL_EX && !null_meta && meta_j != NULL) {
            WHY("meta is not NULL after a failure%s", meta_j == (json_t *)(void *)&sentinel ? " (not cleared)" : "");
            if (meta_j != (json_t *)(void *)&sentinel) json_decref(meta_j);
        }
        if (fn == FN_CALL_TEXT_EX && !null_meta && meta_s != NULL) {
            WHY("meta is not NULL after a failure: %.200s", meta_s != &sentinel ? meta_s : "(not cleared)");
            if (meta_s != &sentinel) ckpt_free(meta_s);
        }
        if (!null_err) {
            if (text_err) {
                if (err_s == &sentinel || err_s == NULL) {
                    if (rc != CKPT_OK) WHY("error out-parameter is %s", err_s ? "not set" : "NULL");
                } else {
                    json_error_t je;
                    json_t *e = json_loads(err_s, 0, &je);
                    if (!e) WHY("error text is not JSON: %s", je.text);
                    else if (rc != CKPT_OK) check_error(e, rc, expect);
                    json_decref(e);
                    ckpt_free(err_s);
                }
            } else {
                if (err_j == (json_t *)(void *)&sentinel || err_j == NULL) {
                    if (rc != CKPT_OK) WHY("error out-parameter is %s", err_j ? "not set" : "NULL");
                } else {
                    if (rc != CKPT_OK) check_error(err_j, rc, expect);
                    json_decref(err_j);
                }
            }
        }
        check_snapshot(&s_req, "request");
        check_snapshot(&s_cfg, "config");
        check_snapshot(&s_par, jname ? jname : "parameters");
        if (progress_kind) {
            /* An invalid request never starts the wait; a canceled one stops
             * at the first non-zero answer; a timeout polls at least once. */
            int want_calls_min = 0, want_calls_max = INT_MAX;
            if (rc == CKPT_EINVAL) want_calls_max = 0;
            else if (rc == CKPT_ECANCELED) want_calls_min = want_calls_max = 1;
            else if (rc == CKPT_ETIMEOUT) want_calls_min = 1;
            if (pstate.calls < want_calls_min || pstate.calls > want_calls_max)
                WHY("progress was called %d times", pstate.calls);
            if (pstate.bad_subject) WHY("progress got a subject that is not a checkpoint object %d times", pstate.bad_subject);
            if (pstate.bad_elapsed) WHY("progress got a negative or decreasing elapsed_ms");
            if (rc == CKPT_ECANCELED && !pstate.cancel) WHY("canceled although progress returned 0 (or user was not passed)");
        }
        if (no_file_path.p && access(no_file_path.p, F_OK) == 0) {
            WHY("%s was created", no_file_path.p);
            h_remove_store(no_file_path.p);
        }
        if (unchanged_path.p) {
            int exists_now = 0;
            if (file_hash(unchanged_path.p, &exists_now) != before_hash || exists_now != existed)
                WHY("%s was modified", unchanged_path.p);
        }
        char *fp = h_store_fingerprint(g_store);
        if (!fp || strcmp(fp, g_baseline) != 0) {
            WHY("the store changed:\n      before %s\n      after  %s", g_baseline, fp ? fp : "(unreadable)");
            free(g_baseline);
            g_baseline = fp ? fp : strdup("");
        } else {
            free(fp);
        }
    }
    break_cycle();
    json_decref(req_json);
    json_decref(cfg_json);
    json_decref(params);
    hb_free(&op);
    hb_free(&req);
    hb_free(&cfg);
    hb_free(&id);
    hb_free(&status);
    hb_free(&params_text);
    hb_free(&no_file_path);
    hb_free(&unchanged_path);

    int failed = g_nwhy > 0;
    int xfail_mode = getenv("CKPT_HARDENING_XFAIL") && strcmp(getenv("CKPT_HARDENING_XFAIL"), "1") == 0;
    if (!failed) {
        if (bug && xfail_mode) {
            t->failed++;
            printf("FAIL %s: XPASS: known bug %s no longer reproduces; remove its \"bug\" tag\n", name, bug);
        } else {
            t->passed++;
            if (g_verbose) printf("ok   %s%s\n", name, g_why.n ? g_why.p : "");
        }
    } else if (bug && xfail_mode) {
        t->xfailed++;
        printf("XFAIL %s (known bug %s)%s\n", name, bug, g_why.p);
    } else {
        t->failed++;
        printf("FAIL %s%s%s%s\n", name, bug ? " (known bug " : "", bug ? bug : "", bug ? ")" : "");
        printf("    %s\n", g_why.p + 5);
    }
    fflush(stdout);
}

/* ==========================================================================
 * Fixed checks that need no catalogue entry
 * ========================================================================== */

static int g_nbuiltin;

static void builtin(const char *name, int ok, tally *t) {
    g_nbuiltin++;
    if (ok) {
        t->passed++;
        if (g_verbose) printf("ok   builtin/%s\n", name);
    } else {
        t->failed++;
        printf("FAIL builtin/%s\n", name);
    }
}

/* The answer of {"<key>": "<id>"} to op, or NULL when it fails. */
static json_t *call_ok(const char *op, const char *key, const char *id) {
    json_t *req = json_pack("{ss}", key, id ? id : ""), *resp = NULL;
    int rc = ckpt_call(g_client, op, req, &resp, NULL);
    json_decref(req);
    if (rc != CKPT_OK) {
        if (g_verbose) printf("builtin: %s %s failed (%d)\n", op, id ? id : "(null)", rc);
        return NULL;
    }
    return resp;
}

static void builtins(tally *t) {
    builtin("version", strcmp(ckpt_version(), CKPT_VERSION_STRING) == 0, t);
    char number[32];
    snprintf(number, sizeof number, "%d.%d.%d", ckpt_version_number() / 10000, ckpt_version_number() / 100 % 100,
             ckpt_version_number() % 100);
    builtin("version_number", ckpt_version_number() == CKPT_VERSION_NUMBER && strcmp(number, ckpt_version()) == 0, t);
    int ok = 1;
    for (int code = -1; code >= H_LAST_CLASS; code--) ok &= strcmp(ckpt_strerror(code), h_class_name(code)) == 0;
    builtin("strerror_classes", ok && strcmp(ckpt_strerror(CKPT_ECANCELED), "canceled") == 0, t);
    builtin("strerror_unknown", strcmp(ckpt_strerror(1), "unknown") == 0 &&
                                    strcmp(ckpt_strerror(H_LAST_CLASS - 1), "unknown") == 0 &&
                                    strcmp(ckpt_strerror(INT_MIN), "unknown") == 0 &&
                                    strcmp(ckpt_strerror(INT_MAX), "unknown") == 0,
            t);
    ckpt_client_close(NULL);
    ckpt_free(NULL);
    builtin("close_and_free_accept_null", 1, t);
    /* After hundreds of bad calls the handle still works and the fixtures are intact. */
    json_t *resp = NULL, *err = NULL;
    int rc = ckpt_checkpoint_get(g_client, ph_get("checkpoint_id"), &resp, &err);
    builtin("client_still_works",
            rc == CKPT_OK && strcmp(h_err_str(json_object_get(resp, "checkpoint"), "status"), "available") == 0, t);
    json_decref(resp);
    json_decref(err);
    /* ... and so are the 1.1 fixtures: the backups and the task. */
    resp = err = NULL;
    rc = ckpt_backup_get(g_client, ph_get("backup_id"), &resp, &err);
    int backups_ok = rc == CKPT_OK && strcmp(h_err_str(json_object_get(resp, "backup"), "status"), "available") == 0;
    json_decref(resp);
    json_decref(err);
    resp = err = NULL;
    rc = ckpt_backup_get(g_client, ph_get("old_backup_id"), &resp, &err);
    backups_ok &= rc == CKPT_OK && strcmp(h_err_str(json_object_get(resp, "backup"), "status"), "available") == 0;
    json_decref(resp);
    json_decref(err);
    resp = err = NULL;
    rc = ckpt_operation_log_wait(g_client, ph_get("operation_log_id"), 0, &resp, &err);
    backups_ok &= rc == CKPT_OK && strcmp(h_err_str(json_object_get(resp, "operation_log"), "status"), "success") == 0;
    json_decref(resp);
    json_decref(err);
    builtin("lifecycle_fixtures_intact", backups_ok, t);
    /* ... and the fixtures of 1.1 part 2: the spare and second vaults with
     * their resources, the spare v1 checkpoint, and the backups in progress. */
    int ok2 = 1;
    json_t *j = call_ok("vault.get", "vault_id", ph_get("spare_vault_id"));
    ok2 &= j && strcmp(h_err_str(json_object_get(json_object_get(j, "vault"), "billing"), "status"), "available") == 0;
    json_decref(j);
    j = call_ok("vault.get", "vault_id", ph_get("vault_id2"));
    ok2 &= j && json_array_size(json_object_get(json_object_get(j, "vault"), "resources")) == 2;
    json_decref(j);
    j = call_ok("vault.get", "vault_id", ph_get("vault_id"));
    ok2 &= j && strcmp(h_err_str(json_object_get(j, "vault"), "name"), "hardening") == 0 &&
           json_array_size(json_object_get(json_object_get(j, "vault"), "resources")) == 2;
    json_decref(j);
    j = call_ok("policy.checkpoint_get", "checkpoint_id", ph_get("spare_v1_checkpoint_id"));
    ok2 &= j && strcmp(h_err_str(json_object_get(j, "checkpoint"), "status"), "available") == 0;
    json_decref(j);
    j = call_ok("policy.checkpoint_get", "checkpoint_id", ph_get("busy_v1_checkpoint_id"));
    ok2 &= j && strcmp(h_err_str(json_object_get(j, "checkpoint"), "status"), "protecting") == 0;
    json_decref(j);
    j = call_ok("backup.get", "backup_id", ph_get("busy_backup_id"));
    ok2 &= j && strcmp(h_err_str(json_object_get(j, "backup"), "status"), "protecting") == 0;
    json_decref(j);
    builtin("vault_and_v1_fixtures_intact", ok2, t);
}

int main(int argc, char **argv) {
    const char *catalogue = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) g_verbose = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else if (!catalogue) catalogue = argv[i];
        else if (!g_tmpdir) g_tmpdir = argv[i];
    }
    if (!catalogue || !g_tmpdir) {
        fprintf(stderr, "usage: %s CATALOGUE TMPDIR [-v] [--only SUBSTRING]\n", argv[0]);
        return 2;
    }
    h_mkdir_p(g_tmpdir);
    json_error_t je;
    json_t *cat = json_load_file(catalogue, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    json_t *cases = json_object_get(cat, "cases");
    if (!json_is_array(cases)) {
        fprintf(stderr, "%s: %s (line %d)\n", catalogue, cat ? "no \"cases\" array" : je.text, je.line);
        return 2;
    }
    double t0 = h_now();
    setup_fixtures();
    g_baseline = h_store_fingerprint(g_store);
    if (!g_baseline) {
        fprintf(stderr, "cannot fingerprint %s\n", g_store);
        return 2;
    }
    if (g_verbose) printf("store %s: %s\n", g_store, g_baseline);
    tally t = {0, 0, 0};
    size_t i, ran = 0;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        if (only && (!name || !strstr(name, only))) continue;
        run_case(c, &t);
        ran++;
    }
    builtins(&t);
    ckpt_client_close(g_client);
    hb_free(&g_why);
    free(g_baseline);
    for (int k = 0; k < nph; k++) free(ph[k].value);
    free(g_store);
    json_decref(cat);
    printf("bad_inputs: %zu catalogue cases + %d built-in checks in %.2f s", ran, g_nbuiltin, h_now() - t0);
    if (t.xfailed) printf("; %d known bugs tolerated (CKPT_HARDENING_XFAIL=1)", t.xfailed);
    printf("\n%d passed, %d failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
