// SPDX-License-Identifier: Apache-2.0
/* For btrace monitor's idle waits: prints "ready", then on each SIGUSR1 waits
 * 60 ms in each of a timed futex wait (it times out), poll, epoll_wait and
 * nanosleep, then 60 ms in an untimed futex wait that a thread ends (as a
 * contended lock would), and prints "done". */
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint32_t word;

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, NULL, 0);
}

static void *waker(void *arg)
{
	struct timespec ts = { 0, 60 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
	return NULL;
}

int main(void)
{
	struct timespec wait = { 0, 60 * 1000 * 1000 };
	struct epoll_event event;
	pthread_t thread;
	sigset_t set;
	int sig, ep = epoll_create1(0);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			return 1;
		word = 0;
		futex(&word, FUTEX_WAIT_PRIVATE, 0, &wait);
		poll(NULL, 0, 60);
		epoll_wait(ep, &event, 1, 60);
		nanosleep(&wait, NULL);
		pthread_create(&thread, NULL, waker, NULL);
		while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
			futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
		pthread_join(thread, NULL);
		printf("done\n");
		fflush(stdout);
	}
}
