/* SPDX-License-Identifier: ISC */
/*
 * ctl_handlers.h: what the daemon answers on its control socket: one
 * handler per method of proto/vtibgp.proto that this version serves, and
 * the live events that Watch streams, which the daemon makes.
 */
#ifndef VTB_CTL_HANDLERS_H
#define VTB_CTL_HANDLERS_H

#include "bgpd/control/ctl.h"

/* The handler table; the handlers' arg is the struct daemon. */
extern const struct ctl_handler ctl_handlers[];

/* ctl_watch.c: an event for every client that watches. */
void	ctl_watch_emit(Vtibgp__EventKind, const char *neighbor,
	    const char *ifname, const char *fmt, ...) VTB_PRINTF(4, 5);
/* Whether one more route change may be sent now (rate limit). */
bool	ctl_watch_route_allowed(void);
/* Call every second: reports route changes held back. */
void	ctl_watch_tick(void);
/* Free the event ring (at exit). */
void	ctl_watch_free(void);

#endif
