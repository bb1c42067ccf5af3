// SPDX-License-Identifier: Apache-2.0
/* One call of each decoded family with known arguments (issue: decoding).
 * argv[1]: a scratch file path to create. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/btrace-decode";
	int fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	syscall(SYS_write, fd, "hello\tworld\n\1", 13);
	syscall(SYS_close, fd);

	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	char buf[64];
	syscall(SYS_read, fd, buf, sizeof(buf));
	struct stat st;
	syscall(SYS_fstat, fd, &st);
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	syscall(SYS_close, fd);

	syscall(SYS_access, "/nonexistent/btrace", R_OK | W_OK);
	syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
	syscall(SYS_nanosleep, &ts, NULL);

	int sock = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(1) };
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	syscall(SYS_connect, sock, &sin, sizeof(sin));
	int one = 1, err = -1; /* the kernel writes 0: the value shown is read after the call */
	socklen_t len = sizeof(err);
	syscall(SYS_setsockopt, sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	syscall(SYS_getsockopt, sock, SOL_SOCKET, SO_ERROR, &err, &len);
	syscall(SYS_setsockopt, sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	syscall(SYS_close, sock);
	sock = syscall(SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	syscall(SYS_close, sock);

	int fds[2];
	syscall(SYS_pipe2, fds, O_CLOEXEC);
	struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
	syscall(SYS_writev, fds[1], iov, 2);
	syscall(SYS_kill, getpid(), 0);
	syscall(SYS_unlink, path);
	return 0;
}
