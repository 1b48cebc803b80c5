/* SPDX-License-Identifier: ISC */
/*
 * router.h: the routing job wired together: BGP sessions (session.h)
 * feed the RIB (rib/rib.h), whose choices become kernel routes
 * (fib.h); tunnel links going down take their sessions down at once.
 */
#ifndef VTB_ROUTER_H
#define VTB_ROUTER_H

#include <ev.h>
#include <stdbool.h>

#include "bgpd/conf/conf.h"

#define ROUTER_CONVERGE_TIMEOUT_S	60.	/* stale routes kept at most */
#define ROUTER_QUIET_S			3.	/* no UPDATE: converged */
#define ROUTER_STEER_MIN_STABLE_S	3	/* see router_steer_stable_s */

struct router;

/* What the router tells the operator's tools (vtibgpctl watch). */
enum router_event {
	ROUTER_EV_STATE,	/* a session changed state */
	ROUTER_EV_LINK,		/* a tunnel interface went up or down */
	ROUTER_EV_FAILOVER,	/* traffic moved off a tunnel */
	ROUTER_EV_ROUTES,	/* a prefix changed tunnels */
	ROUTER_EV_KERNEL,	/* kernel programming: errors, repairs */
	ROUTER_EV_PROBE,	/* a liveness probe's verdict changed */
	ROUTER_EV_STEER,	/* return steering on or off */
};
typedef void	(*router_event_fn)(enum router_event, const char *neighbor,
		    const char *ifname, const char *text, void *arg);
/* wants_routes: whether ROUTER_EV_ROUTES is wanted now (it is costly). */
void		 router_set_events(struct router *, router_event_fn,
		    bool (*wants_routes)(void), void *arg);

struct router	*router_new(struct ev_loop *, const struct conf *);
/* Kernel first, then sessions.  0, or -1 (logged). */
int		 router_start(struct router *);
void		 router_reconfigure(struct router *, const struct conf *);
/* Cease to every peer; routes removed unless keep_routes. */
void		 router_stop(struct router *, const char *reason,
		    bool keep_routes);
void		 router_free(struct router *);

/* The parts, for the control socket (read, or act through their API). */
struct sess_engine *router_sessions(struct router *);
struct rib	*router_rib(struct router *);
struct fib	*router_fib(struct router *);
/* The liveness prober of tunnel slot, or NULL if it has none. */
struct probe	*router_probe(struct router *, unsigned slot);

/*
 * Return steering: the tunnels (mask of slots) that failed silently and
 * have not yet been stable for router_steer_stable_s since they came back.
 * While it is not 0, the other established sessions announce halves.
 */
uint8_t		 router_steering(const struct router *);
/* How long a silently failed tunnel's session must stay up before the
 * halves go: its negotiated hold time, at least the minimum above. */
unsigned	 router_steer_stable_s(const struct router *, unsigned slot);

#endif
