// SPDX-License-Identifier: Apache-2.0
/* One nanosleep(2) of argv[1] milliseconds. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 50;
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	return syscall(SYS_nanosleep, &ts, NULL) == 0 ? 0 : 1;
}
