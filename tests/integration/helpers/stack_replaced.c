// SPDX-License-Identifier: Apache-2.0
// -k with a library replaced on disk after it was mapped, as a package
// upgrade does: dlopens argv[1], renames argv[2] over it, then calls into it
// (getppid) and lives on a while, as a server would.
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	void *handle;
	int (*lib_outer)(void);

	if (argc != 3 || !(handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) || rename(argv[2], argv[1]) != 0)
		return 1;
	lib_outer = (int (*)(void))dlsym(handle, "lib_outer");
	if (!lib_outer || lib_outer() < 0)
		return 1;
	usleep(300 * 1000);
	return 0;
}
