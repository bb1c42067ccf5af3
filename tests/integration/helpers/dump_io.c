// SPDX-License-Identifier: Apache-2.0
// Moves known bytes, printable and not, through a pipe (fds 3 and 4) and a
// socketpair (5 and 6) with each form of call that -e read=/write= dump:
// write/read, writev/readv, sendto/recvfrom, sendmsg/recvmsg. With "big":
// 10000 bytes through the pipe instead, read in one read on fd 10.
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static char bytes[10000];

int main(int argc, char **argv)
{
	int p[2], s[2];
	char in[256];

	for (unsigned i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)(i * 7 + 1);
	if (pipe(p) || p[0] != 3 || p[1] != 4 || socketpair(AF_UNIX, SOCK_STREAM, 0, s))
		return 1;
	if (argc > 1 && strcmp(argv[1], "big") == 0) {
		if (dup2(p[0], 10) != 10 || write(p[1], bytes, sizeof(bytes)) != sizeof(bytes))
			return 1;
		static char all[sizeof(bytes)];
		return read(10, all, sizeof(all)) == sizeof(all) ? 0 : 1;
	}
	static const char hello[] = "hello\n\1\2\x7f\xff\x1b[31m tab\there";
	if (write(p[1], hello, sizeof(hello) - 1) < 0 || read(p[0], in, sizeof(in)) < 0)
		return 1;
	struct iovec out_iov[] = { { "abc", 3 }, { bytes, 20 }, { "tail", 4 } };
	char a[10], b[100];
	struct iovec in_iov[] = { { a, sizeof(a) }, { b, sizeof(b) } };
	if (writev(s[1], out_iov, 3) < 0 || readv(s[0], in_iov, 2) < 0)
		return 1;
	if (sendto(s[1], bytes + 100, 40, 0, NULL, 0) < 0 || recvfrom(s[0], in, sizeof(in), 0, NULL, NULL) < 0)
		return 1;
	struct iovec msg_iov[] = { { "sendmsg:", 8 }, { bytes + 200, 33 } };
	struct msghdr msg = { .msg_iov = msg_iov, .msg_iovlen = 2 };
	if (sendmsg(s[1], &msg, 0) < 0)
		return 1;
	struct iovec got_iov[] = { { in, sizeof(in) } };
	struct msghdr got = { .msg_iov = got_iov, .msg_iovlen = 1 };
	return recvmsg(s[0], &got, 0) == 41 ? 0 : 1;
}
