/* common.h - helpers shared by the C benchmark programs (bench.c, floor.c).
 *
 * Timing is CLOCK_MONOTONIC; latencies are kept per operation and reported as
 * p50/p99.  Every program prints one JSON object on stdout; diagnostics go to
 * stderr.
 */
#ifndef CKPT_BENCH_COMMON_H
#define CKPT_BENCH_COMMON_H

#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds this thread has waited on a run queue (preempted by other
 * processes): /proc/thread-self/schedstat, second field; 0 if unavailable. */
static inline uint64_t runq_wait_ns(void) {
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    unsigned long long run = 0, wait = 0;
    if (f) {
        if (fscanf(f, "%llu %llu", &run, &wait) != 2) wait = 0;
        fclose(f);
    }
    return wait;
}

/* xorshift64*: a cheap, reproducible PRNG for picking ids. */
static inline uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorts lat in place; nearest-rank percentile in microseconds. */
static inline double percentile_us(uint64_t *lat, size_t n, double p) {
    if (n == 0) return 0.0;
    size_t k = (size_t)(p / 100.0 * (double)n);
    if (k >= n) k = n - 1;
    return (double)lat[k] / 1000.0;
}

static inline void die(const char *what, const char *detail) {
    fprintf(stderr, "bench: %s: %s\n", what, detail ? detail : "");
    exit(2);
}

/* One phase's JSON member.  ops_per_s counts the timed sections only
 * (request, call, release); ops_per_cpu_s uses the process CPU time of the
 * whole phase, which other processes on a busy machine cannot inflate. */
static inline void print_phase(const char *name, uint64_t *lat, size_t n, uint64_t wall_ns, uint64_t cpu,
                               uint64_t runq, int comma) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += lat[i];
    qsort(lat, n, sizeof *lat, cmp_u64);
    printf("\"%s\": {\"n\": %zu, \"seconds\": %.6f, \"wall_seconds\": %.6f, \"cpu_seconds\": %.6f, "
           "\"runqueue_wait_seconds\": %.6f, "
           "\"ops_per_s\": %.1f, \"ops_per_cpu_s\": %.1f, \"p50_us\": %.2f, \"p99_us\": %.2f}%s",
           name, n, sum / 1e9, wall_ns / 1e9, cpu / 1e9, runq / 1e9, n / (sum / 1e9), n / (cpu / 1e9),
           percentile_us(lat, n, 50), percentile_us(lat, n, 99), comma ? ", " : "");
}

/* A table of fixed-width (36 + NUL) UUID strings. */
typedef struct {
    char (*ids)[37];
    size_t n, cap;
} id_list;

/* The request example of seed 000 (CBR "Create a checkpoint"), byte for byte
 * but for the vault id: explicit resources, a description, incremental and
 * auto_trigger.  Workloads 1, 3 and 6 create with it, library and floor alike
 * (issue 15, "convert once").  The resource is the one the bench's vault holds. */
#define SEED000_RESOURCE_ID "94eba8b2-acc9-4d82-badc-127144cc5526"
#define SEED000_REQUEST_FMT                                                                               \
    "{\"checkpoint\":{\"parameters\":{\"auto_trigger\":true,\"description\":\"backup_description\","        \
    "\"incremental\":true,\"name\":\"backup_name\",\"resources\":[\"" SEED000_RESOURCE_ID "\"]},"             \
    "\"vault_id\":\"%s\"}}"

static inline void ids_push(id_list *l, const char *id) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->ids = realloc(l->ids, l->cap * sizeof *l->ids);
        if (!l->ids) die("out of memory", NULL);
    }
    memcpy(l->ids[l->n], id, 36);
    l->ids[l->n][36] = '\0';
    l->n++;
}

#endif
