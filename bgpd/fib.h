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
 * Then the RIB's changes re-point the primaries in the background, and
 * when tunnel i is back G(i) is {NH(i)} again.  With ECMP, a prefix that
 * uses several tunnels has its primary on a group holding all of them.
 */
#ifndef VTB_FIB_H
#define VTB_FIB_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgpd/conf.h"
#include "netlink/kr.h"
#include "rib/rib.h"

struct fib;

/* Kernel routes as conf->kernel says; tunnels come with fib_tunnel_set. */
struct fib	*fib_new(struct ev_loop *, const struct conf *);
void		 fib_free(struct fib *);

/* Tunnel slot is the VGW at gw on ifname (configured; not yet usable). */
void		 fib_tunnel_set(struct fib *, unsigned slot, const char *ifname,
		    struct in_addr gw);
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
 * Someone else deleted one of our routes: fib asks lookup for the tunnels
 * of the prefix and puts the route back if it should be there.  When
 * kernel notifications were lost, resync is asked to hand every prefix
 * to fib_reinstall.
 */
void		 fib_set_lookup(struct fib *, void (*lookup)(
		    const struct kr_prefix *, uint8_t *best, uint8_t *standby,
		    void *arg), void (*resync)(void *arg), void *arg);
/* What happens in the kernel that an operator should see (errors, routes
 * put back, stale routes removed), one line each. */
void		 fib_set_events(struct fib *, void (*fn)(const char *text,
		    void *arg), void *arg);

/* An IPv4 address came (added) or went on tunnel slot's interface. */
void		 fib_set_addr(struct fib *, void (*fn)(unsigned slot,
		    struct in_addr, bool added, void *arg), void *arg);

/* Install the routes of c's prefix for its current masks again. */
void		 fib_reinstall(struct fib *, const struct rib_change *);

/* Tunnel slot is usable again (session established): G(slot) = NH(slot). */
void		 fib_tunnel_up(struct fib *, unsigned slot);
/*
 * Tunnel slot stopped forwarding.  If its link is still up (a silent
 * failure), move its group to another live tunnel now (one message).
 * Returns the time that took in microseconds (0 if nothing to do).
 */
uint64_t	 fib_tunnel_down(struct fib *, unsigned slot);

/* Routes of an earlier run were found at start. */
bool		 fib_restarted(const struct fib *);

/* Sessions converged (or the start-up timeout passed): routes of an
 * earlier run that were not learned again are removed. */
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
/* The metric of primary routes, and the group a tunnel mask's routes use
 * (0 when plain routes are used). */
uint32_t	 fib_metric(const struct fib *);
uint32_t	 fib_group(const struct fib *, uint8_t mask);
/* The nexthop object of tunnel slot, its interface and gateway. */
uint32_t	 fib_nexthop(const struct fib *, unsigned slot,
		    const char **ifname, struct in_addr *gw);

#endif
