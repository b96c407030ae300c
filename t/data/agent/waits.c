/* waits: one wait of about 30 ms in each timed variant of the functions
 * the agent times, and those on a chosen clock, each from a function of
 * its own (at_NAME), so that a profile shows each was seen. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define HOLD_NS 30000000L

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static atomic_int held;

/* An absolute time on clock k, ns from now. */
static struct timespec
after(clockid_t k, long ns)
{
	struct timespec t;

	clock_gettime(k, &t);
	t.tv_nsec += ns % 1000000000L;
	t.tv_sec += ns / 1000000000L + t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

static void
hold(void)
{
	struct timespec d = { 0, HOLD_NS };

	nanosleep(&d, NULL);
}

/* Holds mu, rw for writing or rw for reading (arg 0, 1, 2) HOLD_NS, once
 * the main thread knows it holds it. */
static void *
holder(void *arg)
{
	long what = (long)arg;

	if (what == 0)
		pthread_mutex_lock(&mu);
	else if (what == 1)
		pthread_rwlock_wrlock(&rw);
	else
		pthread_rwlock_rdlock(&rw);
	atomic_store(&held, 1);
	hold();
	if (what == 0)
		pthread_mutex_unlock(&mu);
	else
		pthread_rwlock_unlock(&rw);
	return NULL;
}

static pthread_t
start_holder(long what)
{
	pthread_t t;

	atomic_store(&held, 0);
	pthread_create(&t, NULL, holder, (void *)what);
	while (!atomic_load(&held))
		;
	return t;
}

static void *
sleeper(void *arg)
{
	(void)arg;
	hold();
	return NULL;
}

#define SITE __attribute__((noinline)) static void

SITE at_mutex_timedlock(void)
{
	struct timespec t = after(CLOCK_REALTIME, 10000000000L);

	pthread_mutex_timedlock(&mu, &t);
	pthread_mutex_unlock(&mu);
}

SITE at_mutex_clocklock(void)
{
	struct timespec t = after(CLOCK_MONOTONIC, 10000000000L);

	pthread_mutex_clocklock(&mu, CLOCK_MONOTONIC, &t);
	pthread_mutex_unlock(&mu);
}

SITE at_rwlock_clockrdlock(void)
{
	struct timespec t = after(CLOCK_MONOTONIC, 10000000000L);

	pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &t);
	pthread_rwlock_unlock(&rw);
}

SITE at_rwlock_clockwrlock(void)
{
	struct timespec t = after(CLOCK_MONOTONIC, 10000000000L);

	pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &t);
	pthread_rwlock_unlock(&rw);
}

SITE at_cond_timedwait(void)
{
	struct timespec t = after(CLOCK_REALTIME, HOLD_NS);

	pthread_mutex_lock(&mu);
	while (pthread_cond_timedwait(&cv, &mu, &t) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&mu);
}

SITE at_cond_clockwait(void)
{
	struct timespec t = after(CLOCK_MONOTONIC, HOLD_NS);

	pthread_mutex_lock(&mu);
	while (pthread_cond_clockwait(&cv, &mu, CLOCK_MONOTONIC, &t) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&mu);
}

SITE at_sem_timedwait(void)
{
	struct timespec t = after(CLOCK_REALTIME, HOLD_NS);

	while (sem_timedwait(&sem, &t) != -1 || errno == EINTR)
		;
}

SITE at_sem_clockwait(void)
{
	struct timespec t = after(CLOCK_MONOTONIC, HOLD_NS);

	while (sem_clockwait(&sem, CLOCK_MONOTONIC, &t) != -1 || errno == EINTR)
		;
}

SITE at_timedjoin(void)
{
	struct timespec t = after(CLOCK_REALTIME, 10000000000L);
	pthread_t s;

	pthread_create(&s, NULL, sleeper, NULL);
	pthread_timedjoin_np(s, NULL, &t);
}

SITE at_clockjoin(void)
{
	struct timespec t = after(CLOCK_MONOTONIC, 10000000000L);
	pthread_t s;

	pthread_create(&s, NULL, sleeper, NULL);
	pthread_clockjoin_np(s, NULL, CLOCK_MONOTONIC, &t);
}

int
main(void)
{
	pthread_t t;

	sem_init(&sem, 0, 0);
	t = start_holder(0);
	at_mutex_timedlock();
	pthread_join(t, NULL);
	t = start_holder(0);
	at_mutex_clocklock();
	pthread_join(t, NULL);
	t = start_holder(1);
	at_rwlock_clockrdlock();
	pthread_join(t, NULL);
	t = start_holder(2);
	at_rwlock_clockwrlock();
	pthread_join(t, NULL);
	at_cond_timedwait();
	at_cond_clockwait();
	at_sem_timedwait();
	at_sem_clockwait();
	at_timedjoin();
	at_clockjoin();
	return 0;
}
