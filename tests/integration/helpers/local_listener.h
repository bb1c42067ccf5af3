// SPDX-License-Identifier: Apache-2.0
/* A TCP listener on 127.0.0.1 at a free port: socket, bind, listen,
 * getsockname (the traces see exactly these calls). addr gets its address. */
#ifndef BTRACE_TEST_LOCAL_LISTENER_H
#define BTRACE_TEST_LOCAL_LISTENER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int listen_local(struct sockaddr_in *addr)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(*addr);

	*addr = (struct sockaddr_in){ .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &addr->sin_addr);
	bind(listener, (struct sockaddr *)addr, sizeof(*addr));
	listen(listener, 1);
	getsockname(listener, (struct sockaddr *)addr, &len);
	return listener;
}

#endif
