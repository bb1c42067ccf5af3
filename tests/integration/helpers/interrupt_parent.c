// SPDX-License-Identifier: Apache-2.0
/* A command that takes no action on SIGINT and interrupts its parent (btrace)
 * twice: once, then again after the first came back to it (btrace passes it
 * on), so the two are never merged into one pending signal. It then waits
 * for a minute with its stdio on /dev/null, so a test that reads btrace's
 * output to its end does not wait for it. */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

int main(void)
{
	sigset_t interrupt;
	int sig, null = open("/dev/null", O_RDWR);

	sigemptyset(&interrupt);
	sigaddset(&interrupt, SIGINT);
	sigprocmask(SIG_BLOCK, &interrupt, NULL);
	kill(getppid(), SIGINT);
	sigwait(&interrupt, &sig);
	kill(getppid(), SIGINT);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	sleep(60);
	return 0;
}
