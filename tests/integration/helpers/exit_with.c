// SPDX-License-Identifier: Apache-2.0
/* exit_with N: exits with status N; exit_with -S: kills itself with signal S. */
#include <signal.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	if (n < 0) {
		signal(-n, SIG_DFL);
		raise(-n);
	}
	return n;
}
