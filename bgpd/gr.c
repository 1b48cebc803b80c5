/* SPDX-License-Identifier: ISC */
/*
 * gr.c: graceful restart as the receiving speaker (RFC 4724 4.2).
 *
 * Each peer is in one of three phases: none; restarting (its session is
 * down and its restart timer, the Restart Time it advertised, runs);
 * syncing (its session is up again and the stale-path timer runs until
 * its End-of-RIB).  The RIB marks the paths kept as stale; what DESIGN.md
 * adds is that a restarting peer's path is kept only where no other
 * tunnel has a fresh one (rib_peer_stale): traffic does not wait on a
 * restarting tunnel when another one carries the prefix.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgpd/gr.h"
#include "bgpd/util/clock.h"
#include "bgpd/util/log.h"

enum gr_phase {
	GR_NONE,
	GR_RESTARTING,		/* session down: the restart timer runs */
	GR_SYNCING,		/* session up: End-of-RIB awaited */
};

struct gr_peer {
	ev_timer	 t;		/* restart, then stale-path timer */
	struct gr	*gr;
	unsigned	 slot;
	enum gr_phase	 phase;
	char		 name[INET6_ADDRSTRLEN];
};

struct gr {
	struct ev_loop	*loop;
	struct rib	*rib;
	unsigned	 stalepath_s;
	struct gr_peer	 peer[RIB_MAX_PEERS];
};

static void	on_timer(struct ev_loop *, ev_timer *, int);

struct gr *
gr_new(struct ev_loop *loop, struct rib *rib, unsigned stalepath_s)
{
	struct gr	*g;
	unsigned	 i;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal("calloc");
	g->loop = loop;
	g->rib = rib;
	g->stalepath_s = stalepath_s;
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		ev_timer_init(&g->peer[i].t, on_timer, 1., 0.);
		g->peer[i].gr = g;
		g->peer[i].slot = i;
	}
	return g;
}

void
gr_stop(struct gr *g)
{
	unsigned	i;

	for (i = 0; i < RIB_MAX_PEERS; i++) {
		ev_timer_stop(g->loop, &g->peer[i].t);
		g->peer[i].phase = GR_NONE;
	}
}

void
gr_free(struct gr *g)
{
	if (g == NULL)
		return;
	gr_stop(g);
	free(g);
}

void
gr_set_stalepath(struct gr *g, unsigned stalepath_s)
{
	g->stalepath_s = stalepath_s;
}

bool
gr_active(const struct gr *g, unsigned slot)
{
	return slot < RIB_MAX_PEERS && g->peer[slot].phase != GR_NONE;
}

static struct gr_peer *
peer(struct gr *g, unsigned slot, const char *name)
{
	struct gr_peer	*p;

	if (slot >= RIB_MAX_PEERS)
		fatalx("gr: peer %u out of range", slot);
	p = &g->peer[slot];
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static void
phase_set(struct gr_peer *p, enum gr_phase phase, unsigned seconds)
{
	ev_timer_stop(p->gr->loop, &p->t);
	p->phase = phase;
	if (phase == GR_NONE)
		return;
	ev_timer_set(&p->t, seconds, 0.);
	ev_timer_start(p->gr->loop, &p->t);
}

/* The graceful restart of p is over: what is still stale goes. */
static void
flush_stale(struct gr_peer *p, const char *why)
{
	log_peer_info(p->name, "graceful restart done: %zu stale prefixes not "
	    "announced again are withdrawn (%s)",
	    rib_peer_stale_count(p->gr->rib, p->slot), why);
	phase_set(p, GR_NONE, 0);
	rib_peer_flush_stale(p->gr->rib, p->slot, clock_mono_ms());
}

/*
 * RFC 4724 4.2: "If the session does not get re-established within the
 * "Restart Time" that the peer advertised previously, the Receiving
 * Speaker MUST delete all the stale routes from the peer that it is
 * retaining."  And once it is: "To put an upper bound on the amount of
 * time a router retains the stale routes, an implementation MAY support
 * a (configurable) timer that imposes this upper bound."
 */
static void
on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct gr_peer	*p = (struct gr_peer *)w;

	flush_stale(p, p->phase == GR_RESTARTING ? "restart time over, the "
	    "session is not back" : "stale-path time over, no End-of-RIB");
}

void
gr_session_down(struct gr *g, unsigned slot, const char *name,
    bool graceful, unsigned restart_s)
{
	struct gr_peer	*p = peer(g, slot, name);

	if (!graceful || restart_s == 0) {
		phase_set(p, GR_NONE, 0);
		rib_peer_flush(g->rib, slot, clock_mono_ms());
		return;
	}
	/*
	 * RFC 4724 4.2: "When the Receiving Speaker detects termination of
	 * the TCP session for a BGP session with a peer that has advertised
	 * the Graceful Restart Capability, it MUST retain the routes
	 * received from the peer for all the address families that were
	 * previously received in the Graceful Restart Capability and MUST
	 * mark them as stale routing information.  To deal with possible
	 * consecutive restarts, a route (from the peer) previously marked as
	 * stale MUST be deleted."  A second restart before End-of-RIB so
	 * keeps what was announced again, once, and restarts the clock.
	 */
	rib_peer_stale(g->rib, slot, clock_mono_ms());
	log_peer_info(name, "graceful restart (RFC 4724): %zu prefixes "
	    "without another tunnel kept for up to %us",
	    rib_peer_stale_count(g->rib, slot), restart_s);
	phase_set(p, GR_RESTARTING, restart_s);
}

void
gr_session_up(struct gr *g, unsigned slot, const char *name, uint8_t af,
    const struct msg_caps *caps)
{
	struct gr_peer	*p = peer(g, slot, name);
	bool		 v6 = af == AF_INET6;
	bool		 listed = v6 ? caps->gr_ipv6 : caps->gr_ipv4;
	bool		 fwd = v6 ? caps->gr_ipv6_forwarding :
			    caps->gr_ipv4_forwarding;

	if (p->phase == GR_NONE)
		return;
	/*
	 * RFC 4724 4.2: "Once the session is re-established, if the
	 * Graceful Restart Capability is not received in the re-established
	 * session at all, or if the Graceful Restart Capability is received
	 * in the re-established session but it does not include a particular
	 * address family, or if the "Forwarding State" bit for a particular
	 * address family is not set in the received capability, the
	 * Receiving Speaker MUST immediately remove all the stale routes
	 * from the peer that it is retaining for that address family."
	 */
	if (!caps->gr || !listed || !fwd) {
		flush_stale(p, !caps->gr ? "the peer came back without "
		    "graceful restart" : !listed ? (v6 ? "the peer came "
		    "back without graceful restart for IPv6 unicast" :
		    "the peer came back without graceful restart for IPv4 "
		    "unicast") : v6 ? "the peer came back without its "
		    "forwarding state for IPv6 unicast" : "the peer came "
		    "back without its forwarding state for IPv4 unicast");
		return;
	}
	/* The restart time bounded the time without a session; now the
	 * stale paths wait for End-of-RIB, at most the stale-path time. */
	log_peer_info(name, "back from its graceful restart with its "
	    "forwarding state: %zu stale prefixes wait for End-of-RIB, %us "
	    "at most", rib_peer_stale_count(g->rib, slot), g->stalepath_s);
	phase_set(p, GR_SYNCING, g->stalepath_s);
}

/*
 * RFC 4724 4.2: "Once the End-of-RIB marker for an address family is
 * received from the peer, it MUST immediately remove any routes from the
 * peer that are still marked as stale for that address family."
 */
void
gr_end_of_rib(struct gr *g, unsigned slot, const char *name)
{
	struct gr_peer	*p = peer(g, slot, name);

	if (p->phase != GR_NONE)
		flush_stale(p, "End-of-RIB");
}

/*
 * RFC 4724 4.2: "In the event that it determines that its peer's
 * forwarding state is not viable prior to the re-establishment of the
 * session, the speaker MAY delete all the stale routes from the peer
 * that it is retaining."  A tunnel that lost its link (the kernel took
 * the routes with it) or its liveness probes forwards nothing.
 */
void
gr_forwarding_lost(struct gr *g, unsigned slot, const char *name,
    const char *why)
{
	struct gr_peer	*p = peer(g, slot, name);

	if (p->phase != GR_NONE)
		flush_stale(p, why);
}
