// SPDX-License-Identifier: Apache-2.0
/* Calls whose time goes to known places, for --sched:
 *   pipe       a read on a pipe whose writer (comm "sched_writer") sleeps 50 ms first: blocked
 *   getrandom  8 MiB of getrandom into a touched buffer: on the CPU
 *   contended  20 sched_yield on a CPU shared with a spinning thread: waiting for the CPU
 *   alone      2000 getppid on a CPU of its own: never waiting */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int spinning;

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *spin(void *arg)
{
	pin_to(0);
	atomic_store(&spinning, 1);
	for (;;)
		atomic_load(&spinning);
	return arg;
}

static int pipe_read(void)
{
	int fds[2];
	char byte;

	if (pipe(fds))
		return 1;
	pid_t child = fork();
	if (child == 0) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000000L };
		prctl(PR_SET_NAME, "sched_writer");
		syscall(SYS_nanosleep, &ts, NULL);
		_exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
	}
	int ok = read(fds[0], &byte, 1) == 1;
	int status;
	waitpid(child, &status, 0);
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "pipe"))
		return pipe_read();
	if (!strcmp(mode, "getrandom")) {
		size_t size = 8u << 20;
		char *buf = malloc(size);
		if (!buf)
			return 1;
		memset(buf, 1, size); /* no page faults inside the call */
		return getrandom(buf, size, 0) == (ssize_t)size ? 0 : 1;
	}
	if (!strcmp(mode, "contended")) {
		pthread_t spinner;
		pin_to(0);
		if (pthread_create(&spinner, NULL, spin, NULL))
			return 1;
		while (!atomic_load(&spinning))
			sched_yield();
		for (int i = 0; i < 20; i++)
			syscall(SYS_sched_yield);
		return 0; /* exit_group ends the spinner */
	}
	if (!strcmp(mode, "alone")) {
		pin_to(0);
		for (int i = 0; i < 2000; i++)
			syscall(SYS_getppid);
		return 0;
	}
	return 2;
}
