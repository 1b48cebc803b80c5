/* SPDX-License-Identifier: ISC */
/*
 * kr_req.c: the requests of kr.h built as raw rtnetlink messages
 * (libnl 3.7 has no nexthop objects): RTM_NEWNEXTHOP/RTM_DELNEXTHOP on
 * <linux/nexthop.h> attributes, RTM_NEWROUTE/RTM_DELROUTE with our table
 * and protocol.  Creation is always NLM_F_CREATE|NLM_F_REPLACE, so it
 * never fails with EEXIST and a failover is one message.  A request that
 * cannot be made is reported to hooks.error at once and returns -1.
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

static bool
prefix_ok(const struct kr_prefix *p)
{
	uint32_t	mask;

	if (p->len > 32)
		return false;
	mask = p->len == 0 ? 0 : htonl(0xffffffffU << (32 - p->len));
	return (p->addr.s_addr & ~mask) == 0;
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

int
kr_nexthop(struct kr *kr, uint32_t id, const char *ifname, struct in_addr gw)
{
	struct nhmsg	 nhm = { .nh_family = AF_INET,
			    .nh_protocol = kr->conf.protocol,
			    .nh_flags = RTNH_F_ONLINK };
	struct kr_req	 req = { .op = KR_OP_NH_SET, .key = id,
			    .aux = gw.s_addr };
	struct nl_msg	*msg;
	int		 oif, rc;

	if (!nhid_ok(id))
		return refuse(kr, &req, EINVAL, "id outside our range");
	if (!kr->nexthops)
		return refuse(kr, &req, EOPNOTSUPP, "no nexthop objects");
	if ((oif = ifindex_of(kr, ifname)) == 0)
		return refuse(kr, &req, ENODEV, ifname);
	req.x = (uint32_t)oif;
	msg = msg_new(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE, &nhm,
	    sizeof(nhm), 0);
	rc = nla_put_u32(msg, NHA_ID, id);
	rc |= nla_put_u32(msg, NHA_OIF, (uint32_t)oif);
	rc |= nla_put(msg, NHA_GATEWAY, sizeof(gw), &gw);
	msg_done(kr, msg, rc, &req);
	return 0;
}

int
kr_group(struct kr *kr, uint32_t id, const uint32_t *members, size_t n)
{
	struct nhmsg		 nhm = { .nh_family = AF_UNSPEC,
				    .nh_protocol = kr->conf.protocol };
	struct kr_req		 req = { .op = KR_OP_GROUP_SET, .key = id,
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
	struct kr_req	 req = { .op = KR_OP_NH_DEL, .key = id };
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
	struct rtmsg	 rtm = { .rtm_family = AF_INET,
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
	rc |= nla_put(msg, RTA_DST, sizeof(p->addr), &p->addr);
	rc |= nla_put_u32(msg, RTA_PRIORITY, metric);
	if (rc < 0)
		fatal("netlink: message too small");
	return msg;
}

/* May we replace p at metric?  Not if another protocol has it. */
static int
route_check(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const struct kr_req *req)
{
	if (!prefix_ok(p))
		return refuse(kr, req, EINVAL, "bad prefix");
	if (kr_rset_has(&kr->foreign, p->addr.s_addr, p->len, metric))
		return refuse(kr, req, EEXIST, "a route of another protocol "
		    "has this prefix and metric");
	return 0;
}

int
kr_route(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    uint32_t nhid)
{
	struct kr_req	 req = { .op = KR_OP_ROUTE_SET, .key = p->addr.s_addr,
			    .plen = p->len, .x = metric, .aux = nhid };
	struct nl_msg	*msg;
	int		 rc;

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

int
kr_route_via(struct kr *kr, const struct kr_prefix *p, uint32_t metric,
    const char *ifname, struct in_addr gw)
{
	struct kr_req	 req = { .op = KR_OP_ROUTE_VIA, .key = p->addr.s_addr,
			    .plen = p->len, .x = metric, .aux = gw.s_addr };
	struct nl_msg	*msg;
	int		 oif, rc;

	if (route_check(kr, p, metric, &req) == -1)
		return -1;
	if ((oif = ifindex_of(kr, ifname)) == 0)
		return refuse(kr, &req, ENODEV, ifname);
	msg = route_msg(kr, RTM_NEWROUTE, p, metric);
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(msg)))->rtm_flags |=
	    RTNH_F_ONLINK;
	rc = nla_put(msg, RTA_GATEWAY, sizeof(gw), &gw);
	rc |= nla_put_u32(msg, RTA_OIF, (uint32_t)oif);
	msg_done(kr, msg, rc, &req);
	return 0;
}

int
kr_route_del(struct kr *kr, const struct kr_prefix *p, uint32_t metric)
{
	struct kr_req	 req = { .op = KR_OP_ROUTE_DEL, .key = p->addr.s_addr,
			    .plen = p->len, .x = metric };

	if (!prefix_ok(p))
		return refuse(kr, &req, EINVAL, "bad prefix");
	kr_enqueue(kr, route_msg(kr, RTM_DELROUTE, p, metric), &req);
	return 0;
}
