// SPDX-License-Identifier: Apache-2.0
// -k: getppid called from known functions, so a test can check the stack
// btrace shows against the calls made. Built with and without frame
// pointers. noipa: each function stays a function of its own name (no
// inlining, cloning or tail call) unless the mode tests inlining.
//   direct   main -> outer -> inner -> getppid
//   inline   main -> caller -> leaf (always inlined) -> getppid
//   lib      main -> lib_outer -> lib_inner -> getppid, in libstack_lib.so
//   thread   a thread: thread_main -> outer -> inner -> getppid
//   exit     main -> outer -> inner -> getppid, then _exit at once
//   failing  close(-1) 600 times from close_a, 400 times from close_b (EBADF)
//   loop     prints "ready", then main -> outer -> inner -> getppid every 10 ms until killed
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lib_outer(void);

static int exit_at_once;

__attribute__((noipa)) int inner(void) {
    int ppid = getppid();
    if (exit_at_once)
        _exit(0);
    return ppid + 1;
}

__attribute__((noipa)) int outer(void) { return inner() + 1; }

static inline __attribute__((always_inline)) int leaf(void) { return getppid() + 2; }

__attribute__((noipa)) int caller(void) { return leaf() + 1; }

__attribute__((noipa)) void* thread_main(void* arg) {
    (void)arg;
    outer();
    return NULL;
}

__attribute__((noipa)) int close_a(void) { return close(-1) + 1; }

__attribute__((noipa)) int close_b(void) { return close(-1) + 1; }

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "direct";
    if (!strcmp(mode, "inline"))
        return caller() == 0;
    if (!strcmp(mode, "failing")) {
        for (int i = 0; i < 1000; i++)
            i % 5 < 3 ? close_a() : close_b();
        return 0;
    }
    if (!strcmp(mode, "loop")) {
        puts("ready");
        fflush(stdout);
        for (;;) {
            outer();
            usleep(10000);
        }
    }
    if (!strcmp(mode, "lib"))
        return lib_outer() == 0;
    if (!strcmp(mode, "thread")) {
        pthread_t t;
        if (pthread_create(&t, NULL, thread_main, NULL) != 0)
            return 1;
        return pthread_join(t, NULL) != 0;
    }
    exit_at_once = !strcmp(mode, "exit");
    return outer() == 0;
}
