/* SPDX-License-Identifier: ISC */
/*
 * kr_notify.c: the notification socket (RTNLGRP_LINK, RTNLGRP_IPV4_ROUTE,
 * RTNLGRP_IPV4_IFADDR, RTNLGRP_NEXTHOP; with conf.inet6 also
 * RTNLGRP_IPV6_ROUTE and RTNLGRP_IPV6_IFADDR), the watched links and the
 * model of our nexthops.
 *
 * What the kernel tells and what it does not (measured on Linux 6.18):
 * - a deletion asked for on a socket carries that socket's port id in
 *   nlmsg_pid, so our own deletions are told apart from others';
 * - when a link loses carrier or goes down, the kernel deletes the
 *   nexthops on it, the groups left empty and every route using them
 *   without RTM_DELNEXTHOP.  So when a link on which we have a nexthop
 *   goes down, we dump the nexthops and report those of ours that are
 *   gone (kr_nh_reconcile);
 * - it sends no RTM_DELROUTE for the IPv4 routes it takes with them, nor
 *   for the IPv6 ones with nexthop_compat_mode 0; with 1 it sends one per
 *   IPv6 route, from port 0 (the kernel), before the link's own news.
 *   Those are the nexthop's loss, not the routes': not reported as lost
 *   routes, but they start the same check of our nexthops;
 * - an IPv6 address is first tentative (duplicate address detection,
 *   unless the link has no ARP, as a VTI) and told again when usable;
 *   setting the link down deletes the IPv6 addresses on it (the IPv4
 *   ones stay), carrier loss does not.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "bgpd/util/log.h"
#include "netlink/kr_impl.h"

/* ---- the nexthop model ------------------------------------------------ */

struct kr_nh *
kr_nh_find(struct kr *kr, uint32_t id, bool create)
{
	size_t	i;

	for (i = 0; i < kr->nnh; i++)
		if (kr->nh[i].id == id)
			return &kr->nh[i];
	if (!create)
		return NULL;
	if (kr->nnh == kr->nhcap) {
		kr->nhcap = kr->nhcap == 0 ? 16 : kr->nhcap * 2;
		if ((kr->nh = reallocarray(kr->nh, kr->nhcap,
		    sizeof(*kr->nh))) == NULL)
			fatal("reallocarray");
	}
	memset(&kr->nh[kr->nnh], 0, sizeof(kr->nh[kr->nnh]));
	kr->nh[kr->nnh].id = id;
	return &kr->nh[kr->nnh++];
}

void
kr_nh_gone(struct kr *kr, uint32_t id)
{
	struct kr_nh	*nh;

	if ((nh = kr_nh_find(kr, id, false)) != NULL)
		nh->exists = false;
}

static bool
nh_on_link(const struct kr *kr, int ifindex)
{
	size_t	i;

	for (i = 0; i < kr->nnh; i++)
		if (kr->nh[i].exists && !kr->nh[i].group &&
		    kr->nh[i].oif == ifindex)
			return true;
	return false;
}

/* ---- links ------------------------------------------------------------ */

static void
link_set(struct kr *kr, size_t i, int ifindex, bool up)
{
	struct kr_event	ev = { .type = KR_EV_LINK, .idx = i, .up = up };

	kr->watch[i].ifindex = ifindex;
	if (kr->watch[i].up == up)
		return;
	kr->watch[i].up = up;
	kr_event_push(kr, &ev);
}

static struct nla_policy link_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { .type = NLA_STRING },
};

static void
link_msg(struct kr *kr, struct nlmsghdr *nlh)
{
	struct nlattr		*tb[IFLA_MAX + 1];
	struct ifinfomsg	*ifi = nlmsg_data(nlh);
	char			 name[IF_NAMESIZE] = "";
	bool			 del = nlh->nlmsg_type == RTM_DELLINK, up;
	size_t			 i;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, link_policy) < 0)
		return;
	if (tb[IFLA_IFNAME] != NULL)
		nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
	up = !del && kr_link_flags_up(ifi->ifi_flags);
	for (i = 0; i < kr->nwatch; i++) {
		if (strcmp(kr->watch[i].name, name) == 0)
			link_set(kr, i, del ? 0 : ifi->ifi_index, up);
		else if (kr->watch[i].ifindex == ifi->ifi_index)
			link_set(kr, i, 0, false);	/* renamed */
	}
	if (!up && nh_on_link(kr, ifi->ifi_index))
		kr->want_reconcile = true;
}

bool
kr_watch_link(struct kr *kr, const char *ifname)
{
	struct kr_event	 ev = { .type = KR_EV_LINK };
	struct kr_watch	*w;
	size_t		 i;
	int		 ifindex;
	bool		 up;

	if (strlen(ifname) >= IF_NAMESIZE) {
		log_warnx("netlink: interface name %s too long", ifname);
		return false;
	}
	for (i = 0; i < kr->nwatch; i++)
		if (strcmp(kr->watch[i].name, ifname) == 0)
			break;
	if (i == kr->nwatch) {
		if ((kr->watch = reallocarray(kr->watch, kr->nwatch + 1,
		    sizeof(*kr->watch))) == NULL)
			fatal("reallocarray");
		memset(&kr->watch[i], 0, sizeof(kr->watch[i]));
		strcpy(kr->watch[i].name, ifname);
		kr->nwatch++;
	}
	if (!kr->started)
		return false;
	if (kr_link_query(kr, ifname, &ifindex, &up) == -1)
		log_warn("netlink: asking for link %s", ifname);
	w = &kr->watch[i];
	w->ifindex = ifindex;
	w->up = ev.up = up;
	ev.idx = i;
	kr_event_push(kr, &ev);
	kr_dispatch(kr);
	return up;
}

/* Ask again for every watched link (after lost notifications). */
static void
links_requery(struct kr *kr)
{
	size_t	i;
	int	ifindex;
	bool	up;

	for (i = 0; i < kr->nwatch; i++)
		if (kr_link_query(kr, kr->watch[i].name, &ifindex, &up) == 0)
			link_set(kr, i, ifindex, up);
}

/* ---- routes and nexthops ---------------------------------------------- */

/*
 * A route of ours is lost when someone else deletes it, or replaces it
 * with a route of another protocol: the kernel then sends RTM_NEWROUTE
 * with NLM_F_REPLACE (only when a route was replaced), and the key was
 * not one of the others'.
 */
static void
route_msg(struct kr *kr, struct nlmsghdr *nlh)
{
	struct kr_event	 ev = { .type = KR_EV_ROUTE_LOST };
	struct rtmsg	*rtm = nlmsg_data(nlh);
	bool		 del = nlh->nlmsg_type == RTM_DELROUTE, lost;
	struct kr_rt	 rt;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return;
	/* most are echoes of our own requests */
	if (rtm->rtm_protocol == kr->conf.protocol &&
	    (!del || nlh->nlmsg_pid == kr->req_port))
		return;
	if (kr_route_parse(nlh, &rt) == -1 || rt.table != kr->conf.table ||
	    (rt.af == AF_INET6 && !kr->conf.inet6))
		return;
	if (rt.protocol == kr->conf.protocol && del &&
	    nlh->nlmsg_pid == 0 && rt.nhid >= KR_NHID_BASE &&
	    rt.nhid <= KR_NHID_MAX) {
		/* the kernel took it with its nexthop: see above */
		kr->want_reconcile = true;
		return;
	}
	if (rt.protocol == kr->conf.protocol)
		lost = true;
	else if (rt.tos != 0)
		return;
	else if (del) {
		kr_rset_del(&kr->foreign, rt.af, &rt.dst, rt.len, rt.metric);
		return;
	} else if (!kr_rset_has(&kr->foreign, rt.af, &rt.dst, rt.len,
	    rt.metric)) {
		lost = (nlh->nlmsg_flags & NLM_F_REPLACE) != 0;
		kr_rset_add(&kr->foreign, rt.af, &rt.dst, rt.len, rt.metric);
	} else {
		lost = false;
		if (!(nlh->nlmsg_flags & NLM_F_REPLACE))
			kr_rset_add(&kr->foreign, rt.af, &rt.dst, rt.len,
			    rt.metric);
	}
	if (!lost)
		return;
	ev.req.af = rt.af;
	ev.req.addr = rt.dst;
	ev.req.plen = rt.len;
	ev.req.x = rt.metric;
	kr_event_push(kr, &ev);
}

static void
nexthop_msg(struct kr *kr, struct nlmsghdr *nlh)
{
	struct kr_event	 ev = { .type = KR_EV_NH_LOST };
	struct nlattr	*tb[NHA_MAX + 1];
	uint32_t	 id;

	if (!kr_nh_parse(nlh, RTM_DELNEXTHOP, tb, &id))
		return;
	kr_nh_gone(kr, id);
	if (nlh->nlmsg_pid != kr->req_port) {
		ev.req.id = id;
		kr_event_push(kr, &ev);
	}
}

/* ---- the socket ------------------------------------------------------- */

static struct nla_policy addr_policy[IFA_MAX + 1] = {
	[IFA_FLAGS] = { .type = NLA_U32 },
};

/*
 * RTM_NEWADDR / RTM_DELADDR of an address on a watched link: IPv4, and
 * IPv6 with conf.inet6.  An IPv6 address counts as added once it is
 * usable: not tentative (unless optimistic), DAD not failed.
 */
static void
addr_msg(struct kr *kr, struct nlmsghdr *nlh)
{
	struct kr_event		 ev = { .type = KR_EV_ADDR };
	struct nlattr		*tb[IFA_MAX + 1], *a;
	struct ifaddrmsg	*ifa = nlmsg_data(nlh);
	uint32_t		 flags;
	size_t			 i, alen;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return;
	if (ifa->ifa_family == AF_INET)
		alen = sizeof(struct in_addr);
	else if (ifa->ifa_family == AF_INET6 && kr->conf.inet6)
		alen = sizeof(struct in6_addr);
	else
		return;
	if (nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, addr_policy) < 0)
		return;
	if ((a = tb[IFA_LOCAL] != NULL ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]) ==
	    NULL || (size_t)nla_len(a) != alen)
		return;
	flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	ev.up = nlh->nlmsg_type == RTM_NEWADDR;
	if (ifa->ifa_family == AF_INET6 && ((flags & IFA_F_DADFAILED) ||
	    ((flags & IFA_F_TENTATIVE) && !(flags & IFA_F_OPTIMISTIC))))
		ev.up = false;
	ev.req.af = ifa->ifa_family;
	memcpy(&ev.req.addr, nla_data(a), alen);
	ev.req.plen = ifa->ifa_prefixlen;
	for (i = 0; i < kr->nwatch; i++)
		if (kr->watch[i].ifindex == (int)ifa->ifa_index) {
			ev.idx = i;
			kr_event_push(kr, &ev);
		}
}

static void
ntf_datagram(struct kr *kr, uint8_t *buf, int len)
{
	struct nlmsghdr	*nlh = (struct nlmsghdr *)(void *)buf;

	for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		switch (nlh->nlmsg_type) {
		case RTM_NEWADDR:
		case RTM_DELADDR:
			addr_msg(kr, nlh);
			break;
		case RTM_NEWLINK:
		case RTM_DELLINK:
			link_msg(kr, nlh);
			break;
		case RTM_NEWROUTE:
		case RTM_DELROUTE:
			route_msg(kr, nlh);
			break;
		case RTM_NEWNEXTHOP:
		case RTM_DELNEXTHOP:
			nexthop_msg(kr, nlh);
			break;
		default:
			break;
		}
	}
}

/* The socket overflowed: the daemon must resync by dump; we ask again
 * for the links and check our nexthops. */
static void
ntf_lost(struct kr *kr)
{
	struct kr_event	ev = { .type = KR_EV_ERROR, .err = ENOBUFS };

	log_warnx("netlink: notifications lost (%s); the kernel state must "
	    "be read again", strerror(ENOBUFS));
	ev.req.op = KR_OP_NTF_LOST;
	kr_event_push(kr, &ev);
	kr->want_resync = true;
}

/* Work that needs the dump socket, after the notifications are read. */
static void
ntf_after(struct kr *kr)
{
	if (kr->want_resync) {
		kr->want_resync = false;
		links_requery(kr);
		kr->want_reconcile = kr->nexthops;
	}
	if (kr->want_reconcile) {
		kr->want_reconcile = false;
		(void)kr_nh_reconcile(kr);
	}
}

static int
ntf_read(struct kr *kr, struct mmsghdr *mm, struct iovec *iov)
{
	int	i;

	memset(mm, 0, KR_NTF_SLOTS * sizeof(*mm));
	for (i = 0; i < KR_NTF_SLOTS; i++) {
		iov[i].iov_base = kr->ntf_buf + (size_t)i * KR_NTF_SLOT;
		iov[i].iov_len = KR_NTF_SLOT;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	return recvmmsg(nl_socket_get_fd(kr->ntf_sk), mm, KR_NTF_SLOTS,
	    MSG_DONTWAIT, NULL);
}

/* Read every notification waiting; events for the hooks. */
void
kr_ntf_drain(struct kr *kr)
{
	struct mmsghdr	mm[KR_NTF_SLOTS];
	struct iovec	iov[KR_NTF_SLOTS];
	int		i, n;

	if (!kr->started || kr->in_ntf)
		return;
	kr->in_ntf = true;
	for (;;) {
		if ((n = ntf_read(kr, mm, iov)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				ntf_lost(kr);
				continue;
			}
			if (errno != EAGAIN)
				log_warn("netlink: reading notifications");
			break;
		}
		for (i = 0; i < n; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
				ntf_lost(kr);
			else
				ntf_datagram(kr, iov[i].iov_base,
				    (int)mm[i].msg_len);
		}
	}
	ntf_after(kr);
	kr->in_ntf = false;
}
