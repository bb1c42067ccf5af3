// SPDX-License-Identifier: Apache-2.0
/* Runs until killed: prints its pid, then calls getppid every 10 ms. */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	printf("%d\n", getpid());
	fflush(stdout);
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 10 * 1000000L };
	for (;;) {
		syscall(SYS_getppid);
		nanosleep(&tick, NULL);
	}
}
