// SPDX-License-Identifier: Apache-2.0
/* A second thread blocks in read(2) on a pipe until the process gets SIGUSR1;
 * prints "ready TID" with that thread's id. For -p on a call in flight in a
 * thread that is not its process's leader. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int pipe_fds[2];

static void *reader(void *arg)
{
	char c;

	(void)arg;
	printf("ready %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	return (void *)read(pipe_fds[0], &c, 1);
}

int main(void)
{
	sigset_t usr1;
	pthread_t thread;
	int sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* before the thread: it inherits the mask */
	if (pipe(pipe_fds) != 0 || pthread_create(&thread, NULL, reader, NULL) != 0)
		return 1;
	sigwait(&usr1, &sig);
	if (write(pipe_fds[1], "x", 1) != 1)
		return 1;
	pthread_join(thread, NULL);
	return 0;
}
