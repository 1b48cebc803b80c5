/* SPDX-License-Identifier: ISC */
/*
 * nlfloor.c: the kernel floor of the benchmark, by its own netlink writer
 * (libnl for the messages, batched sendmsg).  Run it in the lab's CGW
 * namespace (vti0 and vti1 up, with their /30 addresses), where nothing
 * else writes routes; nlwatch may watch at the same time, as it watches
 * the devices under test.
 *
 *     nlfloor N
 *
 * The same N prefixes as the lab (10.10.0.0/16 and N-1... see below),
 * i.e. 10.10.0.0/16 plus N /24s from 10.128.0.0/24, N+1 routes in all:
 *   plain-add      N+1 routes "via 169.254.249.57 dev vti0"
 *   plain-replace  each replaced by "via 169.254.249.61 dev vti1", one
 *                  request per route (what a daemon without nexthop
 *                  objects does on failover)
 *   plain-del      all deleted
 *   group-add      N+1 routes on nexthop group G = { vti0 }
 *   group-replace  G rewritten to { vti1 }: one request
 *   route-replace  each route moved to group G2 = { vti0 }, one request
 *                  per route (a daemon with nexthop objects but one
 *                  group rewrite per route)
 *   group-flush    G2 deleted: the kernel removes its routes
 * Requests are sent BATCH_BYTES at a time in one sendmsg each (about a
 * thousand in flight), without NLM_F_ACK except on the last one; errors
 * come back anyway and are counted.  Each step is timed from its first
 * send to the last acknowledgement.
 *
 * Output: one line per step: "floor STEP ROUTES SECONDS ROUTES_PER_S".
 * Protocol 250, metric 20, table main; everything is removed at the end.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#define BATCH_BYTES	(256 * 1024)
#define PROTO		250
#define METRIC		20
#define NH1		0x62650001U	/* "be" */
#define NH2		0x62650002U
#define G		0x62650101U
#define G2		0x62650102U

static struct nl_sock	*sk;
static int		 fd;
static uint8_t		 batch[BATCH_BYTES];
static size_t		 batch_len;
static uint32_t		 seq = 1;
static unsigned long	 errors;
static uint32_t		 last_acked;
static int		 if0, if1;
static struct in_addr	 gw0, gw1;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read what the kernel sent back; until the ack of seq want if want > 0. */
static int
drain(uint32_t want)
{
	static uint8_t	 rbuf[1 << 16];
	struct nlmsghdr	*h;
	int		 len;

	while (!want || last_acked != want) {
		len = (int)recv(fd, rbuf, sizeof(rbuf),
		    want ? 0 : MSG_DONTWAIT);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    !want)
			return 0;
		if (len < 0) {
			perror("nlfloor: recv");
			return -1;
		}
		for (h = (struct nlmsghdr *)rbuf; nlmsg_ok(h, len);
		    h = nlmsg_next(h, &len)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (((struct nlmsgerr *)nlmsg_data(h))->error != 0 &&
			    errors++ < 5)
				fprintf(stderr, "nlfloor: seq %u: %s\n",
				    h->nlmsg_seq, strerror(-((struct nlmsgerr *)
				    nlmsg_data(h))->error));
			last_acked = h->nlmsg_seq;
		}
	}
	return 0;
}

static int
flush_batch(void)
{
	ssize_t	n;

	if (batch_len == 0)
		return 0;
	do
		n = send(fd, batch, batch_len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		perror("nlfloor: send");
		return -1;
	}
	batch_len = 0;
	return drain(0);
}

/* Append one message (built with libnl) to the batch. */
static int
queue(struct nl_msg *m, bool ack)
{
	struct nlmsghdr	*h = nlmsg_hdr(m);

	h->nlmsg_seq = seq++;
	h->nlmsg_pid = 0;
	h->nlmsg_flags |= NLM_F_REQUEST;
	if (ack)
		h->nlmsg_flags |= NLM_F_ACK;
	if (batch_len + NLMSG_ALIGN(h->nlmsg_len) > sizeof(batch) &&
	    flush_batch() == -1)
		return -1;
	memcpy(batch + batch_len, h, h->nlmsg_len);
	batch_len += NLMSG_ALIGN(h->nlmsg_len);
	nlmsg_free(m);
	return 0;
}

/* Send what is queued and wait for the last acknowledgement. */
static int
finish(void)
{
	uint32_t	last = seq - 1;

	if (flush_batch() == -1)
		return -1;
	return drain(last);
}

static uint32_t
prefix(size_t i, uint8_t *len)
{
	*len = i == 0 ? 16 : 24;
	return i == 0 ? 0x0a0a0000U : 0x0a800000U + ((uint32_t)(i - 1) << 8);
}

/* One route: plain via (gw, dev), or on nexthop nhid. */
static int
route(int type, int flags, size_t i, uint32_t nhid, bool plain1, bool ack)
{
	struct rtmsg	 rtm;
	struct nl_msg	*m;
	uint32_t	 dst;
	uint8_t		 len;

	dst = htonl(prefix(i, &len));
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET;
	rtm.rtm_dst_len = len;
	rtm.rtm_table = RT_TABLE_MAIN;
	rtm.rtm_protocol = PROTO;
	rtm.rtm_scope = RT_SCOPE_UNIVERSE;
	rtm.rtm_type = RTN_UNICAST;
	if ((m = nlmsg_alloc_simple(type, flags)) == NULL ||
	    nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(m, RTA_DST, dst) < 0 ||
	    nla_put_u32(m, RTA_PRIORITY, METRIC) < 0)
		return -1;
	if (type == RTM_NEWROUTE) {
		if (nhid != 0) {
			if (nla_put_u32(m, RTA_NH_ID, nhid) < 0)
				return -1;
		} else if (nla_put_u32(m, RTA_GATEWAY,
		    plain1 ? gw1.s_addr : gw0.s_addr) < 0 ||
		    nla_put_u32(m, RTA_OIF, (uint32_t)(plain1 ? if1 : if0)) < 0)
			return -1;
	}
	return queue(m, ack);
}

static int
nexthop(int flags, uint32_t id, int dev, struct in_addr gw,
    const uint32_t *memb, size_t n)
{
	struct nhmsg		 nhm;
	struct nexthop_grp	 grp[4];
	struct nl_msg		*m;
	size_t			 k;

	memset(&nhm, 0, sizeof(nhm));
	nhm.nh_family = memb ? AF_UNSPEC : AF_INET;
	nhm.nh_protocol = PROTO;
	if ((m = nlmsg_alloc_simple(RTM_NEWNEXTHOP, flags)) == NULL ||
	    nlmsg_append(m, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(m, NHA_ID, id) < 0)
		return -1;
	if (memb != NULL) {
		memset(grp, 0, sizeof(grp));
		for (k = 0; k < n; k++)
			grp[k].id = memb[k];
		if (nla_put(m, NHA_GROUP, (int)(n * sizeof(grp[0])), grp) < 0)
			return -1;
	} else if (nla_put_u32(m, NHA_OIF, (uint32_t)dev) < 0 ||
	    nla_put_u32(m, NHA_GATEWAY, gw.s_addr) < 0)
		return -1;
	return queue(m, true);
}

static int
nexthop_del(uint32_t id)
{
	struct nhmsg	 nhm;
	struct nl_msg	*m;

	memset(&nhm, 0, sizeof(nhm));
	if ((m = nlmsg_alloc_simple(RTM_DELNEXTHOP, 0)) == NULL ||
	    nlmsg_append(m, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(m, NHA_ID, id) < 0)
		return -1;
	return queue(m, true);
}

static void
report(const char *step, size_t n, double t)
{
	printf("floor %-14s %8zu %9.4f %10.0f\n", step, n, t,
	    t > 0 ? (double)n / t : 0.);
	fflush(stdout);
}

/* All n routes: add (nhid or plain via tunnel 1/2), replace, delete. */
static int
all_routes(const char *step, size_t n, int type, int flags, uint32_t nhid,
    bool plain1)
{
	double	t0 = now();
	size_t	i;

	for (i = 0; i < n; i++)
		if (route(type, flags, i, nhid, plain1, i == n - 1) == -1)
			return -1;
	if (finish() == -1)
		return -1;
	if (step != NULL)
		report(step, n, now() - t0);
	return 0;
}

int
main(int argc, char *argv[])
{
	size_t	n = argc > 1 ? strtoul(argv[1], NULL, 10) + 1 : 100001;
	int	sndbuf = 4 << 20, rcvbuf = 8 << 20;
	double	t0;

	if (argc > 2 || n < 2 || n > 0x7f0001) {
		fprintf(stderr, "usage: nlfloor [N]\n");
		return 2;
	}
	if0 = (int)if_nametoindex("vti0");
	if1 = (int)if_nametoindex("vti1");
	inet_pton(AF_INET, "169.254.249.57", &gw0);
	inet_pton(AF_INET, "169.254.249.61", &gw1);
	if (if0 == 0 || if1 == 0) {
		fprintf(stderr, "nlfloor: vti0 and vti1 must exist\n");
		return 1;
	}
	if ((sk = nl_socket_alloc()) == NULL ||
	    nl_connect(sk, NETLINK_ROUTE) < 0) {
		fprintf(stderr, "nlfloor: netlink socket\n");
		return 1;
	}
	fd = nl_socket_get_fd(sk);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
	    sizeof(sndbuf)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		nl_socket_set_buffer_size(sk, rcvbuf, sndbuf);

	if (all_routes("plain-add", n, RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_EXCL, 0, false) == -1 ||
	    all_routes("plain-replace", n, RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_REPLACE, 0, true) == -1 ||
	    all_routes("plain-del", n, RTM_DELROUTE, 0, 0, false) == -1)
		goto fail;

	if (nexthop(NLM_F_CREATE | NLM_F_REPLACE, NH1, if0, gw0, NULL, 0) ||
	    nexthop(NLM_F_CREATE | NLM_F_REPLACE, NH2, if1, gw1, NULL, 0) ||
	    nexthop(NLM_F_CREATE | NLM_F_REPLACE, G, 0, gw0,
	    (uint32_t[]){ NH1 }, 1) ||
	    nexthop(NLM_F_CREATE | NLM_F_REPLACE, G2, 0, gw0,
	    (uint32_t[]){ NH1 }, 1) || finish() == -1)
		goto fail;
	if (all_routes("group-add", n, RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_EXCL, G, false) == -1)
		goto fail;
	t0 = now();
	if (nexthop(NLM_F_REPLACE, G, 0, gw0, (uint32_t[]){ NH2 }, 1) ||
	    finish() == -1)
		goto fail;
	report("group-replace", n, now() - t0);
	if (all_routes("route-replace", n, RTM_NEWROUTE,
	    NLM_F_CREATE | NLM_F_REPLACE, G2, false) == -1)
		goto fail;
	t0 = now();
	if (nexthop_del(G2) || finish() == -1)
		goto fail;
	report("group-flush", n, now() - t0);
	if (nexthop_del(G) || nexthop_del(NH1) || nexthop_del(NH2) ||
	    finish() == -1)
		goto fail;
	printf("floor errors %lu\n", errors);
	nl_socket_free(sk);
	return errors == 0 ? 0 : 1;
fail:
	fprintf(stderr, "nlfloor: failed (%lu errors)\n", errors);
	nl_socket_free(sk);
	return 1;
}
