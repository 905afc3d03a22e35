/* common.h - small helpers shared by the hardening tests (bad_inputs.c,
 * concurrency.c, crash.c).  Everything is static so each test is one
 * translation unit and unused helpers do not trip -Werror.
 */
#ifndef CKPT_HARDENING_COMMON_H
#define CKPT_HARDENING_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <ckpt.h>
#include <jansson.h>
#include <sqlite3.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* ==========================================================================
 * Growable byte buffer (may hold NUL bytes; always NUL-terminated)
 * ========================================================================== */

typedef struct {
    char *p;
    size_t n;
    size_t cap;
} hbuf;

static inline void hb_reserve(hbuf *b, size_t more) {
    if (b->n + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    b->p = p;
    b->cap = cap;
}

static inline void hb_add(hbuf *b, const void *s, size_t n) {
    hb_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static inline void hb_adds(hbuf *b, const char *s) { hb_add(b, s, strlen(s)); }

static inline void hb_fill(hbuf *b, char c, size_t count) {
    hb_reserve(b, count);
    memset(b->p + b->n, c, count);
    b->n += count;
    b->p[b->n] = '\0';
}

static inline void hb_printf(hbuf *b, const char *fmt, ...) {
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        hb_add(b, small, (size_t)n);
        return;
    }
    hb_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

static inline void hb_free(hbuf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* ==========================================================================
 * Time, hashing
 * ========================================================================== */

static inline double h_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline uint64_t h_fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

#define H_FNV_INIT 14695981039346656037ULL

/* ==========================================================================
 * Store inspection with sqlite3 (independent of libckpt)
 * ========================================================================== */

/* A fingerprint of every table of the store: name, row count and a hash of
 * every column of every row, plus user_version.  NULL if the file cannot be
 * read.  free() it. */
static inline char *h_store_fingerprint(const char *path) {
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    hbuf out = {0};
    sqlite3_stmt *tables = NULL;
    int ok = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1, &tables,
                                NULL) == SQLITE_OK;
    while (ok && sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY 1, 2", name);
        sqlite3_stmt *rows = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK) {
            ok = 0;
        } else {
            uint64_t h = H_FNV_INIT;
            long count = 0;
            int rc;
            while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
                count++;
                int cols = sqlite3_column_count(rows);
                for (int i = 0; i < cols; i++) {
                    const unsigned char *t = sqlite3_column_text(rows, i);
                    int n = sqlite3_column_bytes(rows, i);
                    if (t) h = h_fnv(h, t, (size_t)n);
                    h = h_fnv(h, "\x1f", 1);
                }
                h = h_fnv(h, "\x1e", 1);
            }
            if (rc != SQLITE_DONE) ok = 0;
            hb_printf(&out, "%s=%ld:%016llx;", name, count, (unsigned long long)h);
        }
        sqlite3_finalize(rows);
        sqlite3_free(sql);
    }
    sqlite3_finalize(tables);
    sqlite3_stmt *uv = NULL;
    if (ok && sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &uv, NULL) == SQLITE_OK && sqlite3_step(uv) == SQLITE_ROW)
        hb_printf(&out, "user_version=%d", sqlite3_column_int(uv, 0));
    sqlite3_finalize(uv);
    sqlite3_close(db);
    if (!ok) {
        hb_free(&out);
        return NULL;
    }
    return out.p ? out.p : strdup("");
}

/* PRAGMA integrity_check's first row ("ok" when sound); free() it. */
static inline char *h_integrity_check(const char *path) {
    sqlite3 *db = NULL;
    char *result = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
            result = strdup((const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
    }
    if (!result) result = strdup(db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return result;
}

/* ==========================================================================
 * libckpt helpers
 * ========================================================================== */

/* An error object's field as a string ("" when missing). */
static inline const char *h_err_str(const json_t *err, const char *key) {
    const char *s = json_string_value(json_object_get(err, key));
    return s ? s : "";
}

static inline const char *h_class_name(int code) {
    switch (code) {
    case CKPT_OK: return "ok";
    case CKPT_EINVAL: return "invalid";
    case CKPT_ENOTFOUND: return "not_found";
    case CKPT_ECONFLICT: return "conflict";
    case CKPT_EQUOTA: return "quota";
    case CKPT_EAUTH: return "auth";
    case CKPT_EPERM: return "permission";
    case CKPT_ETIMEOUT: return "timeout";
    case CKPT_ENETWORK: return "network";
    case CKPT_EREMOTE: return "remote";
    case CKPT_ESTORAGE: return "storage";
    case CKPT_EINTERNAL: return "internal";
    case CKPT_ECANCELED: return "canceled";
    default: return "unknown";
    }
}

/* The lowest CKPT_E* code this header knows (CKPT_ECANCELED since 1.1). */
#define H_LAST_CLASS CKPT_ECANCELED

static inline int h_class_code(const char *name) {
    for (int c = 0; c >= H_LAST_CLASS; c--)
        if (strcmp(h_class_name(c), name) == 0) return c;
    return 1; /* never a valid return code */
}

/* Opens a client from printf-style JSON config text; exits on failure. */
static inline ckpt_client *h_open(const char *fmt, ...) {
    char cfg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cfg, sizeof cfg, fmt, ap);
    va_end(ap);
    ckpt_client *c = NULL;
    char *err = NULL;
    if (ckpt_client_open_text(cfg, &c, &err) != CKPT_OK) {
        fprintf(stderr, "cannot open client %s: %s\n", cfg, err ? err : "(no error)");
        ckpt_free(err);
        exit(2);
    }
    return c;
}

/* Runs a text call that must succeed; returns the parsed response (decref it).
 * Exits on failure: for fixtures only. */
static inline json_t *h_must(ckpt_client *c, const char *op, const char *request) {
    char *resp = NULL, *err = NULL;
    int rc = ckpt_call_text(c, op, request, &resp, &err);
    if (rc != CKPT_OK) {
        fprintf(stderr, "fixture %s failed (%d): %s\nrequest: %.300s\n", op, rc, err ? err : "(null)", request);
        ckpt_free(err);
        exit(2);
    }
    json_t *j = json_loads(resp, 0, NULL);
    ckpt_free(resp);
    if (!j) {
        fprintf(stderr, "fixture %s: response is not JSON\n", op);
        exit(2);
    }
    return j;
}

/* response["<top>"]["id"], copied; exits when missing. */
static inline char *h_id(const json_t *resp, const char *top) {
    const char *id = json_string_value(json_object_get(json_object_get(resp, top), "id"));
    if (!id) {
        fprintf(stderr, "response has no %s.id\n", top);
        exit(2);
    }
    return strdup(id);
}

/* Creates the directory when missing; exits when it cannot. */
static inline void h_mkdir_p(const char *dir) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(tmp, 0700);
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", dir, strerror(errno));
        exit(2);
    }
}

/* Removes a store file and its WAL side files. */
static inline void h_remove_store(const char *path) {
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

#endif /* CKPT_HARDENING_COMMON_H */
