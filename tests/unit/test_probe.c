/* SPDX-License-Identifier: ISC */
/*
 * test_probe.c: the liveness prober (bgpd/probe.c) without its socket:
 * requests as built, replies matched by source, identifier, sequence
 * number and cookie, stale and foreign replies ignored, `misses` losses
 * in a row mean dead, PROBE_RISE answers in a row mean alive again.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bgpd/probe.h"

struct verdicts {
	int	n;
	bool	last;
};

static void
on_verdict(struct probe *p, bool alive, void *arg)
{
	struct verdicts	*v = arg;

	v->n++;
	v->last = alive;
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct probe *
new_probe(struct verdicts *v, uint32_t misses)
{
	return probe_new(NULL, "169.254.249.57", "vti0", ip("169.254.249.57"),
	    ip("169.254.249.58"), 200, misses, on_verdict, v);
}

/* The reply the VGW would send to the last request: an IPv4 header from
 * src, then the request with type 0 (echo reply). */
static size_t
reply(const struct probe *p, const char *src, uint8_t *pkt, size_t len)
{
	struct in_addr	a = ip(src);
	size_t		n;

	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[9] = 1;
	memcpy(pkt + 12, &a, 4);
	n = probe_request(p, pkt + 20, len - 20);
	assert_true(n > 8);
	assert_int_equal(pkt[20], 8);		/* echo request */
	pkt[20] = 0;				/* echo reply */
	return 20 + n;
}

static void
test_request(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe(&v, 3);
	uint8_t		 a[64], b[64];
	size_t		 na, nb;
	uint32_t	 sum = 0;
	size_t		 i;

	probe_tick_at(p, 1000, true);
	na = probe_request(p, a, sizeof(a));
	probe_tick_at(p, 201000, true);
	nb = probe_request(p, b, sizeof(b));
	assert_int_equal(na, nb);
	assert_int_equal(a[0], 8);
	assert_int_equal(a[1], 0);
	assert_memory_equal(a + 4, b + 4, 2);		/* same identifier */
	assert_int_equal((b[6] << 8 | b[7]) - (a[6] << 8 | a[7]), 1);
	for (i = 0; i + 1 < na; i += 2)			/* checksum holds */
		sum += (uint32_t)(a[i] << 8 | a[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
	assert_int_equal(probe_request(p, a, 8), 0);	/* too small */
	probe_free(p);
}

static void
test_reply_matched(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe(&v, 3);
	uint8_t		 pkt[128];
	size_t		 n;
	const struct probe_stats *st = probe_stats(p);

	assert_int_equal(st->state, PROBE_UNKNOWN);
	probe_tick_at(p, 1000, true);
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, 1750);
	assert_int_equal(st->state, PROBE_UP);
	assert_int_equal(st->received, 1);
	assert_int_equal(st->rtt_last_us, 750);
	assert_int_equal(st->rtt_min_us, 750);
	assert_int_equal(v.n, 0);	/* unknown -> up changes nothing */
	assert_true(probe_alive(p));
	/* the same reply again: nothing outstanding, stale */
	probe_input(p, pkt, n, 1800);
	assert_int_equal(st->received, 1);
	assert_int_equal(st->stale, 1);
	probe_free(p);
}

static void
test_foreign_ignored(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe(&v, 3);
	struct probe	*q = new_probe(&v, 3);
	uint8_t		 pkt[128];
	size_t		 n;
	const struct probe_stats *st = probe_stats(p);

	probe_tick_at(p, 1000, true);
	probe_tick_at(q, 1000, true);
	/* from another address */
	n = reply(p, "169.254.249.61", pkt, sizeof(pkt));
	probe_input(p, pkt, n, 1500);
	/* another prober's reply (other identifier and cookie) */
	n = reply(q, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, 1500);
	/* an echo request, not a reply */
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	pkt[20] = 8;
	probe_input(p, pkt, n, 1500);
	/* truncated, and not IPv4 */
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n - 1, 1500);
	pkt[0] = 0x65;
	probe_input(p, pkt, n, 1500);
	probe_input(p, pkt, 0, 1500);
	assert_int_equal(st->received, 0);
	assert_int_equal(st->stale, 0);
	assert_int_equal(st->state, PROBE_UNKNOWN);
	probe_free(p);
	probe_free(q);
}

static void
test_stale_reply(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe(&v, 3);
	uint8_t		 late[128], pkt[128];
	size_t		 nl, n;
	const struct probe_stats *st = probe_stats(p);

	probe_tick_at(p, 1000, true);
	nl = reply(p, "169.254.249.57", late, sizeof(late));
	probe_tick_at(p, 201000, true);		/* the first is lost */
	assert_int_equal(st->lost, 1);
	probe_input(p, late, nl, 230000);	/* its reply, too late */
	assert_int_equal(st->stale, 1);
	assert_int_equal(st->received, 0);
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, 231000);
	assert_int_equal(st->received, 1);
	assert_int_equal(st->rtt_last_us, 30000);
	probe_free(p);
}

static void
test_dead_and_back(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe(&v, 3);
	uint8_t		 pkt[128];
	size_t		 n;
	uint64_t	 t = 0;
	int		 i;
	const struct probe_stats *st = probe_stats(p);

	probe_tick_at(p, t += 200000, true);
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, t + 500);
	/* three unanswered: the third tick after them declares dead */
	probe_tick_at(p, t += 200000, true);
	probe_tick_at(p, t += 200000, false);	/* a send error counts */
	probe_tick_at(p, t += 200000, true);
	assert_int_equal(st->lost_in_row, 2);
	assert_int_equal(v.n, 0);
	probe_tick_at(p, t += 200000, true);
	assert_int_equal(st->lost_in_row, 3);
	assert_int_equal(st->state, PROBE_DOWN);
	assert_int_equal(st->send_errors, 1);
	assert_int_equal(v.n, 1);
	assert_false(v.last);
	assert_false(probe_alive(p));
	assert_int_equal(st->downs, 1);
	/* more losses: no new verdict */
	probe_tick_at(p, t += 200000, true);
	assert_int_equal(v.n, 1);
	/* PROBE_RISE answers in a row bring it back, not fewer */
	for (i = 0; i < PROBE_RISE; i++) {
		assert_int_equal(st->state, PROBE_DOWN);
		probe_tick_at(p, t += 200000, true);
		n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
		probe_input(p, pkt, n, t + 300);
		if (i == 0)
			assert_int_equal(st->lost_in_row, 0);
	}
	assert_int_equal(st->state, PROBE_UP);
	assert_int_equal(v.n, 2);
	assert_true(v.last);
	probe_free(p);
}

static void
test_rise_interrupted(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe(&v, 1);
	uint8_t		 pkt[128];
	size_t		 n;
	uint64_t	 t = 0;

	probe_tick_at(p, t += 1000, true);
	probe_tick_at(p, t += 1000, true);	/* one miss: dead (misses 1) */
	assert_int_equal(v.n, 1);
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, t + 10);		/* one answer */
	probe_tick_at(p, t += 1000, true);
	probe_tick_at(p, t += 1000, true);	/* then a loss: count again */
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, t + 10);
	probe_tick_at(p, t += 1000, true);
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, t + 10);
	assert_int_equal(probe_stats(p)->state, PROBE_DOWN);
	probe_tick_at(p, t += 1000, true);
	n = reply(p, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, t + 10);
	assert_int_equal(probe_stats(p)->state, PROBE_UP);
	assert_int_equal(v.n, 2);
	assert_string_equal(probe_state_name(PROBE_UP), "up");
	assert_string_equal(probe_state_name(PROBE_DOWN), "down");
	probe_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_reply_matched),
		cmocka_unit_test(test_foreign_ignored),
		cmocka_unit_test(test_stale_reply),
		cmocka_unit_test(test_dead_and_back),
		cmocka_unit_test(test_rise_interrupted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
