/* SPDX-License-Identifier: ISC */
/*
 * daemon.c: the libev loop of vtibgpd and its signals: SIGHUP reloads the
 * configuration (a bad file keeps the old one), SIGTERM and SIGINT stop.
 */
#include "config.h"

#include <errno.h>
#include <ev.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/control/ctl_handlers.h"
#include "bgpd/daemon.h"
#include "bgpd/drill.h"
#include "bgpd/privdrop.h"
#include "bgpd/router.h"
#include "bgpd/sdnotify.h"
#include "bgpd/util/clock.h"
#include "bgpd/util/log.h"

struct daemon {
	struct ev_loop	*loop;
	struct conf	*conf;
	char		*conf_path;
	char		*sock_path;
	ev_signal	 sighup;
	ev_signal	 sigterm;
	ev_signal	 sigint;
	struct router	*router;
	struct drills	*drills;
	struct ctl_server *ctl;
	ev_timer	 tick;		/* once a second, for watch */
	uint64_t	 started_ms;
	int		 exit_status;
};

/* Router events to the clients of `vtibgpctl watch`. */
static void
on_router_event(enum router_event ev, const char *neighbor,
    const char *ifname, const char *text, void *arg)
{
	static const Vtibgp__EventKind kinds[] = {
		[ROUTER_EV_STATE] = VTIBGP__EVENT_KIND__EVENT_STATE,
		[ROUTER_EV_LINK] = VTIBGP__EVENT_KIND__EVENT_LINK,
		[ROUTER_EV_FAILOVER] = VTIBGP__EVENT_KIND__EVENT_FAILOVER,
		[ROUTER_EV_ROUTES] = VTIBGP__EVENT_KIND__EVENT_ROUTES,
		[ROUTER_EV_KERNEL] = VTIBGP__EVENT_KIND__EVENT_KERNEL,
		[ROUTER_EV_PROBE] = VTIBGP__EVENT_KIND__EVENT_PROBE,
		[ROUTER_EV_STEER] = VTIBGP__EVENT_KIND__EVENT_FAILOVER,
	};

	ctl_watch_emit(kinds[ev], neighbor, ifname, "%s", text);
}

static void
on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	ctl_watch_tick();
}

static void
on_sighup(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon	*d = w->data;

	log_info("SIGHUP: reloading %s", d->conf_path);
	(void)daemon_reload(d, NULL, 0);
}

static void
on_sigterm(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon	*d = w->data;

	log_info("%s: shutting down", w->signum == SIGINT ? "SIGINT" :
	    "SIGTERM");
	sdnotify("STOPPING=1\nSTATUS=shutting down");
	ctl_server_close(d->ctl);
	d->ctl = NULL;
	router_stop(d->router, "vtibgpd shutting down",
	    d->conf->kernel.keep_routes);
	d->exit_status = 0;
	ev_break(loop, EVBREAK_ALL);
}

struct daemon *
daemon_new(struct conf *conf, const char *conf_path, const char *sock_path)
{
	struct daemon	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		fatal("calloc");
	if ((d->loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		fatalx("cannot start the libev loop");
	d->conf = conf;
	if ((d->conf_path = strdup(conf_path)) == NULL ||
	    (d->sock_path = strdup(sock_path)) == NULL)
		fatal("strdup");
	ev_signal_init(&d->sighup, on_sighup, SIGHUP);
	ev_signal_init(&d->sigterm, on_sigterm, SIGTERM);
	ev_signal_init(&d->sigint, on_sigterm, SIGINT);
	d->sighup.data = d->sigterm.data = d->sigint.data = d;
	ev_signal_start(d->loop, &d->sighup);
	ev_signal_start(d->loop, &d->sigterm);
	ev_signal_start(d->loop, &d->sigint);
	signal(SIGPIPE, SIG_IGN);
	d->router = router_new(d->loop, conf);
	router_set_events(d->router, on_router_event, ctl_watch_route_allowed,
	    d);
	d->drills = drills_new(d->loop, d->router);
	ev_timer_init(&d->tick, on_tick, 1., 1.);
	return d;
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	ev_signal_stop(d->loop, &d->sighup);
	ev_signal_stop(d->loop, &d->sigterm);
	ev_signal_stop(d->loop, &d->sigint);
	ev_timer_stop(d->loop, &d->tick);
	ctl_server_close(d->ctl);
	ctl_watch_free();
	drills_free(d->drills);
	router_free(d->router);
	ev_loop_destroy(d->loop);
	conf_free(d->conf);
	free(d->conf_path);
	free(d->sock_path);
	free(d);
}

/* The directory of the control socket (e.g. /run) may not exist yet. */
static void
make_parent_dir(const char *path)
{
	char	dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		log_warn("mkdir %s", dir);
}

/*
 * Sockets and netlink are open: become the configured user.  The config
 * file must stay readable for reloads.
 */
static int
drop_privileges(struct daemon *d)
{
	char	why[256];
	uid_t	uid;
	gid_t	gid;

	if (priv_lookup(d->conf->user, &uid, &gid, why, sizeof(why)) == -1) {
		log_warnx("cannot drop privileges: %s", why);
		return -1;
	}
	if (priv_drop(d->conf->user, why, sizeof(why)) == -1) {
		log_warnx("cannot drop privileges: %s", why);
		return -1;
	}
	if (access(d->conf_path, R_OK) == -1)
		log_warnx("%s is not readable by user %s: reload will fail "
		    "(make it owned by root, group %s, mode 0640)", d->conf_path,
		    d->conf->user, d->conf->user);
	return 0;
}

int
daemon_run(struct daemon *d)
{
	log_info("vtibgpd %s running: %zu neighbor(s), config %s",
	    PACKAGE_VERSION, d->conf->n_neighbors, d->conf_path);
	d->exit_status = 1;
	d->started_ms = clock_mono_ms();
	make_parent_dir(d->sock_path);
	if ((d->ctl = ctl_server_open(d->loop, d->sock_path, ctl_handlers,
	    d)) == NULL)
		return 1;
	ctl_server_set_group(d->ctl, d->conf->control_group);
	ev_timer_start(d->loop, &d->tick);
	if (router_start(d->router) == -1)
		return 1;
	if (d->conf->user != NULL && drop_privileges(d) == -1)
		return 1;
	sdnotify("READY=1\nSTATUS=running: %zu neighbor(s)",
	    d->conf->n_neighbors);
	ev_run(d->loop, 0);
	return d->exit_status;
}

void
daemon_log_warnings(const struct conf *c, const char *path)
{
	char	buf[1024];
	size_t	i;

	for (i = 0; i < c->n_warnings; i++)
		log_warnx("%s", conf_warning_str(&c->warnings[i], path, buf,
		    sizeof(buf)));
}

int
daemon_reload(struct daemon *d, char *why, size_t len)
{
	struct conf_error	 err;
	struct conf		*c;
	char			 msg[1024];

	sdnotify("RELOADING=1\nMONOTONIC_USEC=%" PRIu64, clock_mono_us());
	if ((c = conf_parse_file(d->conf_path, &err)) == NULL) {
		conf_error_str(&err, msg, sizeof(msg));
		log_warnx("reload failed, keeping the running configuration: "
		    "%s", msg);
		ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_RELOAD, NULL, NULL,
		    "reload failed, the running configuration stays: %s", msg);
		sdnotify("READY=1\nSTATUS=reload failed, running configuration "
		    "kept: %s", msg);
		if (why != NULL)
			snprintf(why, len, "%s", msg);
		return -1;
	}
	if ((c->user == NULL) != (d->conf->user == NULL) || (c->user != NULL &&
	    strcmp(c->user, d->conf->user) != 0))
		log_warnx("reload: the user changed (%s -> %s); that takes a "
		    "restart", d->conf->user ? d->conf->user : "root",
		    c->user ? c->user : "root");
	daemon_log_warnings(c, d->conf_path);
	router_reconfigure(d->router, c);
	conf_free(d->conf);
	d->conf = c;
	ctl_server_set_group(d->ctl, c->control_group);
	log_info("configuration reloaded: %zu neighbor(s)", c->n_neighbors);
	sdnotify("READY=1\nSTATUS=running: %zu neighbor(s), configuration "
	    "reloaded", c->n_neighbors);
	ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_RELOAD, NULL, NULL,
	    "configuration reloaded");
	return 0;
}

const struct conf *
daemon_conf(const struct daemon *d)
{
	return d->conf;
}

struct drills *
daemon_drills(struct daemon *d)
{
	return d->drills;
}

struct ctl_server *
daemon_ctl(struct daemon *d)
{
	return d->ctl;
}

struct router *
daemon_router(struct daemon *d)
{
	return d->router;
}

uint64_t
daemon_started_ms(const struct daemon *d)
{
	return d->started_ms;
}
