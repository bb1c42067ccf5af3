// SPDX-License-Identifier: Apache-2.0
/* Makes fds of every kind and uses each once, so the test can check their
 * names: files, a pipe, an eventfd, a listening TCP socket on 127.0.0.1, a
 * connection to it and the accepted end, a unix socket pair, dup2 over an
 * open fd, and an fd number reused after close. argv[1]: a scratch path. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "local_listener.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/btrace-fd-kinds";
	char buf[16];

	int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	write(file, "x", 1);
	close(file);
	int reused = open("/etc/hostname", O_RDONLY); /* the number just freed */
	read(reused, buf, 1);

	int pipefd[2];
	pipe(pipefd);
	write(pipefd[1], "p", 1);

	int efd = eventfd(0, 0);
	uint64_t one = 1;
	write(efd, &one, sizeof(one));

	struct sockaddr_in addr;
	int listener = listen_local(&addr);
	int client = socket(AF_INET, SOCK_STREAM, 0);
	connect(client, (struct sockaddr *)&addr, sizeof(addr));
	int server = accept(listener, NULL, NULL);
	write(client, "c", 1);
	read(server, buf, 1);

	int pair[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	write(pair[0], "u", 1);

	dup2(pipefd[0], reused); /* over an open fd */
	read(reused, buf, 1);
	unlink(path);
	return 0;
}
