// SPDX-License-Identifier: Apache-2.0
/* Threads (64, or argv[1]), each making 100 getpid calls, run 64 at a time:
 * concurrent enough to interleave their events, few enough for a host's task
 * limit. A thread the limit refuses is tried again a while; one that cannot
 * be made fails the run rather than going missing from it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { BATCH = 64 };

static void *run(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		syscall(SYS_getpid);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64;

	for (int first = 0; first < n; first += BATCH) {
		pthread_t threads[BATCH];
		int batch = n - first < BATCH ? n - first : BATCH;

		for (int i = 0; i < batch; i++) {
			int err;

			for (int tries = 0; (err = pthread_create(&threads[i], NULL, run, NULL)) == EAGAIN && tries < 5000; tries++)
				nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);

			if (err) {
				fprintf(stderr, "threads64: thread %d: %s\n", first + i, strerror(err));
				return 1;
			}
		}
		for (int i = 0; i < batch; i++)
			pthread_join(threads[i], NULL);
	}
	return 0;
}
