/* 64 threads, each making 100 getpid calls. */
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *run(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		syscall(SYS_getpid);
	return NULL;
}

int main(void)
{
	pthread_t threads[64];
	for (int i = 0; i < 64; i++)
		pthread_create(&threads[i], NULL, run, NULL);
	for (int i = 0; i < 64; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
