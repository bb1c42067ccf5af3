// SPDX-License-Identifier: Apache-2.0
/* Makes exactly N getpid syscalls (argv[1]), bypassing any libc caching. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100;
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	return 0;
}
