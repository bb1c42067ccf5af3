// SPDX-License-Identifier: Apache-2.0
/* A known mix for filters and summaries: 1000 getpid, 100 openat of a
 * missing file (ENOENT), 10 nanosleeps of 20 ms. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 1000; i++)
		syscall(SYS_getpid);
	for (int i = 0; i < 100; i++)
		syscall(SYS_openat, AT_FDCWD, "/nonexistent/btrace-mix", O_RDONLY, 0);
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000000L };
	for (int i = 0; i < 10; i++)
		syscall(SYS_nanosleep, &ts, NULL);
	return 0;
}
