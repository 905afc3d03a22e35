/* floor.c - the least work for the same result as libckpt's create and get,
 * with the same libraries (jansson, sqlite3): the floor the library is
 * measured against (workload 6 of benchmarks/run.py).
 *
 *   floor crud STORE DURABILITY NCREATE NGET
 *
 * create: parse the request text (seed 000's example) with jansson, build
 *         the response document (the same members libckpt answers), insert one row
 *         (id, project_id, vault_id, status, doc) into a WAL SQLite database
 *         with the same synchronous setting, and since libckpt 1.1 the
 *         checkpoint's backup and its backup task too (one row each, keyed
 *         by id, holding its document: what a create of 1.1 leaves in the
 *         store), one transaction per create, and hand back the response text;
 * get:    select the row by primary key, parse the document, dump it.
 *
 * No validation, no vault lookup, no capacity or lock bookkeeping: those are
 * the library's added value, and what the ratio measures.  Output has the
 * same JSON shape as `bench crud`.
 */
#include "common.h"

#include <jansson.h>
#include <sqlite3.h>
#include <sys/random.h>

static const char *PROJECT = "00000000000000000000000000000000";
static const char *RESOURCE_ID = SEED000_RESOURCE_ID;

static sqlite3 *db;
static sqlite3_stmt *ins, *sel, *ins_backup, *ins_task;
static uint64_t uuid_state;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) die(what, sqlite3_errmsg(db));
}

static void make_uuid(char out[37]) {
    uint64_t a = rng_next(&uuid_state), b = rng_next(&uuid_state);
    a = (a & ~0xF000ull) | 0x4000ull;                              /* version 4 */
    b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;       /* variant */
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xFFFF,
             (unsigned)a & 0xFFFF, (unsigned)(b >> 48), (unsigned long long)(b & 0xFFFFFFFFFFFFull));
}

static void timestamp(char out[96]) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
}

/* One create: request text in, response text out (caller frees). */
static char *floor_create(const char *request_text, char id_out[37]) {
    json_t *req = json_loads(request_text, 0, NULL);
    json_t *cp = json_object_get(req, "checkpoint");
    const char *vault_id = json_string_value(json_object_get(cp, "vault_id"));
    json_t *params = json_object_get(cp, "parameters");
    const char *name = json_string_value(json_object_get(params, "name"));
    const char *description = json_string_value(json_object_get(params, "description"));
    const char *resource = json_string_value(json_array_get(json_object_get(params, "resources"), 0));
    int incremental = !json_is_false(json_object_get(params, "incremental"));
    int auto_trigger = json_is_true(json_object_get(params, "auto_trigger"));
    if (!description) description = "";
    if (!resource) resource = RESOURCE_ID;
    char id[37], ts[96];
    make_uuid(id);
    timestamp(ts);
    json_t *doc = json_pack(
        "{s:{s:s, s:s, s:{s:[], s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:{s:[], s:[]}}], s:s}, s:s, s:s, "
        "s:{s:i, s:s, s:s}}}",
        "checkpoint", "status", "protecting", "created_at", ts, "vault", "skipped_resources", "id", vault_id,
        "resources", "name", "bench-server", "resource_size", "0", "protect_status", "available", "type",
        "OS::Nova::Server", "id", resource, "extra_info", "exclude_volumes", "include_volumes", "name",
        "bench-vault", "project_id", PROJECT, "id", id, "extra_info", "retention_duration", -1, "name",
        name ? name : "", "description", description);
    char *text = json_dumps(doc, JSON_COMPACT);
    check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
    /* The checkpoint's one backup and its task, as documents (SPEC 6.3). */
    char bid[37], tid[37], bdoc[1400], tdoc[1400];
    make_uuid(bid);
    make_uuid(tid);
    snprintf(bdoc, sizeof bdoc,
             "{\"id\":\"%s\",\"name\":\"%s\",\"description\":\"%s\",\"checkpoint_id\":\"%s\",\"vault_id\":\"%s\","
             "\"project_id\":\"%s\",\"provider_id\":\"0daac4c5-6707-4851-97ba-169e36266b66\",\"resource_id\":\"%s\","
             "\"resource_name\":\"bench-server\",\"resource_type\":\"OS::Nova::Server\",\"resource_size\":0,"
             "\"resource_az\":\"\",\"image_type\":\"backup\",\"status\":\"available\",\"created_at\":\"%s\","
             "\"updated_at\":\"%s\",\"protected_at\":\"%s\",\"expired_at\":null,\"parent_id\":null,\"incremental\":%s,"
             "\"children\":[],\"extend_info\":{\"auto_trigger\":%s,\"bootable\":true,\"supported_restore_mode\":\"backup\","
             "\"contain_system_disk\":true,\"encrypted\":false,\"system_disk\":false,\"snapshot_id\":\"\"},"
             "\"enterprise_project_id\":\"0\",\"replication_records\":[]}",
             bid, name ? name : "", description, id, vault_id, PROJECT, resource, ts, ts, ts,
             incremental ? "true" : "false", auto_trigger ? "true" : "false");
    snprintf(tdoc, sizeof tdoc,
             "{\"id\":\"%s\",\"project_id\":\"%s\",\"provider_id\":\"0daac4c5-6707-4851-97ba-169e36266b66\","
             "\"checkpoint_id\":\"%s\",\"policy_id\":\"\",\"vault_id\":\"%s\",\"vault_name\":\"bench-vault\","
             "\"operation_type\":\"backup\",\"status\":\"success\",\"created_at\":\"%s\",\"started_at\":\"%s\","
             "\"updated_at\":\"%s\",\"ended_at\":\"%s\",\"error_info\":{\"code\":\"\",\"message\":\"\"},"
             "\"extra_info\":{\"common\":{\"progress\":100,\"request_id\":\"req-%s\",\"task_id\":\"%s\"},"
             "\"resource\":{\"id\":\"%s\",\"name\":\"bench-server\",\"type\":\"OS::Nova::Server\"},"
             "\"backup\":{\"backup_id\":\"%s\",\"backup_name\":\"%s\",\"incremental\":\"%s\"}}}",
             tid, PROJECT, id, vault_id, ts, ts, ts, ts, tid, tid, resource, bid, name ? name : "",
             incremental ? "true" : "false");
    sqlite3_bind_text(ins_backup, 1, bid, 36, SQLITE_STATIC);
    sqlite3_bind_text(ins_backup, 2, bdoc, -1, SQLITE_STATIC);
    check(sqlite3_step(ins_backup), "insert backup");
    sqlite3_reset(ins_backup);
    sqlite3_bind_text(ins_task, 1, tid, 36, SQLITE_STATIC);
    sqlite3_bind_text(ins_task, 2, tdoc, -1, SQLITE_STATIC);
    check(sqlite3_step(ins_task), "insert task");
    sqlite3_reset(ins_task);
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, id, 36, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, PROJECT, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, vault_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 4, "available", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, text, -1, SQLITE_STATIC);
    check(sqlite3_step(ins), "insert");
    sqlite3_reset(ins);
    check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit"); /* one transaction per create */
    json_decref(doc);
    json_decref(req);
    memcpy(id_out, id, 37);
    return text;
}

/* One get: id in, response text out (caller frees). */
static char *floor_get(const char *id) {
    sqlite3_reset(sel);
    sqlite3_bind_text(sel, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(sel) != SQLITE_ROW) die("get", "no such checkpoint");
    json_t *doc = json_loadb((const char *)sqlite3_column_text(sel, 0), (size_t)sqlite3_column_bytes(sel, 0), 0, NULL);
    sqlite3_reset(sel);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

int main(int argc, char **argv) {
    if (argc != 6 || strcmp(argv[1], "crud") != 0) die("usage", "floor crud STORE DURABILITY NCREATE NGET");
    const char *path = argv[2], *durability = argv[3];
    size_t ncreate = strtoull(argv[4], NULL, 10), nget = strtoull(argv[5], NULL, 10);
    if (getrandom(&uuid_state, sizeof uuid_state, 0) != sizeof uuid_state || uuid_state == 0) uuid_state = 88172645463325252ull;

    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL), "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), "wal");
    check(sqlite3_exec(db, strcmp(durability, "full") == 0 ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                       NULL, NULL, NULL), "synchronous");
    check(sqlite3_exec(db,
                       "CREATE TABLE IF NOT EXISTS checkpoints(id TEXT PRIMARY KEY, project_id TEXT NOT NULL, "
                       "vault_id TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID",
                       NULL, NULL, NULL), "create table");
    check(sqlite3_exec(db,
                       /* Appended in rowid order, with no index: the least a store can do to keep them. */
                       "CREATE TABLE IF NOT EXISTS backups(id TEXT NOT NULL, doc TEXT NOT NULL);"
                       "CREATE TABLE IF NOT EXISTS tasks(id TEXT NOT NULL, doc TEXT NOT NULL)",
                       NULL, NULL, NULL), "create tables");
    check(sqlite3_prepare_v2(db, "INSERT INTO checkpoints(id, project_id, vault_id, status, doc) VALUES(?,?,?,?,?)",
                             -1, &ins, NULL), "prepare insert");
    check(sqlite3_prepare_v2(db, "INSERT INTO backups(id, doc) VALUES(?,?)", -1, &ins_backup, NULL), "prepare backup");
    check(sqlite3_prepare_v2(db, "INSERT INTO tasks(id, doc) VALUES(?,?)", -1, &ins_task, NULL), "prepare task");
    check(sqlite3_prepare_v2(db, "SELECT doc FROM checkpoints WHERE id = ?", -1, &sel, NULL), "prepare select");

    char vault_id[37];
    make_uuid(vault_id);
    char request[512];
    snprintf(request, sizeof request, SEED000_REQUEST_FMT, vault_id);

    id_list ids = {0};
    uint64_t *lat = malloc((ncreate > nget ? ncreate : nget) * sizeof *lat + 8);
    uint64_t w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < ncreate; i++) {
        char id[37];
        uint64_t t0 = now_ns();
        char *resp = floor_create(request, id);
        free(resp);
        lat[i] = now_ns() - t0;
        ids_push(&ids, id);
    }
    uint64_t wall_create = now_ns() - w0, cpu_create = cpu_ns() - c0, q_wall_create = runq_wait_ns() - q0;
    printf("{\"api\": \"floor\", \"durability\": \"%s\", ", durability);
    print_phase("create", lat, ncreate, wall_create, cpu_create, q_wall_create, 1);

    uint64_t seed = 0x9E3779B97F4A7C15ull;
    w0 = now_ns(), c0 = cpu_ns(), q0 = runq_wait_ns();
    for (size_t i = 0; i < nget; i++) {
        const char *id = ids.ids[rng_next(&seed) % ids.n];
        uint64_t t0 = now_ns();
        char *resp = floor_get(id);
        free(resp);
        lat[i] = now_ns() - t0;
    }
    uint64_t wall_get = now_ns() - w0, cpu_get = cpu_ns() - c0, q_wall_get = runq_wait_ns() - q0;
    print_phase("get", lat, nget, wall_get, cpu_get, q_wall_get, 0);
    printf("}\n");

    sqlite3_finalize(ins);
    sqlite3_finalize(sel);
    sqlite3_close(db);
    free(lat);
    free(ids.ids);
    return 0;
}
