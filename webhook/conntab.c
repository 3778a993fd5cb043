/* Connection deadlines and eviction under pressure (see conntab.h). */
#include "webhook/conntab.h"

#include "webhook/log.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wh_conn {
	int fd;
	unsigned char addr[17];      /* family byte + address; zero when unknown */
	long long deadline_ns;       /* monotonic */
	long long head_ns;           /* the head's deadline of the current/next request */
	long long since_ns;          /* waiting since (accept, or the end of a request) */
	int busy;                    /* inside a request (its head complete) */
	int served;                  /* completed at least one request */
	int cut;                     /* already shut down */
	atomic_bool cancel;          /* set with cut */
	struct wh_conn *prev, *next;
};

struct wh_conntab {
	struct wh_conntab_opts o;
	pthread_mutex_t mu;
	struct wh_conn *list;
	unsigned n;
	pthread_t sweeper;
	pthread_mutex_t stop_mu;
	pthread_cond_t stop_cv;
	int stop;
	atomic_ulong gave_way;       /* since the sweeper's last round, for its log line */
};

long long wh_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void count(atomic_ulong *c, unsigned long n)
{
	if (c && n)
		atomic_fetch_add(c, n);
}

static void cut(struct wh_conn *c)   /* under the lock */
{
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
	c->cut = 1;
	atomic_store(&c->cancel, true);
}

static void *sweeper_main(void *arg)
{
	struct wh_conntab *t = arg;
	pthread_mutex_lock(&t->stop_mu);
	while (!t->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->stop_cv, &t->stop_mu, &ts);
		if (t->stop)
			break;
		long long now = wh_now_ns();
		unsigned long n = 0;
		pthread_mutex_lock(&t->mu);
		for (struct wh_conn *c = t->list; c; c = c->next)
			if (!c->cut && c->deadline_ns && now > c->deadline_ns) {
				cut(c);
				n++;
			}
		pthread_mutex_unlock(&t->mu);
		count(t->o.cut, n);
		unsigned long gave = atomic_exchange(&t->gave_way, 0);
		if ((n || gave) && wh_log_enabled(WH_LOG_INFO))
			wh_log(WH_LOG_INFO, "closed connections",
			       json_pack("{s:I, s:I}", "past_deadline", (json_int_t)n, "gave_way", (json_int_t)gave));
		if (t->o.tick)
			t->o.tick(t->o.tick_arg);
	}
	pthread_mutex_unlock(&t->stop_mu);
	return NULL;
}

struct wh_conntab *wh_conntab_new(const struct wh_conntab_opts *o)
{
	struct wh_conntab *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->o = *o;
	pthread_mutex_init(&t->mu, NULL);
	pthread_mutex_init(&t->stop_mu, NULL);
	pthread_cond_init(&t->stop_cv, NULL);
	if (pthread_create(&t->sweeper, NULL, sweeper_main, t) != 0) {
		pthread_mutex_destroy(&t->mu);
		pthread_mutex_destroy(&t->stop_mu);
		pthread_cond_destroy(&t->stop_cv);
		free(t);
		return NULL;
	}
	return t;
}

void wh_conntab_free(struct wh_conntab *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->stop_mu);
	t->stop = 1;
	pthread_cond_broadcast(&t->stop_cv);
	pthread_mutex_unlock(&t->stop_mu);
	pthread_join(t->sweeper, NULL);
	while (t->list) {   /* only when MHD did not report every close */
		struct wh_conn *c = t->list;
		t->list = c->next;
		free(c);
	}
	pthread_mutex_destroy(&t->mu);
	pthread_mutex_destroy(&t->stop_mu);
	pthread_cond_destroy(&t->stop_cv);
	free(t);
}

static void addr_key(unsigned char key[17], const struct sockaddr *sa)
{
	memset(key, 0, 17);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		key[0] = 4;
		memcpy(key + 1, &s4->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		key[0] = 6;
		memcpy(key + 1, &s6->sin6_addr, 16);
	}
}

/* The connection that gives way first among those of 'key' (NULL: all),
 * other than 'self': outside a request, never served before served, then
 * the longest waiting.  Under the lock. */
static struct wh_conn *victim(struct wh_conntab *t, const unsigned char *key, const struct wh_conn *self)
{
	struct wh_conn *best = NULL;
	for (struct wh_conn *c = t->list; c; c = c->next) {
		if (c == self || c->cut || c->busy || (key && memcmp(c->addr, key, 17) != 0))
			continue;
		if (!best || (best->served && !c->served) ||
		    (best->served == c->served && c->since_ns < best->since_ns))
			best = c;
	}
	return best;
}

static unsigned soft(unsigned limit)
{
	unsigned s = limit - limit / 8;
	return s ? s : 1;
}

struct wh_conn *wh_conn_open(struct wh_conntab *t, int fd, const struct sockaddr *addr)
{
	struct wh_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	long long now = wh_now_ns();
	c->fd = fd;
	addr_key(c->addr, addr);
	c->since_ns = now;
	c->head_ns = now + (long long)t->o.header_timeout * 1000000000LL;
	c->deadline_ns = c->head_ns;
	unsigned long evicted = 0;
	pthread_mutex_lock(&t->mu);
	c->next = t->list;
	if (t->list)
		t->list->prev = c;
	t->list = c;
	t->n++;
	unsigned live = 0, same = 0;
	for (struct wh_conn *x = t->list; x; x = x->next)
		if (!x->cut) {
			live++;
			same += c->addr[0] && !memcmp(x->addr, c->addr, 17);
		}
	if (t->o.per_ip && c->addr[0] && same > soft(t->o.per_ip)) {
		struct wh_conn *v = victim(t, c->addr, c);
		if (v) {
			cut(v);
			evicted++;
			live--;
		}
	}
	if (t->o.max_conns && live > soft(t->o.max_conns)) {
		struct wh_conn *v = victim(t, NULL, c);
		if (v) {
			cut(v);
			evicted++;
		}
	}
	pthread_mutex_unlock(&t->mu);
	count(t->o.evicted, evicted);
	if (evicted)
		atomic_fetch_add(&t->gave_way, evicted);
	return c;
}

void wh_conn_close(struct wh_conntab *t, struct wh_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&t->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		t->list = c->next;
	if (c->next)
		c->next->prev = c->prev;
	t->n--;
	pthread_mutex_unlock(&t->mu);
	free(c);
}

long long wh_conn_request(struct wh_conntab *t, struct wh_conn *c)
{
	long long now = wh_now_ns();
	if (!c)
		return now + (long long)t->o.header_timeout * 1000000000LL;
	pthread_mutex_lock(&t->mu);
	if (c->served)   /* a later request: its head is due header_timeout from now */
		c->head_ns = now + (long long)t->o.header_timeout * 1000000000LL;
	c->deadline_ns = c->head_ns;
	long long dl = c->head_ns;
	pthread_mutex_unlock(&t->mu);
	return dl;
}

void wh_conn_busy(struct wh_conntab *t, struct wh_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&t->mu);
	c->busy = 1;
	pthread_mutex_unlock(&t->mu);
}

void wh_conn_deadline(struct wh_conntab *t, struct wh_conn *c, long long deadline_ns)
{
	if (!c)
		return;
	pthread_mutex_lock(&t->mu);
	c->deadline_ns = deadline_ns;
	pthread_mutex_unlock(&t->mu);
}

void wh_conn_idle(struct wh_conntab *t, struct wh_conn *c)
{
	if (!c)
		return;
	long long now = wh_now_ns();
	pthread_mutex_lock(&t->mu);
	c->busy = 0;
	c->served = 1;
	c->since_ns = now;
	c->deadline_ns = now + (long long)t->o.idle_timeout * 1000000000LL;
	pthread_mutex_unlock(&t->mu);
}

unsigned wh_conntab_count(struct wh_conntab *t)
{
	pthread_mutex_lock(&t->mu);
	unsigned n = t->n;
	pthread_mutex_unlock(&t->mu);
	return n;
}

int wh_conn_was_cut(struct wh_conntab *t, const struct wh_conn *c)
{
	pthread_mutex_lock(&t->mu);
	int cut_ = c->cut;
	pthread_mutex_unlock(&t->mu);
	return cut_;
}

const atomic_bool *wh_conn_cancel_flag(const struct wh_conn *c)
{
	return c ? &c->cancel : NULL;
}
