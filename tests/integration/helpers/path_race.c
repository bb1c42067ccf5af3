// SPDX-License-Identifier: Apache-2.0
// A racing thread rewrites a path after the kernel read it: thread A opens
// DIR/fifo (blocking until a writer comes); the main thread then rewrites
// the path buffer to DIR/INNOCENT, waits argv[2] ms, and opens the FIFO for
// writing, which lets A's open return. A tracer that reads the path when the
// call returns shows a file the call never opened. With "mapped" as argv[3]
// the path is on a page of a file mapping that nothing touched before the
// call: not paged in when it begins.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char buffer[4096];
static char *path = buffer;

static void *opener(void *arg) {
    (void)arg;
    return (void *)(long)openat(AT_FDCWD, path, O_RDONLY);
}

int main(int argc, char **argv) {
    if (argc < 3)
        return 2;
    char fifo[4096];
    snprintf(fifo, sizeof fifo, "%s/fifo", argv[1]);
    unlink(fifo);
    if (mkfifo(fifo, 0600) != 0) {
        perror("mkfifo");
        return 1;
    }
    if (argc > 3 && strcmp(argv[3], "mapped") == 0) {
        char file[4096];
        snprintf(file, sizeof file, "%s/path", argv[1]);
        FILE *f = fopen(file, "w");
        if (!f || fwrite(fifo, 1, strlen(fifo) + 1, f) != strlen(fifo) + 1 || fclose(f) != 0)
            return 1;
        int fd = open(file, O_RDONLY);
        path = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (path == MAP_FAILED)
            return 1;
    } else {
        snprintf(path, 4096, "%s", fifo);
    }
    pthread_t t;
    pthread_create(&t, NULL, opener, NULL);
    usleep(300 * 1000);  // A is blocked in openat: the kernel has the path
    snprintf(path, 4096, "%s/INNOCENT", argv[1]);
    usleep(atoi(argv[2]) * 1000);
    int w = open(fifo, O_WRONLY);
    void *r;
    pthread_join(t, &r);
    close(w);
    return (long)r >= 0 && w >= 0 ? 0 : 1;
}
