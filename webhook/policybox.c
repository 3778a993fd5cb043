/* The policy in force, swapped under readers (see policybox.h). */
#include "webhook/policybox.h"

#include <pthread.h>
#include <stdlib.h>

struct wh_policy_ref {
	struct iw_policy *p;
	unsigned long refs;          /* readers + 1 while it is the current one */
};

struct wh_policy_box {
	pthread_mutex_t mu;
	struct wh_policy_ref *cur;
};

static struct wh_policy_ref *ref_new(struct iw_policy *p)
{
	if (!p && !(p = iw_policy_new()))
		return NULL;
	struct wh_policy_ref *r = malloc(sizeof *r);
	if (!r) {
		iw_policy_free(p);
		return NULL;
	}
	r->p = p;
	r->refs = 1;
	return r;
}

static void ref_drop(struct wh_policy_ref *r)   /* under the lock */
{
	if (--r->refs == 0) {
		iw_policy_free(r->p);
		free(r);
	}
}

struct wh_policy_box *wh_policy_box_new(struct iw_policy *p)
{
	struct wh_policy_box *b = malloc(sizeof *b);
	if (!b) {
		iw_policy_free(p);
		return NULL;
	}
	if (!(b->cur = ref_new(p))) {
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->mu, NULL);
	return b;
}

void wh_policy_box_free(struct wh_policy_box *b)
{
	if (!b)
		return;
	ref_drop(b->cur);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

const struct iw_policy *wh_policy_get(struct wh_policy_box *b, struct wh_policy_ref **ref)
{
	pthread_mutex_lock(&b->mu);
	struct wh_policy_ref *r = b->cur;
	r->refs++;
	pthread_mutex_unlock(&b->mu);
	*ref = r;
	return r->p;
}

void wh_policy_put(struct wh_policy_box *b, struct wh_policy_ref *ref)
{
	pthread_mutex_lock(&b->mu);
	ref_drop(ref);
	pthread_mutex_unlock(&b->mu);
}

int wh_policy_swap(struct wh_policy_box *b, struct iw_policy *p)
{
	struct wh_policy_ref *r = ref_new(p);
	if (!r)
		return -1;
	pthread_mutex_lock(&b->mu);
	struct wh_policy_ref *old = b->cur;
	b->cur = r;
	ref_drop(old);
	pthread_mutex_unlock(&b->mu);
	return 0;
}
