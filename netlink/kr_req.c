/* SPDX-License-Identifier: ISC */
/*
 * kr_req.c: the requests of kr.h built as raw rtnetlink messages
 * (libnl 3.7 has no nexthop objects): RTM_NEWNEXTHOP/RTM_DELNEXTHOP on
 * <linux/nexthop.h> attributes, RTM_NEWROUTE/RTM_DELROUTE with our table
 * and protocol, for AF_INET and AF_INET6 alike (a nexthop's family is its
 * gateway's; a group's is AF_UNSPEC, and the kernel checks that an IPv6
 * route's group holds IPv6 nexthops).  Creation is always
 * NLM_F_CREATE|NLM_F_REPLACE, so it never fails with EEXIST and a
 * failover is one message.  A request that cannot be made is reported to
 * hooks.error at once and returns -1.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "bgpd/util/log.h"
#include "netlink/kr_impl.h"

#define KR_GROUP_MAX	256

static bool
nhid_ok(uint32_t id)
{
	return id >= KR_NHID_BASE && id <= KR_NHID_MAX;
}

/* The family of p: AF_INET (also for 0), AF_INET6, or 0 if neither. */
static uint8_t
prefix_af(const struct kr_prefix *p)
{
	if (p->family == 0 || p->family == AF_INET)
		return AF_INET;
	return p->family == AF_INET6 ? AF_INET6 : 0;
}

/* A known family, a length that fits it, no host bits. */
static bool
prefix_ok(const struct kr_prefix *p)
{
	const uint8_t	*b = p->addr6.s6_addr;
	uint8_t		 af = prefix_af(p), max;
	unsigned	 i;

	if (af == 0)
		return false;
	max = af == AF_INET6 ? 128 : 32;
	if (p->len > max)
		return false;
	for (i = p->len; i < max; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* A request about prefix p at metric: its record. */
static struct kr_req
prefix_req(uint8_t op, const struct kr_prefix *p, uint32_t metric)
{
	struct kr_req	req = { .op = op, .plen = p->len, .x = metric };

	req.af = prefix_af(p);
	if (req.af == AF_INET6)
		req.addr.v6 = p->addr6;
	else
		req.addr.v4 = p->addr;
	return req;
}

/* Report req as failed with err (and why) and dispatch: returns -1. */
static int
refuse(struct kr *kr, const struct kr_req *req, int err, const char *why)
{
	struct kr_event	ev = { .type = KR_EV_ERROR, .err = err };

	ev.req = *req;
	if (why != NULL && (ev.detail = strdup(why)) == NULL)
		fatal("strdup");
	kr_event_push(kr, &ev);
	kr_dispatch(kr);
	return -1;
}

/* The ifindex of a watched link, or of any link by that name; 0: none. */
static int
ifindex_of(struct kr *kr, const char *ifname)
{
	size_t	i;

	for (i = 0; i < kr->nwatch; i++)
		if (kr->watch[i].ifindex > 0 &&
		    strcmp(kr->watch[i].name, ifname) == 0)
			return kr->watch[i].ifindex;
	return (int)if_nametoindex(ifname);
}

/* A request message with its family header; fatal if out of memory. */
static struct nl_msg *
msg_new(int type, int flags, void *hdr, size_t hdrlen, size_t extra)
{
	struct nl_msg	*msg;

	if ((msg = nlmsg_alloc_size(KR_MSG_SIZE + extra)) == NULL ||
	    nlmsg_put(msg, 0, 0, type, 0, flags) == NULL ||
	    nlmsg_append(msg, hdr, hdrlen, NLMSG_ALIGNTO) < 0)
		fatal("netlink: cannot build a message");
	return msg;
}

static void
msg_done(struct kr *kr, struct nl_msg *msg, int rc, const struct kr_req *req)
{
	if (rc < 0)
		fatal("netlink: message too small");
	kr_enqueue(kr, msg, req);
}

/* ---- nexthops --------------------------------------------------------- */

/* IPv6 is refused unless conf.inet6: what else kr says would be v4 only. */
static int
family_check(struct kr *kr, uint8_t af, const struct kr_req *req)
{
	if (af == AF_INET6 && !kr->conf.inet6)
		return refuse(kr, req, EAFNOSUPPORT, "IPv6 not enabled");
	return 0;
}

static int
nexthop_set(struct kr *kr, uint32_t id, const char *ifname, uint8_t af,
    const union kr_ip *gw)
{
	struct nhmsg	 nhm = { .nh_family = af,
			    .nh_protocol = kr->conf.protocol,
			    .nh_flags = RTNH_F_ONLINK };
	struct kr_req	 req = { .op = KR_OP_NH_SET, .id = id, .af = af,
			    .addr = *gw };
	struct nl_msg	*msg;
	int		 oif, rc;

	if (!nhid_ok(id))
		return refuse(kr, &req, EINVAL, "id outside our range");
	if (family_check(kr, af, &req) == -1)
		return -1;
	if (!kr->nexthops)
		return refuse(kr, &req, EOPNOTSUPP, "no nexthop objects");
	if ((oif = ifindex_of(kr, ifname)) == 0)
		return refuse(kr, &req, ENODEV, ifname);
	req.x = (uint32_t)oif;
	msg = msg_new(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE, &nhm,
	    sizeof(nhm), 0);
	rc = nla_put_u32(msg, NHA_ID, id);
	rc |= nla_put_u32(msg, NHA_OIF, (uint32_t)oif);
	rc |= nla_put(msg, NHA_GATEWAY, af == AF_INET6 ? sizeof(gw->v6) :
	    sizeof(gw->v4), gw);
	msg_done(kr, msg, rc, &req);
	return 0;
}

int
kr_nexthop(struct kr *kr, uint32_t id, const char *ifname, struct in_addr gw)
{
	union kr_ip	a = { .v4 = gw };

	return nexthop_set(kr, id, ifname, AF_INET, &a);
}

int
kr_nexthop6(struct kr *kr, uint32_t id, const char *ifname,
    const struct in6_addr *gw)
{
	union kr_ip	a = { .v6 = *gw };

	return nexthop_set(kr, id, ifname, AF_INET6, &a);
}

int
kr_group(struct kr *kr, uint32_t id, const uint32_t *members, size_t n)
{
	struct nhmsg		 nhm = { .nh_family = AF_UNSPEC,
				    .nh_protocol = kr->conf.protocol };
	struct kr_req		 req = { .op = KR_OP_GROUP_SET, .id = id,
				    .x = (uint32_t)n };
	struct nexthop_grp	*grp;
	struct nl_msg		*msg;
	size_t			 i;
	int			 rc;

	if (!nhid_ok(id))
		return refuse(kr, &req, EINVAL, "id outside our range");
	if (n == 0 || n > KR_GROUP_MAX)
		return refuse(kr, &req, EINVAL, "bad number of members");
	for (i = 0; i < n; i++)
		if (!nhid_ok(members[i]) || members[i] == id)
			return refuse(kr, &req, EINVAL, "bad member id");
	if (!kr->nexthops)
		return refuse(kr, &req, EOPNOTSUPP, "no nexthop objects");
	if ((grp = calloc(n, sizeof(*grp))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++)
		grp[i].id = members[i];		/* weight 0 means 1 */
	msg = msg_new(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE, &nhm,
	    sizeof(nhm), n * sizeof(*grp));
	rc = nla_put_u32(msg, NHA_ID, id);
	rc |= nla_put(msg, NHA_GROUP, (int)(n * sizeof(*grp)), grp);
	free(grp);
	msg_done(kr, msg, rc, &req);
	return 0;
}

int
kr_nexthop_del(struct kr *kr, uint32_t id)
{
	struct nhmsg	 nhm = { .nh_family = AF_UNSPEC };
	struct kr_req	 req = { .op = KR_OP_NH_DEL, .id = id };
	struct nl_msg	*msg;
	int		 rc;

	if (!nhid_ok(id))
		return refuse(kr, &req, EINVAL, "id outside our range");
	msg = msg_new(RTM_DELNEXTHOP, 0, &nhm, sizeof(nhm), 0);
	rc = nla_put_u32(msg, NHA_ID, id);
	msg_done(kr, msg, rc, &req);
	return 0;
}

/* ---- routes ----------------------------------------------------------- */

/* A route message for p at metric in our table with our protocol. */
static struct nl_msg *
route_msg(struct kr *kr, int type, const struct kr_prefix *p,
    uint32_t metric)
{
	struct rtmsg	 rtm = { .rtm_family = prefix_af(p),
			    .rtm_dst_len = p->len,
			    .rtm_protocol = kr->conf.protocol };
	struct nl_msg	*msg;
	int		 flags = 0, rc;

	rtm.rtm_table = kr->conf.table < 256 ? (uint8_t)kr->conf.table :
	    RT_TABLE_UNSPEC;
	if (type == RTM_NEWROUTE) {
		flags = NLM_F_CREATE | NLM_F_REPLACE;
		rtm.rtm_scope = RT_SCOPE_UNIVERSE;
		rtm.rtm_type = RTN_UNICAST;
	} else {
		rtm.rtm_scope = RT_SCOPE_NOWHERE;	/* any scope */
		rtm.rtm_type = RTN_UNSPEC;		/* any type */
	}
	msg = msg_new(type, flags, &rtm, sizeof(rtm), 0);
	rc = nla_put_u32(msg, RTA_TABLE, kr->conf.table);
	if (rtm.rtm_family == AF_INET6)
		rc |= nla_put(msg, RTA_DST, sizeof(p->addr6), &p->addr6);
	else
		rc |= nla_put(msg, RTA_DST, sizeof(p->addr), &p->addr);
	rc |= nla_put_u32(msg, RTA_PRIORITY, metric);
	if (rc < 0)
		fatal("netlink: message too small");
	return msg;
}

/*
 * May we send a request about p at metric?  A good prefix of a family
 * we do; for IPv6 not metric 0 (the kernel makes it 1024 in a route, and
 * takes it for "any metric" in a deletion).
 */
static int
prefix_check(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const struct kr_req *req)
{
	if (!prefix_ok(p))
		return refuse(kr, req, EINVAL, "bad prefix");
	if (family_check(kr, req->af, req) == -1)
		return -1;
	if (req->af == AF_INET6 && metric == 0)
		return refuse(kr, req, EINVAL, "IPv6 metric 0");
	return 0;
}

/* May we replace p at metric?  Not if another protocol has it. */
static int
route_check(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const struct kr_req *req)
{
	if (prefix_check(kr, p, metric, req) == -1)
		return -1;
	if (kr_rset_has(&kr->foreign, req->af, &req->addr, p->len, metric))
		return refuse(kr, req, EEXIST, "a route of another protocol "
		    "has this prefix and metric");
	return 0;
}

int
kr_route(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    uint32_t nhid)
{
	struct kr_req	 req = prefix_req(KR_OP_ROUTE_SET, p, metric);
	struct nl_msg	*msg;
	int		 rc;

	req.id = nhid;
	if (route_check(kr, p, metric, &req) == -1)
		return -1;
	if (!nhid_ok(nhid))
		return refuse(kr, &req, EINVAL, "nexthop id outside our range");
	if (!kr->nexthops)
		return refuse(kr, &req, EOPNOTSUPP, "no nexthop objects");
	msg = route_msg(kr, RTM_NEWROUTE, p, metric);
	rc = nla_put_u32(msg, RTA_NH_ID, nhid);
	msg_done(kr, msg, rc, &req);
	return 0;
}

static int
route_via(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const char *ifname, uint8_t af, const union kr_ip *gw)
{
	struct kr_req	 req = prefix_req(KR_OP_ROUTE_VIA, p, metric);
	struct nl_msg	*msg;
	int		 oif, rc;

	if (route_check(kr, p, metric, &req) == -1)
		return -1;
	if (req.af != af)
		return refuse(kr, &req, EINVAL, "gateway of another family");
	if ((oif = ifindex_of(kr, ifname)) == 0)
		return refuse(kr, &req, ENODEV, ifname);
	req.id = (uint32_t)oif;
	msg = route_msg(kr, RTM_NEWROUTE, p, metric);
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_flags |=
	    RTNH_F_ONLINK;
	rc = nla_put(msg, RTA_GATEWAY, af == AF_INET6 ? sizeof(gw->v6) :
	    sizeof(gw->v4), gw);
	rc |= nla_put_u32(msg, RTA_OIF, (uint32_t)oif);
	msg_done(kr, msg, rc, &req);
	return 0;
}

int
kr_route_via(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const char *ifname, struct in_addr gw)
{
	union kr_ip	a = { .v4 = gw };

	return route_via(kr, p, metric, ifname, AF_INET, &a);
}

int
kr_route_via6(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const char *ifname, const struct in6_addr *gw)
{
	union kr_ip	a = { .v6 = *gw };

	return route_via(kr, p, metric, ifname, AF_INET6, &a);
}

int
kr_route_del(struct kr *kr, const struct kr_prefix *p, uint32_t metric)
{
	struct kr_req	req = prefix_req(KR_OP_ROUTE_DEL, p, metric);

	if (prefix_check(kr, p, metric, &req) == -1)
		return -1;
	kr_enqueue(kr, route_msg(kr, RTM_DELROUTE, p, metric), &req);
	return 0;
}
