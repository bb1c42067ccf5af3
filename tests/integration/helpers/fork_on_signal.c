// SPDX-License-Identifier: Apache-2.0
/* Waits for SIGUSR1, then forks a child that prints its pid and exits at
 * once; then waits forever. Prints "ready" first. (PID reuse test.) */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	printf("ready\n");
	fflush(stdout);
	while (!go)
		pause();
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	printf("%d\n", child);
	fflush(stdout);
	for (;;)
		pause();
}
