/* The optional libraries are loaded when a remote client needs them, and a
 * missing one is an error of class network that names it.
 *
 *   lazy_libraries embedded STORE   an embedded client works, and neither
 *                                   libcurl nor libcrypto is in the process
 *   lazy_libraries remote           a remote client opens (nothing listens
 *                                   at its endpoint: the call fails with
 *                                   class network) and both are then loaded
 *   lazy_libraries missing SONAME   opening a remote client fails with class
 *                                   network and a message naming SONAME
 *                                   (run where SONAME cannot be loaded)
 * Exits 0 when what it checks holds, 1 otherwise, printing why. */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <string.h>

#include <ckpt.h>

static int loaded(const char *soname) {
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    while (maps != NULL && fgets(line, sizeof line, maps) != NULL)
        if (strstr(line, soname) != NULL) found = 1;
    if (maps != NULL) fclose(maps);
    return found;
}

static int fail(const char *what, const char *detail) {
    printf("FAIL: lazy libraries: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

static const char *remote_config =
    "{\"backend\":\"remote\",\"endpoint\":\"http://127.0.0.1:1\",\"project_id\":\"p1\","
    "\"ak\":\"AK\",\"sk\":\"SK\",\"retries\":0}";

int main(int argc, char **argv) {
    if (argc < 2) return fail("usage", "embedded STORE | remote | missing SONAME");
    ckpt_client *client = NULL;
    char *error = NULL;
    if (strcmp(argv[1], "embedded") == 0 && argc == 3) {
        char config[4096];
        snprintf(config, sizeof config, "{\"path\":\"%s\"}", argv[2]);
        if (ckpt_client_open_text(config, &client, &error) != 0) return fail("embedded open", error);
        char *response = NULL;
        int rc = ckpt_call_text(client, "vault.create",
                                "{\"vault\":{\"name\":\"v\",\"billing\":{\"consistent_level\":\"crash_consistent\","
                                "\"object_type\":\"server\",\"protect_type\":\"backup\",\"size\":10},"
                                "\"resources\":[]}}",
                                &response, &error);
        ckpt_free(response);
        ckpt_client_close(client);
        if (rc != 0) return fail("vault.create", error);
        if (loaded("libcurl")) return fail("libcurl is loaded by an embedded client", NULL);
        if (loaded("libcrypto")) return fail("libcrypto is loaded by an embedded client", NULL);
        printf("lazy libraries: an embedded client loads neither libcurl nor libcrypto\n");
        return 0;
    }
    if (strcmp(argv[1], "remote") == 0) {
        if (loaded("libcurl") || loaded("libcrypto")) return fail("loaded before any remote client", NULL);
        if (ckpt_client_open_text(remote_config, &client, &error) != 0) return fail("remote open", error);
        char *response = NULL;
        int rc = ckpt_call_text(client, "vault.get", "{\"vault_id\":\"11111111-2222-4333-8444-555555555555\"}", &response, &error);
        ckpt_free(response);
        ckpt_client_close(client);
        if (rc != CKPT_ENETWORK) return fail("a call to a closed port is not class network", error);
        ckpt_free(error);
        if (!loaded("libcurl.so.4")) return fail("libcurl.so.4 is not loaded by a remote client", NULL);
        if (!loaded("libcrypto.so.3")) return fail("libcrypto.so.3 is not loaded by a remote client", NULL);
        printf("lazy libraries: a remote client loads libcurl.so.4 and libcrypto.so.3\n");
        return 0;
    }
    if (strcmp(argv[1], "missing") == 0 && argc == 3) {
        int rc = ckpt_client_open_text(remote_config, &client, &error);
        if (rc == 0) {
            ckpt_client_close(client);
            return fail("a remote client opened without", argv[2]);
        }
        if (rc != CKPT_ENETWORK) return fail("the error is not class network", error);
        if (error == NULL || strstr(error, argv[2]) == NULL) return fail("the error does not name the library", error);
        printf("lazy libraries: without %s, opening a remote client fails with class network: %s\n", argv[2], error);
        ckpt_free(error);
        return 0;
    }
    return fail("usage", "embedded STORE | remote | missing SONAME");
}
