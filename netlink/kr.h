/* SPDX-License-Identifier: ISC */
/*
 * kr.h: the kernel side of vtibgpd: nexthop objects, nexthop groups and
 * routes in one table with one protocol, and the state of the tunnel
 * links.  It knows nothing of BGP.  Only objects with our protocol (and,
 * for nexthops, in our id range) are ever changed; everything else in the
 * kernel is left alone.
 *
 * Requests are asynchronous: each call queues a netlink message, the
 * queue is sent in batches when the loop is idle (or at kr_flush), and
 * the kernel's answers come back on the same socket; failures are
 * reported through kr_hooks.error.  Notifications (links, our routes and
 * nexthops deleted by someone else) arrive on a second socket.
 *
 * IPv4 always; IPv6 too when kr_conf.inet6 is set: then routes, dumps and
 * events carry either family (struct kr_prefix says which), nexthop
 * objects may have IPv6 gateways (kr_nexthop6), and IPv6 addresses on
 * watched links go to hooks.addr6.  Without it kr is IPv4 only, as its
 * first callers expect.  Nexthop ids are one space for both families.
 */
#ifndef VTB_KR_H
#define VTB_KR_H

#include <ev.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nexthop object ids used by vtibgpd: KR_NHID_BASE + n. */
#define KR_NHID_BASE	0x76740000U	/* "vt" */
#define KR_NHID_MAX	0x7674ffffU

struct kr;

struct kr_conf {
	uint32_t	table;
	uint8_t		protocol;
	bool		compat_keep;	/* leave nexthop_compat_mode alone */
	bool		no_nexthops;	/* use plain routes (tests, old kernels) */
	bool		inet6;		/* IPv6 routes, dumps and events too */
};

/*
 * A destination: family 0 means AF_INET, so that a zeroed or
 * { .addr, .len } prefix is IPv4 as it always was; an IPv6 prefix has
 * family AF_INET6 and its address in addr6.  Host bits are zero.
 */
struct kr_prefix {
	union {
		struct in_addr	addr;		/* AF_INET */
		struct in6_addr	addr6;		/* AF_INET6 */
	};
	uint8_t		len;
	uint8_t		family;		/* 0 or AF_INET, or AF_INET6 */
};

struct kr_hooks {
	/* A watched link changed: up means admin up and carrier. */
	void	(*link)(const char *ifname, bool up, void *arg);
	/* An IPv4 address was added to or removed from a watched link. */
	void	(*addr)(const char *ifname, struct in_addr addr, uint8_t plen,
		    bool added, void *arg);
	/*
	 * (kr_conf.inet6) An IPv6 address on a watched link became usable
	 * (added: duplicate address detection is over), or was removed or
	 * is tentative again (not added).
	 */
	void	(*addr6)(const char *ifname, const struct in6_addr *addr,
		    uint8_t plen, bool added, void *arg);
	/* One of our routes was deleted by someone else (either family). */
	void	(*route_lost)(const struct kr_prefix *, uint32_t metric,
		    void *arg);
	/* One of our nexthops (or groups) was deleted (link down). */
	void	(*nexthop_lost)(uint32_t id, void *arg);
	/* A request failed; what says which. err is a positive errno. */
	void	(*error)(const char *what, int err, void *arg);
	void	*arg;
};

struct kr	*kr_new(struct ev_loop *, const struct kr_conf *,
		    const struct kr_hooks *);
void		 kr_free(struct kr *);

/*
 * Open the sockets, find out whether the kernel has nexthop objects
 * (logged; fall back to plain routes if not), set
 * net.ipv4.nexthop_compat_mode to 0 unless compat_keep (logged).
 * 0, or -1 (logged) if netlink cannot be used at all.
 */
int		 kr_start(struct kr *);
bool		 kr_has_nexthops(const struct kr *);

/* Watch ifname: its state now and every change go to hooks.link.
 * Returns whether it is up now. */
bool		 kr_watch_link(struct kr *, const char *ifname);

/* Create or replace nexthop object id: gateway gw on ifname (onlink). */
int		 kr_nexthop(struct kr *, uint32_t id, const char *ifname,
		    struct in_addr gw);
/* The same with an IPv6 gateway (kr_conf.inet6): a link-local one, or
 * one in the tunnel's /126; IPv6 routes need IPv6 nexthops (or groups of
 * them). */
int		 kr_nexthop6(struct kr *, uint32_t id, const char *ifname,
		    const struct in6_addr *gw);
/* Create or replace group id with these members (equal weight). */
int		 kr_group(struct kr *, uint32_t id, const uint32_t *members,
		    size_t n);
int		 kr_nexthop_del(struct kr *, uint32_t id);

/*
 * Add or replace a route of ours on nexthop object (or group) nhid.
 * IPv6: metric 0 is refused (the kernel would make it 1024, and a
 * deletion at metric 0 takes any metric).
 */
int		 kr_route(struct kr *, const struct kr_prefix *, uint32_t metric,
		    uint32_t nhid);
/* Without nexthop objects: a route via gw on ifname (IPv4 prefixes; an
 * IPv6 one with kr_route_via6). */
int		 kr_route_via(struct kr *, const struct kr_prefix *,
		    uint32_t metric, const char *ifname, struct in_addr gw);
int		 kr_route_via6(struct kr *, const struct kr_prefix *,
		    uint32_t metric, const char *ifname,
		    const struct in6_addr *gw);
int		 kr_route_del(struct kr *, const struct kr_prefix *,
		    uint32_t metric);

/* Send what is queued now. */
void		 kr_flush(struct kr *);
/* Requests queued or sent and not yet answered. */
size_t		 kr_pending(const struct kr *);

/*
 * Our routes and nexthops as the kernel has them now (a synchronous
 * dump, for start-up and resync).  nhid is 0 for a plain route.  Routes
 * of both families with kr_conf.inet6, IPv4 first; nexthops of both.
 * The prefixes kr hands out (here and to hooks.route_lost) have family
 * AF_INET or AF_INET6, never 0.
 */
typedef void	(*kr_route_fn)(const struct kr_prefix *, uint32_t metric,
		    uint32_t nhid, void *arg);
typedef void	(*kr_nexthop_fn)(uint32_t id, bool group, void *arg);
int		 kr_dump_routes(struct kr *, kr_route_fn, void *arg);
int		 kr_dump_nexthops(struct kr *, kr_nexthop_fn, void *arg);
/* The same dump with what each nexthop is: a gateway on interface index
 * oif (n 0), or a group of n members (oif 0). */
typedef void	(*kr_nexthop_members_fn)(uint32_t id, int oif,
		    const uint32_t *members, size_t n, void *arg);
int		 kr_dump_nexthop_members(struct kr *, kr_nexthop_members_fn,
		    void *arg);

#endif
