/* SPDX-License-Identifier: ISC */
/*
 * nlwatch.c: the benchmark's route watcher.  Runs in a network namespace
 * (the CGW of the lab) and follows, from rtnetlink notifications alone,
 * which tunnel each of the watched prefixes uses, so that "all routes
 * moved" is known to the microsecond without polling the table.
 *
 *     nlwatch [-6] [-n N] [-i vti0,vti1] [-q QUIET_MS]
 *
 * Watched prefixes: 10.10.0.0/16 and N synthetic /24s counted up from
 * 10.128.0.0/24 (the lab's LAB_EXTRA_PREFIXES scheme), IPv4 table main;
 * with -6, 2001:db8:10::/56 and N synthetic /48s counted up from
 * 2001:db8:8000::/48 (LAB_EXTRA_PREFIXES6, at most 32,768), IPv6 table
 * main.
 *
 * What a prefix uses is its lowest-metric route (a standby route one
 * metric higher does not count).  A route is resolved to its tunnel
 * through its nexthop object (RTA_NH_ID -> nexthop -> device, or group ->
 * members) or its own RTA_OIF / RTA_MULTIPATH.  The kernel changes state
 * without telling: when a link loses carrier it flushes the nexthops on
 * it, empties groups, and removes the routes that used them, without
 * RTM_DELNEXTHOP or RTM_DELROUTE; an admin-down link also loses its plain
 * routes.  nlwatch applies the same rules when it sees the link event.
 *
 * Output, one line per event, on stdout (line buffered); the first field
 * is CLOCK_REALTIME in microseconds:
 *   T ready N                                 initial dump done
 *   T cnt vti0=A vti1=B both=C other=D none=E  when the class (zero,
 *         partial, all) of any of the five counts changes
 *   T link NAME up=U carrier=C                 a watched link changed
 *   T quiet EVENTS ROUTES                      no route/nexthop event for
 *         QUIET_MS after some (EVENTS so far, ROUTES held)
 *   T state ...                                on SIGUSR1: all counters
 *   T overrun                                  ENOBUFS: events lost, state
 *         dumped again (timestamps around it are not exact)
 * "both": the route spreads over both tunnels (ECMP); "other": resolved
 * to something else (another device, a blackhole, an unknown nexthop);
 * "none": no route at all.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#ifndef RTNLGRP_NEXTHOP
#define RTNLGRP_NEXTHOP	32
#endif

#define MAXR		4	/* routes (metrics) kept per prefix */
#define MAXMEMB		16	/* members of a group we follow */
#define BATCH		128	/* datagrams per recvmmsg */
#define DGRAM		16384

enum { C_VTI0, C_VTI1, C_BOTH, C_OTHER, C_NONE, N_CLASS };

enum ref_kind { REF_FREE, REF_NH, REF_PLAIN };

/* What a route points at: a nexthop object, or its own device set. */
struct ref {
	enum ref_kind	kind;
	bool		dead;		/* flushed: its routes must go */
	uint32_t	nhid;		/* REF_NH */
	bool		known;		/* REF_NH: nexthop seen */
	bool		group;
	bool		blackhole;
	int		dev;		/* REF_NH single / REF_PLAIN first oif */
	uint32_t	memb[MAXMEMB];	/* REF_NH group members */
	unsigned	n_memb;
	int		devs[MAXMEMB];	/* REF_PLAIN: oifs (multipath) */
	unsigned	n_devs;
	bool		unicast;	/* REF_PLAIN: route type unicast */
	int		cls;
	size_t		nbest;		/* prefixes whose best route is this */
};

struct route {
	uint32_t	metric;
	uint32_t	ref;		/* index + 1 into refs */
};

struct pfx {
	struct route	r[MAXR];
	uint8_t		n;
	uint32_t	best;		/* ref of the best route, 0: none */
};

static struct ref	*refs;
static size_t		 n_refs, cap_refs;
static struct pfx	*pfx;
static size_t		 n_pfx;		/* N + 1 */
static size_t		 counts[N_CLASS];
static int		 last_class[N_CLASS] = { -1, -1, -1, -1, -1 };
static const char	*tun_name[2] = { "vti0", "vti1" };
static int		 tun_ifindex[2] = { -1, -1 };
static unsigned		 tun_flags[2];
static bool		 tun_seen[2];
static unsigned long	 n_events, n_routes, n_overruns, n_dropped;
static uint64_t		 now_us;
static int		 family = AF_INET;	/* -6: AF_INET6 */

static uint64_t
realtime_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000U + (uint64_t)ts.tv_nsec / 1000U;
}

/* ---- prefixes ---------------------------------------------------------- */

static long
pfx_index(uint32_t dst, unsigned len)
{
	uint32_t	base = 0x0a800000U, off;

	if (len == 16 && dst == 0x0a0a0000U)
		return 0;
	if (len != 24 || dst < base || (dst & 0xff) != 0)
		return -1;
	off = (dst - base) >> 8;
	return off + 1 < n_pfx ? (long)off + 1 : -1;
}

/* -6: 2001:db8:10::/56 is 0, 2001:db8:8000::/48 + i is i + 1. */
static long
pfx_index6(const uint8_t *a, unsigned len)
{
	static const uint8_t	doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	unsigned		i, w = (unsigned)a[4] << 8 | a[5];

	if (memcmp(a, doc, 4) != 0)
		return -1;
	for (i = 6; i < 16; i++)
		if (a[i] != 0)
			return -1;
	if (len == 56 && w == 0x0010)
		return 0;
	if (len != 48 || w < 0x8000)
		return -1;
	return w - 0x8000 + 1 < n_pfx ? (long)(w - 0x8000) + 1 : -1;
}

/* ---- refs and classes ---------------------------------------------------- */

static int
dev_tunnel(int dev)
{
	if (dev > 0 && dev == tun_ifindex[0])
		return 0;
	if (dev > 0 && dev == tun_ifindex[1])
		return 1;
	return -1;
}

static struct ref *
nh_find(uint32_t nhid)
{
	size_t	i;

	for (i = 0; i < n_refs; i++)
		if (refs[i].kind == REF_NH && refs[i].nhid == nhid &&
		    !refs[i].dead)
			return &refs[i];
	return NULL;
}

static uint32_t
ref_alloc(void)
{
	size_t	i;

	for (i = 0; i < n_refs; i++)
		if (refs[i].kind == REF_FREE)
			break;
	if (i == n_refs) {
		if (n_refs == cap_refs) {
			cap_refs = cap_refs ? 2 * cap_refs : 64;
			refs = realloc(refs, cap_refs * sizeof(*refs));
			if (refs == NULL) {
				perror("nlwatch");
				exit(1);
			}
		}
		n_refs++;
	}
	memset(&refs[i], 0, sizeof(refs[i]));
	refs[i].cls = C_OTHER;
	return (uint32_t)i + 1;
}

/* Tunnel bits of a ref: 1 vti0, 2 vti1, 4 something else. */
static unsigned
ref_bits(const struct ref *r, int depth)
{
	const struct ref	*m;
	unsigned		 bits = 0, i;
	int			 t;

	if (r->kind == REF_PLAIN) {
		if (!r->unicast || r->n_devs == 0)
			return 4;
		for (i = 0; i < r->n_devs; i++)
			bits |= (t = dev_tunnel(r->devs[i])) < 0 ? 4U : 1U << t;
		return bits;
	}
	if (!r->known || r->dead || r->blackhole)
		return 4;
	if (!r->group)
		return (t = dev_tunnel(r->dev)) < 0 ? 4U : 1U << t;
	if (depth > 0 || r->n_memb == 0)
		return 4;
	for (i = 0; i < r->n_memb; i++)
		bits |= (m = nh_find(r->memb[i])) == NULL ? 4U :
		    ref_bits(m, depth + 1);
	return bits;
}

static int
bits_class(unsigned bits)
{
	switch (bits) {
	case 1: return C_VTI0;
	case 2: return C_VTI1;
	case 3: return C_BOTH;
	default: return C_OTHER;
	}
}

/* After a nexthop changed: every ref's class again, and the counts. */
static void
reclassify(void)
{
	size_t	i, none = counts[C_NONE];

	memset(counts, 0, sizeof(counts));
	counts[C_NONE] = none;
	for (i = 0; i < n_refs; i++) {
		if (refs[i].kind == REF_FREE)
			continue;
		refs[i].cls = bits_class(ref_bits(&refs[i], 0));
		counts[refs[i].cls] += refs[i].nbest;
	}
}

static void
print_counts(const char *what)
{
	printf("%llu %s vti0=%zu vti1=%zu both=%zu other=%zu none=%zu",
	    (unsigned long long)now_us, what, counts[C_VTI0], counts[C_VTI1],
	    counts[C_BOTH], counts[C_OTHER], counts[C_NONE]);
}

/* A line when some count moves between zero, partial and all. */
static void
milestones(void)
{
	int	c, k;
	bool	changed = false;

	for (c = 0; c < N_CLASS; c++) {
		k = counts[c] == 0 ? 0 : counts[c] == n_pfx ? 2 : 1;
		if (k != last_class[c])
			changed = true;
		last_class[c] = k;
	}
	if (changed) {
		print_counts("cnt");
		putchar('\n');
	}
}

/* ---- routes --------------------------------------------------------------- */

static void
set_best(struct pfx *p, uint32_t ref)
{
	if (p->best == ref)
		return;
	if (p->best != 0) {
		refs[p->best - 1].nbest--;
		counts[refs[p->best - 1].cls]--;
	} else
		counts[C_NONE]--;
	if (ref != 0) {
		refs[ref - 1].nbest++;
		counts[refs[ref - 1].cls]++;
	} else
		counts[C_NONE]++;
	p->best = ref;
}

static void
pfx_best(struct pfx *p)
{
	uint32_t	best = 0, metric = UINT32_MAX;
	unsigned	i;

	for (i = 0; i < p->n; i++)
		if (best == 0 || p->r[i].metric < metric) {
			metric = p->r[i].metric;
			best = p->r[i].ref;
		}
	set_best(p, best);
}

static void
route_set(struct pfx *p, uint32_t metric, uint32_t ref)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		if (p->r[i].metric == metric)
			break;
	if (i == p->n) {
		if (p->n == MAXR) {
			n_dropped++;
			return;
		}
		p->n++;
		n_routes++;
	}
	p->r[i].metric = metric;
	p->r[i].ref = ref;
	pfx_best(p);
}

static void
route_del(struct pfx *p, uint32_t metric)
{
	unsigned	i;

	for (i = 0; i < p->n; i++)
		if (p->r[i].metric == metric) {
			p->r[i] = p->r[--p->n];
			n_routes--;
			pfx_best(p);
			return;
		}
}

/* Remove every route whose ref is dead, then free those refs. */
static void
purge(void)
{
	size_t		 i;
	unsigned	 j;
	bool		 any = false;
	struct pfx	*p;

	for (i = 0; i < n_refs; i++)
		any |= refs[i].kind != REF_FREE && refs[i].dead;
	if (!any)
		return;
	for (i = 0; i < n_pfx; i++) {
		p = &pfx[i];
		for (j = 0; j < p->n; )
			if (refs[p->r[j].ref - 1].dead) {
				p->r[j] = p->r[--p->n];
				n_routes--;
			} else
				j++;
		if (p->best != 0 && refs[p->best - 1].dead)
			pfx_best(p);
	}
	for (i = 0; i < n_refs; i++)
		if (refs[i].kind != REF_FREE && refs[i].dead)
			refs[i].kind = REF_FREE;
}

/* The ref of a plain route (devices of its hops, unicast or not). */
static uint32_t
plain_ref(const int *devs, unsigned n, bool unicast)
{
	struct ref	*r;
	size_t		 i;
	uint32_t	 id;

	for (i = 0; i < n_refs; i++) {
		r = &refs[i];
		if (r->kind == REF_PLAIN && !r->dead && r->unicast == unicast &&
		    r->n_devs == n && memcmp(r->devs, devs, n * sizeof(int)) == 0)
			return (uint32_t)i + 1;
	}
	id = ref_alloc();
	r = &refs[id - 1];
	r->kind = REF_PLAIN;
	r->unicast = unicast;
	r->n_devs = n;
	memcpy(r->devs, devs, n * sizeof(int));
	r->cls = bits_class(ref_bits(r, 0));
	return id;
}

static uint32_t
nh_ref(uint32_t nhid)
{
	struct ref	*r;
	uint32_t	 id;

	if ((r = nh_find(nhid)) != NULL)
		return (uint32_t)(r - refs) + 1;
	/* not seen yet: resolved when its RTM_NEWNEXTHOP comes */
	id = ref_alloc();
	refs[id - 1].kind = REF_NH;
	refs[id - 1].nhid = nhid;
	return id;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void
on_route(struct nlmsghdr *h)
{
	struct rtmsg	*rtm = nlmsg_data(h);
	struct nlattr	*tb[RTA_MAX + 1];
	uint32_t	 table, metric = 0, dst = 0, ref;
	int		 devs[MAXMEMB];
	unsigned	 n = 0;
	long		 i;

	if (rtm->rtm_family != family ||
	    nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return;
	table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (table != RT_TABLE_MAIN)
		return;
	if (family == AF_INET6) {
		if (tb[RTA_DST] == NULL || nla_len(tb[RTA_DST]) != 16)
			return;
		i = pfx_index6(nla_data(tb[RTA_DST]), rtm->rtm_dst_len);
	} else {
		if (tb[RTA_DST])
			dst = ntohl(nla_get_u32(tb[RTA_DST]));
		i = pfx_index(dst, rtm->rtm_dst_len);
	}
	if (i < 0)
		return;
	if (tb[RTA_PRIORITY])
		metric = nla_get_u32(tb[RTA_PRIORITY]);
	n_events++;
	if (h->nlmsg_type == RTM_DELROUTE) {
		route_del(&pfx[i], metric);
		return;
	}
	if (tb[RTA_NH_ID])
		ref = nh_ref(nla_get_u32(tb[RTA_NH_ID]));
	else {
		if (tb[RTA_MULTIPATH]) {
			struct rtnexthop *nh = nla_data(tb[RTA_MULTIPATH]);
			int	left = nla_len(tb[RTA_MULTIPATH]);

			while (left >= (int)sizeof(*nh) &&
			    nh->rtnh_len >= sizeof(*nh) &&
			    nh->rtnh_len <= left && n < MAXMEMB) {
				devs[n++] = nh->rtnh_ifindex;
				left -= RTNH_ALIGN(nh->rtnh_len);
				nh = RTNH_NEXT(nh);
			}
		} else if (tb[RTA_OIF])
			devs[n++] = (int)nla_get_u32(tb[RTA_OIF]);
		qsort(devs, n, sizeof(int), cmp_int);
		ref = plain_ref(devs, n, rtm->rtm_type == RTN_UNICAST);
	}
	route_set(&pfx[i], metric, ref);
}

/* ---- nexthops --------------------------------------------------------------- */

/* Kill nexthop r and, as the kernel does, empty it out of groups; a group
 * left empty dies too.  Routes go in purge(). */
static void
nh_kill(struct ref *r)
{
	struct ref	*g;
	uint32_t	 id = r->nhid;
	size_t		 i;
	unsigned	 j;

	r->dead = true;
	for (i = 0; i < n_refs; i++) {
		g = &refs[i];
		if (g->kind != REF_NH || g->dead || !g->group)
			continue;
		for (j = 0; j < g->n_memb; )
			if (g->memb[j] == id)
				g->memb[j] = g->memb[--g->n_memb];
			else
				j++;
		if (g->n_memb == 0)
			nh_kill(g);
	}
}

static void
on_nexthop(struct nlmsghdr *h)
{
	struct nhmsg	*nhm = nlmsg_data(h);
	struct nlattr	*tb[NHA_MAX + 1];
	struct ref	*r;
	uint32_t	 nhid;

	if (nlmsg_parse(h, sizeof(*nhm), tb, NHA_MAX, NULL) < 0 ||
	    tb[NHA_ID] == NULL)
		return;
	n_events++;
	nhid = nla_get_u32(tb[NHA_ID]);
	r = nh_find(nhid);
	if (h->nlmsg_type == RTM_DELNEXTHOP) {
		if (r != NULL) {
			nh_kill(r);
			purge();
			reclassify();
		}
		return;
	}
	if (r == NULL) {
		uint32_t id = nh_ref(nhid);	/* may move refs */

		r = &refs[id - 1];
	}
	r->known = true;
	r->blackhole = tb[NHA_BLACKHOLE] != NULL;
	r->group = tb[NHA_GROUP] != NULL;
	r->dev = tb[NHA_OIF] ? (int)nla_get_u32(tb[NHA_OIF]) : 0;
	r->n_memb = 0;
	if (r->group) {
		struct nexthop_grp *g = nla_data(tb[NHA_GROUP]);
		size_t	k, n = (size_t)nla_len(tb[NHA_GROUP]) / sizeof(*g);

		for (k = 0; k < n && r->n_memb < MAXMEMB; k++)
			r->memb[r->n_memb++] = g[k].id;
	}
	reclassify();
}

/* ---- links ------------------------------------------------------------------ */

static void
on_link(struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = nlmsg_data(h);
	struct nlattr	*tb[IFLA_MAX + 1];
	const char	*name;
	bool		 down, gone = h->nlmsg_type == RTM_DELLINK;
	size_t		 i;
	unsigned	 j;
	int		 t;

	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return;
	name = tb[IFLA_IFNAME] ? nla_get_string(tb[IFLA_IFNAME]) : "";
	for (t = 0; t < 2; t++)
		if (strcmp(name, tun_name[t]) == 0) {
			if (tun_ifindex[t] != ifi->ifi_index) {
				tun_ifindex[t] = ifi->ifi_index;
				reclassify();
			}
			if (!tun_seen[t] || tun_flags[t] != ifi->ifi_flags) {
				printf("%llu link %s up=%d carrier=%d%s\n",
				    (unsigned long long)now_us, name,
				    !!(ifi->ifi_flags & IFF_UP),
				    !!(ifi->ifi_flags & IFF_LOWER_UP),
				    gone ? " deleted" : "");
			}
			tun_seen[t] = true;
			tun_flags[t] = ifi->ifi_flags;
		}
	/* The kernel's own cleanup, which it does not announce. */
	down = gone || !(ifi->ifi_flags & IFF_UP);
	if (!down && (ifi->ifi_flags & (IFF_RUNNING | IFF_LOWER_UP)))
		return;
	for (i = 0; i < n_refs; i++) {
		struct ref *r = &refs[i];

		if (r->kind == REF_NH && !r->dead && r->known && !r->group &&
		    r->dev == ifi->ifi_index)
			nh_kill(r);
		if (r->kind == REF_PLAIN && down && !r->dead)
			for (j = 0; j < r->n_devs; j++)
				if (r->devs[j] == ifi->ifi_index)
					r->dead = true;
	}
	purge();
	reclassify();
}

/* ---- netlink ----------------------------------------------------------------- */

static void
handle(struct nlmsghdr *h)
{
	switch (h->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		on_route(h);
		break;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		on_nexthop(h);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		on_link(h);
		break;
	default:
		return;
	}
	milestones();
}

/* Messages of one datagram; returns 1 at NLMSG_DONE or an error. */
static int
handle_buf(void *buf, int len)
{
	struct nlmsghdr	*h;

	for (h = buf; nlmsg_ok(h, len); h = nlmsg_next(h, &len)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = nlmsg_data(h);

			if (e->error != 0)
				fprintf(stderr, "nlwatch: dump: %s\n",
				    strerror(-e->error));
			return 1;
		}
		handle(h);
	}
	return 0;
}

static uint8_t	bufs[BATCH][DGRAM];

/* A whole dump of links, nexthops or routes on its own socket. */
static int
dump(int type, size_t hdrlen)
{
	struct nl_sock	*sk;
	struct nl_msg	*m;
	int		 fd, len, rc = -1;
	uint8_t		 hdr[64];

	if ((sk = nl_socket_alloc()) == NULL ||
	    nl_connect(sk, NETLINK_ROUTE) < 0)
		return -1;
	nl_socket_set_buffer_size(sk, 4 << 20, 0);
	memset(hdr, 0, sizeof(hdr));
	((struct rtgenmsg *)hdr)->rtgen_family =
	    type == RTM_GETROUTE ? family : AF_UNSPEC;
	m = nlmsg_alloc_simple(type, NLM_F_DUMP);
	if (m == NULL || nlmsg_append(m, hdr, hdrlen, NLMSG_ALIGNTO) < 0 ||
	    nl_send_auto(sk, m) < 0)
		goto out;
	fd = nl_socket_get_fd(sk);
	for (;;) {
		len = (int)recv(fd, bufs[0], sizeof(bufs[0]), 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			goto out;
		now_us = realtime_us();
		if (handle_buf(bufs[0], len))
			break;
	}
	rc = 0;
out:
	nlmsg_free(m);
	nl_socket_free(sk);
	return rc;
}

static int
dump_all(void)
{
	size_t	i;

	for (i = 0; i < n_pfx; i++) {
		pfx[i].n = 0;
		pfx[i].best = 0;
	}
	free(refs);
	refs = NULL;
	n_refs = cap_refs = 0;
	n_routes = 0;
	memset(counts, 0, sizeof(counts));
	counts[C_NONE] = n_pfx;
	if (dump(RTM_GETLINK, sizeof(struct ifinfomsg)) == -1 ||
	    dump(RTM_GETNEXTHOP, sizeof(struct nhmsg)) == -1 ||
	    dump(RTM_GETROUTE, sizeof(struct rtmsg)) == -1) {
		fprintf(stderr, "nlwatch: dump failed\n");
		return -1;
	}
	reclassify();
	return 0;
}

static void
print_state(void)
{
	print_counts("state");
	printf(" routes=%lu events=%lu refs=%zu overruns=%lu dropped=%lu\n",
	    n_routes, n_events, n_refs, n_overruns, n_dropped);
}

int
main(int argc, char *argv[])
{
	struct mmsghdr	 msgs[BATCH];
	struct iovec	 iov[BATCH];
	struct nl_sock	*sk;
	struct pollfd	 pfd[2];
	sigset_t	 sigs;
	uint64_t	 last_ev = 0, quiet_us = 1000000;
	unsigned long	 ev_at_quiet = 0;
	size_t		 n = 0;
	int		 c, fd, sfd, k, i, rcvbuf = 512 << 20;
	char		*ifs = NULL;

	while ((c = getopt(argc, argv, "6n:i:q:")) != -1)
		switch (c) {
		case '6':
			family = AF_INET6;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'i':
			ifs = optarg;
			break;
		case 'q':
			quiet_us = strtoull(optarg, NULL, 10) * 1000U;
			break;
		default:
			fprintf(stderr, "usage: nlwatch [-6] [-n N] "
			    "[-i IF0,IF1] [-q QUIET_MS]\n");
			return 2;
		}
	if (n > (family == AF_INET6 ? 0x8000U : 0x7f0000U)) {
		fprintf(stderr, "nlwatch: N at most %u\n",
		    family == AF_INET6 ? 0x8000U : 0x7f0000U);
		return 2;
	}
	if (ifs != NULL && strchr(ifs, ',') != NULL) {
		*strchr(ifs, ',') = '\0';
		tun_name[0] = ifs;
		tun_name[1] = ifs + strlen(ifs) + 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	n_pfx = n + 1;
	if ((pfx = calloc(n_pfx, sizeof(*pfx))) == NULL) {
		perror("nlwatch");
		return 1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if ((sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) == -1) {
		perror("nlwatch: signalfd");
		return 1;
	}

	/* Events first, so that nothing between dump and events is lost. */
	if ((sk = nl_socket_alloc()) == NULL ||
	    nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(sk, RTNLGRP_LINK, family == AF_INET6 ?
	    RTNLGRP_IPV6_ROUTE : RTNLGRP_IPV4_ROUTE, RTNLGRP_NEXTHOP, 0) < 0) {
		fprintf(stderr, "nlwatch: cannot subscribe\n");
		return 1;
	}
	fd = nl_socket_get_fd(sk);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		nl_socket_set_buffer_size(sk, rcvbuf, 0);
	nl_socket_set_nonblocking(sk);
	if (dump_all() == -1)
		return 1;
	now_us = realtime_us();
	printf("%llu ready %zu\n", (unsigned long long)now_us, n);
	milestones();

	for (k = 0; k < BATCH; k++) {
		iov[k].iov_base = bufs[k];
		iov[k].iov_len = sizeof(bufs[k]);
		memset(&msgs[k], 0, sizeof(msgs[k]));
		msgs[k].msg_hdr.msg_iov = &iov[k];
		msgs[k].msg_hdr.msg_iovlen = 1;
	}
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		int	timeout = -1;

		if (n_events != ev_at_quiet) {
			uint64_t t = realtime_us();

			if (t >= last_ev + quiet_us) {
				now_us = t;
				printf("%llu quiet %lu %lu\n",
				    (unsigned long long)now_us, n_events,
				    n_routes);
				ev_at_quiet = n_events;
			} else
				timeout = (int)((last_ev + quiet_us - t) /
				    1000U) + 1;
		}
		if (poll(pfd, 2, timeout) == -1 && errno != EINTR) {
			perror("nlwatch: poll");
			return 1;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				now_us = realtime_us();
				if (si.ssi_signo != SIGUSR1) {
					print_state();
					nl_socket_free(sk);
					free(pfx);
					free(refs);
					return 0;
				}
				print_state();
			}
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		for (;;) {
			k = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
			if (k < 0 && errno == ENOBUFS) {
				now_us = realtime_us();
				n_overruns++;
				printf("%llu overrun\n",
				    (unsigned long long)now_us);
				if (dump_all() == -1)
					return 1;
				milestones();
				continue;
			}
			if (k <= 0)
				break;
			now_us = realtime_us();
			for (i = 0; i < k; i++)
				(void)handle_buf(bufs[i], (int)msgs[i].msg_len);
			last_ev = now_us;
			if (k < BATCH)
				break;
		}
	}
}
