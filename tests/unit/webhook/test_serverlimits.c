/* The server's bounds without sockets: webhook/conntab.h (who gives way when
 * the slots run short, deadlines; the connections have no descriptor, only an
 * address), webhook/budget.h (bytes held and parsed at once), webhook/log.h
 * (every log line bounded). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "webhook/budget.h"
#include "webhook/conntab.h"
#include "webhook/log.h"

static struct sockaddr_in ip4(const char *a)
{
	struct sockaddr_in s = { .sin_family = AF_INET };
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static struct wh_conn *open_from(struct wh_conntab *t, const char *a)
{
	struct sockaddr_in s = ip4(a);
	struct wh_conn *c = wh_conn_open(t, -1, (const struct sockaddr *)&s);
	assert_non_null(c);
	return c;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* Above 7/8 of the slots the oldest connection without a request in
 * progress gives way: never-served ones before idle ones; busy ones never. */
static void gives_way_oldest_idle_first(void **state)
{
	(void)state;
	atomic_ulong evicted = 0;
	struct wh_conntab_opts o = { .max_conns = 16, .per_ip = 0, .header_timeout = 60,
	                             .idle_timeout = 60, .evicted = &evicted };
	struct wh_conntab *t = wh_conntab_new(&o);
	assert_non_null(t);
	struct wh_conn *c[20];
	for (int i = 0; i < 14; i++) {     /* 14 = 7/8 of 16: nobody gives way */
		c[i] = open_from(t, "10.0.0.1");
		pause_ms(1);
	}
	assert_int_equal(evicted, 0);
	wh_conn_request(t, c[0]);          /* 0: busy; 1: idle after a request; 2..: never served */
	wh_conn_busy(t, c[0]);
	wh_conn_request(t, c[1]);
	wh_conn_busy(t, c[1]);
	wh_conn_idle(t, c[1]);
	c[14] = open_from(t, "10.0.0.2");  /* 15 > 14: the oldest never-served (2) goes */
	assert_int_equal(evicted, 1);
	assert_true(wh_conn_was_cut(t, c[2]));
	assert_false(wh_conn_was_cut(t, c[0]));
	assert_false(wh_conn_was_cut(t, c[1]));
	assert_false(wh_conn_was_cut(t, c[14]));
	for (int i = 3; i < 14; i++)       /* every never-served one goes, oldest first */
		wh_conn_busy(t, c[i]);
	c[15] = open_from(t, "10.0.0.3");
	assert_true(wh_conn_was_cut(t, c[14]));   /* the only never-served one left */
	c[16] = open_from(t, "10.0.0.4");
	assert_true(wh_conn_was_cut(t, c[15]));
	wh_conn_busy(t, c[16]);
	c[17] = open_from(t, "10.0.0.5");         /* then the idle one */
	assert_true(wh_conn_was_cut(t, c[1]));
	assert_false(wh_conn_was_cut(t, c[0]));   /* busy: kept */
	assert_int_equal(evicted, 4);
	assert_int_equal(wh_conntab_count(t), 18);   /* cut ones stay until MHD closes them */
	for (int i = 0; i < 18; i++)
		if (i != 2 && i != 14 && i != 15 && i != 1)
			wh_conn_close(t, c[i]);
	wh_conn_close(t, c[1]);
	wh_conn_close(t, c[2]);
	wh_conn_close(t, c[14]);
	wh_conn_close(t, c[15]);
	assert_int_equal(wh_conntab_count(t), 0);
	wh_conntab_free(t);
}

/* Above 7/8 of per_ip, the oldest idle connection of that address gives way,
 * not another address's. */
static void gives_way_per_address(void **state)
{
	(void)state;
	atomic_ulong evicted = 0;
	struct wh_conntab_opts o = { .max_conns = 1000, .per_ip = 8, .header_timeout = 60,
	                             .idle_timeout = 60, .evicted = &evicted };
	struct wh_conntab *t = wh_conntab_new(&o);
	struct wh_conn *other = open_from(t, "10.0.0.9");
	struct wh_conn *c[9];
	for (int i = 0; i < 9; i++) {
		c[i] = open_from(t, "10.0.0.1");
		pause_ms(1);
	}
	assert_int_equal(evicted, 2);      /* the 8th and the 9th: 7 kept */
	assert_true(wh_conn_was_cut(t, c[0]));
	assert_true(wh_conn_was_cut(t, c[1]));
	assert_false(wh_conn_was_cut(t, c[2]));
	assert_false(wh_conn_was_cut(t, other));
	for (int i = 0; i < 9; i++)
		wh_conn_close(t, c[i]);
	wh_conn_close(t, other);
	wh_conntab_free(t);
}

/* The sweeper cuts a connection past its header deadline. */
static void header_deadline(void **state)
{
	(void)state;
	atomic_ulong cut = 0;
	struct wh_conntab_opts o = { .max_conns = 10, .header_timeout = 1, .idle_timeout = 60, .cut = &cut };
	struct wh_conntab *t = wh_conntab_new(&o);
	struct wh_conn *c = open_from(t, "10.0.0.1");
	struct wh_conn *d = open_from(t, "10.0.0.1");
	wh_conn_request(t, d);
	wh_conn_busy(t, d);
	wh_conn_deadline(t, d, wh_now_ns() + 60 * 1000000000LL);   /* its body has time */
	for (int i = 0; i < 40 && !wh_conn_was_cut(t, c); i++)
		pause_ms(100);
	assert_true(wh_conn_was_cut(t, c));
	assert_false(wh_conn_was_cut(t, d));
	assert_int_equal(cut, 1);
	wh_conn_close(t, c);
	wh_conn_close(t, d);
	wh_conntab_free(t);
}

static int woken;
static void wake(void *arg)
{
	(void)arg;
	woken++;
}

static void budget(void **state)
{
	(void)state;
	struct wh_budget *b = wh_budget_new(100);
	size_t peak;
	assert_int_equal(wh_budget_try(b, 60), 0);
	assert_int_equal(wh_budget_try(b, 60), -1);
	assert_int_equal(wh_budget_try(b, 40), 0);
	assert_int_equal(wh_budget_used(b, &peak), 100);
	/* a wait gives up at its deadline */
	assert_int_equal(wh_budget_wait(b, 1, wh_now_ns() + 50 * 1000000LL), -1);
	/* a queued waiter is woken when room comes back, once */
	struct wh_budget_waiter w = { .deadline_ns = wh_now_ns() + 60 * 1000000000LL, .wake = wake };
	assert_int_equal(wh_budget_take_or_queue(b, 50, &w), -1);
	assert_true(w.queued);
	wh_budget_release(b, 40);
	assert_int_equal(woken, 1);
	assert_false(w.queued);
	assert_int_equal(wh_budget_take_or_queue(b, 50, &w), -1);   /* 40 free: queued again */
	wh_budget_cancel(b, &w);
	assert_false(w.queued);
	wh_budget_release(b, 60);
	assert_int_equal(woken, 1);                                 /* cancelled: not woken */
	/* more than the whole budget is clamped to it: it runs alone */
	assert_int_equal(wh_budget_try(b, 1000), 0);
	assert_int_equal(wh_budget_used(b, &peak), 100);
	/* an expired waiter is woken by expire */
	w.deadline_ns = wh_now_ns();
	assert_int_equal(wh_budget_take_or_queue(b, 1, &w), -1);
	wh_budget_expire(b, wh_now_ns() + 1);
	assert_int_equal(woken, 2);
	wh_budget_release(b, 1000);
	assert_int_equal(wh_budget_used(b, &peak), 0);
	assert_int_equal(peak, 100);
	wh_budget_free(b);
}

/* A 3 MB value (a uid, a name) logged: the line keeps 1 KiB of it and says
 * how much it left out; 10,000 fields keep 64. */
static void log_lines_bounded(void **state)
{
	(void)state;
	char path[] = "/tmp/iw-test-log.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(2);
	dup2(fd, 2);
	size_t n = 3u << 20;
	char *big = malloc(n + 1);
	memset(big, 'u', n);
	big[n] = 0;
	json_t *many = json_object();
	for (int i = 0; i < 10000; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%d", i);
		json_object_set_new(many, k, json_integer(i));
	}
	wh_log(WH_LOG_ERROR, "review", json_pack("{s:s, s:o}", "uid", big, "many", many));
	free(big);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	off_t len = lseek(fd, 0, SEEK_END);
	assert_true(len > 0 && len < 4096);
	char *line = calloc(1, (size_t)len + 1);
	assert_int_equal(pread(fd, line, (size_t)len, 0), len);
	close(fd);
	unlink(path);
	json_t *o = json_loads(line, 0, NULL);
	assert_non_null(o);
	const char *uid = json_string_value(json_object_get(o, "uid"));
	assert_int_equal(strlen(uid), 1024 + strlen("...(3144704 more bytes)"));
	assert_string_equal(uid + 1024, "...(3144704 more bytes)");
	json_t *m = json_object_get(o, "many");
	assert_int_equal(json_object_size(m), 65);   /* 64 kept + fields_left_out */
	assert_int_equal(json_integer_value(json_object_get(m, "fields_left_out")), 10000 - 64);
	json_decref(o);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gives_way_oldest_idle_first),
		cmocka_unit_test(gives_way_per_address),
		cmocka_unit_test(header_deadline),
		cmocka_unit_test(budget),
		cmocka_unit_test(log_lines_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
