// SPDX-License-Identifier: Apache-2.0
// Tries to push a byte into its terminal's input with TIOCSTI, through its
// stdin and through /dev/tty, and says on stdout what happened to each.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void inject(const char *what, int fd)
{
	char c = '#';

	if (fd < 0)
		printf("%s: open %s\n", what, strerrorname_np(errno));
	else if (ioctl(fd, TIOCSTI, &c) == 0)
		printf("%s: injected\n", what);
	else
		printf("%s: %s\n", what, strerrorname_np(errno));
}

int main(void)
{
	inject("stdin", 0);
	inject("/dev/tty", open("/dev/tty", O_RDWR));
	return 0;
}
