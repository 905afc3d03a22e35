/* quickstart.c - create a vault, back it up, and read the checkpoint back.
 *
 *   cc quickstart.c $(pkg-config --cflags --libs ckpt) -o quickstart
 *   ./quickstart [STORE_PATH]
 *
 * With no argument the store is the default one ($XDG_DATA_HOME/ckpt/store.db).
 */
#include <ckpt.h>
#include <stdio.h>
#include <stdlib.h>

/* Print a failure's error object and exit. */
static void fail(const char *what, int rc, json_t *error) {
    char *text = error ? json_dumps(error, JSON_COMPACT) : NULL;
    fprintf(stderr, "%s failed (%d, %s): %s\n", what, rc, ckpt_strerror(rc), text ? text : "");
    free(text);
    json_decref(error);
    exit(1);
}

static void print(const char *label, const json_t *value) {
    char *text = json_dumps(value, JSON_INDENT(2));
    printf("%s:\n%s\n", label, text);
    free(text);
}

int main(int argc, char **argv) {
    json_t *error = NULL;
    ckpt_client *client = NULL;

    /* 1. Open the embedded backend (the default) on a store file. */
    json_t *config = json_object();
    if (argc > 1) json_object_set_new(config, "path", json_string(argv[1]));
    int rc = ckpt_client_open(config, &client, &error);
    json_decref(config); /* inputs are borrowed: we still own config */
    if (rc != CKPT_OK) fail("ckpt_client_open", rc, error);
    printf("libckpt %s\n", ckpt_version());

    /* 2. A vault of 100 GB protecting one server of 40 GB. */
    json_t *vault_req = json_pack(
        "{s:{s:s, s:{s:i}, s:[{s:s, s:s, s:s, s:i}]}}",
        "vault", "name", "vault-quickstart", "billing", "size", 100,
        "resources", "id", "94eba8b2-acc9-4d82-badc-127144cc5526", "type", "OS::Nova::Server",
        "name", "ecs-quickstart", "size", 40);
    json_t *vault = NULL;
    rc = ckpt_call(client, "vault.create", vault_req, &vault, &error);
    json_decref(vault_req);
    if (rc != CKPT_OK) fail("vault.create", rc, error);
    print("vault", vault);
    const char *vault_id = json_string_value(json_object_get(json_object_get(vault, "vault"), "id"));

    /* 3. Back it up: a full (not incremental) backup of every resource. */
    json_t *params = json_pack("{s:s, s:b}", "name", "quickstart-backup", "incremental", 0);
    json_t *created = NULL;
    rc = ckpt_checkpoint_create(client, vault_id, params, &created, &error);
    json_decref(params);
    if (rc != CKPT_OK) fail("checkpoint.create", rc, error);
    print("checkpoint", created);
    const char *checkpoint_id = json_string_value(json_object_get(json_object_get(created, "checkpoint"), "id"));

    /* 4. Wait until it is available, then query it back. */
    json_t *done = NULL;
    rc = ckpt_checkpoint_wait(client, checkpoint_id, "available", 60000, &done, &error);
    if (rc != CKPT_OK) fail("checkpoint.wait", rc, error);
    json_decref(done);

    json_t *queried = NULL;
    rc = ckpt_checkpoint_get(client, checkpoint_id, &queried, &error);
    if (rc != CKPT_OK) fail("checkpoint.get", rc, error);
    print("queried", queried);
    printf("status: %s\n",
           json_string_value(json_object_get(json_object_get(queried, "checkpoint"), "status")));

    json_decref(queried);
    json_decref(created);
    json_decref(vault);
    ckpt_client_close(client);
    return 0;
}
