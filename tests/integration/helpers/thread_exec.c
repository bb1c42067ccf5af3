// SPDX-License-Identifier: Apache-2.0
/* execve from a thread that is not the leader: the kernel gives the thread
 * the leader's pid. Execs argv[1..]. */
#include <pthread.h>
#include <unistd.h>

static char **command;

static void *run(void *arg)
{
	(void)arg;
	execv(command[0], command);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	command = argv + 1;
	pthread_t thread;
	pthread_create(&thread, NULL, run, NULL);
	pthread_join(thread, NULL); /* never returns: the exec replaces us */
	return 1;
}
