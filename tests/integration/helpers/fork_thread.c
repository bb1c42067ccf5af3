// SPDX-License-Identifier: Apache-2.0
/* A forked child calls getppid, a second thread calls gettid; prints
 * "child PID" and "thread TID" so the test knows who made which call. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	(void)arg;
	printf("thread %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	return NULL;
}

int main(void)
{
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		syscall(SYS_getppid);
		_exit(0);
	}
	printf("child %d\n", child);
	fflush(stdout);
	waitpid(child, NULL, 0);

	pthread_t thread;
	pthread_create(&thread, NULL, thread_main, NULL);
	pthread_join(thread, NULL);
	return 0;
}
