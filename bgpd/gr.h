/* SPDX-License-Identifier: ISC */
/*
 * gr.h: graceful restart as the receiving speaker (RFC 4724 4.2): what
 * the RIB keeps of a peer whose session went down and for how long.  The
 * router tells it of each session going down and up, of End-of-RIB and
 * of a tunnel that can no longer forward; it keeps the restart and
 * stale-path timers of each peer and flushes the RIB's stale paths when
 * one of them says so.  No sockets, no kernel.
 */
#ifndef VTB_GR_H
#define VTB_GR_H

#include <ev.h>
#include <stdbool.h>

#include "bgpd/session/msg.h"
#include "rib/rib.h"

struct gr;

/* For the peers of rib; stalepath_s bounds the wait for End-of-RIB. */
struct gr	*gr_new(struct ev_loop *, struct rib *, unsigned stalepath_s);
void		 gr_free(struct gr *);
/* Exit: no timer runs any more, whatever is kept stays as it is. */
void		 gr_stop(struct gr *);
void		 gr_set_stalepath(struct gr *, unsigned stalepath_s);

/*
 * The session of peer slot (named name in the log) left Established.
 * graceful: it was lost without a NOTIFICATION, its tunnel still up,
 * and the peer had advertised graceful restart for IPv4 unicast with
 * restart time restart_s (not 0).  Then its paths are kept stale where
 * no other peer has one (rib_peer_stale) for restart_s at most; else
 * they go (rib_peer_flush).
 */
void		 gr_session_down(struct gr *, unsigned slot,
		    const char *name, bool graceful, unsigned restart_s);

/* The session of slot (carrying family af) is Established again, the
 * peer's OPEN said caps. */
void		 gr_session_up(struct gr *, unsigned slot, const char *name,
		    uint8_t af, const struct msg_caps *caps);

/* End-of-RIB from slot (RFC 4724 2). */
void		 gr_end_of_rib(struct gr *, unsigned slot,
		    const char *name);

/* The tunnel of slot can no longer forward (link down, probes lost):
 * its stale paths go now (RFC 4724 4.2 allows it). */
void		 gr_forwarding_lost(struct gr *, unsigned slot,
		    const char *name, const char *why);

/* Whether slot's stale paths are kept now (restart or stale-path time). */
bool		 gr_active(const struct gr *, unsigned slot);

#endif
