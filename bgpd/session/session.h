/* SPDX-License-Identifier: ISC */
/*
 * session.h: BGP sessions with the VGW endpoints, one per configured
 * neighbor, each bound to its tunnel interface.  The session layer owns
 * the sockets and timers, feeds events to the pure FSM (fsm.h) and carries
 * out the actions it returns; messages are built and checked by msg.h.
 *
 * Received routes leave through sess_hooks.update after the checks of RFC
 * 4271 6.3 that need the session's context (NEXT_HOP on the tunnel, first
 * AS the peer's): the hook sees only what is to be used or withdrawn.
 *
 * A neighbor is of either family: an IPv6 neighbor's session runs over
 * IPv6 sockets and carries IPv6 unicast only (RFC 4760, RFC 2545), in
 * the IPv6 lists of struct msg_update; an IPv4 one IPv4 unicast only.
 */
#ifndef VTB_SESSION_H
#define VTB_SESSION_H

#include <ev.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgpd/session/fsm.h"
#include "bgpd/session/msg.h"
#include "bgpd/conf/conf.h"

#define SESS_MAX_PEERS	8	/* neighbors; each has a slot below it */

struct peer;
struct sess_engine;

/* What the rest of the daemon hears from the sessions. */
struct sess_hooks {
	/* The FSM of p moved from old to its current state. */
	void	(*state_change)(struct peer *p, enum fsm_state old, void *arg);
	/* A checked UPDATE from p: withdraw u->withdrawn (withdrawn6),
	 * then use u->nlri (nlri6) with u->attrs (u->action is UPD_OK or
	 * UPD_TREAT_AS_WITHDRAW); End-of-RIB of p's family is end_of_rib
	 * (end_of_rib6). */
	void	(*update)(struct peer *p, const struct msg_update *u,
		    void *arg);
	void	*arg;
};

/* A NOTIFICATION as remembered for `show neighbor`. */
struct sess_notif {
	bool		valid;
	uint8_t		code;
	uint8_t		subcode;
	uint64_t	when_ms;		/* CLOCK_REALTIME */
	char		text[MSG_SHUTDOWN_MAX * 4 + 1];	/* RFC 8203 */
};

/* Counters of one neighbor, for show, watch and metrics. */
struct sess_stats {
	uint64_t		msgs_in[MSG_ROUTE_REFRESH + 1];	/* by type */
	uint64_t		msgs_out[MSG_ROUTE_REFRESH + 1];
	uint64_t		prefixes_in;	/* NLRI received, total */
	uint64_t		withdrawals_in;
	uint64_t		treat_as_withdraw;
	uint64_t		bad_nexthop;
	uint32_t		flaps;		/* Established -> down */
	uint32_t		connect_attempts;
	uint64_t		established_ms;	/* monotonic, 0 if not */
	uint64_t		last_change_ms;
	struct sess_notif	notif_sent;
	struct sess_notif	notif_rcvd;
	/* NOTIFICATIONs by error code (RFC 4271 4.5; 0 and >7 in [0]) */
	uint64_t		notifs_sent[ERR_ROUTE_REFRESH + 1];
	uint64_t		notifs_rcvd[ERR_ROUTE_REFRESH + 1];
	char			last_error[512];
};

/* Why a session last left Established. */
enum sess_down {
	SESS_DOWN_NONE,		/* it did not, or for another reason */
	SESS_DOWN_HOLD,		/* hold timer expired: silent failure */
	SESS_DOWN_PROBE,	/* liveness probes lost: silent failure */
	SESS_DOWN_LINK,		/* tunnel interface down, or address gone */
	SESS_DOWN_ADMIN,	/* operator, drill, max-prefix */
	SESS_DOWN_NOTIF,	/* the peer sent a NOTIFICATION */
	SESS_DOWN_CONN,		/* the TCP connection failed */
};

/* Read-only view of a neighbor. */
struct sess_info {
	const struct conf_neighbor	*conf;
	const char			*name;	/* "169.254.249.57",
						   "fd00:1::1" */
	unsigned			 slot;
	enum fsm_state			 state;
	bool				 admin_down;
	uint8_t				 af;	/* the neighbor's */
	struct in_addr			 local_addr;	/* 0 if unknown */
	struct in6_addr			 local_addr6;	/* IPv6: :: if so */
	struct in_addr			 peer_id;
	uint16_t			 hold_negotiated;
	uint16_t			 keepalive;
	bool				 as4;
	struct msg_caps			 peer_caps;
	const struct sess_stats		*stats;
	/* The session was lost without a NOTIFICATION and the peer does
	 * graceful restart (RFC 4724): keep its routes this long. */
	bool				 graceful_down;
	uint16_t			 gr_restart_s;
	bool				 link_down;
	bool				 probe_down;
	enum sess_down			 last_down;
	bool				 steering;	/* halves announced */
};

/*
 * The engine for the neighbors of conf, in loop.  port is the TCP port to
 * listen on and connect to (179).  conf is not kept: the engine copies
 * what it needs.
 */
struct sess_engine *sess_engine_new(struct ev_loop *loop,
		    const struct conf *conf, uint16_t port,
		    const struct sess_hooks *hooks);

/* Open the listening socket and start every neighbor.  0 or -1 (logged). */
int		 sess_engine_start(struct sess_engine *);

/*
 * Take a new configuration: neighbors whose settings are unchanged stay
 * up; changed ones are reset, removed ones get Cease/Peer De-configured,
 * new ones start.  Exported networks are announced or withdrawn without a
 * reset.
 */
void		 sess_engine_reconfigure(struct sess_engine *,
		    const struct conf *conf);

/*
 * We restarted with our routes still in the kernel: the OPENs we send
 * carry the graceful restart R bit and the F bit for the session's
 * family (IPv4 or IPv6 unicast, RFC 4724 3), until this is set false
 * again (sessions converged).
 */
void		 sess_engine_set_restarting(struct sess_engine *, bool);

/*
 * Stop (pause true) or resume reading every session's socket: what the
 * peers send waits in the kernel, and TCP slows them down.  Timers and
 * writes go on (our KEEPALIVEs keep flowing), but received messages do
 * not restart the hold timers: the caller must keep pauses well below
 * the shortest hold time (3 s).  Connections made while paused start
 * paused.
 */
void		 sess_engine_pause(struct sess_engine *, bool pause);

/* Cease/Administrative Shutdown with reason to every peer, close all. */
void		 sess_engine_stop(struct sess_engine *, const char *reason);
void		 sess_engine_free(struct sess_engine *);

/* Neighbors, in configuration order; NULL past the end. */
struct peer	*sess_peer_at(struct sess_engine *, size_t i);
/* The neighbor with this address or interface name, or NULL. */
struct peer	*sess_peer_find(struct sess_engine *, const char *addr_or_if);
void		 sess_peer_info(const struct peer *, struct sess_info *);

/* Operator actions (control socket).  0, or -1 with a reason in why. */
int		 sess_peer_shutdown(struct peer *, const char *message);
int		 sess_peer_enable(struct peer *);
int		 sess_peer_reset(struct peer *, const char *message);
int		 sess_peer_refresh(struct peer *, char *why, size_t len);

/*
 * p sent more prefixes than limit: Cease/Maximum Number of Prefixes
 * Reached (RFC 4486), and the session stays down until reset (enable or
 * reset) or, if restart_ms is not 0, for that long.
 */
void		 sess_peer_max_prefix(struct peer *, uint32_t limit,
		    uint32_t restart_ms);

/*
 * The tunnel interface of p went down (carrier or admin): the session
 * goes down at once, without waiting for the hold timer, and is not
 * retried until the link is up again, which restarts it at once.
 */
void		 sess_peer_link(struct peer *, bool up);

/*
 * The liveness probes of p's tunnel declared it dead (alive false): as
 * for a link down, the session goes down at once and is not retried
 * until the probes find the tunnel alive again.
 */
void		 sess_peer_probe(struct peer *, bool alive);

/*
 * Return steering: while on, p also announces each of our networks split
 * in its two halves (longer prefixes win first in the VGW's choice), so
 * the VPC's return traffic comes through p's tunnel.  Off withdraws them.
 */
void		 sess_peer_steer(struct peer *, bool on);

/* Prefixes announced to p now (networks, plus halves while steering). */
size_t		 sess_peer_exported(const struct peer *);

/*
 * An IPv4 address came (added) or went on p's tunnel interface: the session
 * goes down at once if its inside address went, and an idle session
 * tries again at once when an address comes.
 */
void		 sess_peer_addr(struct peer *, struct in_addr, bool added);
/* The same for an IPv6 address (usable: duplicate address detection
 * done). */
void		 sess_peer_addr6(struct peer *, const struct in6_addr *,
		    bool added);

#endif
