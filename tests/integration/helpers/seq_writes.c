// SPDX-License-Identifier: Apache-2.0
// Writes "i N" to /dev/null for N = 0, 1, 2 ..., one write each, so that a
// gap in a trace shows as a jump in N of a known size: 200 writes (with the
// start-up calls, less than a 64K ring holds, however late btrace drains
// it), then "stop" on stdout and a pause (for the test to stop btrace),
// argv[1] writes, then "resume" and a pause (to let it go on), then 200 more
// (again fewer than the ring holds: a busy host may not drain it in time).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long next;

static void writes(int fd, long n)
{
	char buf[32];

	for (long end = next + n; next < end; next++)
		write(fd, buf, (size_t)snprintf(buf, sizeof(buf), "i %ld", next));
}

int main(int argc, char **argv)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0)
		return 1;
	writes(fd, 200);
	printf("stop\n");
	fflush(stdout);
	usleep(500 * 1000);
	writes(fd, argc > 1 ? atol(argv[1]) : 100000);
	printf("resume\n");
	fflush(stdout);
	usleep(1000 * 1000);
	writes(fd, 200);
	return 0;
}
