/* SPDX-License-Identifier: ISC */
/*
 * ctl_metrics.c: the Metrics method: Prometheus text exposition format
 * 0.0.4, every metric with HELP and TYPE, names prefixed vtibgp_.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/ctl_impl.h"
#include "bgpd/daemon.h"
#include "bgpd/fib/fib.h"
#include "bgpd/probe.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"
#include "bgpd/util/clock.h"
#include "rib/rib.h"

static void
head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP vtibgp_%s %s\n# TYPE vtibgp_%s %s\n", name, help,
	    name, type);
}

/* A metric without labels. */
static void
value(FILE *f, const char *name, const char *type, const char *help,
    unsigned long long v)
{
	head(f, name, type, help);
	fprintf(f, "vtibgp_%s %llu\n", name, v);
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
m_stale(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return rs->stale;
}

static uint64_t
m_flaps(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return si->stats->flaps;
}

static uint64_t
m_steering(const struct sess_info *si, const struct rib_peer_stats *rs)
{
	return si->steering;
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
	{ "prefixes_stale", "gauge", "Prefixes kept stale across the "
	    "peer's graceful restart.", m_stale },
	{ "session_flaps_total", "counter", "Times the session left "
	    "Established.", m_flaps },
	{ "return_steering", "gauge", "1 while the halves of our networks "
	    "are announced to this neighbor.", m_steering },
};

/* Liveness probe metrics, for the neighbors that have probes. */
struct pmetric {
	const char	*name;
	const char	*type;
	const char	*help;
	double		 scale;		/* of the value, to the unit */
	size_t		 off;		/* in struct probe_stats */
	size_t		 size;
};
#define PM(name, type, help, scale, field) { name, type, help, scale, \
	offsetof(struct probe_stats, field), \
	sizeof(((struct probe_stats *)0)->field) }

static const struct pmetric pmetrics[] = {
	PM("probe_sent_total", "counter", "Liveness probes (ICMP echo) sent.",
	    1, sent),
	PM("probe_received_total", "counter", "Liveness probes answered.", 1,
	    received),
	PM("probe_lost_total", "counter", "Liveness probes unanswered.", 1,
	    lost),
	PM("probe_stale_total", "counter", "Late replies to earlier probes, "
	    "ignored.", 1, stale),
	PM("probe_down_total", "counter", "Times the probes declared the "
	    "tunnel dead.", 1, downs),
	PM("probe_rtt_seconds", "gauge", "Round trip of the last answered "
	    "probe.", 1e-6, rtt_last_us),
	PM("probe_rtt_avg_seconds", "gauge", "Moving average of the round "
	    "trip.", 1e-6, rtt_avg_us),
};

static double
pm_value(const struct pmetric *pm, const struct probe_stats *st)
{
	const uint8_t	*b = (const uint8_t *)st + pm->off;
	uint64_t	 v64;
	uint32_t	 v32;

	if (pm->size == sizeof(v64)) {
		memcpy(&v64, b, sizeof(v64));
		return (double)v64 * pm->scale;
	}
	memcpy(&v32, b, sizeof(v32));
	return (double)v32 * pm->scale;
}

static void
probe_metrics(FILE *f, struct router *r)
{
	const struct probe_stats *st;
	struct sess_info	 si;
	struct probe		*pr;
	struct peer		*p;
	size_t			 m, i;

	head(f, "probe_up", "gauge", "Liveness probe verdict: 1 alive, 0 "
	    "dead, -1 no verdict yet.");
	for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL; i++) {
		sess_peer_info(p, &si);
		if ((pr = router_probe(r, si.slot)) == NULL)
			continue;
		st = probe_stats(pr);
		fprintf(f, "vtibgp_probe_up{neighbor=\"%s\",interface=\"%s\"} "
		    "%d\n", si.name, si.conf->ifname, st->state == PROBE_UP ?
		    1 : st->state == PROBE_DOWN ? 0 : -1);
	}
	for (m = 0; m < sizeof(pmetrics) / sizeof(pmetrics[0]); m++) {
		head(f, pmetrics[m].name, pmetrics[m].type, pmetrics[m].help);
		for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL;
		    i++) {
			sess_peer_info(p, &si);
			if ((pr = router_probe(r, si.slot)) == NULL)
				continue;
			fprintf(f, "vtibgp_%s{neighbor=\"%s\",interface=\"%s\"}"
			    " %.9g\n", pmetrics[m].name, si.name,
			    si.conf->ifname, pm_value(&pmetrics[m],
			    probe_stats(pr)));
		}
	}
}

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

/* A counter per neighbor and per value of one label (message type,
 * NOTIFICATION code), read from an array of struct sess_stats. */
struct family {
	const char	*name;
	const char	*help;
	const char	*label;
	unsigned	 first, last;
	const char	*(*label_of)(unsigned);
	const uint64_t	*(*counts)(const struct sess_stats *);
};

static const char *
type_label(unsigned t)
{
	static const char *const types[] = { NULL, "open", "update",
	    "notification", "keepalive", "route_refresh" };

	return types[t];
}

static const char *
code_label(unsigned code)
{
	return msg_code_name((uint8_t)code);
}

static const uint64_t *
c_msgs_in(const struct sess_stats *st)
{
	return st->msgs_in;
}

static const uint64_t *
c_msgs_out(const struct sess_stats *st)
{
	return st->msgs_out;
}

static const uint64_t *
c_notifs_in(const struct sess_stats *st)
{
	return st->notifs_rcvd;
}

static const uint64_t *
c_notifs_out(const struct sess_stats *st)
{
	return st->notifs_sent;
}

static const struct family families[] = {
	{ "messages_received_total", "BGP messages received, by type.",
	    "type", MSG_OPEN, MSG_ROUTE_REFRESH, type_label, c_msgs_in },
	{ "messages_sent_total", "BGP messages sent, by type.",
	    "type", MSG_OPEN, MSG_ROUTE_REFRESH, type_label, c_msgs_out },
	{ "notifications_received_total", "NOTIFICATIONs received, by error "
	    "code.", "code", ERR_HEADER, ERR_ROUTE_REFRESH, code_label,
	    c_notifs_in },
	{ "notifications_sent_total", "NOTIFICATIONs sent, by error code.",
	    "code", ERR_HEADER, ERR_ROUTE_REFRESH, code_label, c_notifs_out },
};

static void
family_metrics(FILE *f, struct router *r)
{
	const struct family	*fm;
	struct sess_info	 si;
	struct peer		*p;
	size_t			 m, i;
	unsigned		 v;

	for (m = 0; m < sizeof(families) / sizeof(families[0]); m++) {
		fm = &families[m];
		head(f, fm->name, "counter", fm->help);
		for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL;
		    i++) {
			sess_peer_info(p, &si);
			for (v = fm->first; v <= fm->last; v++)
				fprintf(f, "vtibgp_%s{neighbor=\"%s\",%s=\"%s\"}"
				    " %llu\n", fm->name, si.name, fm->label,
				    fm->label_of(v),
				    (unsigned long long)fm->counts(si.stats)[v]);
		}
	}
}

/* Import policy refusals per neighbor, by reason (rib_policy_check). */
static void
reject_metrics(FILE *f, struct router *r)
{
	static const char *const reasons[RIB_NREJECT] = {
		[RIB_NOT_ALLOWED] = "not_allowed",
		[RIB_DEFAULT_ROUTE] = "default_route",
		[RIB_COVERS_NETWORK] = "covers_network",
		[RIB_INSIDE_NETWORK] = "inside_network",
		[RIB_OWN_AS] = "own_as",
		[RIB_BAD_NEXTHOP] = "bad_nexthop",
	};
	const struct rib_peer_stats *rs;
	struct sess_info	 si;
	struct peer		*p;
	size_t			 i;
	unsigned		 v;

	head(f, "prefixes_rejected_total", "counter", "Prefixes refused by "
	    "the import policy, by reason.");
	for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL; i++) {
		sess_peer_info(p, &si);
		rs = rib_peer_stats(router_rib(r), si.slot);
		for (v = RIB_NOT_ALLOWED; v < RIB_NREJECT; v++)
			fprintf(f, "vtibgp_prefixes_rejected_total{neighbor="
			    "\"%s\",reason=\"%s\"} %llu\n", si.name, reasons[v],
			    (unsigned long long)rs->rejected[v]);
	}
}

static void
kernel_metrics(FILE *f, struct router *r)
{
	struct fib_stats	fs;

	fib_stats(router_fib(r), &fs);
	value(f, "kernel_routes", "gauge", "Primary routes in the kernel.",
	    fs.routes);
	value(f, "kernel_standby_routes", "gauge", "Standby routes (metric + "
	    "1) in the kernel.", fs.standbys);
	value(f, "kernel_errors_total", "counter", "Kernel requests that "
	    "failed.", fs.errors);
	value(f, "failovers_total", "counter", "Silent failures handled by a "
	    "nexthop group rewrite.", fs.failovers);
	head(f, "last_failover_seconds", "gauge", "Time the last group "
	    "rewrite took.");
	fprintf(f, "vtibgp_last_failover_seconds %.6f\n",
	    fs.last_failover_us / 1e6);
	head(f, "rib_prefixes", "gauge", "Prefixes with an accepted path.");
	fprintf(f, "vtibgp_rib_prefixes %zu\n", rib_count(router_rib(r)));
	head(f, "rib_received_prefixes", "gauge", "Prefixes received, "
	    "accepted or not.");
	fprintf(f, "vtibgp_rib_received_prefixes %zu\n",
	    rib_count_all(router_rib(r)));
}

/* Every refusal of the control socket's limits, by reason. */
static void
control_refused(FILE *f, const struct ctl_stats *st,
    const struct ctl_watch_stats *ws)
{
	size_t	i;
	const struct {
		const char	*reason;
		uint64_t	 n;
	} refused[] = {
		{ "clients", st->refused_clients },
		{ "reserved", st->refused_reserved },
		{ "per_uid", st->refused_per_uid },
		{ "watch_per_uid", ws->refused },
		{ "busy", st->refused_busy },
		{ "bad_request", st->refused_bad },
		{ "permission", st->refused_denied },
		{ "idle", st->closed_idle },
		{ "slow_reader", st->dropped_slow },
	};

	head(f, "control_refused_total", "counter", "Control connections "
	    "and requests refused, closed or dropped by a limit, by reason.");
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		fprintf(f, "vtibgp_control_refused_total{reason=\"%s\"} "
		    "%llu\n", refused[i].reason,
		    (unsigned long long)refused[i].n);
}

/* The control socket's limits at work (vtibgpd(8), CONTROL SOCKET
 * LIMITS). */
static void
control_metrics(FILE *f, struct ctl_server *srv)
{
	struct ctl_watch_stats	ws;
	struct ctl_stats	st;

	if (srv == NULL)
		return;
	ctl_server_stats(srv, &st);
	ctl_watch_stats(&ws);
	head(f, "control_clients", "gauge", "Control socket connections, "
	    "by class (operator: root or the control-group).");
	fprintf(f, "vtibgp_control_clients{class=\"operator\"} %zu\n"
	    "vtibgp_control_clients{class=\"user\"} %zu\n",
	    st.operator_clients, st.clients - st.operator_clients);
	control_refused(f, &st, &ws);
	value(f, "control_buffer_bytes", "gauge", "Octets of control client "
	    "buffers (budget 32 MiB).", st.memory);
	value(f, "control_memory_waits_total", "counter", "Times a control "
	    "client waited for the buffer budget.", st.memory_waits);
	value(f, "control_slices_spent_total", "counter", "Loop iterations "
	    "whose control work used its whole slice.", st.slices_spent);
	value(f, "watch_streams", "gauge", "Open watch streams.",
	    ws.watchers);
	value(f, "watch_events_lost_total", "counter", "Events a watcher "
	    "missed because it fell behind.", ws.lost);
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
	probe_metrics(f, r);
	family_metrics(f, r);
	reject_metrics(f, r);
	kernel_metrics(f, r);
	control_metrics(f, daemon_ctl(arg));
	fclose(f);
	vtibgp__metrics_reply__init(&rep);
	rep.text = text;
	(void)ctl_reply(req, &rep.base);
	free(text);
	return 0;
}
