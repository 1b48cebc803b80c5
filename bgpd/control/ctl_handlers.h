/* SPDX-License-Identifier: ISC */
/*
 * ctl_handlers.h: what the daemon answers on its control socket: one
 * handler per method of proto/vtibgp.proto that this version serves.
 */
#ifndef VTB_CTL_HANDLERS_H
#define VTB_CTL_HANDLERS_H

#include "bgpd/control/ctl.h"

/* The handler table; the handlers' arg is the struct daemon. */
extern const struct ctl_handler ctl_handlers[];

#endif
