/* SPDX-License-Identifier: ISC */
/*
 * sdnotify.h: tell the service manager how vtibgpd is doing, with the
 * systemd notify protocol (sd_notify(3)) spoken directly: one datagram of
 * newline-separated VAR=value lines, sent to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@').
 * No libsystemd.
 */
#ifndef VTB_SDNOTIFY_H
#define VTB_SDNOTIFY_H

#include "bgpd/util/log.h"

/*
 * Send the formatted state (e.g. "READY=1\nSTATUS=running") to the service
 * manager.  Does nothing when NOTIFY_SOCKET is unset or empty.  Never
 * blocks and never fails the caller: the first error is logged, later ones
 * are not.
 */
void	sdnotify(const char *fmt, ...) VTB_PRINTF(1, 2);

#endif
