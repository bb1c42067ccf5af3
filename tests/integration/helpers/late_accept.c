// SPDX-License-Identifier: Apache-2.0
/* A listener made before any tracer is there: listens on 127.0.0.1, prints
 * "PORT", then waits (polling, so no call is in flight for long) until the
 * file named by argv[1] exists, accepts one connection, and stays (as a
 * server does) until that file is gone. */
#include <arpa/inet.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "local_listener.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	int listener = listen_local(&addr);
	const struct timespec tick = { 0, 20 * 1000 * 1000 };

	if (argc < 2)
		return 2;
	printf("%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	while (access(argv[1], F_OK) != 0)
		nanosleep(&tick, NULL);
	int conn = accept(listener, NULL, NULL);
	while (access(argv[1], F_OK) == 0)
		nanosleep(&tick, NULL);
	return conn < 0;
}
