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
};

struct kr_prefix {
	struct in_addr	addr;
	uint8_t		len;
};

struct kr_hooks {
	/* A watched link changed: up means admin up and carrier. */
	void	(*link)(const char *ifname, bool up, void *arg);
	/* An IPv4 address was added to or removed from a watched link. */
	void	(*addr)(const char *ifname, struct in_addr addr, uint8_t plen,
		    bool added, void *arg);
	/* One of our routes was deleted by someone else. */
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
/* Create or replace group id with these members (equal weight). */
int		 kr_group(struct kr *, uint32_t id, const uint32_t *members,
		    size_t n);
int		 kr_nexthop_del(struct kr *, uint32_t id);

/* Add or replace a route of ours on nexthop object (or group) nhid. */
int		 kr_route(struct kr *, const struct kr_prefix *, uint32_t metric,
		    uint32_t nhid);
/* Without nexthop objects: a route via gw on ifname. */
int		 kr_route_via(struct kr *, const struct kr_prefix *,
		    uint32_t metric, const char *ifname, struct in_addr gw);
int		 kr_route_del(struct kr *, const struct kr_prefix *,
		    uint32_t metric);

/* Send what is queued now. */
void		 kr_flush(struct kr *);
/* Requests queued or sent and not yet answered. */
size_t		 kr_pending(const struct kr *);

/*
 * Our routes and nexthops as the kernel has them now (a synchronous
 * dump, for start-up and resync).  nhid is 0 for a plain route.
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
