// SPDX-License-Identifier: Apache-2.0
// A threaded TCP server on loopback and its clients, in one process: 4 server
// threads accept, read, write and close; 4 client threads connect, write
// "cport=PORT" (their own port), read the echo and close, argv[1] times each.
// Every read and write of that payload names the connection it went over.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener, rounds = 200;
static struct sockaddr_in addr;

static void *serve(void *arg)
{
	char buf[64];

	(void)arg;
	for (;;) {
		int c = accept(listener, NULL, NULL);
		if (c < 0)
			return NULL;
		ssize_t n = read(c, buf, sizeof(buf));
		if (n > 0)
			write(c, buf, (size_t)n);
		close(c);
	}
}

static void *client(void *arg)
{
	char buf[64], back[64];

	(void)arg;
	for (int i = 0; i < rounds; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in me;
		socklen_t len = sizeof(me);
		if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
			perror("connect");
			exit(1);
		}
		getsockname(s, (struct sockaddr *)&me, &len);
		int n = snprintf(buf, sizeof(buf), "cport=%d", ntohs(me.sin_port));
		write(s, buf, (size_t)n);
		read(s, back, sizeof(back));
		close(s);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t servers[4], clients[4];
	socklen_t len = sizeof(addr);
	int one = 1;

	if (argc > 1)
		rounds = atoi(argv[1]);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(listener, 128) != 0)
		return 1;
	getsockname(listener, (struct sockaddr *)&addr, &len);
	for (int i = 0; i < 4; i++)
		pthread_create(&servers[i], NULL, serve, NULL);
	for (int i = 0; i < 4; i++)
		pthread_create(&clients[i], NULL, client, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(clients[i], NULL);
	shutdown(listener, SHUT_RDWR); /* the servers' accept fails: they end */
	for (int i = 0; i < 4; i++)
		pthread_join(servers[i], NULL);
	return 0;
}
