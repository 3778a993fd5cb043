/* A counting semaphore on bytes (see budget.h). */
#include "webhook/budget.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct wh_budget {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t total, used, peak;
	struct wh_budget_waiter *head, *tail;   /* queued, oldest first */
};

static void unqueue(struct wh_budget *b, struct wh_budget_waiter *w)   /* under the lock */
{
	if (w->prev)
		w->prev->next = w->next;
	else
		b->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		b->tail = w->prev;
	w->prev = w->next = NULL;
	w->queued = 0;
}

struct wh_budget *wh_budget_new(size_t bytes)
{
	struct wh_budget *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->total = bytes ? bytes : 1;
	pthread_mutex_init(&b->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);
	return b;
}

void wh_budget_free(struct wh_budget *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	free(b);
}

static size_t clamp(const struct wh_budget *b, size_t n)
{
	return n > b->total ? b->total : n;
}

static int take(struct wh_budget *b, size_t n)   /* under the lock */
{
	if (b->total - b->used < n)
		return -1;
	b->used += n;
	if (b->used > b->peak)
		b->peak = b->used;
	return 0;
}

int wh_budget_try(struct wh_budget *b, size_t n)
{
	n = clamp(b, n);
	pthread_mutex_lock(&b->mu);
	int rc = take(b, n);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int wh_budget_wait(struct wh_budget *b, size_t n, long long deadline_ns)
{
	n = clamp(b, n);
	struct timespec ts = { (time_t)(deadline_ns / 1000000000LL), (long)(deadline_ns % 1000000000LL) };
	pthread_mutex_lock(&b->mu);
	int rc;
	while ((rc = take(b, n)) < 0)
		if (pthread_cond_timedwait(&b->cv, &b->mu, &ts) != 0) {
			rc = take(b, n);
			break;
		}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int wh_budget_take_or_queue(struct wh_budget *b, size_t n, struct wh_budget_waiter *w)
{
	n = clamp(b, n);
	pthread_mutex_lock(&b->mu);
	int rc = take(b, n);
	if (rc < 0 && !w->queued) {
		w->next = NULL;
		w->prev = b->tail;
		if (b->tail)
			b->tail->next = w;
		else
			b->head = w;
		b->tail = w;
		w->queued = 1;
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

void wh_budget_cancel(struct wh_budget *b, struct wh_budget_waiter *w)
{
	pthread_mutex_lock(&b->mu);
	if (w->queued)
		unqueue(b, w);
	pthread_mutex_unlock(&b->mu);
}

void wh_budget_expire(struct wh_budget *b, long long now_ns)
{
	pthread_mutex_lock(&b->mu);
	for (struct wh_budget_waiter *w = b->head, *next; w; w = next) {
		next = w->next;
		if (now_ns >= w->deadline_ns) {
			unqueue(b, w);
			w->wake(w->arg);
		}
	}
	pthread_mutex_unlock(&b->mu);
}

void wh_budget_release(struct wh_budget *b, size_t n)
{
	n = clamp(b, n);
	pthread_mutex_lock(&b->mu);
	b->used -= n <= b->used ? n : b->used;
	pthread_cond_broadcast(&b->cv);
	/* every queued waiter tries again (the first ones first) */
	while (b->head) {
		struct wh_budget_waiter *w = b->head;
		unqueue(b, w);
		w->wake(w->arg);
	}
	pthread_mutex_unlock(&b->mu);
}

size_t wh_budget_used(struct wh_budget *b, size_t *peak)
{
	pthread_mutex_lock(&b->mu);
	size_t u = b->used;
	if (peak)
		*peak = b->peak;
	pthread_mutex_unlock(&b->mu);
	return u;
}
