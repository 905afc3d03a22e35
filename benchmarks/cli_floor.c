/* cli_floor.c - the floor of workload 9: what `ckpt call checkpoint.get`
 * does, with the least work: open the store file read-only, select the
 * checkpoint's document, parse it, print it compact.
 *
 *   cli_floor STORE CHECKPOINT_ID
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: cli_floor STORE CHECKPOINT_ID\n");
        return 2;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT doc FROM checkpoints WHERE id = ?", -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "cli_floor: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_bind_text(s, 1, argv[2], -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        fprintf(stderr, "cli_floor: no checkpoint %s\n", argv[2]);
        return 1;
    }
    json_t *doc = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    if (!text) return 1;
    puts(text);
    free(text);
    json_decref(doc);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return 0;
}
