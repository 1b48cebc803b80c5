/* SPDX-License-Identifier: ISC */
/*
 * kr_dump.c: synchronous requests on the blocking dump socket (with
 * strict checking, so the kernel filters route dumps by table): dumps of
 * our routes and nexthops, the nexthop probe at start, the check of our
 * nexthops after a link went down, and link queries.  A dump asked for
 * while another runs (from a callback) gets a socket of its own.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "bgpd/util/log.h"
#include "netlink/kr_impl.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000		/* <linux/if.h>: carrier */
#endif

/* ---- the engine ------------------------------------------------------- */

/* Handle one datagram of answers to seq; 1 when the answer is complete. */
static int
dump_datagram(struct kr *kr, uint8_t *buf, int len, uint32_t seq,
    bool dump, kr_msg_fn fn, void *arg, int *err)
{
	struct nlmsghdr	*nlh = (struct nlmsghdr *)(void *)buf;

	for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nlh->nlmsg_type == NLMSG_DONE) {
			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				*err = -*(int *)nlmsg_data(nlh);
			return 1;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			if (nlh->nlmsg_len >=
			    NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				*err = -((struct nlmsgerr *)
				    nlmsg_data(nlh))->error;
			else
				*err = EBADMSG;
			return 1;
		}
		if (fn != NULL)
			fn(kr, nlh, arg);
		if (!dump)
			return 1;
	}
	return 0;
}

static int
dump_on(struct kr *kr, struct nl_sock *sk, uint8_t *buf, struct nl_msg *msg,
    bool dump, kr_msg_fn fn, void *arg)
{
	struct sockaddr_nl	 sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr		*h = nlmsg_hdr(msg);
	struct iovec		 iov = { buf, KR_DUMP_BUF };
	struct msghdr		 mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int			 fd = nl_socket_get_fd(sk), err = 0, done = 0;
	ssize_t			 n;

	h->nlmsg_flags |= NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	h->nlmsg_seq = nl_socket_use_seq(sk);
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		return errno;
	while (!done) {
		if ((n = recvmsg(fd, &mh, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (mh.msg_flags & MSG_TRUNC)
			return EMSGSIZE;
		done = dump_datagram(kr, buf, (int)n, h->nlmsg_seq, dump, fn,
		    arg, &err);
	}
	return err;
}

/*
 * Send msg (freed) on the dump socket and hand each answer to fn until
 * the answer is complete (NLMSG_DONE, an error, or the one answer of a
 * plain request).  0, or -1 with errno set (ENOENT, EOPNOTSUPP, ...).
 */
int
kr_dump_run(struct kr *kr, struct nl_msg *msg, bool dump, kr_msg_fn fn,
    void *arg)
{
	struct nl_sock	*sk = kr->dump_sk;
	uint8_t		*buf = kr->dump_buf;
	int		 err;

	if (sk == NULL) {
		nlmsg_free(msg);
		errno = ENOTCONN;
		return -1;
	}
	if (kr->dumping) {
		/* from inside a callback: a socket of its own */
		if ((sk = kr_sock_new(false, true)) == NULL ||
		    (buf = malloc(KR_DUMP_BUF)) == NULL) {
			if (sk != NULL)
				nl_socket_free(sk);
			nlmsg_free(msg);
			errno = ENOMEM;
			return -1;
		}
		err = dump_on(kr, sk, buf, msg, dump, fn, arg);
		nl_socket_free(sk);
		free(buf);
	} else {
		kr->dumping = true;
		err = dump_on(kr, sk, buf, msg, dump, fn, arg);
		kr->dumping = false;
	}
	nlmsg_free(msg);
	errno = err;
	return err == 0 ? 0 : -1;
}

/* ---- routes ----------------------------------------------------------- */

static struct nla_policy rt_policy[RTA_MAX + 1] = {
	[RTA_TABLE] = { .type = NLA_U32 },
	[RTA_PRIORITY] = { .type = NLA_U32 },
	[RTA_NH_ID] = { .type = NLA_U32 },
};

/* An IPv4 or IPv6 route message; -1 if it is neither or is malformed. */
int
kr_route_parse(struct nlmsghdr *nlh, struct kr_rt *rt)
{
	struct nlattr	*tb[RTA_MAX + 1];
	struct rtmsg	*rtm;
	size_t		 alen;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return -1;
	rtm = nlmsg_data(nlh);
	if (rtm->rtm_family == AF_INET)
		alen = sizeof(struct in_addr);
	else if (rtm->rtm_family == AF_INET6)
		alen = sizeof(struct in6_addr);
	else
		return -1;
	if (nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, rt_policy) < 0 ||
	    rtm->rtm_dst_len > alen * 8)
		return -1;
	memset(rt, 0, sizeof(*rt));
	if (tb[RTA_DST] != NULL) {
		if ((size_t)nla_len(tb[RTA_DST]) != alen)
			return -1;
		memcpy(&rt->dst, nla_data(tb[RTA_DST]), alen);
	}
	rt->table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) :
	    rtm->rtm_table;
	rt->metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
	rt->nhid = tb[RTA_NH_ID] ? nla_get_u32(tb[RTA_NH_ID]) : 0;
	rt->af = rtm->rtm_family;
	rt->len = rtm->rtm_dst_len;
	rt->protocol = rtm->rtm_protocol;
	rt->tos = rtm->rtm_tos;
	return 0;
}

struct route_dump {
	kr_route_fn	fn;
	void		*arg;
	struct kr_rset	foreign;
};

static void
route_dump_msg(struct kr *kr, struct nlmsghdr *nlh, void *arg)
{
	struct route_dump	*d = arg;
	struct kr_prefix	 p;
	struct kr_rt		 rt;

	if (kr_route_parse(nlh, &rt) == -1 || rt.table != kr->conf.table)
		return;
	if (rt.protocol != kr->conf.protocol) {
		if (rt.tos == 0)
			kr_rset_add(&d->foreign, rt.af, &rt.dst, rt.len,
			    rt.metric);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.family = rt.af;
	if (rt.af == AF_INET6)
		p.addr6 = rt.dst.v6;
	else
		p.addr = rt.dst.v4;
	p.len = rt.len;
	if (d->fn != NULL)
		d->fn(&p, rt.metric, rt.nhid, d->arg);
}

/* Dump the routes of family af in our table into d. */
static int
route_dump_af(struct kr *kr, uint8_t af, struct route_dump *d)
{
	struct rtmsg	 rtm = { .rtm_family = af };
	struct nl_msg	*msg;

	rtm.rtm_table = kr->conf.table < 256 ? (uint8_t)kr->conf.table : 0;
	if ((msg = nlmsg_alloc_simple(RTM_GETROUTE, 0)) == NULL ||
	    nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, RTA_TABLE, kr->conf.table) < 0)
		fatal("netlink: cannot build a message");
	if (kr_dump_run(kr, msg, true, route_dump_msg, d) == -1 &&
	    errno != ENOENT)		/* ENOENT: no such table yet */
		return -1;
	return 0;
}

/*
 * Dump our table (IPv4, then IPv6 with conf.inet6): ours to fn, the
 * others' keys into the foreign set.
 */
static int
route_dump(struct kr *kr, kr_route_fn fn, void *arg)
{
	struct route_dump	 d = { fn, arg, { NULL, 0, 0 } };

	if (route_dump_af(kr, AF_INET, &d) == -1 ||
	    (kr->conf.inet6 && route_dump_af(kr, AF_INET6, &d) == -1)) {
		kr_rset_clear(&d.foreign);
		return -1;
	}
	kr_rset_clear(&kr->foreign);
	kr->foreign = d.foreign;
	return 0;
}

int
kr_dump_routes(struct kr *kr, kr_route_fn fn, void *arg)
{
	if (route_dump(kr, fn, arg) == -1) {
		log_warn("netlink: dumping the routes of table %u",
		    kr->conf.table);
		return -1;
	}
	return 0;
}

/* The routes of other protocols in our table, for the foreign set. */
int
kr_dump_foreign(struct kr *kr)
{
	return route_dump(kr, NULL, NULL);
}

/* ---- nexthops --------------------------------------------------------- */

static struct nla_policy nh_policy[NHA_MAX + 1] = {
	[NHA_ID] = { .type = NLA_U32 },
	[NHA_OIF] = { .type = NLA_U32 },
};

bool
kr_nh_parse(struct nlmsghdr *nlh, uint16_t type,
    struct nlattr *tb[NHA_MAX + 1], uint32_t *id)
{
	if (nlh->nlmsg_type != type ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nhmsg)) ||
	    nlmsg_parse(nlh, sizeof(struct nhmsg), tb, NHA_MAX,
	    nh_policy) < 0 || tb[NHA_ID] == NULL)
		return false;
	*id = nla_get_u32(tb[NHA_ID]);
	return *id >= KR_NHID_BASE && *id <= KR_NHID_MAX;
}

struct nh_dump {
	kr_nexthop_fn		fn;
	kr_nexthop_members_fn	mfn;
	void			*arg;
};

#define KR_MAX_GROUP	32

/* The members of a group (NHA_GROUP: struct nexthop_grp each). */
static size_t
nh_members(struct nlattr *a, uint32_t *members, size_t max)
{
	const struct nexthop_grp	*g;
	size_t				 n, i;

	if (a == NULL)
		return 0;
	g = nla_data(a);
	n = (size_t)nla_len(a) / sizeof(*g);
	for (i = 0; i < n && i < max; i++)
		members[i] = g[i].id;
	return i;
}

static void
nh_dump_msg(struct kr *kr, struct nlmsghdr *nlh, void *arg)
{
	struct nh_dump	*d = arg;
	struct nlattr	*tb[NHA_MAX + 1];
	struct kr_nh	*nh;
	uint32_t	 id;

	if (!kr_nh_parse(nlh, RTM_NEWNEXTHOP, tb, &id))
		return;
	nh = kr_nh_find(kr, id, true);
	nh->exists = nh->seen = true;
	nh->group = tb[NHA_GROUP] != NULL;
	nh->oif = tb[NHA_OIF] ? (int)nla_get_u32(tb[NHA_OIF]) : 0;
	if (d->fn != NULL)
		d->fn(id, nh->group, d->arg);
	if (d->mfn != NULL) {
		uint32_t	members[KR_MAX_GROUP];
		size_t		n = nh_members(tb[NHA_GROUP], members,
				    KR_MAX_GROUP);

		d->mfn(id, nh->oif, members, n, d->arg);
	}
}

/*
 * Dump the nexthops: ours to fn, and the model made true.  What the
 * model had but the kernel has not is lost: reported when report.
 */
static int
nh_dump_any(struct kr *kr, struct nh_dump *d, bool report);

static int
nh_dump(struct kr *kr, kr_nexthop_fn fn, void *arg, bool report)
{
	struct nh_dump	d = { fn, NULL, arg };

	return nh_dump_any(kr, &d, report);
}

int
kr_dump_nexthop_members(struct kr *kr, kr_nexthop_members_fn fn, void *arg)
{
	struct nh_dump	d = { NULL, fn, arg };

	if (!kr->nexthops)
		return 0;
	if (nh_dump_any(kr, &d, false) == -1) {
		log_warn("netlink: dumping the nexthops");
		return -1;
	}
	return 0;
}

static int
nh_dump_any(struct kr *kr, struct nh_dump *d, bool report)
{
	struct nhmsg	 nhm = { .nh_family = AF_UNSPEC };
	struct kr_event	 ev = { .type = KR_EV_NH_LOST };
	struct nl_msg	*msg;
	size_t		 i;

	for (i = 0; i < kr->nnh; i++)
		kr->nh[i].seen = false;
	if ((msg = nlmsg_alloc_simple(RTM_GETNEXTHOP, 0)) == NULL ||
	    nlmsg_append(msg, &nhm, sizeof(nhm), NLMSG_ALIGNTO) < 0)
		fatal("netlink: cannot build a message");
	if (kr_dump_run(kr, msg, true, nh_dump_msg, d) == -1)
		return -1;
	for (i = 0; i < kr->nnh; i++) {
		if (!kr->nh[i].exists || kr->nh[i].seen)
			continue;
		kr->nh[i].exists = false;
		ev.req.id = kr->nh[i].id;
		if (report)
			kr_event_push(kr, &ev);
	}
	return 0;
}

int
kr_dump_nexthops(struct kr *kr, kr_nexthop_fn fn, void *arg)
{
	if (!kr->nexthops)
		return 0;
	if (nh_dump(kr, fn, arg, false) == -1) {
		log_warn("netlink: dumping the nexthops");
		return -1;
	}
	return 0;
}

/* Does the kernel have nexthop objects?  1 yes, 0 no (logged). */
int
kr_nh_probe(struct kr *kr)
{
	if (nh_dump(kr, NULL, NULL, false) == 0)
		return 1;
	if (errno == EOPNOTSUPP || errno == EINVAL)
		log_warnx("netlink: the kernel has no nexthop objects (%s); "
		    "using plain routes", strerror(errno));
	else
		log_warn("netlink: nexthop objects unusable; using plain "
		    "routes");
	return 0;
}

/*
 * A link went down: the kernel removed the nexthops on it, and groups
 * left empty, without a word.  Answers first (a nexthop made just before
 * must count), then find out which of ours are gone.
 */
int
kr_nh_reconcile(struct kr *kr)
{
	kr_ack_drain(kr);
	if (nh_dump(kr, NULL, NULL, true) == -1) {
		log_warn("netlink: dumping the nexthops after a link change");
		return -1;
	}
	return 0;
}

/* ---- links ------------------------------------------------------------ */

bool
kr_link_flags_up(unsigned int flags)
{
	return (flags & IFF_UP) && (flags & IFF_LOWER_UP);
}

struct link_answer {
	int	ifindex;
	bool	up;
};

static void
link_msg(struct kr *kr, struct nlmsghdr *nlh, void *arg)
{
	struct link_answer	*a = arg;
	struct ifinfomsg	*ifi = nlmsg_data(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	a->ifindex = ifi->ifi_index;
	a->up = kr_link_flags_up(ifi->ifi_flags);
}

/*
 * The link called name now: *ifindex (0: there is none) and whether it
 * is up.  0, or -1 if the kernel could not be asked.
 */
int
kr_link_query(struct kr *kr, const char *name, int *ifindex, bool *up)
{
	struct ifinfomsg	 ifi = { .ifi_family = AF_UNSPEC };
	struct link_answer	 a = { 0, false };
	struct nl_msg		*msg;

	if ((msg = nlmsg_alloc_simple(RTM_GETLINK, 0)) == NULL ||
	    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)
		fatal("netlink: cannot build a message");
	*ifindex = 0;
	*up = false;
	if (kr_dump_run(kr, msg, false, link_msg, &a) == -1)
		return errno == ENODEV ? 0 : -1;
	*ifindex = a.ifindex;
	*up = a.up;
	return 0;
}
