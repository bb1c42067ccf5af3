// SPDX-License-Identifier: Apache-2.0
/* A traced program that attacks its tracer's terminal and carries a secret:
 * its comm and the name of the file it opens hold terminal escapes (a window
 * title, a colour), a bell, a newline, a quote and bytes that are not UTF-8.
 * Usage: hostile DIR [wait]. It names itself, opens DIR/<the name>, then
 * writes a secret to that file, to fd 9999 (fails: EBADF), to a socketpair
 * with sendmsg and through writev, and makes a failing lseek on the file.
 * With "wait": prints "ready" with the file open, then does the calls on each
 * SIGUSR1 and prints "done". */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static const char secret[] = "secret-token-42";

static void calls(int fd)
{
	int pair[2];
	struct iovec iov = { (void *)secret, sizeof(secret) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	char back[64];

	write(fd, secret, sizeof(secret) - 1);
	write(9999, secret, sizeof(secret) - 1);
	writev(fd, &iov, 1);
	lseek(fd, -1, SEEK_SET);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
	sendmsg(pair[0], &msg, 0);
	read(pair[1], back, sizeof(back));
	close(pair[0]);
	close(pair[1]);
}

static volatile sig_atomic_t asked;

static void on_usr1(int sig)
{
	(void)sig;
	asked = 1;
}

int main(int argc, char **argv)
{
	char path[4096];
	sigset_t usr1, others;

	if (argc < 2)
		return 2;
	prctl(PR_SET_NAME, "a\033[31mX\nY");
	snprintf(path, sizeof(path), "%s/ev\033]0;PWNED\007\033[31mRED\nNL\"q\377\376.txt", argv[1]);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	if (argc < 3 || strcmp(argv[2], "wait") != 0) {
		calls(fd);
		return 0;
	}
	/* SIGUSR1 is blocked but while sigsuspend waits: none is missed. */
	signal(SIGUSR1, on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &others);
	puts("ready");
	fflush(stdout);
	for (;;) {
		while (!asked)
			sigsuspend(&others);
		asked = 0;
		calls(fd);
		puts("done");
		fflush(stdout);
	}
}
