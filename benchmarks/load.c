/* load.c - concurrent keep-alive clients against `ckpt serve` (workload 13,
 * and the emulator load test of `make test`).
 *
 *   load PORT PROJECT TOKEN SECONDS CLIENTS [IDS_OUT]
 *
 * Creates 8 vaults of one server each and one checkpoint in each, then runs
 * CLIENTS threads for SECONDS, each on its own keep-alive connection: 20%
 * create (seed 000's request, on a random vault) and 80% get of a random
 * checkpoint acknowledged so far.  Prints one JSON object: requests,
 * requests/s, p50/p99 latency, and every answer that was not a 200 (by
 * class) or a connection that dropped.  IDS_OUT receives every acknowledged
 * checkpoint id, one a line, for the caller to read back.
 *
 * Plain HTTP/1.1 over a socket: the client must cost far less than the
 * server it measures, and a 5xx or a dropped connection must be seen as
 * such, not retried away.
 */
#define _GNU_SOURCE
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#define NVAULTS 8

static int port;
static const char *project, *token;
static char vaults[NVAULTS][37];

static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static id_list ids;

typedef struct {
    int fd;
    char buf[(1 << 16) + 1]; /* NUL-terminated after every read */
    size_t len;
} conn;

static int dial(conn *c) {
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static int send_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* One request; returns the status (0: the connection dropped) and a
 * malloc'd copy of the body in *body. */
static int exchange(conn *c, const char *method, const char *path, const char *body, char **out) {
    char head[1024];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Auth-Token: %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, port, token, blen);
    *out = NULL;
    if (send_all(c->fd, head, (size_t)n) != 0 || (blen && send_all(c->fd, body, blen) != 0)) return 0;
    size_t want = 0, header_end = 0;
    for (;;) {
        if (header_end == 0) {
            char *e = memmem(c->buf, c->len, "\r\n\r\n", 4);
            if (e) {
                header_end = (size_t)(e - c->buf) + 4;
                const char *cl = strcasestr(c->buf, "\r\ncontent-length:");
                if (!cl || cl > e) return 0;
                want = header_end + strtoull(cl + 17, NULL, 10);
                if (want > sizeof c->buf - 1) return 0;
            }
        }
        if (header_end && c->len >= want) break;
        if (c->len == sizeof c->buf - 1) return 0;
        ssize_t k = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return 0;
        c->len += (size_t)k;
        c->buf[c->len] = '\0';
    }
    int status = (c->len > 12 && memcmp(c->buf, "HTTP/1.1 ", 9) == 0) ? atoi(c->buf + 9) : 0;
    size_t blen_in = want - header_end;
    *out = malloc(blen_in + 1);
    memcpy(*out, c->buf + header_end, blen_in);
    (*out)[blen_in] = '\0';
    memmove(c->buf, c->buf + want, c->len - want); /* a pipelined rest (none expected) */
    c->len -= want;
    c->buf[c->len] = '\0';
    return status;
}

static const char *checkpoint_id(json_t *doc) {
    return json_string_value(json_object_get(json_object_get(doc, "checkpoint"), "id"));
}

static int create(conn *c, int vault, char id_out[37]) {
    char path[160], body[512], *resp;
    snprintf(path, sizeof path, "/v3/%s/checkpoints", project);
    snprintf(body, sizeof body, SEED000_REQUEST_FMT, vaults[vault]);
    int status = exchange(c, "POST", path, body, &resp);
    if (status == 200) {
        json_t *doc = json_loads(resp, 0, NULL);
        const char *id = checkpoint_id(doc);
        if (id && strlen(id) == 36) memcpy(id_out, id, 37);
        else status = -1; /* a 200 without an id: counted as wrong */
        json_decref(doc);
    }
    free(resp);
    return status;
}

typedef struct {
    uint64_t deadline, seed;
    uint64_t *lat;
    size_t nlat, cap;
    size_t creates, gets, s2xx, s4xx, s5xx, other, dropped;
} worker;

static void *run(void *p) {
    worker *w = p;
    conn *c = malloc(sizeof *c);
    if (dial(c) != 0) {
        w->dropped++;
        free(c);
        return NULL;
    }
    while (now_ns() < w->deadline && w->nlat < w->cap) {
        uint64_t r = rng_next(&w->seed), t0 = now_ns();
        int status;
        if (r % 5 == 0) {
            char id[37];
            status = create(c, (int)((r >> 8) % NVAULTS), id);
            if (status == 200) {
                pthread_mutex_lock(&ids_lock);
                ids_push(&ids, id);
                pthread_mutex_unlock(&ids_lock);
            }
            w->creates++;
        } else {
            char path[160], id[37], *resp;
            pthread_mutex_lock(&ids_lock);
            memcpy(id, ids.ids[(r >> 8) % ids.n], 37);
            pthread_mutex_unlock(&ids_lock);
            snprintf(path, sizeof path, "/v3/%s/checkpoints/%s", project, id);
            status = exchange(c, "GET", path, NULL, &resp);
            free(resp);
            w->gets++;
        }
        w->lat[w->nlat++] = now_ns() - t0;
        if (status == 0) {
            w->dropped++;
            close(c->fd);
            if (dial(c) != 0) break;
        } else if (status >= 200 && status < 300) w->s2xx++;
        else if (status >= 400 && status < 500) w->s4xx++;
        else if (status >= 500 && status < 600) w->s5xx++;
        else w->other++;
    }
    close(c->fd);
    free(c);
    return NULL;
}

static void setup(void) {
    conn c;
    if (dial(&c) != 0) die("connect", strerror(errno));
    char path[160], body[512], *resp;
    for (int i = 0; i < NVAULTS; i++) {
        snprintf(path, sizeof path, "/v3/%s/vaults", project);
        snprintf(body, sizeof body,
                 "{\"vault\":{\"name\":\"load-%d\",\"billing\":{\"size\":10485760},\"resources\":"
                 "[{\"id\":\"" SEED000_RESOURCE_ID "\",\"type\":\"OS::Nova::Server\",\"name\":\"load-server\"}]}}",
                 i);
        int status = exchange(&c, "POST", path, body, &resp);
        json_t *doc = status == 200 ? json_loads(resp, 0, NULL) : NULL;
        const char *id = json_string_value(json_object_get(json_object_get(doc, "vault"), "id"));
        if (!id || strlen(id) != 36) die("vault.create", resp ? resp : "no answer");
        memcpy(vaults[i], id, 37);
        json_decref(doc);
        free(resp);
        char cid[37];
        if (create(&c, i, cid) != 200) die("checkpoint.create", "the first checkpoint failed");
        ids_push(&ids, cid);
    }
    close(c.fd);
}

int main(int argc, char **argv) {
    if (argc != 6 && argc != 7) die("usage", "load PORT PROJECT TOKEN SECONDS CLIENTS [IDS_OUT]");
    port = atoi(argv[1]);
    project = argv[2];
    token = argv[3];
    double seconds = atof(argv[4]);
    int clients = atoi(argv[5]);
    if (clients < 1 || clients > 512 || seconds <= 0) die("usage", "1 to 512 clients, seconds > 0");
    setup();

    worker *w = calloc((size_t)clients, sizeof *w);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    uint64_t t0 = now_ns(), deadline = t0 + (uint64_t)(seconds * 1e9);
    for (int i = 0; i < clients; i++) {
        w[i].deadline = deadline;
        w[i].seed = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
        w[i].cap = 1u << 18; /* pages are touched only as latencies are kept */
        w[i].lat = malloc(w[i].cap * sizeof *w[i].lat);
        pthread_create(&th[i], NULL, run, &w[i]);
    }
    size_t total = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        total += w[i].nlat;
    }
    double wall = (double)(now_ns() - t0) / 1e9;
    uint64_t *all = malloc((total + 1) * sizeof *all);
    size_t k = 0, creates = 0, gets = 0, s2xx = 0, s4xx = 0, s5xx = 0, other = 0, dropped = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, w[i].lat, w[i].nlat * sizeof *all);
        k += w[i].nlat;
        creates += w[i].creates; gets += w[i].gets; s2xx += w[i].s2xx; s4xx += w[i].s4xx;
        s5xx += w[i].s5xx; other += w[i].other; dropped += w[i].dropped;
        free(w[i].lat);
    }
    qsort(all, total, sizeof *all, cmp_u64);
    if (argc == 7) {
        FILE *f = fopen(argv[6], "w");
        if (!f) die("IDS_OUT", strerror(errno));
        for (size_t i = 0; i < ids.n; i++) fprintf(f, "%s\n", ids.ids[i]);
        fclose(f);
    }
    printf("{\"clients\": %d, \"seconds\": %.2f, \"requests\": %zu, \"creates\": %zu, \"gets\": %zu, "
           "\"requests_per_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, \"ok\": %zu, \"status_4xx\": %zu, "
           "\"status_5xx\": %zu, \"status_other\": %zu, \"dropped\": %zu, \"acknowledged_creates\": %zu}\n",
           clients, wall, total, creates, gets, (double)total / wall, percentile_us(all, total, 50),
           percentile_us(all, total, 99), s2xx, s4xx, s5xx, other, dropped, ids.n);
    free(all);
    free(w);
    free(th);
    free(ids.ids);
    return 0;
}
