/* SPDX-License-Identifier: ISC */
/*
 * ctl_handlers.c: the table of methods the daemon serves on its control
 * socket, and the small ones: neighbor actions and reload.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bgpd/control/ctl_handlers.h"
#include "bgpd/control/ctl_impl.h"
#include "bgpd/daemon.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"

enum action { SHUTDOWN, ENABLE, RESET, REFRESH };

static int
act(struct ctl_request *req, const ProtobufCMessage *in, void *arg,
    enum action what)
{
	const Vtibgp__NeighborAction	*na = (const void *)in;
	struct sess_engine		*e = router_sessions(daemon_router(arg));
	Vtibgp__ActionReply		 rep;
	struct sess_info		 si;
	struct peer			*p;
	char				 why[128] = "", msg[256];
	int				 rv = 0;

	if ((p = sess_peer_find(e, na->neighbor)) == NULL) {
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_NOT_FOUND,
		    "no neighbor %s", na->neighbor);
		return 0;
	}
	switch (what) {
	case SHUTDOWN:
		rv = sess_peer_shutdown(p, na->message);
		break;
	case ENABLE:
		rv = sess_peer_enable(p);
		break;
	case RESET:
		rv = sess_peer_reset(p, na->message);
		break;
	case REFRESH:
		rv = sess_peer_refresh(p, why, sizeof(why));
		break;
	}
	if (rv == -1) {
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_FAILED,
		    "%s: %s", na->neighbor, why);
		return 0;
	}
	sess_peer_info(p, &si);
	snprintf(msg, sizeof(msg), "%s: %s", si.name,
	    what == SHUTDOWN ? "shut down" : what == ENABLE ? "enabled" :
	    what == RESET ? "reset" : "route refresh sent");
	ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_ADMIN, si.name,
	    si.conf->ifname, "%s by uid %u", msg + strlen(si.name) + 2,
	    (unsigned)ctl_request_peer(req)->uid);
	vtibgp__action_reply__init(&rep);
	rep.message = msg;
	(void)ctl_reply(req, &rep.base);
	return 0;
}

static int
h_shutdown(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	return act(req, in, arg, SHUTDOWN);
}

static int
h_enable(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	return act(req, in, arg, ENABLE);
}

static int
h_reset(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	return act(req, in, arg, RESET);
}

static int
h_refresh(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	return act(req, in, arg, REFRESH);
}

static int
h_reload(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	Vtibgp__ReloadReply	rep;
	char			why[1024], ok[] = "configuration reloaded";

	if (daemon_reload(arg, why, sizeof(why)) == -1) {
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_FAILED, "%s",
		    why);
		return 0;
	}
	vtibgp__reload_reply__init(&rep);
	rep.message = ok;
	(void)ctl_reply(req, &rep.base);
	return 0;
}

const struct ctl_handler ctl_handlers[] = {
	{ "ShowSummary", ctl_show_summary, false },
	{ "ShowNeighbor", ctl_show_neighbor, false },
	{ "ShowRoutes", ctl_show_routes, false },
	{ "Metrics", ctl_metrics, false },
	{ "Watch", ctl_watch, false },
	{ "NeighborShutdown", h_shutdown, true },
	{ "NeighborEnable", h_enable, true },
	{ "NeighborReset", h_reset, true },
	{ "NeighborRefresh", h_refresh, true },
	{ "Reload", h_reload, true },
	{ "DrillFailover", ctl_drill_failover, true },
	{ "ShowDrills", ctl_show_drills, false },
	{ NULL, NULL, false },
};
