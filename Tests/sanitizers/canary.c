/* canary.c - proves that a sanitizer build really sees into libckpt, so a
 * clean run of the test suite means something.
 *
 *   canary leak   leaks one error string the library allocated; LeakSanitizer
 *                 must report it, with ckpt_call_text on the stack.
 *   canary race   four threads make their first calls into a fresh library at
 *                 once (lazy globals initialised concurrently: must be clean),
 *                 then two threads race on a variable of this file, which
 *                 ThreadSanitizer must report (in canary_racer).
 */
#include <ckpt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static ckpt_client *client;
static int shared;

static void *first_calls(void *arg) {
    for (int i = 0; i < 20; i++) {
        char *response = NULL, *error = NULL;
        ckpt_call_text(client, i % 2 ? "vault.get" : "policy.checkpoint_get",
                       i % 2 ? "{\"vault_id\":\"3b5816b5-f29c-4172-9d9a-76c719a659ce\"}"
                             : "{\"checkpoint_id\":\"8b0851a8-adf3-4f4c-a914-dead08bf9664\"}",
                       &response, &error);
        ckpt_free(response);
        ckpt_free(error);
    }
    return arg;
}

__attribute__((noinline)) static void *canary_racer(void *arg) {
    shared++;
    return arg;
}

int main(int argc, char **argv) {
    char *error = NULL;
    if (argc != 2) {
        fprintf(stderr, "usage: canary leak|race\n");
        return 2;
    }
    if (ckpt_client_open_text("{\"path\":\":memory:\"}", &client, &error) != CKPT_OK) {
        fprintf(stderr, "open: %s\n", error ? error : "?");
        return 2;
    }
    if (strcmp(argv[1], "leak") == 0) {
        char *response = NULL;
        ckpt_call_text(client, "vault.get", "{}", &response, &error);
        error = NULL; /* the planted leak */
    } else {
        pthread_t t[4];
        for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, first_calls, NULL);
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
        pthread_t a, b;
        pthread_create(&a, NULL, canary_racer, NULL);
        pthread_create(&b, NULL, canary_racer, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
    }
    ckpt_client_close(client);
    return 0;
}
