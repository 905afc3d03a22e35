/* dlopen_floor.c - the floor of workload 10: a library that needs only what
 * libckpt needs at load time, jansson and sqlite3, and answers
 * ckpt_version().  dlopen_bench loads it in a fresh process each time, side
 * by side with libckpt.so.1, for the ratio of issue 15's table (goal <= 3x).
 *
 *   cc -shared -fPIC dlopen_floor.c -o libfloor.so -ljansson -lsqlite3
 */
#include <jansson.h>
#include <sqlite3.h>

const char *ckpt_version(void) {
    /* One call into each library, so that neither is an unused NEEDED. */
    return sqlite3_libversion_number() > 0 && jansson_version_cmp(2, 0, 0) >= 0 ? "floor" : "?";
}
