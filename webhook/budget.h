/*
 * A count of bytes shared by the threads of `serve` (a counting semaphore on
 * bytes): how much request body may be held at once, and how much of it may
 * be parsed at once (parsing costs up to ~25 times the body in memory).
 * Bounding both bounds the memory of concurrent large requests: see
 * bench/memory/README.md for the figures behind the defaults.
 */
#ifndef IW_WEBHOOK_BUDGET_H
#define IW_WEBHOOK_BUDGET_H

#include <stddef.h>

struct wh_budget;

/* 'bytes' in all.  NULL when out of memory. */
struct wh_budget *wh_budget_new(size_t bytes);
void wh_budget_free(struct wh_budget *b);

/* Takes n bytes (n is clamped to the whole budget, so that any request can
 * run alone).  wh_budget_try: 0 taken, -1 not available now.
 * wh_budget_wait: waits until taken (0) or until the monotonic deadline (-1). */
int wh_budget_try(struct wh_budget *b, size_t n);
int wh_budget_wait(struct wh_budget *b, size_t n, long long deadline_ns);
/*
 * Without blocking a thread: takes n (0), or queues w and returns -1; then
 * w->wake(w->arg) is called once, under the budget's lock (it must not call
 * back into the budget), when some room came back or w's deadline passed:
 * the waiter then tries again.  A queued waiter must be cancelled before its
 * memory goes away (no-op when not queued).
 */
struct wh_budget_waiter {
	struct wh_budget_waiter *prev, *next;
	long long deadline_ns;          /* monotonic */
	void (*wake)(void *arg);
	void *arg;
	int queued;
};
int wh_budget_take_or_queue(struct wh_budget *b, size_t n, struct wh_budget_waiter *w);
void wh_budget_cancel(struct wh_budget *b, struct wh_budget_waiter *w);
/* Wakes the queued waiters whose deadline is past (called periodically). */
void wh_budget_expire(struct wh_budget *b, long long now_ns);

/* Gives back what a successful try/wait/take of n took (and wakes the waiters). */
void wh_budget_release(struct wh_budget *b, size_t n);
/* Bytes taken now, and the most ever taken at once. */
size_t wh_budget_used(struct wh_budget *b, size_t *peak);

#endif
