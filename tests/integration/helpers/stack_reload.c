// SPDX-License-Identifier: Apache-2.0
// -k across a loss: dlopens argv[1] and calls into it (getppid), prints
// "stop" and pauses (for the test to stop btrace), makes 300 writes to
// /dev/null (more -k records than a 64K ring holds), dlcloses it and dlopens
// argv[2] (a copy: mapped where the first was, its records lost), prints
// "resume" and pauses (to let btrace go on), then calls into the copy.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int call_into(const char *path, void **handle)
{
	int (*lib_outer)(void);

	*handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!*handle)
		return -1;
	lib_outer = (int (*)(void))dlsym(*handle, "lib_outer");
	return lib_outer ? lib_outer() : -1;
}

int main(int argc, char **argv)
{
	void *handle;
	int fd = open("/dev/null", O_WRONLY);

	if (argc != 3 || fd < 0 || call_into(argv[1], &handle) < 0)
		return 1;
	printf("stop\n");
	fflush(stdout);
	usleep(500 * 1000);
	for (int i = 0; i < 300; i++)
		write(fd, "x", 1);
	dlclose(handle);
	handle = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
	printf("resume\n");
	fflush(stdout);
	usleep(1000 * 1000);
	return call_into(argv[2], &handle) < 0;
}
