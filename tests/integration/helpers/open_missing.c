// SPDX-License-Identifier: Apache-2.0
/* openat(AT_FDCWD, argv[1], O_RDONLY) on a path that must not exist. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/nonexistent/btrace-test";
	return syscall(SYS_openat, AT_FDCWD, path, O_RDONLY, 0) < 0 ? 0 : 1;
}
