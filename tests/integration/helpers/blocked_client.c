// SPDX-License-Identifier: Apache-2.0
/* The slow-daemon story: a server on 127.0.0.1 that accepts and never
 * answers, and a client process blocked in read on its connection. Prints
 * "client PID SERVERPORT CLIENTPORT" once the client is about to block. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "local_listener.h"

int main(void)
{
	struct sockaddr_in addr;
	int listener = listen_local(&addr);

	pid_t client = fork();
	if (client == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		connect(fd, (struct sockaddr *)&addr, sizeof(addr));
		struct sockaddr_in local;
		socklen_t llen = sizeof(local);
		getsockname(fd, (struct sockaddr *)&local, &llen);
		printf("client %d %d %d\n", getpid(), ntohs(addr.sin_port), ntohs(local.sin_port));
		fflush(stdout);
		char buf[64];
		read(fd, buf, sizeof(buf)); /* blocks: the server never writes */
		_exit(0);
	}
	int conn = accept(listener, NULL, NULL);
	(void)conn;
	pause(); /* never answers */
	return 0;
}
