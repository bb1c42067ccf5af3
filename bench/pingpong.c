// SPDX-License-Identifier: Apache-2.0
/* bench/pingpong.c: two processes passing a byte back and forth over two
 * pipes, N rounds: every call blocks and every round is two context switches
 * (or two cross-CPU wakeups), where --sched's switch and wakeup programs cost
 * the most.
 *
 *   pingpong N      ->  4*N read/write calls, then "pingpong: done N rounds" on stderr
 *
 * Compiled by bench/run (cc -O2) into its temp dir. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 100000;
	int ping[2], pong[2];
	char byte = 0;

	if (rounds < 1 || pipe(ping) || pipe(pong)) {
		fprintf(stderr, "usage: pingpong N (N >= 1)\n");
		return 2;
	}
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		for (long i = 0; i < rounds; i++)
			if (read(ping[0], &byte, 1) != 1 || write(pong[1], &byte, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (long i = 0; i < rounds; i++)
		if (write(ping[1], &byte, 1) != 1 || read(pong[0], &byte, 1) != 1)
			return 1;
	int status;
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;
	fprintf(stderr, "pingpong: done %ld rounds\n", rounds);
	return 0;
}
