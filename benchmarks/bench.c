/* bench.c - libckpt workloads driven from C (see benchmarks/run.py).
 *
 *   bench crud   STORE DURABILITY API NCREATE NGET   workloads 1, 2, 3 (API: json | text)
 *   bench shared STORE NSEED NOPS                    workload 4 (20% create / 80% get)
 *   bench mix    STORE SECONDS THREADS               workload 13's in-process side (the emulator mix)
 *   bench group  STORE_NORMAL STORE_FULL N           workload 12 (group commit: creates/s,
 *                                                    1 thread at normal, 8 threads at full)
 *   bench scale  STORE N NGET                        workload 5
 *   bench remote ENDPOINT PROJECT AK SK ID N         workload 8 (checkpoint.get over HTTP)
 *   bench prep   STORE NCHECKPOINTS                  a store for the CLI and HTTP workloads
 *   bench backups STORE NRES NCHECKPOINTS NLIST      workload 11 (backup.list at scale)
 *   bench lists SMALL_STORE LARGE_STORE NLIST        workload 11's lists on both stores, in turn
 *
 * Each prints one JSON object on stdout.  Timed sections cover building the
 * request, the call and releasing the response; reading the new id out of a
 * create's response (bookkeeping for the later gets) is outside them.
 */
#include "common.h"

#include <ckpt.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>

static const char *RESOURCE_ID = SEED000_RESOURCE_ID;

static void fail_json(const char *what, int rc, json_t *error) {
    char *text = error ? json_dumps(error, JSON_COMPACT) : NULL;
    fprintf(stderr, "bench: %s failed (%d): %s\n", what, rc, text ? text : "");
    exit(2);
}

static void fail_text(const char *what, int rc, char *error) {
    fprintf(stderr, "bench: %s failed (%d): %s\n", what, rc, error ? error : "");
    exit(2);
}

static ckpt_client *open_store(const char *path, const char *durability) {
    json_t *config = json_pack("{s:s, s:s}", "path", path, "durability", durability);
    ckpt_client *client = NULL;
    json_t *error = NULL;
    int rc = ckpt_client_open(config, &client, &error);
    json_decref(config);
    if (rc != CKPT_OK) fail_json("ckpt_client_open", rc, error);
    return client;
}

/* vault.create as the brief gives it; returns the vault id (malloc'd). */
static char *make_vault(ckpt_client *client) {
    json_t *req = json_pack("{s:{s:s, s:{s:I}, s:[{s:s, s:s, s:s, s:i}]}}",
                            "vault", "name", "bench-vault", "billing", "size", (json_int_t)10485760,
                            "resources", "id", RESOURCE_ID, "type", "OS::Nova::Server",
                            "name", "bench-server", "size", 0);
    json_t *resp = NULL, *error = NULL;
    int rc = ckpt_call(client, "vault.create", req, &resp, &error);
    json_decref(req);
    if (rc != CKPT_OK) fail_json("vault.create", rc, error);
    char *id = strdup(json_string_value(json_object_get(json_object_get(resp, "vault"), "id")));
    json_decref(resp);
    return id;
}

static json_t *create_request(const char *vault_id) {
    return json_pack("{s:{s:s, s:{s:s}}}", "checkpoint", "vault_id", vault_id, "parameters", "name", "bench");
}

static const char *checkpoint_id_of(json_t *resp) {
    return json_string_value(json_object_get(json_object_get(resp, "checkpoint"), "id"));
}

/* The checkpoint id in a create's response text without parsing it: the
 * last "id" member (status, created_at, vault{..}, project_id, id,
 * extra_info).  Checked against a real parse on the first call; if the
 * library ever orders members differently, every call parses. */
static const char *text_checkpoint_id(const char *resp) {
    static int checked = 0, trusted = 0;
    static char parsed[37];
    const char *last = NULL;
    for (const char *p = strstr(resp, "\"id\":\""); p; p = strstr(p + 1, "\"id\":\"")) last = p + 6;
    if (checked && trusted) return last;
    json_t *doc = json_loads(resp, 0, NULL);
    snprintf(parsed, sizeof parsed, "%s", checkpoint_id_of(doc) ? checkpoint_id_of(doc) : "");
    json_decref(doc);
    if (!checked) {
        checked = 1;
        trusted = last && strncmp(last, parsed, 36) == 0 && last[36] == '"';
        if (!trusted) fprintf(stderr, "bench: the create response's id is not its last \"id\": parsing each one\n");
    }
    return parsed;
}

/* ---- one create / one get through either API; returns timed ns ---- */

typedef enum { API_JSON, API_TEXT } api_kind;

static uint64_t do_create(ckpt_client *c, api_kind api, const json_t *req_json, const char *req_text,
                          id_list *ids) {
    if (api == API_JSON) {
        json_t *resp = NULL, *error = NULL;
        uint64_t t0 = now_ns();
        int rc = ckpt_call(c, "checkpoint.create", req_json, &resp, &error);
        uint64_t t1 = now_ns();
        if (rc != CKPT_OK) fail_json("checkpoint.create", rc, error);
        if (ids) ids_push(ids, checkpoint_id_of(resp));
        uint64_t t2 = now_ns();
        json_decref(resp);
        return (t1 - t0) + (now_ns() - t2);
    } else {
        char *resp = NULL, *error = NULL;
        uint64_t t0 = now_ns();
        int rc = ckpt_call_text(c, "checkpoint.create", req_text, &resp, &error);
        uint64_t t1 = now_ns();
        if (rc != CKPT_OK) fail_text("checkpoint.create", rc, error);
        if (ids) ids_push(ids, text_checkpoint_id(resp));
        uint64_t t2 = now_ns();
        ckpt_free(resp);
        return (t1 - t0) + (now_ns() - t2);
    }
}

static uint64_t do_get(ckpt_client *c, api_kind api, const char *id) {
    uint64_t t0 = now_ns();
    if (api == API_JSON) {
        json_t *req = json_object();
        json_object_set_new(req, "checkpoint_id", json_string(id));
        json_t *resp = NULL, *error = NULL;
        int rc = ckpt_call(c, "checkpoint.get", req, &resp, &error);
        if (rc != CKPT_OK) fail_json("checkpoint.get", rc, error);
        json_decref(resp);
        json_decref(req);
    } else {
        char req[96];
        snprintf(req, sizeof req, "{\"checkpoint_id\":\"%s\"}", id);
        char *resp = NULL, *error = NULL;
        int rc = ckpt_call_text(c, "checkpoint.get", req, &resp, &error);
        if (rc != CKPT_OK) fail_text("checkpoint.get", rc, error);
        ckpt_free(resp);
    }
    return now_ns() - t0;
}


/* Checkpoints the WAL into the main file, then (db + wal) bytes. */
static long long store_bytes(const char *path) {
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) == SQLITE_OK) {
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    long long total = 0;
    struct stat st;
    char wal[4200];
    if (stat(path, &st) == 0) total += st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &st) == 0) total += st.st_size;
    return total;
}

/* ---- crud: workloads 1, 2, 3 ---- */

static int cmd_crud(int argc, char **argv) {
    if (argc != 7) die("usage", "crud STORE DURABILITY json|text NCREATE NGET");
    const char *path = argv[2], *durability = argv[3];
    api_kind api = strcmp(argv[4], "text") == 0 ? API_TEXT : API_JSON;
    size_t ncreate = strtoull(argv[5], NULL, 10), nget = strtoull(argv[6], NULL, 10);

    ckpt_client *c = open_store(path, durability);
    char *vault_id = make_vault(c);
    char req_text[512];
    snprintf(req_text, sizeof req_text, SEED000_REQUEST_FMT, vault_id);
    json_t *req_json = json_loads(req_text, 0, NULL);
    if (!req_json) die("seed 000 request", req_text);

    id_list ids = {0};
    uint64_t *lat = malloc((ncreate > nget ? ncreate : nget) * sizeof *lat + 8);
    uint64_t w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < ncreate; i++) lat[i] = do_create(c, api, req_json, req_text, &ids);
    uint64_t wall_create = now_ns() - w0, cpu_create = cpu_ns() - c0, q_wall_create = runq_wait_ns() - q0;
    printf("{\"api\": \"%s\", \"durability\": \"%s\", ", argv[4], durability);
    print_phase("create", lat, ncreate, wall_create, cpu_create, q_wall_create, 1);

    uint64_t seed = 0x9E3779B97F4A7C15ull;
    w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < nget; i++) lat[i] = do_get(c, api, ids.ids[rng_next(&seed) % ids.n]);
    uint64_t wall_get = now_ns() - w0, cpu_get = cpu_ns() - c0, q_wall_get = runq_wait_ns() - q0;
    print_phase("get", lat, nget, wall_get, cpu_get, q_wall_get, 0);
    printf("}\n");

    ckpt_client_close(c);
    json_decref(req_json);
    free(vault_id);
    free(lat);
    free(ids.ids);
    return 0;
}

/* ---- shared: workload 4 ---- */

typedef struct {
    ckpt_client *client;
    const json_t *req;
    const id_list *ids;
    size_t nops;
    uint64_t seed;
    size_t creates, gets;
} mix_arg;

static void *mix_thread(void *p) {
    mix_arg *a = p;
    for (size_t i = 0; i < a->nops; i++) {
        uint64_t r = rng_next(&a->seed);
        if (r % 5 == 0) {
            do_create(a->client, API_JSON, a->req, NULL, NULL);
            a->creates++;
        } else {
            do_get(a->client, API_JSON, a->ids->ids[(r >> 8) % a->ids->n]);
            a->gets++;
        }
    }
    return NULL;
}

static double run_mix(ckpt_client *c, const json_t *req, const id_list *ids, int threads, size_t nops_each) {
    pthread_t th[8];
    mix_arg args[8];
    uint64_t t0 = now_ns();
    for (int i = 0; i < threads; i++) {
        args[i] = (mix_arg){c, req, ids, nops_each, 0x1234567ull * (uint64_t)(i + 1) + 99, 0, 0};
        pthread_create(&th[i], NULL, mix_thread, &args[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    uint64_t dt = now_ns() - t0;
    return (double)(nops_each * (size_t)threads) / (dt / 1e9);
}

static int cmd_shared(int argc, char **argv) {
    if (argc != 5) die("usage", "shared STORE NSEED NOPS_PER_THREAD");
    const char *path = argv[2];
    size_t nseed = strtoull(argv[3], NULL, 10), nops = strtoull(argv[4], NULL, 10);
    ckpt_client *c = open_store(path, "normal");
    char *vault_id = make_vault(c);
    json_t *req = create_request(vault_id);
    id_list ids = {0};
    for (size_t i = 0; i < nseed; i++) do_create(c, API_JSON, req, NULL, &ids);
    /* Side by side: the same mix from one thread, then from two on one handle. */
    double one = run_mix(c, req, &ids, 1, nops * 2);
    double two = run_mix(c, req, &ids, 2, nops);
    printf("{\"seed_checkpoints\": %zu, \"ops_total\": %zu, \"one_thread_ops_per_s\": %.1f, "
           "\"two_threads_ops_per_s\": %.1f, \"two_over_one\": %.3f}\n",
           nseed, nops * 2, one, two, two / one);
    ckpt_client_close(c);
    json_decref(req);
    free(vault_id);
    free(ids.ids);
    return 0;
}

/* ---- group: workload 12 ---- */

typedef struct {
    ckpt_client *client;
    const json_t *req;
    size_t n;
} create_arg;

static void *create_thread(void *p) {
    create_arg *a = p;
    for (size_t i = 0; i < a->n; i++) do_create(a->client, API_JSON, a->req, NULL, NULL);
    return NULL;
}

/* creates/s of `threads` threads, n creates in all, on one handle of a new store. */
static double run_creates(const char *path, const char *durability, int threads, size_t n) {
    ckpt_client *c = open_store(path, durability);
    char *vault_id = make_vault(c);
    json_t *req = create_request(vault_id);
    pthread_t th[8];
    create_arg args[8];
    uint64_t t0 = now_ns();
    for (int i = 0; i < threads; i++) {
        args[i] = (create_arg){c, req, n / (size_t)threads};
        pthread_create(&th[i], NULL, create_thread, &args[i]);
    }
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    uint64_t dt = now_ns() - t0;
    ckpt_client_close(c);
    json_decref(req);
    free(vault_id);
    return (double)(n / (size_t)threads * (size_t)threads) / (dt / 1e9);
}

static int cmd_group(int argc, char **argv) {
    if (argc != 5) die("usage", "group STORE_NORMAL STORE_FULL N");
    size_t n = strtoull(argv[4], NULL, 10);
    double normal1 = run_creates(argv[2], "normal", 1, n);
    double full8 = run_creates(argv[3], "full", 8, n);
    printf("{\"creates\": %zu, \"normal_1_thread_per_s\": %.1f, \"full_8_threads_per_s\": %.1f, "
           "\"full8_over_normal1\": %.3f}\n", n, normal1, full8, full8 / normal1);
    return 0;
}

/* ---- mix: workload 13's in-process side ---- */

/* The emulator load's mix through the library: THREADS threads on one
 * handle for SECONDS, 20% create (seed 000's request on one of 8 vaults) and
 * 80% get of an acknowledged checkpoint, through ckpt_call_text (what the
 * emulator runs per request). */
typedef struct {
    ckpt_client *client;
    char (*vaults)[37];
    id_list *ids;
    pthread_mutex_t *lock;
    uint64_t deadline, seed;
    uint64_t *lat;
    size_t n, cap;
} timed_mix_arg;

static void *timed_mix_thread(void *p) {
    timed_mix_arg *a = p;
    while (now_ns() < a->deadline && a->n < a->cap) {
        uint64_t r = rng_next(&a->seed);
        if (r % 5 == 0) {
            char req[512];
            snprintf(req, sizeof req, SEED000_REQUEST_FMT, a->vaults[(r >> 8) % 8]);
            id_list one = {0};
            a->lat[a->n++] = do_create(a->client, API_TEXT, NULL, req, &one);
            pthread_mutex_lock(a->lock);
            ids_push(a->ids, one.ids[0]);
            pthread_mutex_unlock(a->lock);
            free(one.ids);
        } else {
            char id[37];
            pthread_mutex_lock(a->lock);
            memcpy(id, a->ids->ids[(r >> 8) % a->ids->n], 37);
            pthread_mutex_unlock(a->lock);
            a->lat[a->n++] = do_get(a->client, API_TEXT, id);
        }
    }
    return NULL;
}

static int cmd_mix(int argc, char **argv) {
    if (argc != 5) die("usage", "mix STORE SECONDS THREADS");
    double seconds = atof(argv[3]);
    int threads = atoi(argv[4]);
    if (threads < 1 || threads > 64) die("usage", "1 to 64 threads");
    ckpt_client *c = open_store(argv[2], "normal");
    char vaults[8][37];
    id_list ids = {0};
    for (int i = 0; i < 8; i++) {
        char *v = make_vault(c);
        snprintf(vaults[i], sizeof vaults[i], "%s", v);
        free(v);
        char req[512];
        snprintf(req, sizeof req, SEED000_REQUEST_FMT, vaults[i]);
        do_create(c, API_TEXT, NULL, req, &ids);
    }
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_t th[64];
    timed_mix_arg args[64];
    uint64_t t0 = now_ns();
    for (int i = 0; i < threads; i++) {
        args[i] = (timed_mix_arg){c, vaults, &ids, &lock, t0 + (uint64_t)(seconds * 1e9),
                                  0x1234567ull * (uint64_t)(i + 1) + 7, NULL, 0, 1u << 18};
        args[i].lat = malloc(args[i].cap * sizeof *args[i].lat);
        pthread_create(&th[i], NULL, timed_mix_thread, &args[i]);
    }
    size_t total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += args[i].n;
    }
    double wall = (double)(now_ns() - t0) / 1e9;
    uint64_t *all = malloc((total + 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < threads; i++) {
        memcpy(all + k, args[i].lat, args[i].n * sizeof *all);
        k += args[i].n;
        free(args[i].lat);
    }
    qsort(all, total, sizeof *all, cmp_u64);
    printf("{\"threads\": %d, \"seconds\": %.2f, \"requests\": %zu, \"requests_per_s\": %.1f, "
           "\"p50_us\": %.1f, \"p99_us\": %.1f}\n",
           threads, wall, total, (double)total / wall, percentile_us(all, total, 50), percentile_us(all, total, 99));
    free(all);
    free(ids.ids);
    ckpt_client_close(c);
    return 0;
}

/* ---- scale: workload 5 ---- */

/* The bytes of the named tables and indexes (dbstat), or -1 without it. */
static long long object_bytes(const char *path, const char *names) {
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long long bytes = -1;
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT SUM(pgsize) FROM dbstat WHERE name IN (%s)", names);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        bytes = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return bytes;
}

static int cmd_scale(int argc, char **argv) {
    if (argc != 5) die("usage", "scale STORE N NGET");
    const char *path = argv[2];
    size_t n = strtoull(argv[3], NULL, 10), nget = strtoull(argv[4], NULL, 10);
    /* A store this library already filled (run.py checks the library's hash):
     * read its ids back instead of building it again. */
    id_list ids = {0};
    int reused = 0;
    FILE *probe = fopen(path, "rb");
    if (probe) {
        fclose(probe);
        sqlite3 *db = NULL;
        sqlite3_stmt *q = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, "SELECT id FROM checkpoints", -1, &q, NULL) != SQLITE_OK)
            die("cannot read the existing scale store", sqlite3_errmsg(db));
        while (sqlite3_step(q) == SQLITE_ROW) ids_push(&ids, (const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        sqlite3_close(db);
        if (ids.n != n) die("the existing scale store has another size", path);
        reused = 1;
    }
    ckpt_client *c = open_store(path, "normal");
    char *vault_id = reused ? NULL : make_vault(c);
    json_t *req = reused ? NULL : create_request(vault_id);
    uint64_t t0 = now_ns();
    for (size_t i = 0; !reused && i < n; i++) {
        do_create(c, API_JSON, req, NULL, &ids);
        if ((i + 1) % 100000 == 0) fprintf(stderr, "  scale: %zu/%zu checkpoints\n", i + 1, n);
    }
    double build_s = reused ? 0.0 : (now_ns() - t0) / 1e9;

    uint64_t *lat = malloc(nget * sizeof *lat + 8);
    uint64_t seed = 0xC0FFEEull;
    /* One pass to warm the page cache the way a long-running process would have it. */
    for (size_t i = 0; i < nget / 10; i++) do_get(c, API_JSON, ids.ids[rng_next(&seed) % ids.n]);
    uint64_t w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < nget; i++) lat[i] = do_get(c, API_JSON, ids.ids[rng_next(&seed) % ids.n]);
    uint64_t wall = now_ns() - w0, cpu = cpu_ns() - c0, q_wall = runq_wait_ns() - q0;
    ckpt_client_close(c);
    long long bytes = store_bytes(path);
    /* Since 1.1 each checkpoint also holds its backup and that backup's task
     * (SPEC 6.4): the checkpoints' own share is reported beside the whole. */
    long long own = object_bytes(path, "'checkpoints', 'sqlite_autoindex_checkpoints_1', 'checkpoints_due'");
    printf("{\"checkpoints\": %zu, \"reused_store\": %s, \"build_seconds\": %.3f, \"build_creates_per_s\": %.1f, "
           "\"store_bytes\": %lld, \"bytes_per_checkpoint\": %.1f, \"checkpoint_table_bytes_per_checkpoint\": %.1f, ",
           n, reused ? "true" : "false", build_s, reused ? 0.0 : n / build_s, bytes, (double)bytes / (double)n,
           own < 0 ? -1.0 : (double)own / (double)n);
    print_phase("get", lat, nget, wall, cpu, q_wall, 0);
    printf("}\n");
    json_decref(req);
    free(vault_id);
    free(lat);
    free(ids.ids);
    return 0;
}

/* ---- backups: workload 11, the lists at scale ---- */

static void resource_id(char out[37], size_t i) {
    unsigned n = (unsigned)((i + 1) & 0xffffffffu);
    snprintf(out, 37, "%08x-0000-4000-8000-%012x", n, n);
}

/* One list call through the text API; returns its ns.  Checks the page. */
static uint64_t do_list(ckpt_client *c, const char *req, size_t want_at_most) {
    char *resp = NULL, *err = NULL;
    uint64_t t0 = now_ns();
    int rc = ckpt_call_text(c, "backup.list", req, &resp, &err);
    uint64_t t = now_ns() - t0;
    if (rc != CKPT_OK) fail_text("backup.list", rc, err);
    if (!strstr(resp, "\"count\":") || (want_at_most == 0 && strstr(resp, "\"backups\":[]")))
        die("backup.list answered no backups", resp);
    (void)want_at_most;
    ckpt_free(resp);
    return t;
}

/* The checkpoint ids and the vault of a store cmd_backups built. */
static void read_backups_store(const char *path, id_list *ids, char vault_id[37]) {
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id FROM checkpoints", -1, &q, NULL) != SQLITE_OK)
        die("cannot read the existing backups store", sqlite3_errmsg(db));
    while (sqlite3_step(q) == SQLITE_ROW) ids_push(ids, (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db, "SELECT id FROM vaults LIMIT 1", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        die("the existing backups store has no vault", path);
    snprintf(vault_id, 37, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static int cmd_backups(int argc, char **argv) {
    if (argc != 6) die("usage", "backups STORE NRESOURCES NCHECKPOINTS NLIST");
    const char *path = argv[2];
    size_t nres = strtoull(argv[3], NULL, 10), ncp = strtoull(argv[4], NULL, 10), nlist = strtoull(argv[5], NULL, 10);
    id_list ids = {0};
    char vault_id[37] = {0};
    int reused = 0;
    FILE *probe = fopen(path, "rb");
    if (probe) { /* a store this library filled before (run.py checks the library's hash) */
        fclose(probe);
        read_backups_store(path, &ids, vault_id);
        if (ids.n != ncp) die("the existing backups store has another size", path);
        reused = 1;
    }
    ckpt_client *c = open_store(path, "normal");
    double build_s = 0;
    if (!reused) {
        json_t *res = json_array();
        for (size_t i = 0; i < nres; i++) {
            char rid[37];
            resource_id(rid, i);
            json_array_append_new(res, json_pack("{s:s, s:s, s:s, s:i}", "id", rid, "type", "OS::Nova::Server",
                                                 "name", "srv", "size", 0));
        }
        json_t *req = json_pack("{s:{s:s, s:{s:I}, s:o}}", "vault", "name", "bench-backups", "billing", "size",
                                (json_int_t)10485760, "resources", res);
        json_t *resp = NULL, *error = NULL;
        int rc = ckpt_call(c, "vault.create", req, &resp, &error);
        json_decref(req);
        if (rc != CKPT_OK) fail_json("vault.create", rc, error);
        snprintf(vault_id, sizeof vault_id, "%s",
                 json_string_value(json_object_get(json_object_get(resp, "vault"), "id")));
        json_decref(resp);
        char create[128];
        snprintf(create, sizeof create, "{\"checkpoint\":{\"vault_id\":\"%s\"}}", vault_id);
        uint64_t t0 = now_ns();
        for (size_t i = 0; i < ncp; i++) {
            do_create(c, API_TEXT, NULL, create, &ids);
            if ((i + 1) % 2000 == 0) fprintf(stderr, "  backups: %zu/%zu checkpoints\n", i + 1, ncp);
        }
        build_s = (now_ns() - t0) / 1e9;
    }
    uint64_t seed = 0xBACC0FFEull;
    char req[256];
    uint64_t *lat = malloc((nlist + 8) * sizeof *lat);
    /* Warm the page cache, as a long-running process would have it. */
    for (size_t i = 0; i < nlist / 10; i++) {
        snprintf(req, sizeof req, "{\"checkpoint_id\":\"%s\"}", ids.ids[rng_next(&seed) % ids.n]);
        do_list(c, req, 0);
    }
    printf("{\"backups\": %zu, \"resources\": %zu, \"checkpoints\": %zu, \"reused_store\": %s, "
           "\"build_seconds\": %.3f, ", nres * ncp, nres, ncp, reused ? "true" : "false", build_s);
    /* A checkpoint's backups: what Terraform reads after every create. */
    uint64_t w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < nlist; i++) {
        snprintf(req, sizeof req, "{\"checkpoint_id\":\"%s\"}", ids.ids[rng_next(&seed) % ids.n]);
        lat[i] = do_list(c, req, 0);
    }
    print_phase("by_checkpoint", lat, nlist, now_ns() - w0, cpu_ns() - c0, runq_wait_ns() - q0, 1);
    /* The first page of 100 of the vault's backups (count: every backup of it). */
    size_t npage = nlist / 4 ? nlist / 4 : 1;
    snprintf(req, sizeof req, "{\"vault_id\":\"%s\",\"limit\":100}", vault_id);
    w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < npage; i++) lat[i] = do_list(c, req, 0);
    print_phase("vault_first_page", lat, npage, now_ns() - w0, cpu_ns() - c0, runq_wait_ns() - q0, 1);
    /* Selective filters beside the vault's (a checkpoint and a status): the
     * count covers only the matches, whatever the vault holds. */
    w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < npage; i++) {
        snprintf(req, sizeof req, "{\"vault_id\":\"%s\",\"checkpoint_id\":\"%s\",\"status\":\"available\",\"limit\":100}",
                 vault_id, ids.ids[rng_next(&seed) % ids.n]);
        lat[i] = do_list(c, req, 0);
    }
    print_phase("selective_filters", lat, npage, now_ns() - w0, cpu_ns() - c0, runq_wait_ns() - q0, 1);
    ckpt_client_close(c);
    long long bytes = store_bytes(path);
    long long backup_bytes = object_bytes(path, "'backups', 'backups_by_id', 'backups_by_checkpoint', "
                                                "'backups_by_vault', 'backups_by_resource', 'backups_by_project', "
                                                "'backups_due', 'backup_counts'");
    long long log_bytes = object_bytes(path, "'operation_logs', 'operation_logs_by_id', 'operation_logs_by_project', "
                                             "'operation_logs_by_vault', 'operation_logs_by_resource'");
    double n = (double)(nres * ncp);
    printf("\"store_bytes\": %lld, \"store_bytes_per_backup\": %.1f, \"backup_bytes_per_backup\": %.1f, "
           "\"task_bytes_per_backup\": %.1f}\n",
           bytes, bytes / n, backup_bytes < 0 ? -1.0 : backup_bytes / n, log_bytes < 0 ? -1.0 : log_bytes / n);
    free(lat);
    free(ids.ids);
    return 0;
}

/* The lists of cmd_backups on two stores at once, call by call in turn
 * (which store goes first alternates), so that both sides see the same
 * machine: on this shared VM a process's speed changes by 2x within a
 * second, which separate processes per store turn into the ratio. */
enum { LIST_BY_CHECKPOINT, LIST_VAULT_FIRST_PAGE, LIST_SELECTIVE };

static void list_request(char *req, size_t size, int kind, const char *vault_id, const id_list *ids, uint64_t *seed) {
    switch (kind) {
    case LIST_BY_CHECKPOINT:
        snprintf(req, size, "{\"checkpoint_id\":\"%s\"}", ids->ids[rng_next(seed) % ids->n]);
        break;
    case LIST_VAULT_FIRST_PAGE:
        snprintf(req, size, "{\"vault_id\":\"%s\",\"limit\":100}", vault_id);
        break;
    default:
        snprintf(req, size, "{\"vault_id\":\"%s\",\"checkpoint_id\":\"%s\",\"status\":\"available\",\"limit\":100}",
                 vault_id, ids->ids[rng_next(seed) % ids->n]);
    }
}

static int cmd_lists(int argc, char **argv) {
    if (argc != 5) die("usage", "lists SMALL_STORE LARGE_STORE NLIST");
    const char *paths[2] = {argv[2], argv[3]};
    size_t nlist = strtoull(argv[4], NULL, 10);
    id_list ids[2] = {{0}, {0}};
    char vault_id[2][37] = {{0}, {0}};
    ckpt_client *c[2];
    uint64_t seed = 0xBACC0FFEull;
    char req[256];
    for (int s = 0; s < 2; s++) {
        read_backups_store(paths[s], &ids[s], vault_id[s]);
        c[s] = open_store(paths[s], "normal");
        for (size_t i = 0; i < nlist / 10 + 1; i++) { /* warm the caches, as a long-running process has them */
            list_request(req, sizeof req, LIST_BY_CHECKPOINT, vault_id[s], &ids[s], &seed);
            do_list(c[s], req, 0);
        }
    }
    static const char *names[] = {"by_checkpoint", "vault_first_page", "selective_filters"};
    uint64_t *lat[2] = {malloc((nlist + 8) * sizeof(uint64_t)), malloc((nlist + 8) * sizeof(uint64_t))};
    uint64_t wall[2], cpu[2], q[2];
    printf("{");
    for (int kind = 0; kind < 3; kind++) {
        size_t n = kind == LIST_BY_CHECKPOINT ? nlist : (nlist / 4 ? nlist / 4 : 1);
        for (int s = 0; s < 2; s++) wall[s] = cpu[s] = q[s] = 0;
        for (size_t i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                int s = (int)((i + (size_t)k) % 2);
                list_request(req, sizeof req, kind, vault_id[s], &ids[s], &seed);
                uint64_t w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
                lat[s][i] = do_list(c[s], req, 0);
                wall[s] += now_ns() - w0, cpu[s] += cpu_ns() - c0, q[s] += runq_wait_ns() - q0;
            }
        }
        printf("%s\"%s\": {", kind ? ", " : "", names[kind]);
        print_phase("small", lat[0], n, wall[0], cpu[0], q[0], 1);
        print_phase("large", lat[1], n, wall[1], cpu[1], q[1], 0);
        printf("}");
    }
    printf("}\n");
    for (int s = 0; s < 2; s++) {
        ckpt_client_close(c[s]);
        free(lat[s]);
        free(ids[s].ids);
    }
    return 0;
}

/* ---- remote: workload 8, the library's HTTP client ---- */

static int cmd_remote(int argc, char **argv) {
    if (argc != 8) die("usage", "remote ENDPOINT PROJECT AK SK CHECKPOINT_ID N");
    size_t n = strtoull(argv[7], NULL, 10);
    json_t *config = json_pack("{s:s, s:s, s:s, s:s, s:s}", "backend", "remote", "endpoint", argv[2],
                               "project_id", argv[3], "ak", argv[4], "sk", argv[5]);
    ckpt_client *c = NULL;
    json_t *error = NULL;
    int rc = ckpt_client_open(config, &c, &error);
    json_decref(config);
    if (rc != CKPT_OK) fail_json("ckpt_client_open(remote)", rc, error);
    char req[96];
    snprintf(req, sizeof req, "{\"checkpoint_id\":\"%s\"}", argv[6]);
    for (int i = 0; i < 20; i++) { /* warm-up: connection, first-use costs */
        char *resp = NULL, *err = NULL;
        rc = ckpt_call_text(c, "checkpoint.get", req, &resp, &err);
        if (rc != CKPT_OK) fail_text("remote checkpoint.get", rc, err);
        ckpt_free(resp);
    }
    uint64_t *lat = malloc(n * sizeof *lat + 8);
    uint64_t c0 = cpu_ns(), w0 = now_ns();
    for (size_t i = 0; i < n; i++) {
        uint64_t t0 = now_ns();
        char *resp = NULL, *err = NULL;
        rc = ckpt_call_text(c, "checkpoint.get", req, &resp, &err);
        if (rc != CKPT_OK) fail_text("remote checkpoint.get", rc, err);
        ckpt_free(resp);
        lat[i] = now_ns() - t0;
    }
    uint64_t wall = now_ns() - w0, cpu = cpu_ns() - c0;
    qsort(lat, n, sizeof *lat, cmp_u64);
    printf("{\"client\": \"libckpt C (ckpt_call_text)\", \"n\": %zu, \"calls_per_s\": %.1f, "
           "\"cpu_us_per_call\": %.2f, \"p50_us\": %.2f, \"p99_us\": %.2f}\n",
           n, n / (wall / 1e9), cpu / 1e3 / n, percentile_us(lat, n, 50), percentile_us(lat, n, 99));
    ckpt_client_close(c);
    free(lat);
    return 0;
}

/* ---- prep: a store with a vault and N checkpoints ---- */

static int cmd_prep(int argc, char **argv) {
    if (argc != 4) die("usage", "prep STORE N");
    size_t n = strtoull(argv[3], NULL, 10);
    ckpt_client *c = open_store(argv[2], "normal");
    char *vault_id = make_vault(c);
    json_t *req = create_request(vault_id);
    id_list ids = {0};
    for (size_t i = 0; i < n; i++) do_create(c, API_JSON, req, NULL, &ids);
    printf("{\"vault_id\": \"%s\", \"checkpoint_id\": \"%s\", \"checkpoints\": %zu}\n", vault_id,
           n ? ids.ids[n - 1] : "", n);
    ckpt_client_close(c);
    json_decref(req);
    free(vault_id);
    free(ids.ids);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) die("usage", "bench crud|shared|scale|remote|prep ...");
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (strcmp(argv[1], "crud") == 0) return cmd_crud(argc, argv);
    if (strcmp(argv[1], "shared") == 0) return cmd_shared(argc, argv);
    if (strcmp(argv[1], "group") == 0) return cmd_group(argc, argv);
    if (strcmp(argv[1], "scale") == 0) return cmd_scale(argc, argv);
    if (strcmp(argv[1], "remote") == 0) return cmd_remote(argc, argv);
    if (strcmp(argv[1], "prep") == 0) return cmd_prep(argc, argv);
    if (strcmp(argv[1], "mix") == 0) return cmd_mix(argc, argv);
    if (strcmp(argv[1], "backups") == 0) return cmd_backups(argc, argv);
    if (strcmp(argv[1], "lists") == 0) return cmd_lists(argc, argv);
    die("unknown command", argv[1]);
    return 2;
}
