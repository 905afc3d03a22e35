/* dlopen.c - time to load libckpt and make the first call (workload 10).
 *
 *   dlopen_bench LIBRARY
 *
 * Prints {"dlopen_us", "first_call_us", "total_us", "runq_wait_us", "version"}:
 * clock_gettime(CLOCK_MONOTONIC) around dlopen(RTLD_NOW | RTLD_LOCAL, as
 * Python's ctypes does), dlsym("ckpt_version") and the first call, and the
 * time spent preempted meanwhile (/proc/thread-self/schedstat).  Run it in
 * a fresh process each time: a second dlopen in one process costs nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds this thread waited on a run queue (preempted by others). */
static uint64_t runq_wait_ns(void) {
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    unsigned long long run = 0, wait = 0;
    if (f) {
        if (fscanf(f, "%llu %llu", &run, &wait) != 2) wait = 0;
        fclose(f);
    }
    return wait;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: dlopen_bench LIBRARY\n");
        return 2;
    }
    uint64_t q0 = runq_wait_ns();
    uint64_t t0 = now_ns();
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    uint64_t t1 = now_ns();
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    const char *(*version)(void);
    *(void **)(&version) = dlsym(h, "ckpt_version");
    if (!version) {
        fprintf(stderr, "dlsym: %s\n", dlerror());
        return 1;
    }
    const char *v = version();
    uint64_t t2 = now_ns();
    uint64_t q = runq_wait_ns() - q0;
    printf("{\"dlopen_us\": %.1f, \"first_call_us\": %.1f, \"total_us\": %.1f, \"runq_wait_us\": %.1f, "
           "\"version\": \"%s\"}\n", (t1 - t0) / 1e3, (t2 - t1) / 1e3, (t2 - t0) / 1e3, q / 1e3, v);
    return 0;
}
