/* concurrency.c - libckpt under concurrent use.
 *
 *   concurrency TMPDIR [--durability normal|full] [--threads N] [--ops N]
 *                      [--procs N] [--creates N]
 *
 * (a) --threads threads (8) run --ops mixed operations each (2000) on ONE
 *     client handle over a temp file store: creates, gets, waits with timeout
 *     0, vault.get, policy.get, policy.execute, policy.checkpoint_get, and
 *     invalid requests, through both the json_t and the text entry points.
 *     Every result is checked; afterwards the store holds exactly the
 *     acknowledged checkpoints.
 * (b) --procs processes (4, fork) run --creates checkpoint.create each (2500)
 *     on one store file, each with its own handle, each writing the ids it
 *     got acknowledged to a file.  Then: every acknowledged checkpoint is
 *     present exactly once (rows counted with sqlite3, and checkpoint.get of
 *     every id), no call failed with class storage, and no error message
 *     contains "database is locked".
 *
 * The durability defaults to "normal" (WAL without an fsync per commit) to
 * keep the run short on small machines; --durability full measures the
 * fsync-per-commit path.  The last line is "N passed, N failed".
 */
#include "common.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static int g_passed, g_failed;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static void check(int ok, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&g_mu);
    if (ok) {
        g_passed++;
        printf("ok   ");
    } else {
        g_failed++;
        printf("FAIL ");
    }
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    pthread_mutex_unlock(&g_mu);
    va_end(ap);
}

#define R1 "aaaaaaaa-0000-4000-8000-000000000001"
#define R2 "aaaaaaaa-0000-4000-8000-000000000002"
#define PR1 "bbbbbbbb-0000-4000-8000-000000000001"
#define MISSING_ID "00000000-0000-4000-8000-00000000dead"

static const char *g_durability = "normal";
static char g_vault[64], g_plan[64];

static void make_fixtures(ckpt_client *c) {
    json_t *v = h_must(c, "vault.create",
                       "{\"vault\": {\"name\": \"concurrency\", \"billing\": {\"size\": 1}, \"resources\": ["
                       "{\"id\": \"" R1 "\", \"type\": \"OS::Nova::Server\"},"
                       "{\"id\": \"" R2 "\", \"type\": \"OS::Cinder::Volume\"}]}}");
    char *id = h_id(v, "vault");
    snprintf(g_vault, sizeof g_vault, "%s", id);
    free(id);
    json_decref(v);
    json_t *p = h_must(c, "policy.create",
                       "{\"policy\": {\"name\": \"concurrency\", \"resources\": ["
                       "{\"id\": \"" PR1 "\", \"type\": \"OS::Nova::Server\"}]}}");
    id = h_id(p, "policy");
    snprintf(g_plan, sizeof g_plan, "%s", id);
    free(id);
    json_decref(p);
}

/* ==========================================================================
 * (a) threads on one handle
 * ========================================================================== */

typedef struct {
    int index;
    int ops;
    ckpt_client *client;
    char (*v3)[40];
    int nv3;
    char (*v1)[40];
    int nv1;
    long ok, unexpected, storage, locked;
    long by_kind[16];
} worker;

/* Records one result: rc against want, and the error's text. */
static void outcome(worker *w, const char *what, int rc, int want, const char *want_code, const json_t *err) {
    const char *msg = err ? h_err_str(err, "error_msg") : "";
    if (strstr(msg, "database is locked") || strstr(msg, "SQLITE_BUSY")) w->locked++;
    if (rc == CKPT_ESTORAGE) w->storage++;
    int good = rc == want;
    if (good && rc != CKPT_OK) {
        good = err && json_integer_value(json_object_get(err, "code")) == rc &&
               strcmp(h_err_str(err, "class"), h_class_name(rc)) == 0 &&
               strcmp(h_err_str(err, "error_code"), want_code) == 0;
    }
    if (good) {
        w->ok++;
        return;
    }
    if (w->unexpected++ < 5) {
        pthread_mutex_lock(&g_mu);
        fprintf(stderr, "thread %d: %s returned %d (%s), expected %d %s: %s\n", w->index, what, rc, h_class_name(rc),
                want, want_code, msg);
        pthread_mutex_unlock(&g_mu);
    }
}

/* Checks a text error (may be NULL) through the json_t path of outcome. */
static void outcome_text(worker *w, const char *what, int rc, int want, const char *want_code, char *err_text) {
    json_t *err = err_text ? json_loads(err_text, 0, NULL) : NULL;
    outcome(w, what, rc, want, want_code, err);
    json_decref(err);
    ckpt_free(err_text);
}

static const char *status_of(const json_t *resp) {
    return h_err_str(json_object_get(resp, "checkpoint"), "status");
}

static void *work(void *arg) {
    worker *w = arg;
    unsigned seed = 0x9e3779b9u * (unsigned)(w->index + 1);
    char req[1024];
    for (int i = 0; i < w->ops; i++) {
        int kind = (int)(rand_r(&seed) % 16);
        w->by_kind[kind]++;
        json_t *resp = NULL, *err = NULL;
        char *resp_s = NULL, *err_s = NULL;
        const char *own = w->nv3 ? w->v3[rand_r(&seed) % (unsigned)w->nv3] : NULL;
        int rc;
        switch (kind) {
        case 0:
        case 1: /* checkpoint.create, typed */
            rc = ckpt_checkpoint_create(w->client, g_vault, NULL, &resp, &err);
            outcome(w, "checkpoint.create", rc, CKPT_OK, "", err);
            if (rc == CKPT_OK) {
                const char *id = h_err_str(json_object_get(resp, "checkpoint"), "id");
                if (strlen(id) == 36 && strcmp(status_of(resp), "protecting") == 0) snprintf(w->v3[w->nv3++], 40, "%s", id);
                else outcome(w, "checkpoint.create response", 1, CKPT_OK, "", NULL);
            }
            break;
        case 2: /* checkpoint.create, text, with parameters */
            snprintf(req, sizeof req,
                     "{\"checkpoint\": {\"vault_id\": \"%s\", \"parameters\": {\"incremental\": false, \"name\": \"t%d\","
                     " \"resources\": [\"" R2 "\"]}}}",
                     g_vault, w->index);
            rc = ckpt_call_text(w->client, "checkpoint.create", req, &resp_s, &err_s);
            outcome_text(w, "checkpoint.create text", rc, CKPT_OK, "", err_s);
            if (rc == CKPT_OK) {
                json_t *r = json_loads(resp_s, 0, NULL);
                const char *id = h_err_str(json_object_get(r, "checkpoint"), "id");
                if (strlen(id) == 36) snprintf(w->v3[w->nv3++], 40, "%s", id);
                else outcome(w, "checkpoint.create text response", 1, CKPT_OK, "", NULL);
                json_decref(r);
            }
            break;
        case 3:
        case 4: /* checkpoint.get of an own checkpoint */
            if (!own) break;
            rc = ckpt_checkpoint_get(w->client, own, &resp, &err);
            outcome(w, "checkpoint.get", rc, CKPT_OK, "", err);
            if (rc == CKPT_OK && (strcmp(h_err_str(json_object_get(resp, "checkpoint"), "id"), own) != 0 ||
                                  strcmp(status_of(resp), "available") != 0))
                outcome(w, "checkpoint.get id/status", 1, CKPT_OK, "", NULL);
            break;
        case 5:
        case 6: /* checkpoint.wait, timeout 0 */
            if (!own) break;
            rc = ckpt_checkpoint_wait(w->client, own, "available", 0, &resp, &err);
            outcome(w, "checkpoint.wait", rc, CKPT_OK, "", err);
            break;
        case 7: /* vault.get */
            snprintf(req, sizeof req, "{\"vault_id\": \"%s\"}", g_vault);
            rc = ckpt_call_text(w->client, "vault.get", req, &resp_s, &err_s);
            outcome_text(w, "vault.get", rc, CKPT_OK, "", err_s);
            break;
        case 8:
        case 9: /* policy.execute */
            rc = ckpt_policy_execute(w->client, g_plan, NULL, &resp, &err);
            outcome(w, "policy.execute", rc, CKPT_OK, "", err);
            if (rc == CKPT_OK) {
                const char *id = h_err_str(json_object_get(resp, "checkpoint"), "id");
                if (strlen(id) == 36) snprintf(w->v1[w->nv1++], 40, "%s", id);
                else outcome(w, "policy.execute response", 1, CKPT_OK, "", NULL);
            }
            break;
        case 10: /* policy.checkpoint_get */
            if (!w->nv1) break;
            snprintf(req, sizeof req, "{\"checkpoint_id\": \"%s\"}", w->v1[rand_r(&seed) % (unsigned)w->nv1]);
            rc = ckpt_call_text(w->client, "policy.checkpoint_get", req, &resp_s, &err_s);
            outcome_text(w, "policy.checkpoint_get", rc, CKPT_OK, "", err_s);
            break;
        case 11: /* invalid: wrong type, through json_t */
            resp = json_pack("{s:{s:s, s:{s:s}}}", "checkpoint", "vault_id", g_vault, "parameters", "incremental", "no");
            {
                json_t *r = NULL;
                rc = ckpt_call(w->client, "checkpoint.create", resp, &r, &err);
                outcome(w, "invalid checkpoint.create", rc, CKPT_EINVAL, "BackupService.9900", err);
                json_decref(r);
            }
            break;
        case 12: /* invalid: v1 provider, unknown operation, malformed text */
            switch (i % 3) {
            case 0:
                snprintf(req, sizeof req, "{\"provider_id\": \"" MISSING_ID "\", \"checkpoint\": {\"plan_id\": \"%s\", "
                                          "\"parameters\": {}}}", g_plan);
                rc = ckpt_call_text(w->client, "policy.execute", req, &resp_s, &err_s);
                outcome_text(w, "invalid policy.execute", rc, CKPT_EINVAL, "CSBS.9001", err_s);
                break;
            case 1:
                rc = ckpt_call_text(w->client, "checkpoint.delete", "{}", &resp_s, &err_s);
                outcome_text(w, "unknown operation", rc, CKPT_EINVAL, "BackupService.9900", err_s);
                break;
            default:
                rc = ckpt_call_text(w->client, "checkpoint.get", "{\"checkpoint_id\": ", &resp_s, &err_s);
                outcome_text(w, "malformed", rc, CKPT_EINVAL, "BackupService.9900", err_s);
                break;
            }
            break;
        case 13: /* not found */
            rc = ckpt_checkpoint_get(w->client, MISSING_ID, &resp, &err);
            outcome(w, "checkpoint.get missing", rc, CKPT_ENOTFOUND, "BackupService.6217", err);
            break;
        case 14: /* wait through the text API with an interval, v1 checkpoint */
            if (!w->nv1) break;
            snprintf(req, sizeof req,
                     "{\"checkpoint_id\": \"%s\", \"timeout_ms\": 0, \"interval_ms\": 1, \"provider_id\": \"%s\"}",
                     w->v1[rand_r(&seed) % (unsigned)w->nv1], CKPT_CSBS_PROVIDER_ID);
            rc = ckpt_call_text(w->client, "checkpoint.wait", req, &resp_s, &err_s);
            outcome_text(w, "checkpoint.wait v1", rc, CKPT_OK, "", err_s);
            break;
        default: /* policy.get */
            snprintf(req, sizeof req, "{\"policy_id\": \"%s\"}", g_plan);
            rc = ckpt_call_text(w->client, "policy.get", req, &resp_s, &err_s);
            outcome_text(w, "policy.get", rc, CKPT_OK, "", err_s);
            break;
        }
        json_decref(resp);
        json_decref(err);
        ckpt_free(resp_s);
    }
    return NULL;
}

static int cmp_id(const void *a, const void *b) { return strcmp(a, b); }

/* Reads every checkpoint id of the store (sorted) with sqlite3. */
static char (*store_ids(const char *path, const char *container, long *n))[40] {
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long cap = 1024;
    char(*ids)[40] = malloc((size_t)cap * 40);
    *n = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           container ? "SELECT id FROM checkpoints WHERE container_id = ? ORDER BY id"
                                     : "SELECT id FROM checkpoints ORDER BY id",
                           -1, &s, NULL) == SQLITE_OK) {
        if (container) sqlite3_bind_text(s, 1, container, -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (*n == cap) ids = realloc(ids, (size_t)(cap *= 2) * 40);
            snprintf(ids[(*n)++], 40, "%s", (const char *)sqlite3_column_text(s, 0));
        }
    } else {
        *n = -1;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return ids;
}

/* Compares sorted acknowledged ids with the sorted ids of the store. */
static void compare_ids(const char *label, char (*acked)[40], long nacked, char (*stored)[40], long nstored) {
    long dup = 0;
    for (long i = 1; i < nacked; i++)
        if (strcmp(acked[i - 1], acked[i]) == 0) dup++;
    check(dup == 0, "%s no id was acknowledged twice (%ld duplicates)", label, dup);
    check(nstored == nacked, "%s the store has %ld checkpoint rows, %ld acknowledged", label, nstored, nacked);
    long missing = 0, i = 0, j = 0;
    while (i < nacked) {
        int c = j < nstored ? strcmp(acked[i], stored[j]) : -1;
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            missing++;
            i++;
        } else {
            j++;
        }
    }
    check(missing == 0, "%s every acknowledged id is a row of the store (%ld missing)", label, missing);
}

static void part_threads(const char *tmpdir, int nthreads, int ops) {
    char path[4096];
    snprintf(path, sizeof path, "%s/threads.db", tmpdir);
    h_remove_store(path);
    ckpt_client *c = h_open("{\"path\": \"%s\", \"durability\": \"%s\"}", path, g_durability);
    make_fixtures(c);
    worker *w = calloc((size_t)nthreads, sizeof *w);
    pthread_t *t = calloc((size_t)nthreads, sizeof *t);
    double t0 = h_now();
    for (int i = 0; i < nthreads; i++) {
        w[i].index = i;
        w[i].ops = ops;
        w[i].client = c;
        w[i].v3 = calloc((size_t)ops, 40);
        w[i].v1 = calloc((size_t)ops, 40);
        if (pthread_create(&t[i], NULL, work, &w[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(2);
        }
    }
    for (int i = 0; i < nthreads; i++) pthread_join(t[i], NULL);
    double dt = h_now() - t0;
    long ok = 0, unexpected = 0, storage = 0, locked = 0, creates = 0, v1 = 0, total = 0;
    long kinds[16] = {0};
    for (int i = 0; i < nthreads; i++) {
        ok += w[i].ok;
        unexpected += w[i].unexpected;
        storage += w[i].storage;
        locked += w[i].locked;
        creates += w[i].nv3;
        v1 += w[i].nv1;
        for (int k = 0; k < 16; k++) kinds[k] += w[i].by_kind[k];
    }
    total = (long)nthreads * ops;
    printf("(a) %d threads x %d operations on one handle, durability %s: %.2f s, %.0f ops/s\n"
           "    %ld checkpoint.create, %ld policy.execute, %ld invalid, %ld not-found, %ld reads/waits; %ld results "
           "checked\n",
           nthreads, ops, g_durability, dt, (double)total / dt, creates, v1, kinds[11] + kinds[12], kinds[13],
           total - kinds[0] - kinds[1] - kinds[2] - kinds[8] - kinds[9] - kinds[11] - kinds[12] - kinds[13],
           ok + unexpected);
    check(unexpected == 0, "(a) every result was the expected one (%ld unexpected)", unexpected);
    check(storage == 0, "(a) no call failed with class storage (%ld)", storage);
    check(locked == 0, "(a) no error message mentions \"database is locked\" (%ld)", locked);

    /* The store holds exactly the acknowledged checkpoints, v3 and v1. */
    long nacked = creates + v1, nstored = 0;
    char(*acked)[40] = malloc((size_t)(nacked ? nacked : 1) * 40);
    long k = 0;
    for (int i = 0; i < nthreads; i++) {
        for (int j = 0; j < w[i].nv3; j++) memcpy(acked[k++], w[i].v3[j], 40);
        for (int j = 0; j < w[i].nv1; j++) memcpy(acked[k++], w[i].v1[j], 40);
    }
    qsort(acked, (size_t)nacked, 40, cmp_id);
    char(*stored)[40] = store_ids(path, NULL, &nstored);
    compare_ids("(a)", acked, nacked, stored, nstored);
    free(acked);
    free(stored);
    ckpt_client_close(c);
    for (int i = 0; i < nthreads; i++) {
        free(w[i].v3);
        free(w[i].v1);
    }
    free(w);
    free(t);
}

/* ==========================================================================
 * (b) processes, one store file
 * ========================================================================== */

static void child(const char *tmpdir, const char *path, int index, int creates) {
    char file[4096];
    snprintf(file, sizeof file, "%s/ids.%d", tmpdir, index);
    FILE *ids = fopen(file, "w");
    ckpt_client *c = NULL;
    json_t *err = NULL;
    long ok = 0, failed = 0, storage = 0, locked = 0;
    char cfg[4200];
    snprintf(cfg, sizeof cfg, "{\"path\": \"%s\", \"durability\": \"%s\"}", path, g_durability);
    json_t *config = json_loads(cfg, 0, NULL);
    int rc = ckpt_client_open(config, &c, &err);
    json_decref(config);
    if (rc != CKPT_OK) {
        fprintf(stderr, "process %d: open failed: %s\n", index, h_err_str(err, "error_msg"));
        if (strstr(h_err_str(err, "error_msg"), "database is locked")) locked++;
        if (rc == CKPT_ESTORAGE) storage++;
        failed = creates;
        json_decref(err);
    } else {
        for (int i = 0; i < creates; i++) {
            json_t *resp = NULL;
            err = NULL;
            rc = ckpt_checkpoint_create(c, g_vault, NULL, &resp, &err);
            if (rc == CKPT_OK) {
                ok++;
                fprintf(ids, "%s\n", h_err_str(json_object_get(resp, "checkpoint"), "id"));
            } else {
                failed++;
                if (rc == CKPT_ESTORAGE) storage++;
                if (strstr(h_err_str(err, "error_msg"), "database is locked")) locked++;
                if (failed <= 3) fprintf(stderr, "process %d: create failed (%d): %s\n", index, rc, h_err_str(err, "error_msg"));
            }
            json_decref(resp);
            json_decref(err);
        }
        ckpt_client_close(c);
    }
    fclose(ids);
    snprintf(file, sizeof file, "%s/summary.%d", tmpdir, index);
    FILE *s = fopen(file, "w");
    fprintf(s, "%ld %ld %ld %ld\n", ok, failed, storage, locked);
    fclose(s);
    fflush(NULL);
    _exit(0);
}

static void part_processes(const char *tmpdir, int nprocs, int creates) {
    char path[4096];
    snprintf(path, sizeof path, "%s/procs.db", tmpdir);
    h_remove_store(path);
    ckpt_client *c = h_open("{\"path\": \"%s\", \"durability\": \"%s\"}", path, g_durability);
    make_fixtures(c);
    ckpt_client_close(c); /* no connection may cross fork() */
    fflush(NULL);
    pid_t *pids = calloc((size_t)nprocs, sizeof *pids);
    double t0 = h_now();
    for (int i = 0; i < nprocs; i++) {
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("fork");
            exit(2);
        }
        if (pids[i] == 0) child(tmpdir, path, i, creates);
    }
    int clean_exits = 0;
    for (int i = 0; i < nprocs; i++) {
        int status = 0;
        waitpid(pids[i], &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) clean_exits++;
        else fprintf(stderr, "process %d: status 0x%x\n", i, status);
    }
    double dt = h_now() - t0;
    check(clean_exits == nprocs, "(b) all %d processes exited normally (%d)", nprocs, clean_exits);

    long ok = 0, failed = 0, storage = 0, locked = 0;
    long cap = (long)nprocs * creates + 1, nacked = 0;
    char(*acked)[40] = malloc((size_t)cap * 40);
    for (int i = 0; i < nprocs; i++) {
        char file[4096], line[128];
        long a = 0, b = 0, s = 0, l = 0;
        snprintf(file, sizeof file, "%s/summary.%d", tmpdir, i);
        FILE *f = fopen(file, "r");
        if (f && fscanf(f, "%ld %ld %ld %ld", &a, &b, &s, &l) == 4) {
            ok += a;
            failed += b;
            storage += s;
            locked += l;
        } else {
            failed += creates;
        }
        if (f) fclose(f);
        snprintf(file, sizeof file, "%s/ids.%d", tmpdir, i);
        f = fopen(file, "r");
        while (f && fgets(line, sizeof line, f) && nacked < cap) {
            line[strcspn(line, "\n")] = '\0';
            line[39] = '\0';
            if (line[0]) memcpy(acked[nacked++], line, 40);
        }
        if (f) fclose(f);
    }
    printf("(b) %d processes x %d checkpoint.create on one store file, durability %s: %.2f s, %.0f creates/s "
           "(%ld acknowledged, %ld failed)\n",
           nprocs, creates, g_durability, dt, (double)ok / dt, ok, failed);
    check(failed == 0, "(b) every create succeeded (%ld failed)", failed);
    check(storage == 0, "(b) no call failed with class storage (%ld)", storage);
    check(locked == 0, "(b) no error message mentions \"database is locked\" (%ld)", locked);
    check(nacked == ok, "(b) the id files hold every acknowledged id (%ld of %ld)", nacked, ok);

    qsort(acked, (size_t)nacked, 40, cmp_id);
    long nstored = 0;
    char(*stored)[40] = store_ids(path, g_vault, &nstored);
    compare_ids("(b)", acked, nacked, stored, nstored);
    free(stored);

    /* checkpoint.get of every acknowledged id. */
    c = h_open("{\"path\": \"%s\", \"durability\": \"%s\"}", path, g_durability);
    long got = 0;
    double g0 = h_now();
    for (long i = 0; i < nacked; i++) {
        json_t *resp = NULL;
        if (ckpt_checkpoint_get(c, acked[i], &resp, NULL) == CKPT_OK &&
            strcmp(h_err_str(json_object_get(resp, "checkpoint"), "id"), acked[i]) == 0)
            got++;
        json_decref(resp);
    }
    printf("(b) checkpoint.get of %ld ids: %.2f s\n", nacked, h_now() - g0);
    check(got == nacked, "(b) checkpoint.get finds every acknowledged id (%ld of %ld)", got, nacked);
    ckpt_client_close(c);
    free(acked);
    free(pids);
}

int main(int argc, char **argv) {
    const char *tmpdir = NULL;
    int threads = 8, ops = 2000, procs = 4, creates = 2500;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--durability") == 0 && i + 1 < argc) g_durability = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) ops = atoi(argv[++i]);
        else if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc) procs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--creates") == 0 && i + 1 < argc) creates = atoi(argv[++i]);
        else if (!tmpdir && argv[i][0] != '-') tmpdir = argv[i];
        else {
            tmpdir = NULL;
            break;
        }
    }
    if (!tmpdir || threads < 1 || ops < 1 || procs < 1 || creates < 1 ||
        (strcmp(g_durability, "normal") != 0 && strcmp(g_durability, "full") != 0)) {
        fprintf(stderr, "usage: %s TMPDIR [--durability normal|full] [--threads N] [--ops N] [--procs N] [--creates N]\n",
                argv[0]);
        return 2;
    }
    h_mkdir_p(tmpdir);
    printf("concurrency: durability \"%s\"%s\n", g_durability,
           strcmp(g_durability, "normal") == 0 ? " (WAL, no fsync per commit: fast; pass --durability full for the "
                                                 "fsync-per-commit path)"
                                               : " (fsync per commit)");
    fflush(stdout);
    part_threads(tmpdir, threads, ops);
    part_processes(tmpdir, procs, creates);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
