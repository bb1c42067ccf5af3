// SPDX-License-Identifier: Apache-2.0
/* For btrace monitor: prints "ready", then on each SIGUSR1 makes 1000 getppid
 * calls, 3 sleeps of 50 ms and one failing openat, and prints "done". */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			return 1;
		for (int i = 0; i < 1000; i++)
			getppid();
		for (int i = 0; i < 3; i++) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		open("/nonexistent/btrace-flight-marker", O_RDONLY);
		printf("done\n");
		fflush(stdout);
	}
}
