/* SPDX-License-Identifier: ISC */
/*
 * daemon.h: the running daemon: its event loop, its configuration and
 * what signals do to them.
 */
#ifndef VTB_DAEMON_H
#define VTB_DAEMON_H

#include <stdbool.h>

#include "bgpd/conf/conf.h"

struct daemon;
struct ctl_server;

/*
 * Create a daemon that runs conf (ownership passes to it), read from
 * conf_path, with its control socket at sock_path.
 */
struct daemon	*daemon_new(struct conf *conf, const char *conf_path,
		    const char *sock_path);
void		 daemon_free(struct daemon *);

/* Run the event loop until SIGTERM or SIGINT.  Returns the exit status. */
int		 daemon_run(struct daemon *);

/*
 * Read the config file again.  On success the new configuration replaces
 * the running one and 0 is returned; on error the running one stays, the
 * reason is logged and copied to why (if not NULL), and -1 is returned.
 */
int		 daemon_reload(struct daemon *, char *why, size_t len);

/* The configuration in force. */
const struct conf *daemon_conf(const struct daemon *);
/* The routing job, its drills, and when the daemon started (monotonic
 * ms). */
struct router	*daemon_router(struct daemon *);
struct drills	*daemon_drills(struct daemon *);
/* Its control socket (NULL once shutting down). */
struct ctl_server *daemon_ctl(struct daemon *);
uint64_t	 daemon_started_ms(const struct daemon *);

/* Log each warning of conf, prefixed by the file name. */
void		 daemon_log_warnings(const struct conf *, const char *path);

#endif
