/* SPDX-License-Identifier: ISC */
/*
 * drill_impl.h: what drill.c (the drill's steps on the event loop) and
 * drill_preflight.c (the checks before it starts) share.  Not for use
 * outside them.
 */
#ifndef VTB_DRILL_IMPL_H
#define VTB_DRILL_IMPL_H

#include <arpa/inet.h>
#include <stdbool.h>

#include "bgpd/drill.h"
#include "bgpd/util/log.h"

struct conf;
struct peer;
struct probe;

enum phase {
	PH_IDLE,
	PH_PRECHECK,		/* --probe answers before anything changes */
	PH_FAILOVER,		/* active shut down; until confirmed */
	PH_HOLD,		/* out of service for hold_s */
	PH_FAILBACK,		/* enabled again; until confirmed */
};

struct drills {
	struct ev_loop		*loop;
	struct router		*r;
	struct drill		 hist[DRILL_HISTORY];
	size_t			 n_hist;
	uint32_t		 next_id;

	/* the drill running (hist[n_hist - 1]) */
	enum phase		 ph;
	drill_fn		 fn;
	void			*arg;
	char			 from_peer[INET6_ADDRSTRLEN];
	char			 to_peer[INET6_ADDRSTRLEN];
	unsigned		 from_slot;
	unsigned		 to_slot;
	uint32_t		 best_before;
	uint32_t		 accepted_before;
	uint64_t		 start_us;
	uint64_t		 phase_us;	/* shutdown or enable */
	uint64_t		 established_us; /* failback: session up */
	uint64_t		 accepted_us;	/* failback: paths back */
	uint8_t			 probe_af;	/* of --probe */
	struct in_addr		 probe_addr;
	struct in_addr		 probe_src;
	struct in6_addr		 probe_addr6;
	struct in6_addr		 probe_src6;
	struct probe		*probe;
	char			 who[24];	/* "drill N", for the log */
	bool			 probe_answered;
	bool			 failed;
	bool			 aborted;
	char			 abort_reason[128];
	ev_timer		 t_timeout;
	ev_timer		 t_hold;
	ev_timer		 t_precheck;
	ev_timer		 t_abort;	/* abort, out of the caller */
	ev_check		 w_check;
};

/* ---- drill.c ------------------------------------------------------------- */

/* The drill running, the last in the history. */
struct drill	*drills_cur(struct drills *);
/* One step of the drill running done: kept, logged, and told to the
 * client; a step not ok fails the drill. */
void		 drills_step(struct drills *, bool ok, const char *name,
		    const char *fmt, ...) VTB_PRINTF(4, 5);

/* ---- drill_preflight.c --------------------------------------------------- */

/* The tunnel to take out: the session on from (an interface or address),
 * or, without one, the Established one carrying most; NULL with why. */
struct peer	*drills_pick_active(struct drills *, const char *from,
		    char *why, size_t len);
/*
 * Both sessions Established, and a backup with a path for every prefix
 * the active tunnel has: the drill's from and to filled in, a step done.
 * false (a failed step) if not.
 */
bool		 drills_preflight(struct drills *, struct peer *active);
/* A local address inside one of c's networks, to ping from, so that the
 * answer comes back the way our traffic does; 0.0.0.0 if none. */
struct in_addr	 drills_probe_source(const struct conf *c);
/* The same for IPv6 (:: if none). */
struct in6_addr	 drills_probe_source6(const struct conf *c);

#endif
