/* SPDX-License-Identifier: ISC */
/*
 * fib.h: from the RIB's choice of tunnels to routes in the kernel.
 *
 * Each tunnel i has a nexthop object NH(i) (its VGW address on its
 * interface) and a group G(i), normally {NH(i)}.  A prefix whose best
 * tunnel is i has a primary route (metric M) on G(i); if another tunnel
 * j also has a path, a standby route (metric M+1) on G(j).  So:
 * - on carrier loss of tunnel i the kernel itself removes NH(i), G(i) and
 *   the primaries on it, and the standbys forward at once;
 * - on a silent failure (hold timer, NOTIFICATION, probes) G(i) is
 *   rewritten to {NH(j)}: one netlink message moves every prefix.
 * Routes that forward where the RIB wants are left alone: after a
 * failover the primaries stay on G(i) (silent), or the standbys go on
 * forwarding while G(i) is made again pointing at a survivor and the
 * primaries are put back on it in the background (carrier).  When tunnel
 * i is back and has sent its routes again (all but a few), G(i) is
 * {NH(i)} again: one message moves them back (the few that tunnel i does
 * not carry are moved one by one first).  A group is never made to
 * forward a prefix into a tunnel that has no path for it: before it
 * moves, such a primary is put on the nexthop it forwards to (pinned),
 * where the RIB's next word finds it (a stale path kept across a peer's
 * graceful restart so keeps forwarding into its own tunnel).  The RIB
 * keeps, per prefix, where its routes are (its user bytes).  With ECMP,
 * a prefix that uses several tunnels has its primary (and no standby) on
 * a group holding all of them, and stays there while the group forwards
 * where the RIB wants: on carrier loss the kernel drops the dead member,
 * on a silent failure the group is rewritten to the survivors (one
 * message), and no route is written either way.  A tunnel that is back
 * joins its groups again (one message) once every route on them wants
 * it again, or once it has sent its routes (the few routes on them that
 * it does not carry are then moved one by one first).
 */
#ifndef VTB_FIB_H
#define VTB_FIB_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgpd/conf/conf.h"
#include "netlink/kr.h"
#include "rib/rib.h"

struct fib;

/* Kernel routes as conf->kernel says; tunnels come with fib_tunnel_set. */
struct fib	*fib_new(struct ev_loop *, const struct conf *);
void		 fib_free(struct fib *);

/*
 * Tunnel slot is the VGW at the neighbor's address (either family) on
 * its interface (configured; not yet usable),
 * ranked by its neighbor's preference: of the other tunnels with a path,
 * the standby route and a failed tunnel's group use the one ranked
 * highest.  A new preference moves the standbys at once.
 */
void		 fib_tunnel_set(struct fib *, unsigned slot,
		    const struct conf_neighbor *);
/* Tunnel slot is no longer configured. */
void		 fib_tunnel_clear(struct fib *, unsigned slot);

/*
 * Start: netlink up, nexthop objects for the tunnels, a dump of routes
 * left by an earlier run (kept forwarding until fib_converged()).  The
 * link hook hears tunnel interfaces going up and down.  0 or -1.
 */
int		 fib_start(struct fib *,
		    void (*link)(unsigned slot, bool up, void *arg), void *arg);

/* New configuration: kernel settings that changed need a restart
 * (logged); returns -1 then. */
int		 fib_reconfigure(struct fib *, const struct conf *);

/* A RIB change: install, re-point or remove the routes of one prefix. */
void		 fib_change(struct fib *, const struct rib_change *);

/*
 * How fib reaches the RIB: lookup gives the user bytes of a prefix (NULL
 * if unknown), to put back a route someone else deleted; walk visits
 * the prefixes with their user bytes, as rib_walk_user_part (after a
 * carrier loss, when a tunnel is back, to install the standbys held back
 * at start, and to install everything again when kernel notifications
 * were lost).
 */
void		 fib_set_lookup(struct fib *, const uint8_t *(*lookup)(
		    const struct kr_prefix *, void *arg),
		    size_t (*walk)(size_t from, size_t n, rib_walk_user_fn,
		    void *fn_arg, void *arg), void *arg);
/* What happens in the kernel that an operator should see (errors, routes
 * put back, stale routes removed), one line each. */
void		 fib_set_events(struct fib *, void (*fn)(const char *text,
		    void *arg), void *arg);

/* An IPv4 address came (added) or went on tunnel slot's interface; fn6
 * the same for IPv6 (usable: duplicate address detection over). */
void		 fib_set_addr(struct fib *, void (*fn)(unsigned slot,
		    struct in_addr, bool added, void *arg),
		    void (*fn6)(unsigned slot, const struct in6_addr *,
		    bool added, void *arg), void *arg);

/*
 * Tunnel slot is usable again (session established).  Its group points
 * at it again at once, or, if it points at another tunnel, once the
 * routes on it all want tunnel slot, or at fib_tunnel_synced.  With
 * ECMP it joins the groups it was taken out of likewise.
 */
void		 fib_tunnel_up(struct fib *, unsigned slot);
/* Tunnel slot has sent its routes (End-of-RIB, or quiet for a while). */
void		 fib_tunnel_synced(struct fib *, unsigned slot);
/*
 * Tunnel slot stopped forwarding.  If its link is still up (a silent
 * failure), move its group to another live tunnel now (one message).
 * Returns the time that took in microseconds (0 if nothing to do).
 */
uint64_t	 fib_tunnel_down(struct fib *, unsigned slot);
/* The interface of the tunnel that slot's group forwards into now (the
 * first, if several), or NULL (no group, or it forwards nowhere). */
const char	*fib_points_at(const struct fib *, unsigned slot);

/* Routes of an earlier run were found at start. */
bool		 fib_restarted(const struct fib *);

/* Sessions converged (or the start-up timeout passed): routes of an
 * earlier run that were not learned again are removed.  Until then new
 * standby routes wait while the kernel is busy, so that every prefix
 * first gets its primary; they follow at the kernel's pace. */
void		 fib_converged(struct fib *);

/* Exit: remove our routes and nexthops unless keep, and wait (bounded)
 * until the kernel has answered. */
void		 fib_shutdown(struct fib *, bool keep);

/* Kernel state of the tunnels and counters, for show and metrics. */
struct fib_stats {
	uint64_t	routes;		/* primary routes installed */
	uint64_t	standbys;
	uint64_t	errors;
	uint64_t	failovers;
	uint64_t	last_failover_us;
	bool		nexthops;	/* nexthop objects in use */
};
void		 fib_stats(const struct fib *, struct fib_stats *);

/* Kernel requests sent or queued and not yet confirmed. */
size_t		 fib_pending(const struct fib *);

/*
 * What the kernel forwards on now, read back from it (a synchronous dump
 * of our routes and nexthops): for the primary routes, how many forward
 * into each tunnel, whichever nexthop or group they are on.  -1 if the
 * kernel could not be read; verified is false with plain routes (no
 * nexthop objects to resolve).
 */
struct fib_check {
	bool		verified;
	uint64_t	primaries;
	uint64_t	on[RIB_MAX_PEERS];	/* a route on a group of two
						   tunnels counts for both */
	uint64_t	unresolved;		/* nexthop not found */
};
int		 fib_check(struct fib *, struct fib_check *);

/* Whether tunnel slot's interface is up (admin up and carrier). */
bool		 fib_link_up(const struct fib *, unsigned slot);
/* The metric of primary routes. */
uint32_t	 fib_metric(const struct fib *);

/* A route of ours for a prefix, as its user bytes in the RIB say. */
struct fib_route {
	bool		present;
	uint32_t	nhid;		/* the group it is on, or with
					   tunnel_nexthop the tunnel's
					   own nexthop; 0: a plain route */
	bool		tunnel_nexthop;	/* a primary its tunnel's
					   group cannot carry now (it
					   forwards into a tunnel
					   without a path for it) */
	uint8_t		forwards;	/* its tunnels now */
};
void		 fib_routes_of(const struct fib *,
		    const uint8_t user[RIB_USER_BYTES],
		    struct fib_route *primary, struct fib_route *standby);
/* The nexthop object of tunnel slot, its interface and gateway (as
 * text, either family). */
uint32_t	 fib_nexthop(const struct fib *, unsigned slot,
		    const char **ifname, char gw[INET6_ADDRSTRLEN]);

#endif
