/* SQLite helpers for what Swift cannot import (macros).
 * Every symbol is hidden: none of this is libckpt's ABI. */
#ifndef CKPT_SQLITE_SHIM_H
#define CKPT_SQLITE_SHIM_H

#include <stddef.h>
#include <sqlite3.h>

#define CKPT_SQLITE_SHIM_HIDDEN __attribute__((visibility("hidden")))

/* sqlite3_bind_text with SQLITE_TRANSIENT (a macro cast Swift cannot import). */
CKPT_SQLITE_SHIM_HIDDEN int ckpt_shim_bind_text(sqlite3_stmt *stmt, int index, const char *text, int length);

/* sqlite3_bind_blob with SQLITE_TRANSIENT. */
CKPT_SQLITE_SHIM_HIDDEN int ckpt_shim_bind_blob(sqlite3_stmt *stmt, int index, const void *bytes, int length);

#endif
