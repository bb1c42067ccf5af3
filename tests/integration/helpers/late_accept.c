// SPDX-License-Identifier: Apache-2.0
/* A listener made before any tracer is there: listens on 127.0.0.1, prints
 * "PORT", then waits (polling, so no call is in flight for long) until the
 * file named by argv[1] exists, accepts one connection, and stays (as a
 * server does) until that file is gone. With "churn" as argv[2] a second
 * thread opens and closes other fds all the while, as a threaded server's
 * workers do. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "local_listener.h"

static void *churn(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = open("/dev/null", O_RDONLY);
		close(fd);
		usleep(100);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	int listener = listen_local(&addr);
	const struct timespec tick = { 0, 20 * 1000 * 1000 };

	if (argc < 2)
		return 2;
	if (argc > 2 && strcmp(argv[2], "churn") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, churn, NULL);
	}
	printf("%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	while (access(argv[1], F_OK) != 0)
		nanosleep(&tick, NULL);
	int conn = accept(listener, NULL, NULL);
	while (access(argv[1], F_OK) == 0)
		nanosleep(&tick, NULL);
	return conn < 0;
}
