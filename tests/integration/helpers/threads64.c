/* Threads (64, or argv[1]), one after another, each making 100 getpid calls. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *run(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		syscall(SYS_getpid);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64;
	pthread_t *threads = calloc(n, sizeof(*threads));

	if (!threads)
		return 1;
	for (int i = 0; i < n; i++)
		pthread_create(&threads[i], NULL, run, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
