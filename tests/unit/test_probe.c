/* SPDX-License-Identifier: ISC */
/*
 * test_probe.c: the liveness prober (bgpd/probe.c).  Without its socket:
 * requests as built, replies matched by source, identifier, sequence
 * number and cookie (and, for IPv6, the interface they came in on), stale
 * and foreign replies ignored, `misses` losses in a row mean dead,
 * PROBE_RISE answers in a row mean alive again.  Then against the real
 * kernel, in a network namespace of its own: veth pairs vti0/vti0p and
 * vti1/vti1p stand in for the tunnels, their far ends (the VGW's side)
 * in a second namespace whose kernel answers the echoes; probes over
 * IPv6 (ULA and link-local) and IPv4 answered, lost to an nft drop or to
 * the far address removed, dead after `misses`, alive again, and answers
 * that come back through the other tunnel not counted.  The kernel part
 * needs root: skipped without, unless CI=true.  Every wait is bounded.
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/shell.h"
#include <ev.h>

#include "bgpd/probe.h"
#include "bgpd/util/log.h"

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

/* ---- IPv6, without a socket ------------------------------------------- */

static struct in6_addr
ip6(const char *s)
{
	struct in6_addr	a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* On "lo", whose index any namespace has: replies on another index are
 * from the wrong interface. */
static struct probe *
new_probe6(struct verdicts *v, uint32_t misses)
{
	struct in6_addr	dst = ip6("fd00:1::1"), src = ip6("fd00:1::2");

	return probe_new6(NULL, "neighbor fd00:1::1", "lo", &dst, &src, 200,
	    misses, on_verdict, v);
}

/* The ICMPv6 reply the TGW would send to the last request (a raw ICMPv6
 * socket gives no IPv6 header): the request with type 129. */
static size_t
reply6(const struct probe *p, uint8_t *pkt, size_t len)
{
	size_t	n;

	n = probe_request(p, pkt, len);
	assert_true(n > 8);
	assert_int_equal(pkt[0], 128);		/* echo request */
	pkt[0] = 129;				/* echo reply */
	return n;
}

static void
input6(struct probe *p, const char *from, unsigned ifindex,
    const uint8_t *pkt, size_t n, uint64_t now_us)
{
	struct in6_addr	a = ip6(from);

	probe_input6(p, &a, ifindex, pkt, n, now_us);
}

static void
test_request6(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe6(&v, 3);
	uint8_t		 a[64], b[64];
	size_t		 na, nb;

	probe_tick_at(p, 1000, true);
	na = probe_request(p, a, sizeof(a));
	probe_tick_at(p, 201000, true);
	nb = probe_request(p, b, sizeof(b));
	assert_int_equal(na, nb);
	assert_int_equal(a[0], 128);			/* RFC 4443 4.1 */
	assert_int_equal(a[1], 0);
	assert_int_equal(a[2] << 8 | a[3], 0);		/* the kernel's */
	assert_memory_equal(a + 4, b + 4, 2);		/* same identifier */
	assert_int_equal((b[6] << 8 | b[7]) - (a[6] << 8 | a[7]), 1);
	assert_int_equal(probe_request(p, a, 8), 0);	/* too small */
	probe_free(p);
}

static void
test_reply6_matched(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe6(&v, 3);
	unsigned	 lo = if_nametoindex("lo");
	uint8_t		 pkt[128];
	size_t		 n;
	const struct probe_stats *st = probe_stats(p);

	assert_int_not_equal(lo, 0);
	probe_tick_at(p, 1000, true);
	n = reply6(p, pkt, sizeof(pkt));
	input6(p, "fd00:1::1", lo, pkt, n, 1392);
	assert_int_equal(st->state, PROBE_UP);
	assert_int_equal(st->received, 1);
	assert_int_equal(st->rtt_last_us, 392);
	assert_int_equal(v.n, 0);
	input6(p, "fd00:1::1", lo, pkt, n, 1400);	/* again: stale */
	assert_int_equal(st->stale, 1);
	/* the interface not known (no IPV6_PKTINFO): the binding holds */
	probe_tick_at(p, 201000, true);
	n = reply6(p, pkt, sizeof(pkt));
	input6(p, "fd00:1::1", 0, pkt, n, 201500);
	assert_int_equal(st->received, 2);
	probe_free(p);
}

static void
test_foreign6_ignored(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe6(&v, 3);
	struct probe	*q = new_probe6(&v, 3);
	struct probe	*p4;
	unsigned	 lo = if_nametoindex("lo");
	uint8_t		 pkt[128];
	size_t		 n;
	const struct probe_stats *st = probe_stats(p);

	p4 = probe_new(NULL, "169.254.249.57", "", ip("169.254.249.57"),
	    ip("169.254.249.58"), 200, 3, on_verdict, &v);
	probe_tick_at(p, 1000, true);
	probe_tick_at(q, 1000, true);
	probe_tick_at(p4, 1000, true);
	n = reply6(p, pkt, sizeof(pkt));
	/* from another address, and from a link-local one */
	input6(p, "fd00:2::1", lo, pkt, n, 1500);
	input6(p, "fe80::1", lo, pkt, n, 1500);
	/* in through another interface than the tunnel's */
	input6(p, "fd00:1::1", lo + 1000, pkt, n, 1500);
	/* an echo request, an ICMP (v4) echo reply, truncated */
	pkt[0] = 128;
	input6(p, "fd00:1::1", lo, pkt, n, 1500);
	pkt[0] = 0;
	input6(p, "fd00:1::1", lo, pkt, n, 1500);
	pkt[0] = 129;
	input6(p, "fd00:1::1", lo, pkt, n - 1, 1500);
	input6(p, "fd00:1::1", lo, pkt, 0, 1500);
	/* another prober's reply (other identifier and cookie) */
	n = reply6(q, pkt, sizeof(pkt));
	input6(p, "fd00:1::1", lo, pkt, n, 1500);
	/* an IPv4 packet to an IPv6 prober, and the other way round */
	n = reply(p4, "169.254.249.57", pkt, sizeof(pkt));
	probe_input(p, pkt, n, 1500);
	n = reply6(p, pkt, sizeof(pkt));
	probe_input6(p4, &(struct in6_addr)IN6ADDR_ANY_INIT, 0, pkt, n, 1500);
	assert_int_equal(st->received, 0);
	assert_int_equal(st->stale, 0);
	assert_int_equal(st->state, PROBE_UNKNOWN);
	assert_int_equal(probe_stats(p4)->received, 0);
	/* and the right one counts */
	input6(p, "fd00:1::1", lo, pkt, n, 1500);
	assert_int_equal(st->received, 1);
	probe_free(p);
	probe_free(q);
	probe_free(p4);
}

static void
test_dead_and_back6(void **state)
{
	struct verdicts	 v = { 0 };
	struct probe	*p = new_probe6(&v, 3);
	unsigned	 lo = if_nametoindex("lo");
	uint8_t		 pkt[128];
	size_t		 n;
	uint64_t	 t = 0;
	int		 i;
	const struct probe_stats *st = probe_stats(p);

	probe_tick_at(p, t += 200000, true);
	n = reply6(p, pkt, sizeof(pkt));
	input6(p, "fd00:1::1", lo, pkt, n, t + 500);
	for (i = 0; i < 4; i++)
		probe_tick_at(p, t += 200000, true);
	assert_int_equal(st->state, PROBE_DOWN);
	assert_int_equal(v.n, 1);
	assert_false(v.last);
	for (i = 0; i < PROBE_RISE; i++) {
		assert_int_equal(st->state, PROBE_DOWN);
		probe_tick_at(p, t += 200000, true);
		n = reply6(p, pkt, sizeof(pkt));
		input6(p, "fd00:1::1", lo, pkt, n, t + 300);
	}
	assert_int_equal(st->state, PROBE_UP);
	assert_int_equal(v.n, 2);
	assert_true(v.last);
	probe_free(p);
}

/* ---- against the kernel ------------------------------------------------ */

#define IVL_MS		50		/* probe interval */
#define MISSES		3
#define WAIT_S		3.		/* bound of every wait */
#define FAR		"nsenter -t %ld -n "

static bool	 kernel_ok;		/* root, in a namespace of our own */
static pid_t	 far_pid = -1;		/* holds the far namespace */
static int	 far_hold = -1;		/* its end of life: EOF on close */

/* An ICMPv6 counter of an interface here. */
static long
snmp6(const char *ifname, const char *counter)
{
	return t_sh_num("awk '$1 == \"%s\" { print $2 }' "
	    "/proc/net/dev_snmp6/%s", counter, ifname);
}

/*
 * The far namespace: a child that unshares one and waits for EOF on a
 * pipe, so that it dies with us whatever happens; the veth peers moved
 * there go with it.
 */
static void
far_up(void)
{
	int	ready[2], hold[2];
	char	c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	assert_true((far_pid = fork()) != -1);
	if (far_pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWNET) == -1)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	far_hold = hold[1];
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
}

static void
far_down(void)
{
	if (far_hold != -1)
		close(far_hold);
	if (far_pid > 0)
		(void)waitpid(far_pid, NULL, 0);
	far_hold = -1;
	far_pid = -1;
}

static void
no_dad(const char *prefix)
{
	t_sh("%ssh -c 'sysctl -qw net.ipv6.conf.all.accept_dad=0 "
	    "net.ipv6.conf.default.accept_dad=0'", prefix);
}

/* vti0/vti0p and vti1/vti1p up, the far ends in the far namespace, an
 * nft table whose input chain counts the echoes that reach it. */
static int
tunnels_up(void **state)
{
	char	far[64];

	if (!kernel_ok)
		return 0;
	far_up();
	snprintf(far, sizeof(far), FAR, (long)far_pid);
	no_dad("");
	no_dad(far);
	t_sh("%sip link set lo up", far);
	t_sh("ip link add vti0 type veth peer name vti0p && "
	    "ip link add vti1 type veth peer name vti1p && "
	    "ip link set vti0p netns %ld && ip link set vti1p netns %ld && "
	    "ip link set vti0 up && ip link set vti1 up", (long)far_pid,
	    (long)far_pid);
	t_sh("%ssh -c 'ip link set vti0p up && ip link set vti1p up'", far);
	t_sh("%snft -f - <<'E'\n"
	    "table inet probe {\n"
	    "  chain in {\n"
	    "    type filter hook input priority 0;\n"
	    "    icmpv6 type echo-request ip6 hoplimit 255 ip6 dscp cs6 "
	    "counter\n"
	    "  }\n"
	    "}\n"
	    "E", far);
	return 0;
}

static int
tunnels_down(void **state)
{
	if (!kernel_ok)
		return 0;
	(void)system("ip link del vti0 2>/dev/null; "
	    "ip link del vti1 2>/dev/null");
	far_down();
	return 0;
}

static void
need_kernel(void)
{
	const char	*ci = getenv("CI");

	if (kernel_ok)
		return;
	if (ci != NULL && strcmp(ci, "true") == 0)
		fail_msg("needs root (network namespaces)");
	skip();
}

/* Far side commands. */
static void
far_sh(const char *cmd)
{
	t_sh(FAR "sh -c '%s'", (long)far_pid, cmd);
}

static long
far_snmp6(const char *ifname, const char *counter)
{
	return t_sh_num(FAR "awk '$1 == \"%s\" { print $2 }' "
	    "/proc/net/dev_snmp6/%s", (long)far_pid, counter, ifname);
}

/* Echo requests that reached the far kernel with hop limit 255 and
 * traffic class CS6. */
static long
far_counted(void)
{
	return t_sh_num(FAR "nft list chain inet probe in | "
	    "sed -n 's/.*counter packets \\([0-9]*\\).*/\\1/p'",
	    (long)far_pid);
}

static void
far_drop(const char *ifname)
{
	t_sh(FAR "nft add rule inet probe in iifname %s meta l4proto "
	    "{ icmp, ipv6-icmp } drop", (long)far_pid, ifname);
}

static void
far_undrop(void)
{
	t_sh(FAR "sh -c 'nft flush chain inet probe in && nft add rule inet "
	    "probe in icmpv6 type echo-request ip6 hoplimit 255 ip6 dscp cs6 "
	    "counter'", (long)far_pid);
}

/* ---- the loop, in bounded steps ---- */

static void
on_step(struct ev_loop *loop, ev_timer *w, int revents)
{
}

typedef bool	(*cond_fn)(const struct probe_stats *, uint64_t);

static bool
is_state(const struct probe_stats *st, uint64_t s)
{
	return st->state == (enum probe_state)s;
}

static bool
got(const struct probe_stats *st, uint64_t n)
{
	return st->received >= n;
}

static bool
sent(const struct probe_stats *st, uint64_t n)
{
	return st->sent >= n;
}

/* Runs the loop until cond holds of p's stats or WAIT_S pass; returns
 * the seconds it took, or -1 if it never held. */
static double
run_until(struct ev_loop *loop, const struct probe *p, cond_fn cond,
    uint64_t arg)
{
	ev_timer	step;
	double		t0;

	ev_now_update(loop);
	t0 = ev_now(loop);
	ev_timer_init(&step, on_step, 0.005, 0.005);
	ev_timer_start(loop, &step);
	while (!cond(probe_stats(p), arg) && ev_now(loop) - t0 < WAIT_S)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &step);
	return cond(probe_stats(p), arg) ? ev_now(loop) - t0 : -1;
}

static struct probe *
kprobe6(struct ev_loop *loop, const char *ifname, const char *dst,
    const char *src, struct verdicts *v)
{
	struct in6_addr	 d = ip6(dst), s;
	struct probe	*p;
	char		 who[64];

	if (src != NULL)
		s = ip6(src);
	snprintf(who, sizeof(who), "neighbor %s", dst);
	p = probe_new6(loop, who, ifname, &d, src != NULL ? &s : NULL, IVL_MS,
	    MISSES, on_verdict, v);
	probe_start(p);
	return p;
}

/* An ULA neighbor (fd00:1::1 on vti0) answers; the echoes cross the
 * link with hop limit 255 and traffic class CS6, and the log says so. */
static void
test_kernel6_answers(void **state)
{
	struct ev_loop	*loop;
	struct verdicts	 v = { 0 };
	struct probe	*p;
	const struct probe_stats *st;
	long		 out0, in0;

	need_kernel();
	loop = ev_loop_new(EVFLAG_AUTO);
	t_sh("ip -6 addr add fd00:1::2/126 dev vti0 nodad");
	far_sh("ip -6 addr add fd00:1::1/126 dev vti0p nodad");
	out0 = snmp6("vti0", "Icmp6OutEchos");
	in0 = far_snmp6("vti0p", "Icmp6InEchos");
	p = kprobe6(loop, "vti0", "fd00:1::1", "fd00:1::2", &v);
	st = probe_stats(p);
	assert_true(run_until(loop, p, got, 10) >= 0);
	assert_int_equal(st->state, PROBE_UP);
	assert_true(st->lost <= 1);
	assert_int_equal(st->send_errors, 0);
	assert_string_equal(st->last_error, "");
	assert_true(st->rtt_last_us > 0 && st->rtt_max_us < 1000000);
	assert_true(st->rtt_min_us > 0 && st->rtt_avg_us > 0);
	assert_int_equal(v.n, 0);		/* unknown -> up: no verdict */
	assert_true(snmp6("vti0", "Icmp6OutEchos") - out0 >= 10);
	assert_true(far_snmp6("vti0p", "Icmp6InEchos") - in0 >= 10);
	assert_true(far_counted() >= 10);
	probe_free(p);
	ev_loop_destroy(loop);
}

/* Echo requests dropped on the far side: dead after `misses`, alive again
 * after PROBE_RISE answers; then the far address removed, and back. */
static void
test_kernel6_misses(void **state)
{
	struct ev_loop	*loop;
	struct verdicts	 v = { 0 };
	struct probe	*p;
	const struct probe_stats *st;
	double		 took;

	need_kernel();
	loop = ev_loop_new(EVFLAG_AUTO);
	t_sh("ip -6 addr add fd00:1::2/126 dev vti0 nodad");
	far_sh("ip -6 addr add fd00:1::1/126 dev vti0p nodad");
	p = kprobe6(loop, "vti0", "fd00:1::1", NULL, &v);
	st = probe_stats(p);
	assert_true(run_until(loop, p, is_state, PROBE_UP) >= 0);

	far_drop("vti0p");
	took = run_until(loop, p, is_state, PROBE_DOWN);
	assert_true(took >= 0);
	/* `misses` intervals and the tick that counts the last, at most */
	assert_true(took < (MISSES + 2) * IVL_MS / 1000. + 0.5);
	assert_int_equal(v.n, 1);
	assert_false(v.last);
	assert_false(probe_alive(p));
	assert_int_equal(st->downs, 1);
	assert_int_equal(st->lost_in_row, MISSES);
	assert_int_equal(st->send_errors, 0);	/* lost, not refused */
	/* it stays dead while dropped */
	assert_true(run_until(loop, p, sent, st->sent + 5) >= 0);
	assert_int_equal(st->state, PROBE_DOWN);
	assert_int_equal(v.n, 1);

	far_undrop();
	assert_true(run_until(loop, p, is_state, PROBE_UP) >= 0);
	assert_int_equal(v.n, 2);
	assert_true(v.last);
	assert_int_equal(st->ok_in_row, PROBE_RISE);

	far_sh("ip -6 addr del fd00:1::1/126 dev vti0p");
	assert_true(run_until(loop, p, is_state, PROBE_DOWN) >= 0);
	assert_int_equal(st->downs, 2);
	assert_int_equal(v.n, 3);
	far_sh("ip -6 addr add fd00:1::1/126 dev vti0p nodad");
	assert_true(run_until(loop, p, is_state, PROBE_UP) >= 0);
	assert_int_equal(v.n, 4);
	probe_free(p);
	ev_loop_destroy(loop);
}

/* The far side sends its answers back through the other tunnel: they
 * reach this host (its counters say so) but do not count. */
static void
test_kernel6_wrong_interface(void **state)
{
	struct ev_loop	*loop;
	struct verdicts	 v = { 0 };
	struct probe	*p;
	const struct probe_stats *st;
	char		 cmd[256], mac[32];
	FILE		*f;
	long		 in0;

	need_kernel();
	loop = ev_loop_new(EVFLAG_AUTO);
	t_sh("ip -6 addr add fd00:1::2/126 dev vti0 nodad");
	far_sh("ip -6 addr add fd00:1::1/126 dev vti0p nodad");
	/* (/sys is the first namespace's: ask ip) */
	assert_non_null(f = popen("ip -br link show dev vti1 | "
	    "awk '{ print $3 }'", "r"));
	assert_non_null(fgets(mac, sizeof(mac), f));
	pclose(f);
	mac[strcspn(mac, "\n")] = '\0';
	snprintf(cmd, sizeof(cmd), "ip -6 route add fd00:1::2/128 dev vti1p "
	    "&& ip -6 neigh add fd00:1::2 lladdr %s dev vti1p nud permanent",
	    mac);
	far_sh(cmd);
	in0 = snmp6("vti1", "Icmp6InEchoReplies");
	p = kprobe6(loop, "vti0", "fd00:1::1", "fd00:1::2", &v);
	st = probe_stats(p);
	assert_true(run_until(loop, p, is_state, PROBE_DOWN) >= 0);
	assert_true(snmp6("vti1", "Icmp6InEchoReplies") - in0 >=
	    MISSES);
	assert_int_equal(st->received, 0);
	assert_int_equal(st->stale, 0);
	assert_int_equal(v.n, 1);
	assert_false(v.last);
	/* the answers take the right tunnel again: alive */
	far_sh("ip -6 route del fd00:1::2/128 dev vti1p");
	assert_true(run_until(loop, p, is_state, PROBE_UP) >= 0);
	assert_int_equal(v.n, 2);
	probe_free(p);
	ev_loop_destroy(loop);
}

/* A link-local neighbor, fe80::1 on both tunnels as the far side may
 * have it: each prober is scoped to its own interface, and a drop on one
 * tunnel kills that one's probes only. */
static void
test_kernel6_link_local(void **state)
{
	struct ev_loop	*loop;
	struct verdicts	 v0 = { 0 }, v1 = { 0 };
	struct probe	*p0, *p1;

	need_kernel();
	loop = ev_loop_new(EVFLAG_AUTO);
	t_sh("ip -6 addr add fe80::2/64 dev vti0 nodad && "
	    "ip -6 addr add fe80::2/64 dev vti1 nodad");
	far_sh("ip -6 addr add fe80::1/64 dev vti0p nodad && "
	    "ip -6 addr add fe80::1/64 dev vti1p nodad");
	p0 = kprobe6(loop, "vti0", "fe80::1", "fe80::2", &v0);
	p1 = kprobe6(loop, "vti1", "fe80::1", NULL, &v1);
	assert_true(run_until(loop, p0, got, 5) >= 0);
	assert_true(run_until(loop, p1, got, 5) >= 0);
	assert_int_equal(probe_stats(p0)->state, PROBE_UP);
	assert_int_equal(probe_stats(p1)->state, PROBE_UP);
	assert_int_equal(probe_stats(p0)->send_errors, 0);

	far_drop("vti0p");
	assert_true(run_until(loop, p0, is_state, PROBE_DOWN) >= 0);
	assert_true(run_until(loop, p1, got, probe_stats(p1)->received + 5)
	    >= 0);
	assert_int_equal(probe_stats(p1)->state, PROBE_UP);
	assert_int_equal(v0.n, 1);
	assert_int_equal(v1.n, 0);
	far_undrop();
	assert_true(run_until(loop, p0, is_state, PROBE_UP) >= 0);
	assert_int_equal(v0.n, 2);
	probe_free(p0);
	probe_free(p1);
	ev_loop_destroy(loop);
}

/* The IPv4 prober on the same path: answered, dead, alive again. */
static void
test_kernel4(void **state)
{
	struct ev_loop	*loop;
	struct verdicts	 v = { 0 };
	struct probe	*p;

	need_kernel();
	loop = ev_loop_new(EVFLAG_AUTO);
	t_sh("ip addr add 169.254.249.58/30 dev vti0");
	far_sh("ip addr add 169.254.249.57/30 dev vti0p");
	p = probe_new(loop, "neighbor 169.254.249.57", "vti0",
	    ip("169.254.249.57"), ip("169.254.249.58"), IVL_MS, MISSES,
	    on_verdict, &v);
	probe_start(p);
	assert_true(run_until(loop, p, got, 5) >= 0);
	assert_int_equal(probe_stats(p)->state, PROBE_UP);
	far_drop("vti0p");
	assert_true(run_until(loop, p, is_state, PROBE_DOWN) >= 0);
	far_undrop();
	assert_true(run_until(loop, p, is_state, PROBE_UP) >= 0);
	assert_int_equal(v.n, 2);
	probe_free(p);
	ev_loop_destroy(loop);
}
#define K(f)	cmocka_unit_test_setup_teardown(f, tunnels_up, tunnels_down)

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
		cmocka_unit_test(test_request6),
		cmocka_unit_test(test_reply6_matched),
		cmocka_unit_test(test_foreign6_ignored),
		cmocka_unit_test(test_dead_and_back6),
		K(test_kernel6_answers),
		K(test_kernel6_misses),
		K(test_kernel6_wrong_interface),
		K(test_kernel6_link_local),
		K(test_kernel4),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init("test_probe", true, false);
	kernel_ok = t_netns_enter("test_probe") == 0 &&
	    system("command -v nsenter nft >/dev/null") == 0;
	if (!kernel_ok)
		fprintf(stderr, "test_probe: the kernel tests need root, "
		    "ip, nsenter and nft\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
