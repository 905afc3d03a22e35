/*
 * ckpt.h - libckpt: backup checkpoints (restore points) as Huawei Cloud CBR v3
 * and CSBS v1 define them, behind one C ABI.
 *
 * Anything not declared in this header is not API.
 *
 * ==========================================================================
 * Conventions
 * ==========================================================================
 *
 * Return values.  Every fallible function returns int: 0 (CKPT_OK) on
 * success, otherwise the negative CKPT_E* code of the error's class.  The
 * codes are append-only: a code, once published, keeps its number and
 * meaning forever.
 *
 * Out-parameters.  Results come back through out-parameters.  On every
 * failure path every out-parameter except the error is set to NULL.  The
 * error out-parameter is optional: pass NULL when you only want the code.
 *
 * Ownership (the words of the jansson reference):
 *   - input  json_t values are BORROWED: the library never steals or keeps a
 *     reference to them, and never modifies them;
 *   - output json_t values are NEW references: release them with
 *     json_decref();
 *   - strings the library returns (char *) are released with ckpt_free();
 *     never with free(), since the host may run several allocators;
 *   - const char * results (ckpt_version, ckpt_strerror) are static: do not
 *     free them.
 *
 * The error object.  On failure, *error (or *error_json) receives
 *   {"code": <CKPT_E* int>, "class": "invalid" | "not_found" | "conflict" |
 *    "quota" | "auth" | "permission" | "timeout" | "network" | "remote" |
 *    "storage" | "internal" | "canceled",
 *    "http_status": int, "error_code": "BackupService.NNNN" | "CSBS.NNNN" | "",
 *    "error_msg": "...", "request_id": string or null}
 * plus, when a wait ends in failure (CKPT_ECONFLICT), times out
 * (CKPT_ETIMEOUT) or is canceled (CKPT_ECANCELED), the object it waited on
 * as last seen: "checkpoint", "backup" or "operation_log"; and when
 * backup.prune could not delete everything, "prune": its result with
 * "failed": [{"id", "error"}].
 * http_status and error_code are those of the service (or of the embedded
 * backend's emulation of it); a failure that never had an HTTP exchange
 * (storage, internal, network, a wait timeout) has http_status 0 and
 * error_code "".  No token, SK or signature ever appears in an error.
 *
 * Threads.  Every function is thread-safe.  A ckpt_client handle may be
 * shared by any number of threads: calls on one handle are safe to make at
 * the same time (the embedded backend serialises them on the handle's
 * connection; use one handle per thread for parallel reads).  Several
 * handles, in one process or many, may use one store file at once: writers
 * wait for each other and "database is locked" never reaches the caller.
 * ckpt_client_close() must not race with calls on the same handle.
 *
 * Limits (violations are CKPT_EINVAL, http_status 400, BackupService.9900,
 * or CSBS.9001 for the v1 operations; so are NULL or non-UTF-8 arguments):
 *   - request or configuration text: at most CKPT_MAX_REQUEST_BYTES bytes;
 *   - JSON nesting: at most CKPT_MAX_DEPTH levels (the top value is level 1);
 *   - values in one request or configuration: at most CKPT_MAX_VALUES;
 *   - names: 1 to CKPT_MAX_NAME_LENGTH characters; descriptions: at most
 *     CKPT_MAX_DESCRIPTION_LENGTH characters;
 *   - resources in one request: at most CKPT_MAX_RESOURCES.
 * Strings must be valid UTF-8 without NUL characters.
 */
#ifndef CKPT_H
#define CKPT_H

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==========================================================================
 * Versions
 * ========================================================================== */

/* The one place the version is written: the Makefile (VERSION, the soname),
 * the Swift code (through Sources/CCkptABI) and the Python package read
 * these three lines. */
#define CKPT_VERSION_MAJOR 1
#define CKPT_VERSION_MINOR 1
#define CKPT_VERSION_PATCH 0

#define CKPT_STRINGIFY_(x) #x
#define CKPT_STRINGIFY(x) CKPT_STRINGIFY_(x)
/** "MAJOR.MINOR.PATCH" of the header you compiled against. */
#define CKPT_VERSION_STRING \
    CKPT_STRINGIFY(CKPT_VERSION_MAJOR) "." CKPT_STRINGIFY(CKPT_VERSION_MINOR) "." CKPT_STRINGIFY(CKPT_VERSION_PATCH)
/** MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons (since 1.1). */
#define CKPT_VERSION_NUMBER \
    (CKPT_VERSION_MAJOR * 10000 + CKPT_VERSION_MINOR * 100 + CKPT_VERSION_PATCH)

/* ==========================================================================
 * Limits
 * ========================================================================== */

#define CKPT_MAX_REQUEST_BYTES      (1024 * 1024)
#define CKPT_MAX_DEPTH              32
#define CKPT_MAX_VALUES             100000
#define CKPT_MAX_NAME_LENGTH        64
#define CKPT_MAX_DESCRIPTION_LENGTH 255
#define CKPT_MAX_RESOURCES          256

/* ==========================================================================
 * Error classes (append-only)
 * ========================================================================== */

#define CKPT_OK          0   /* success */
#define CKPT_EINVAL     (-1) /* invalid argument, request or configuration */
#define CKPT_ENOTFOUND  (-2) /* the vault, policy or checkpoint does not exist */
#define CKPT_ECONFLICT  (-3) /* state does not allow it (busy, vault status, checkpoint in error) */
#define CKPT_EQUOTA     (-4) /* capacity or quota exceeded */
#define CKPT_EAUTH      (-5) /* authentication failed (401) */
#define CKPT_EPERM      (-6) /* permission denied (403) */
#define CKPT_ETIMEOUT   (-7) /* a timeout expired */
#define CKPT_ENETWORK   (-8) /* connection, DNS or TLS failure */
#define CKPT_EREMOTE    (-9) /* the remote service failed (429, 5xx, garbage) */
#define CKPT_ESTORAGE  (-10) /* the local store failed (I/O, corruption, path) */
#define CKPT_EINTERNAL (-11) /* a bug in libckpt */
#define CKPT_ECANCELED (-12) /* the caller stopped it: a wait's progress callback returned non-zero (since 1.1) */

/* ==========================================================================
 * Types
 * ========================================================================== */

/** An opaque client handle.  See "Threads" above. */
typedef struct ckpt_client ckpt_client;

/** The CSBS provider id: the default provider_id of the v1 operations. */
#define CKPT_CSBS_PROVIDER_ID "fc4d5750-22e7-4798-8a46-f48f62c4c1da"

/* ==========================================================================
 * Library
 * ========================================================================== */

/**
 * The runtime version, "MAJOR.MINOR.PATCH".
 * @return a static string; never NULL; do not free.
 */
const char *ckpt_version(void);

/**
 * The runtime version as MAJOR * 10000 + MINOR * 100 + PATCH (10100 for
 * 1.1.0): compare it with CKPT_VERSION_NUMBER to learn whether the loaded
 * library is at least the one you compiled against.  Since 1.1.
 * @return the version number; never fails.
 */
int ckpt_version_number(void);

/**
 * A static description of a CKPT_E* code ("invalid", "not_found", ...:
 * the error object's "class"); "unknown" for any other value.
 * @return a static string; never NULL; do not free.
 */
const char *ckpt_strerror(int code);

/**
 * Release a string returned by the library (response_json, error_json).
 * @param p the string, or NULL (then it does nothing).
 */
void ckpt_free(void *p);

/* ==========================================================================
 * Clients
 * ========================================================================== */

/**
 * Open a client from a configuration object.
 *
 * Configuration keys (any other key is CKPT_EINVAL):
 *   "backend":    "embedded" (the default) or "remote";
 *   "path":       the store file (embedded); default
 *                 $XDG_DATA_HOME/ckpt/store.db, or
 *                 ~/.local/share/ckpt/store.db when XDG_DATA_HOME is unset
 *                 (the directory is created); ":memory:" keeps the store in
 *                 memory, private to this handle;
 *   "project_id": the project; default "00000000000000000000000000000000";
 *   "durability": "full" (the default: every success is fsynced) or
 *                 "normal" (WAL without fsync per commit: a power loss may
 *                 lose the last commits, a process crash loses nothing);
 *   "simulate":   {"backup_ms_per_gb": N, "fail_resources": [ids]}: local
 *                 test controls of the embedded backend.
 * The remote backend's keys are listed in the README.
 *
 * @param config   borrowed; an object, or NULL for {} (all defaults).
 * @param out      receives the new handle (free with ckpt_client_close), or
 *                 NULL on failure.  Must not be NULL.
 * @param error    optional; receives a new error object on failure (release
 *                 with json_decref), NULL on success.
 * @return CKPT_OK, CKPT_EINVAL (bad configuration), CKPT_ESTORAGE (the
 *         store cannot be opened).
 */
int ckpt_client_open(const json_t *config, ckpt_client **out, json_t **error);

/**
 * ckpt_client_open() with JSON text.
 * @param config_json  borrowed UTF-8 JSON text of an object; NULL means "{}".
 * @param out          as ckpt_client_open.
 * @param error_json   optional; receives the error object as JSON text
 *                     (release with ckpt_free), NULL on success.
 */
int ckpt_client_open_text(const char *config_json, ckpt_client **out, char **error_json);

/**
 * Close a client and release everything it holds.
 * @param client the handle, or NULL (then it does nothing).  No call on the
 *               handle may be running or start afterwards.
 */
void ckpt_client_close(ckpt_client *client);

/* ==========================================================================
 * Operations
 * ========================================================================== */

/**
 * Run one operation.
 *
 * Operations (canonical names; request = documented body plus the path
 * parameters as top-level string fields):
 *   "vault.create"           {"vault": {...}}
 *   "vault.get"              {"vault_id"}
 *   "policy.create"          {"policy": {...}}
 *   "policy.get"             {"policy_id"}
 *   "checkpoint.create"      {"checkpoint": VaultBackup}
 *   "checkpoint.get"         {"checkpoint_id"}
 *   "checkpoint.wait"        {"checkpoint_id", "status" (default
 *                            "available"), "timeout_ms" (default 60000),
 *                            "interval_ms" (optional), "provider_id"
 *                            (optional: wait on a v1 checkpoint)}
 *   "policy.execute"         {"provider_id" (default CKPT_CSBS_PROVIDER_ID),
 *                            "checkpoint": {"plan_id", "parameters"}}
 *   "policy.checkpoint_get"  {"provider_id" (default), "checkpoint_id"}
 * Since 1.1 (SPEC 6; list filters and paging are top-level members with
 * their JSON types: "limit" 1-1000, "offset", "marker", "sort"):
 *   "backup.list"            filters checkpoint_id, vault_id, resource_id,
 *                            resource_name, resource_type, name, status (a
 *                            string or an array), image_type, start_time,
 *                            end_time, incremental -> {"backups": [...],
 *                            "count", "offset", "limit"}
 *   "backup.get"             {"backup_id"} -> {"backup": BackupResp}
 *   "backup.update"          {"backup_id", "backup": {"name"}}
 *   "backup.delete"          {"backup_id"} -> {} (the backup is "deleting",
 *                            then gone)
 *   "backup.restore"         {"backup_id", "restore": {"server_id",
 *                            "volume_id", "power_on", "mappings",
 *                            "resource_id"}} -> {"job_id"}
 *   "operation_log.list"     filters operation_type, status, vault_id,
 *                            vault_name, resource_id, resource_name,
 *                            provider_id, start_time, end_time ->
 *                            {"operation_logs": [...], "count", ...}
 *   "operation_log.get"      {"operation_log_id"}
 *   "backup.wait"            {"backup_id", "status" (default "available";
 *                            "deleted": until it is gone), "timeout_ms",
 *                            "interval_ms"} -> {"backup": ...}
 *   "operation_log.wait"     {"operation_log_id", "timeout_ms",
 *                            "interval_ms"} -> {"operation_log": ...}
 *   "backup.prune"           {"vault_id", "resource_id"?, "keep_last"?,
 *                            "keep_daily"?, "keep_weekly"?, "keep_monthly"?,
 *                            "keep_within_days"?, "dry_run"?} -> {"keep":
 *                            [{"id", "resource_id", "created_at",
 *                            "reasons"}], "remove": [ids], "dry_run"}
 * Local test controls (embedded backend only):
 *   "local.vault.set_status"      {"vault_id", "status"}
 *   "local.checkpoint.set_status" {"checkpoint_id", "status"}
 *
 * @param client     the handle; NULL is CKPT_EINVAL.
 * @param operation  a canonical name; NULL or unknown is CKPT_EINVAL.
 * @param request    borrowed object; NULL means {}.
 * @param response   receives the new response object (json_decref it), or
 *                   NULL on failure.  Must not be NULL.
 * @param error      optional; receives a new error object on failure.
 * @return CKPT_OK or a CKPT_E* code.
 */
int ckpt_call(ckpt_client *client, const char *operation, const json_t *request,
              json_t **response, json_t **error);

/**
 * ckpt_call() with JSON text in and out.
 * @param request_json   borrowed UTF-8 JSON text; NULL means "{}".
 * @param response_json  receives compact JSON text (ckpt_free it), or NULL
 *                       on failure.  Must not be NULL.
 * @param error_json     optional; receives the error object as JSON text
 *                       (ckpt_free it).
 */
int ckpt_call_text(ckpt_client *client, const char *operation, const char *request_json,
                   char **response_json, char **error_json);

/**
 * ckpt_call() plus the call's metadata, e.g. the request id of a successful
 * remote call.
 * @param meta  optional; on success receives a new object
 *              {"request_id": string or null, "backend": "embedded" | "remote"}
 *              (json_decref it); NULL on failure (the error object carries
 *              the request id then).
 * Other parameters, return value and ownership as ckpt_call().
 */
int ckpt_call_ex(ckpt_client *client, const char *operation, const json_t *request,
                 json_t **response, json_t **meta, json_t **error);

/**
 * ckpt_call_text() plus the metadata of ckpt_call_ex() as JSON text
 * (*meta_json is optional; ckpt_free it).
 */
int ckpt_call_text_ex(ckpt_client *client, const char *operation, const char *request_json,
                      char **response_json, char **meta_json, char **error_json);

/* ==========================================================================
 * Typed conveniences (each is ckpt_call with the request built for you)
 * ========================================================================== */

/**
 * checkpoint.create: back up a vault.
 * @param vault_id    the vault; NULL is CKPT_EINVAL.
 * @param parameters  borrowed CheckpointParam object, or NULL for none.
 * @param response    receives {"checkpoint": CheckpointCreate} (new).
 * @param error       optional; receives a new error object.
 */
int ckpt_checkpoint_create(ckpt_client *client, const char *vault_id, const json_t *parameters,
                           json_t **response, json_t **error);

/**
 * checkpoint.get: one checkpoint of the client's project.
 * @param response receives {"checkpoint": CheckpointCreate} (new).
 */
int ckpt_checkpoint_get(ckpt_client *client, const char *checkpoint_id,
                        json_t **response, json_t **error);

/**
 * checkpoint.wait: poll until the checkpoint reaches status (NULL means
 * "available"), reaches "error" (CKPT_ECONFLICT; the error object carries
 * the checkpoint), or timeout_ms passes (CKPT_ETIMEOUT).
 * @param timeout_ms  0 to 86400000 milliseconds.
 * @param response    receives {"checkpoint": ...} (new).
 */
int ckpt_checkpoint_wait(ckpt_client *client, const char *checkpoint_id, const char *status,
                         long long timeout_ms, json_t **response, json_t **error);

/**
 * policy.execute: run a CSBS backup policy now, on CKPT_CSBS_PROVIDER_ID.
 * @param plan_id     the policy; NULL is CKPT_EINVAL.
 * @param parameters  borrowed checkpoint_param object ({"auto_trigger",
 *                    "resources"}), or NULL for {}.
 * @param response    receives {"checkpoint": checkpoint_resp} (new).
 */
int ckpt_policy_execute(ckpt_client *client, const char *plan_id, const json_t *parameters,
                        json_t **response, json_t **error);

/* ==========================================================================
 * The lifecycle (since 1.1): backups, tasks, restore, retention
 * ========================================================================== */

/**
 * The progress callback of a wait: called on the waiting thread after every
 * poll with the object polled (borrowed: valid only during the call; do not
 * keep it or decref it) and the milliseconds since the wait began.  Return
 * 0 to go on waiting, non-zero to stop: the wait then fails with
 * CKPT_ECANCELED, its error object carrying the object as last seen.
 * Do not call the library on the same client from the callback.
 */
typedef int (*ckpt_progress_fn)(const json_t *subject, long long elapsed_ms, void *user);

/**
 * ckpt_checkpoint_wait() with a progress callback (since 1.1).
 * @param progress  called with the checkpoint object after every poll; NULL
 *                  for none (then it is ckpt_checkpoint_wait()).
 * @param user      passed to progress as it is.
 * @return as ckpt_checkpoint_wait(), or CKPT_ECANCELED when progress
 *         returned non-zero.
 */
int ckpt_checkpoint_wait_ex(ckpt_client *client, const char *checkpoint_id, const char *status,
                            long long timeout_ms, ckpt_progress_fn progress, void *user,
                            json_t **response, json_t **error);

/**
 * backup.list: one page of the project's backups (since 1.1).
 * @param filters   borrowed object of filters and paging (the request of
 *                  "backup.list"), or NULL for the first page of all.
 * @param response  receives {"backups": [BackupResp], "count", "offset",
 *                  "limit"} (new); "count" is the total of matches.
 * @return CKPT_OK, CKPT_EINVAL (a bad filter, limit, offset, sort, marker or
 *         time), or a class of the remote backend.
 */
int ckpt_backup_list(ckpt_client *client, const json_t *filters, json_t **response, json_t **error);

/**
 * backup.get: one backup (since 1.1).
 * @param backup_id  NULL is CKPT_EINVAL.
 * @param response   receives {"backup": BackupResp} (new).
 * @return CKPT_OK, CKPT_EINVAL, CKPT_ENOTFOUND (404 BackupService.6200).
 */
int ckpt_backup_get(ckpt_client *client, const char *backup_id, json_t **response, json_t **error);

/**
 * backup.delete: start deleting a backup (since 1.1).  It is "deleting"
 * until done, then gone (backup.get answers CKPT_ENOTFOUND); wait with
 * backup.wait and status "deleted".  There is no response.
 * @return CKPT_OK, CKPT_EINVAL, CKPT_ENOTFOUND (6200), CKPT_ECONFLICT (6203:
 *         the backup is being made; 6216: it is being restored).
 */
int ckpt_backup_delete(ckpt_client *client, const char *backup_id, json_t **error);

/**
 * backup.restore: start restoring a backup (since 1.1).
 * @param restore   borrowed object {"server_id", "volume_id", "power_on",
 *                  "mappings", "resource_id"} (ids are UUIDs); a server
 *                  backup needs server_id (or resource_id), a volume backup
 *                  volume_id (or resource_id).
 *                  NULL is CKPT_EINVAL.
 * @param response  receives {"job_id": the restore task's id} (new); wait
 *                  for it with ckpt_operation_log_wait().
 * @return CKPT_OK, CKPT_EINVAL, CKPT_ENOTFOUND (6200), CKPT_ECONFLICT (2005:
 *         the backup is not available; 6202: its vault is not).
 */
int ckpt_backup_restore(ckpt_client *client, const char *backup_id, const json_t *restore,
                        json_t **response, json_t **error);

/**
 * operation_log.wait: poll a task until it ends (since 1.1).
 * @param timeout_ms  0 to 86400000 milliseconds.
 * @param response    receives {"operation_log": ...} once it is "success"
 *                    (new).
 * @return CKPT_OK, CKPT_ECONFLICT (it ended "failed", "timeout" or
 *         "skipped"; the error object carries it), CKPT_ETIMEOUT,
 *         CKPT_ENOTFOUND (6500), CKPT_EINVAL.
 */
int ckpt_operation_log_wait(ckpt_client *client, const char *operation_log_id, long long timeout_ms,
                            json_t **response, json_t **error);

/**
 * backup.prune: delete a vault's old backups by keep rules, in the manner
 * of restic forget (since 1.1).  Each resource's available backups are
 * judged apart; a backup kept by any rule is kept.
 * @param request   borrowed object {"vault_id", "resource_id"?,
 *                  "keep_last"?, "keep_daily"?, "keep_weekly"?,
 *                  "keep_monthly"?, "keep_within_days"?, "dry_run"?}; with
 *                  no keep rule it is CKPT_EINVAL and nothing is deleted.
 * @param response  receives {"keep": [{"id", "resource_id", "created_at",
 *                  "reasons"}], "remove": [ids], "dry_run"} (new).
 * @return CKPT_OK, CKPT_EINVAL, CKPT_ENOTFOUND (404 BackupService.6105:
 *         no such vault), or the class of the first delete that failed (the
 *         others are still tried; the error object's "prune" holds the
 *         result).
 */
int ckpt_backup_prune(ckpt_client *client, const json_t *request, json_t **response, json_t **error);

/**
 * vault.list: one page of the project's vaults (since 1.1).
 * @param filters   borrowed object of filters and paging (the request of
 *                  "vault.list": "name", "id" (a UUID or an array of them),
 *                  "status", "object_type", "protect_type", "cloud_type",
 *                  "policy_id", "resource_ids" (UUIDs separated by commas),
 *                  "limit", "offset", "marker", "sort"), or NULL for the first
 *                  page of all.
 * @param response  receives {"vaults": [Vault], "count", "offset", "limit"}
 *                  (new); "count" is the total of matches.
 * @return CKPT_OK, CKPT_EINVAL (a bad filter, limit, offset, sort or
 *         marker), or a class of the remote backend.
 */
int ckpt_vault_list(ckpt_client *client, const json_t *filters, json_t **response, json_t **error);

/**
 * vault.delete: start deleting a vault with every backup in it (since 1.1).
 * Its billing.status is "deleting" until done, then it is gone (vault.get
 * answers CKPT_ENOTFOUND); its "vault_delete" task (operation_log.list with
 * "operation_type": "vault_delete") records it and outlives it.  A vault that
 * holds backups is not an error.  There is no response.
 * @return CKPT_OK, CKPT_EINVAL, CKPT_ENOTFOUND (404 BackupService.6105),
 *         CKPT_ECONFLICT (6203: a backup of it is being made or restored).
 */
int ckpt_vault_delete(ckpt_client *client, const char *vault_id, json_t **error);

#ifdef __cplusplus
}
#endif

#endif /* CKPT_H */
