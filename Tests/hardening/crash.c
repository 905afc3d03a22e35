/* crash.c - kill -9 a writer, then check the store.
 *
 *   crash TMPDIR [--rounds N] [--min-ms N] [--max-ms N] [--seed N] [--threads N]
 *
 * Each round forks a writer that opens the store (durability "full") and
 * creates checkpoints in a loop (every tenth write is a vault.create, every
 * seventh call goes through the text API); after libckpt returned success it
 * appends the id to an acknowledgement file with write() + fsync().  With
 * --threads N, N threads of the writer do so on its one handle, so that
 * their writes are committed in groups (group commit: one transaction and
 * one fsync for the writes queued together).  The
 * parent SIGKILLs the writer after a random 20-300 ms, then checks:
 *   - the store opens (ckpt_client_open);
 *   - PRAGMA integrity_check (sqlite3) answers "ok";
 *   - every id ever acknowledged, in this round or an earlier one, is there
 *     (checkpoint.get / vault.get).
 * SPEC section 2: "Anything that returned success is on disk and survives
 * kill -9."  The last line is "N passed, N failed".
 */
#include "common.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#define R1 "aaaaaaaa-0000-4000-8000-000000000001"
#define R2 "aaaaaaaa-0000-4000-8000-000000000002"

static int g_passed, g_failed;

static int check(int ok, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        printf("FAIL ");
        vprintf(fmt, ap);
        printf("\n");
        fflush(stdout);
    }
    va_end(ap);
    return ok;
}

static const char *VAULT_REQ =
    "{\"vault\": {\"name\": \"crash\", \"billing\": {\"size\": 10}, \"resources\": ["
    "{\"id\": \"" R1 "\", \"type\": \"OS::Nova::Server\"}, {\"id\": \"" R2 "\", \"type\": \"OS::Cinder::Volume\"}]}}";

/* One create through the text API; on success `line` is the ack line
 * "<tag> <id>\n" of the created `top` object, on failure *err the error text. */
static int create_text(ckpt_client *c, const char *op, const char *req, const char *top, char tag, char *line,
                       size_t size, char **err) {
    char *resp = NULL;
    *err = NULL;
    int rc = ckpt_call_text(c, op, req, &resp, err);
    if (rc == CKPT_OK) {
        json_t *j = json_loads(resp, 0, NULL);
        snprintf(line, size, "%c %s\n", tag, h_err_str(json_object_get(j, top), "id"));
        json_decref(j);
    }
    ckpt_free(resp);
    return rc;
}

typedef struct {
    ckpt_client *c;
    int fd;
    const char *vault_id;
} writer_arg;

/* One writer thread's loop: never returns; the parent kills the process. */
static void *write_loop(void *p) {
    writer_arg *a = p;
    ckpt_client *c = a->c;
    const char *vault_id = a->vault_id;
    char *err = NULL;
    char req[512];
    snprintf(req, sizeof req, "{\"checkpoint\": {\"vault_id\": \"%s\", \"parameters\": {\"incremental\": false}}}",
             vault_id);
    for (unsigned long i = 0;; i++) {
        char line[64];
        int rc;
        if (i % 10 == 9) {
            rc = create_text(c, "vault.create", VAULT_REQ, "vault", 'v', line, sizeof line, &err);
        } else if (i % 7 == 3) {
            rc = create_text(c, "checkpoint.create", req, "checkpoint", 'c', line, sizeof line, &err);
        } else {
            json_t *resp = NULL, *jerr = NULL;
            rc = ckpt_checkpoint_create(c, vault_id, NULL, &resp, &jerr);
            if (rc == CKPT_OK)
                snprintf(line, sizeof line, "c %s\n", h_err_str(json_object_get(resp, "checkpoint"), "id"));
            else
                err = json_dumps(jerr, JSON_COMPACT);
            json_decref(resp);
            json_decref(jerr);
        }
        if (rc == CKPT_ECONFLICT) {
            /* Threads backing up the same resources at once: "busy" is
             * the documented answer; nothing was written, nothing to ack. */
            free(err);
            err = NULL;
            continue;
        }
        if (rc != CKPT_OK) {
            fprintf(stderr, "writer: call %lu failed (%d): %s\n", i, rc, err ? err : "");
            _exit(5);
        }
        /* Acknowledge only after libckpt returned success (one write() of
         * the whole line with O_APPEND: threads never interleave). */
        size_t n = strlen(line);
        if (write(a->fd, line, n) != (ssize_t)n || fsync(a->fd) != 0) _exit(6);
    }
    return NULL;
}

/* The writer: `threads` threads on one handle; never returns. */
static void writer(const char *store, const char *acks, const char *vault_id, int threads) {
    int fd = open(acks, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0) _exit(3);
    ckpt_client *c = NULL;
    char cfg[4200];
    snprintf(cfg, sizeof cfg, "{\"path\": \"%s\", \"durability\": \"full\"}", store);
    char *err = NULL;
    if (ckpt_client_open_text(cfg, &c, &err) != CKPT_OK) {
        fprintf(stderr, "writer: open failed: %s\n", err ? err : "");
        _exit(4);
    }
    writer_arg arg = {c, fd, vault_id};
    for (int t = 1; t < threads; t++) {
        pthread_t th;
        if (pthread_create(&th, NULL, write_loop, &arg) != 0) _exit(7);
    }
    write_loop(&arg);
    _exit(8);
}

typedef struct {
    char kind;
    char id[40];
} ack;

/* Reads the acknowledgement file; an incomplete last line is ignored (it
 * cannot happen with one write() per line, but the file is evidence). */
static ack *read_acks(const char *path, long *n, long *torn) {
    FILE *f = fopen(path, "r");
    long cap = 1024;
    ack *a = malloc((size_t)cap * sizeof *a);
    *n = 0;
    *torn = 0;
    char line[128];
    while (f && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len != 39 || line[len - 1] != '\n' || (line[0] != 'c' && line[0] != 'v') || line[1] != ' ') {
            (*torn)++;
            continue;
        }
        if (*n == cap) a = realloc(a, (size_t)(cap *= 2) * sizeof *a);
        a[*n].kind = line[0];
        memcpy(a[*n].id, line + 2, 36);
        a[*n].id[36] = '\0';
        (*n)++;
    }
    if (f) fclose(f);
    return a;
}

int main(int argc, char **argv) {
    const char *tmpdir = NULL;
    int rounds = 30, min_ms = 20, max_ms = 300, threads = 1;
    unsigned seed = (unsigned)time(NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--min-ms") == 0 && i + 1 < argc) min_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--max-ms") == 0 && i + 1 < argc) max_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!tmpdir && argv[i][0] != '-') tmpdir = argv[i];
        else {
            tmpdir = NULL;
            break;
        }
    }
    if (!tmpdir || rounds < 1 || min_ms < 0 || max_ms < min_ms || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: %s TMPDIR [--rounds N] [--min-ms N] [--max-ms N] [--seed N] [--threads 1-64]\n",
                argv[0]);
        return 2;
    }
    h_mkdir_p(tmpdir);
    char store[4096], acks[4096];
    snprintf(store, sizeof store, "%s/crash.db", tmpdir);
    snprintf(acks, sizeof acks, "%s/crash.acks", tmpdir);
    h_remove_store(store);
    unlink(acks);
    printf("crash: %d rounds, SIGKILL after %d-%d ms, seed %u, durability \"full\", %d writer thread(s) on one handle\n",
           rounds, min_ms, max_ms, seed, threads);

    ckpt_client *c = h_open("{\"path\": \"%s\", \"durability\": \"full\"}", store);
    json_t *v = h_must(c, "vault.create", VAULT_REQ);
    char *vault_id = h_id(v, "vault");
    json_decref(v);
    ckpt_client_close(c); /* no connection may cross fork() */

    double t0 = h_now();
    long kills = 0, checked_total = 0, last_acks = 0, torn_total = 0;
    for (int r = 1; r <= rounds; r++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) writer(store, acks, vault_id, threads);
        int delay = min_ms + (max_ms > min_ms ? (int)(rand_r(&seed) % (unsigned)(max_ms - min_ms + 1)) : 0);
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        int killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        kills += killed;
        check(killed, "round %d: the writer was killed by SIGKILL (status 0x%x: it failed on its own?)", r, status);

        /* The store opens. */
        ckpt_client *vc = NULL;
        json_t *err = NULL;
        json_t *cfg = json_pack("{s:s, s:s}", "path", store, "durability", "full");
        int rc = ckpt_client_open(cfg, &vc, &err);
        json_decref(cfg);
        check(rc == CKPT_OK, "round %d: ckpt_client_open after the kill: %d %s", r, rc, err ? h_err_str(err, "error_msg") : "");
        json_decref(err);
        err = NULL;

        /* integrity_check, through sqlite3 itself. */
        char *ic = h_integrity_check(store);
        check(strcmp(ic, "ok") == 0, "round %d: PRAGMA integrity_check: %s", r, ic);
        free(ic);

        /* Every acknowledged id, from every round so far, is present. */
        long n = 0, torn = 0, missing = 0;
        ack *a = read_acks(acks, &n, &torn);
        torn_total += torn;
        for (long i = 0; vc && i < n; i++) {
            json_t *resp = NULL;
            int grc = a[i].kind == 'c' ? ckpt_checkpoint_get(vc, a[i].id, &resp, &err) : CKPT_OK;
            if (a[i].kind == 'v') {
                char req[128];
                snprintf(req, sizeof req, "{\"vault_id\": \"%s\"}", a[i].id);
                json_t *rq = json_loads(req, 0, NULL);
                grc = ckpt_call(vc, "vault.get", rq, &resp, &err);
                json_decref(rq);
            }
            if (grc != CKPT_OK) {
                if (missing++ < 3)
                    printf("round %d: acknowledged %s %s is missing: %s\n", r, a[i].kind == 'c' ? "checkpoint" : "vault",
                           a[i].id, h_err_str(err, "error_msg"));
            }
            json_decref(resp);
            json_decref(err);
            err = NULL;
        }
        check(vc && missing == 0, "round %d: all %ld acknowledged ids are present (%ld missing)", r, n, missing);
        check(torn == 0, "round %d: the acknowledgement file has no torn lines (%ld)", r, torn);
        printf("round %2d: killed after %3d ms, %4ld new acknowledged, %5ld checked\n", r, delay, n - last_acks, n);
        fflush(stdout);
        checked_total += n;
        last_acks = n;
        free(a);
        ckpt_client_close(vc);
    }

    /* The store may hold more than was acknowledged (killed between commit
     * and write()), never less. */
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long rows = -1;
    if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM checkpoints) + (SELECT count(*) FROM vaults) - 1", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        rows = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    check(rows >= last_acks, "the store holds %ld written rows, at least the %ld acknowledged", rows, last_acks);
    printf("crash: %ld kills, %ld acknowledged ids (%ld id checks over all rounds), %ld rows in the store, %.1f s\n",
           kills, last_acks, checked_total, rows, h_now() - t0);
    free(vault_id);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
