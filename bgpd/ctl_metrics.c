/*
 * ctl_metrics.c: the Metrics method: Prometheus text exposition format
 * 0.0.4, every metric with HELP and TYPE, names prefixed vtibgp_.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bgpd/clock.h"
#include "bgpd/ctl_impl.h"
#include "bgpd/daemon.h"
#include "bgpd/fib.h"
#include "bgpd/router.h"
#include "bgpd/session.h"
#include "rib/rib.h"

static void
head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP vtibgp_%s %s\n# TYPE vtibgp_%s %s\n", name, help,
	    name, type);
}

/* One neighbor metric: value per neighbor, by an accessor. */
struct nmetric {
	const char	*name;
	const char	*type;
	const char	*help;
	uint64_t	(*get)(const struct sess_info *,
			    const struct rib_peer_stats *);
};

static uint64_t
m_up(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return si->state == FSM_ESTABLISHED;
}

static uint64_t
m_state(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return si->state;
}

static uint64_t
m_uptime(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return si->stats->established_ms == 0 ? 0 :
	    (clock_mono_ms() - si->stats->established_ms) / 1000;
}

static uint64_t
m_received(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return rs->received;
}

static uint64_t
m_accepted(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return rs->accepted;
}

static uint64_t
m_best(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return rs->best;
}

static uint64_t
m_flaps(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return si->stats->flaps;
}

static const struct nmetric nmetrics[] = {
	{ "session_up", "gauge", "1 if the BGP session is Established.",
	    m_up },
	{ "session_state", "gauge", "RFC 4271 FSM state: 0 Idle, 1 Connect, "
	    "2 Active, 3 OpenSent, 4 OpenConfirm, 5 Established.", m_state },
	{ "session_uptime_seconds", "gauge", "Time in Established.",
	    m_uptime },
	{ "prefixes_received", "gauge", "Prefixes in the Adj-RIB-In.",
	    m_received },
	{ "prefixes_accepted", "gauge", "Prefixes accepted by the import "
	    "policy.", m_accepted },
	{ "prefixes_installed", "gauge", "Prefixes forwarding into this "
	    "tunnel (primary routes).", m_best },
	{ "session_flaps_total", "counter", "Times the session left "
	    "Established.", m_flaps },
};

static void
neighbor_metrics(FILE *f, struct router *r)
{
	struct sess_info	si;
	struct peer		*p;
	size_t			 m, i;

	for (m = 0; m < sizeof(nmetrics) / sizeof(nmetrics[0]); m++) {
		head(f, nmetrics[m].name, nmetrics[m].type, nmetrics[m].help);
		for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL;
		    i++) {
			sess_peer_info(p, &si);
			fprintf(f, "vtibgp_%s{neighbor=\"%s\",interface=\"%s\"}"
			    " %llu\n", nmetrics[m].name, si.name,
			    si.conf->ifname, (unsigned long long)nmetrics[m].get(
			    &si, rib_peer_stats(router_rib(r), si.slot)));
		}
	}
}

static void
message_metrics(FILE *f, struct router *r)
{
	static const char *const types[] = { NULL, "open", "update",
	    "notification", "keepalive", "route_refresh" };
	struct sess_info	si;
	struct peer		*p;
	size_t			 i, t, dir;

	for (dir = 0; dir < 2; dir++) {
		head(f, dir == 0 ? "messages_received_total" :
		    "messages_sent_total", "counter", dir == 0 ?
		    "BGP messages received, by type." :
		    "BGP messages sent, by type.");
		for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL;
		    i++) {
			sess_peer_info(p, &si);
			for (t = MSG_OPEN; t <= MSG_ROUTE_REFRESH; t++)
				fprintf(f, "vtibgp_messages_%s_total{neighbor="
				    "\"%s\",type=\"%s\"} %llu\n", dir == 0 ?
				    "received" : "sent", si.name, types[t],
				    (unsigned long long)(dir == 0 ?
				    si.stats->msgs_in[t] : si.stats->msgs_out[t]));
		}
	}
}

static void
notification_metrics(FILE *f, struct router *r)
{
	struct sess_info	si;
	struct peer		*p;
	size_t			 i, code, dir;

	for (dir = 0; dir < 2; dir++) {
		head(f, dir == 0 ? "notifications_received_total" :
		    "notifications_sent_total", "counter", dir == 0 ?
		    "NOTIFICATIONs received, by error code." :
		    "NOTIFICATIONs sent, by error code.");
		for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL;
		    i++) {
			sess_peer_info(p, &si);
			for (code = ERR_HEADER; code <= ERR_ROUTE_REFRESH;
			    code++)
				fprintf(f, "vtibgp_notifications_%s_total{"
				    "neighbor=\"%s\",code=\"%s\"} %llu\n",
				    dir == 0 ? "received" : "sent", si.name,
				    msg_code_name((uint8_t)code),
				    (unsigned long long)(dir == 0 ?
				    si.stats->notifs_rcvd[code] :
				    si.stats->notifs_sent[code]));
		}
	}
}

static void
kernel_metrics(FILE *f, struct router *r)
{
	struct fib_stats	fs;

	fib_stats(router_fib(r), &fs);
	head(f, "kernel_routes", "gauge", "Primary routes in the kernel.");
	fprintf(f, "vtibgp_kernel_routes %llu\n",
	    (unsigned long long)fs.routes);
	head(f, "kernel_standby_routes", "gauge", "Standby routes (metric + "
	    "1) in the kernel.");
	fprintf(f, "vtibgp_kernel_standby_routes %llu\n",
	    (unsigned long long)fs.standbys);
	head(f, "kernel_errors_total", "counter", "Kernel requests that "
	    "failed.");
	fprintf(f, "vtibgp_kernel_errors_total %llu\n",
	    (unsigned long long)fs.errors);
	head(f, "failovers_total", "counter", "Silent failures handled by a "
	    "nexthop group rewrite.");
	fprintf(f, "vtibgp_failovers_total %llu\n",
	    (unsigned long long)fs.failovers);
	head(f, "last_failover_seconds", "gauge", "Time the last group "
	    "rewrite took.");
	fprintf(f, "vtibgp_last_failover_seconds %.6f\n",
	    fs.last_failover_us / 1e6);
	head(f, "rib_prefixes", "gauge", "Prefixes with an accepted path.");
	fprintf(f, "vtibgp_rib_prefixes %zu\n", rib_count(router_rib(r)));
}

int
ctl_metrics(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	struct router		*r = daemon_router(arg);
	Vtibgp__MetricsReply	 rep;
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*f;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	neighbor_metrics(f, r);
	message_metrics(f, r);
	notification_metrics(f, r);
	kernel_metrics(f, r);
	fclose(f);
	vtibgp__metrics_reply__init(&rep);
	rep.text = text;
	(void)ctl_reply(req, &rep.base);
	free(text);
	return 0;
}
