/* SPDX-License-Identifier: ISC */
/*
 * ctl_text.c: the replies of the control protocol as text for an
 * operator, one formatter per reply type, in columns like bgpctl and
 * birdc.  Types without a formatter print as JSON.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "bgpctl/ctl_fmt.h"
#include "proto/vtibgp.pb-c.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

const char *
ctl_fmt_duration(uint64_t ms, char *buf, size_t len)
{
	uint64_t	s = ms / 1000;
	unsigned	sec, min, hrs, day, week;

	sec = (unsigned)(s % 60);
	min = (unsigned)(s / 60 % 60);
	hrs = (unsigned)(s / 3600 % 24);
	day = (unsigned)(s / 86400 % 7);
	week = (unsigned)(s / 604800);
	if (s < 86400)
		snprintf(buf, len, "%02u:%02u:%02u", hrs, min, sec);
	else if (s < 604800)
		snprintf(buf, len, "%ud%02uh%02um", day, hrs, min);
	else
		snprintf(buf, len, "%02uw%ud%02uh", week, day, hrs);
	return buf;
}

/* Local time of unix_ms, to the millisecond; "-" for 0. */
static const char *
fmt_time(uint64_t unix_ms, bool millis, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)(unix_ms / 1000);
	size_t		n;

	if (unix_ms == 0)
		return "-";
	localtime_r(&t, &tm);
	n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	if (millis && n > 0)
		snprintf(buf + n, len - n, ".%03u", (unsigned)(unix_ms % 1000));
	return buf;
}

static const char *
state_name(Vtibgp__SessionState s)
{
	static const char *const names[] = {
		"Idle", "Connect", "Active", "OpenSent", "OpenConfirm",
		"Established",
	};

	return (unsigned)s < nitems(names) ? names[s] : "?";
}

static const char *
yesno(protobuf_c_boolean b)
{
	return b ? "yes" : "no";
}

/* ---- show summary ------------------------------------------------------- */

static const char *
summary_state(const Vtibgp__NeighborSummary *n, char *buf, size_t len)
{
	if (n->admin_down)
		snprintf(buf, len, "%s (Admin)", state_name(n->state));
	else if (!n->link_up && n->state != VTIBGP__SESSION_STATE__ESTABLISHED)
		snprintf(buf, len, "%s (Link)", state_name(n->state));
	else if (n->probe_down &&
	    n->state != VTIBGP__SESSION_STATE__ESTABLISHED)
		snprintf(buf, len, "%s (Probe)", state_name(n->state));
	else if (n->steering)
		snprintf(buf, len, "%s (Steering)", state_name(n->state));
	else
		snprintf(buf, len, "%s", state_name(n->state));
	return buf;
}

static void
print_kernel_summary(FILE *f, const Vtibgp__KernelSummary *k)
{
	if (k == NULL)
		return;
	fprintf(f, "Kernel: %" PRIu64 " routes, %" PRIu64 " standbys, "
	    "table %u, protocol %u, %s, %" PRIu64 " failovers, "
	    "%" PRIu64 " errors\n", k->routes, k->standbys, k->table,
	    k->protocol, k->nexthops ? "nexthop objects" : "plain routes",
	    k->failovers, k->errors);
}

/* The width of one summary column: min, or its widest value. */
static int
summary_width(const Vtibgp__SummaryReply *r, size_t min, int column)
{
	char	 st[32];
	size_t	 i, w = min, l;

	for (i = 0; i < r->n_neighbors; i++) {
		l = strlen(column == 0 ? r->neighbors[i]->address :
		    column == 1 ? r->neighbors[i]->interface :
		    summary_state(r->neighbors[i], st, sizeof(st)));
		if (l > w)
			w = l;
	}
	return w > 64 ? 64 : (int)w;
}

static void
print_summary(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__SummaryReply	*r = (const Vtibgp__SummaryReply *)m;
	const Vtibgp__NeighborSummary	*n;
	char				 up[32], st[32];
	int				 wa, wi, ws;
	size_t				 i;

	fprintf(f, "vtibgpd %s, router ID %s, local AS %u, up %s\n",
	    r->version, r->router_id, r->local_as,
	    ctl_fmt_duration(r->daemon_uptime_ms, up, sizeof(up)));
	fprintf(f, "RIB: %" PRIu64 " prefixes received, %" PRIu64 " accepted, "
	    "%" PRIu64 " rejected; %" PRIu64 " stale paths\n",
	    r->rib_received, r->rib_prefixes, r->rib_rejected, r->rib_stale);
	print_kernel_summary(f, r->kernel);
	/* wider where a value needs it: the state may carry a note,
	 * "Established (Steering)" */
	wa = summary_width(r, 15, 0);
	wi = summary_width(r, 9, 1);
	ws = summary_width(r, 17, 2);
	fprintf(f, "\n%-*s %-*s %10s  %-*s %-9s %8s %8s %8s %8s\n",
	    wa, "Neighbor", wi, "Interface", "AS", ws, "State", "Up/Down",
	    "Received", "Accepted", "Best", "Kernel");
	for (i = 0; i < r->n_neighbors; i++) {
		n = r->neighbors[i];
		fprintf(f, "%-*s %-*s %10u  %-*s %-9s %8u %8u %8u %8u\n",
		    wa, n->address, wi, n->interface, n->remote_as, ws,
		    summary_state(n, st, sizeof(st)),
		    ctl_fmt_duration(n->uptime_ms, up, sizeof(up)),
		    n->received, n->accepted, n->best, n->installed);
	}
}

/* ---- show neighbor ------------------------------------------------------ */

static const char *
fmt_gr(const Vtibgp__GracefulRestart *gr, char *buf, size_t len)
{
	if (gr == NULL || !gr->present)
		return "no";
	snprintf(buf, len, "%us%s%s%s%s%s", gr->restart_time_s,
	    gr->restarting ? " restarting" : "",
	    gr->ipv4_unicast ? " ipv4" : "",
	    gr->ipv4_forwarding ? "+fwd" : "",
	    gr->ipv6_unicast ? " ipv6" : "",
	    gr->ipv6_forwarding ? "+fwd" : "");
	return buf;
}

static void
print_caps(FILE *f, const Vtibgp__Capabilities *s,
    const Vtibgp__Capabilities *r)
{
	static const Vtibgp__Capabilities	none =
	    VTIBGP__CAPABILITIES__INIT;
	char					a[64], b[64] = "";

	s = s ? s : &none;
	r = r ? r : &none;
	fprintf(f, "  Capabilities         %-28s %s\n", "Sent", "Received");
	fprintf(f, "    IPv4 unicast       %-28s %s\n",
	    yesno(s->mp_ipv4_unicast), yesno(r->mp_ipv4_unicast));
	if (s->mp_ipv6_unicast || r->mp_ipv6_unicast)
		fprintf(f, "    IPv6 unicast       %-28s %s\n",
		    yesno(s->mp_ipv6_unicast), yesno(r->mp_ipv6_unicast));
	fprintf(f, "    Route refresh      %-28s %s\n", yesno(s->route_refresh),
	    yesno(r->route_refresh));
	snprintf(a, sizeof(a), "%s", yesno(s->as4));
	if (r->as4)
		snprintf(b, sizeof(b), "yes (AS %u)", r->as4_asn);
	fprintf(f, "    4-octet AS         %-28s %s\n", a, r->as4 ? b : "no");
	fprintf(f, "    Graceful restart   %-28s ", fmt_gr(s->graceful_restart,
	    a, sizeof(a)));
	fprintf(f, "%s\n", fmt_gr(r->graceful_restart, b, sizeof(b)));
	if (r->mp_other || r->unknown)
		fprintf(f, "    Other              %-28s %s%u unknown\n", "-",
		    r->mp_other ? "other AFI/SAFI, " : "", r->unknown);
}

static void
print_msg_counters(FILE *f, const Vtibgp__MessageCounters *o,
    const Vtibgp__MessageCounters *i)
{
	static const Vtibgp__MessageCounters	none =
	    VTIBGP__MESSAGE_COUNTERS__INIT;

	o = o ? o : &none;
	i = i ? i : &none;
	fprintf(f, "  Messages             %12s %12s\n", "Sent", "Received");
	fprintf(f, "    Opens              %12" PRIu64 " %12" PRIu64 "\n",
	    o->open, i->open);
	fprintf(f, "    Updates            %12" PRIu64 " %12" PRIu64 "\n",
	    o->update, i->update);
	fprintf(f, "    Notifications      %12" PRIu64 " %12" PRIu64 "\n",
	    o->notification, i->notification);
	fprintf(f, "    Keepalives         %12" PRIu64 " %12" PRIu64 "\n",
	    o->keepalive, i->keepalive);
	fprintf(f, "    Route refreshes    %12" PRIu64 " %12" PRIu64 "\n",
	    o->route_refresh, i->route_refresh);
	fprintf(f, "    Total              %12" PRIu64 " %12" PRIu64 "\n",
	    o->total, i->total);
}

static void
print_counters(FILE *f, const Vtibgp__NeighborCounters *c)
{
	if (c == NULL)
		return;
	print_msg_counters(f, c->messages_out, c->messages_in);
	fprintf(f, "  Prefixes: %u received, %u accepted, %u best, "
	    "%u installed, %u stale\n", c->prefixes_received,
	    c->prefixes_accepted, c->prefixes_best, c->prefixes_installed,
	    c->prefixes_stale);
	fprintf(f, "  Updates: %" PRIu64 " announced, %" PRIu64 " withdrawn, "
	    "%" PRIu64 " treated as withdraw, %" PRIu64 " bad next hop\n",
	    c->nlri_received, c->withdrawals_received, c->treat_as_withdraw,
	    c->bad_nexthop);
	fprintf(f, "  Rejected: %" PRIu64 " not allowed, %" PRIu64 " default "
	    "route, %" PRIu64 " covering a network, %" PRIu64 " inside a "
	    "network, %" PRIu64 " own AS, %" PRIu64 " bad next hop\n",
	    c->rejected_not_allowed, c->rejected_default_route,
	    c->rejected_covers_network, c->rejected_inside_network,
	    c->rejected_own_as, c->rejected_bad_nexthop);
	fprintf(f, "  Flaps %u, connect attempts %u\n", c->flaps,
	    c->connect_attempts);
}

static void
print_notif(FILE *f, const char *what, const Vtibgp__Notification *n)
{
	char	t[48];

	if (n == NULL) {
		fprintf(f, "  Last NOTIFICATION %s: none\n", what);
		return;
	}
	fprintf(f, "  Last NOTIFICATION %s: %s, %s (%u/%u) at %s\n", what,
	    n->code_name, n->subcode_name, n->code, n->subcode,
	    fmt_time(n->time_unix_ms, false, t, sizeof(t)));
	if (n->text[0] != '\0')
		fprintf(f, "    \"%s\"\n", n->text);
}

static void
print_timers(FILE *f, const Vtibgp__Timers *t, const Vtibgp__Probe *p)
{
	if (t != NULL)
		fprintf(f, "  Hold time %us (configured %us), keepalive %us, "
		    "connect retry %us\n", t->hold_negotiated_s,
		    t->hold_configured_s, t->keepalive_s, t->connect_retry_s);
	if (p == NULL)
		return;
	fprintf(f, "  Probe every %ums, down after %u misses: %s, "
	    "%" PRIu64 " sent, %" PRIu64 " answered, %" PRIu64 " lost "
	    "(%u in a row), %" PRIu64 " stale, declared dead %u times\n",
	    p->interval_ms, p->misses, p->state, p->sent, p->received,
	    p->lost, p->lost_in_row, p->stale, p->downs);
	fprintf(f, "  Probe rtt last %u.%03ums, min %u.%03ums, avg %u.%03ums, "
	    "max %u.%03ums\n", p->rtt_us / 1000, p->rtt_us % 1000,
	    p->rtt_min_us / 1000, p->rtt_min_us % 1000, p->rtt_avg_us / 1000,
	    p->rtt_avg_us % 1000, p->rtt_max_us / 1000, p->rtt_max_us % 1000);
	if (p->last_error[0] != '\0')
		fprintf(f, "  Probe error: %s\n", p->last_error);
}

static void
print_one_neighbor(FILE *f, const Vtibgp__Neighbor *n)
{
	char	d[32];

	fprintf(f, "BGP neighbor is %s, remote AS %u, interface %s\n",
	    n->address, n->remote_as, n->interface);
	if (n->description[0] != '\0')
		fprintf(f, " Description: %s\n", n->description);
	fprintf(f, "  BGP state = %s%s, %s %s\n", state_name(n->state),
	    n->admin_down ? " (Admin)" : "",
	    n->state == VTIBGP__SESSION_STATE__ESTABLISHED ? "up for" :
	    "last change", ctl_fmt_duration(n->state ==
	    VTIBGP__SESSION_STATE__ESTABLISHED ? n->uptime_ms :
	    n->last_change_ms, d, sizeof(d)));
	if (n->down_reason[0] != '\0')
		fprintf(f, "  Down: %s\n", n->down_reason);
	fprintf(f, "  Local address %s, local AS %u, remote router ID %s\n",
	    n->local_address[0] ? n->local_address : "-", n->local_as,
	    n->remote_id[0] ? n->remote_id : "-");
	fprintf(f, "  Preference %u, prepend %u, TCP MD5 %s, link %s\n",
	    n->preference, n->prepend, n->tcp_md5 ? "on" : "off",
	    n->link_up ? "up" : "down");
	fprintf(f, "  TTL security %s\n", n->ttl_security ?
	    "on (GTSM, RFC 5082: TTL 255 sent, 255 required)" :
	    "off (TTL 1 sent, any TTL accepted)");
	print_timers(f, n->timers, n->probe);
	fprintf(f, "  Prefixes announced %u%s\n", n->exported, n->steering ?
	    " (return steering: halves of our networks included)" : "");
	fputc('\n', f);
	print_caps(f, n->caps_sent, n->caps_received);
	fputc('\n', f);
	print_counters(f, n->counters);
	fputc('\n', f);
	print_notif(f, "sent", n->last_notification_sent);
	print_notif(f, "received", n->last_notification_received);
	if (n->last_error[0] != '\0')
		fprintf(f, "  Last error: %s\n", n->last_error);
}

static void
print_neighbors(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__NeighborReply	*r = (const Vtibgp__NeighborReply *)m;
	size_t				 i;

	for (i = 0; i < r->n_neighbors; i++) {
		if (i > 0)
			fputc('\n', f);
		print_one_neighbor(f, r->neighbors[i]);
	}
}

/* ---- show routes -------------------------------------------------------- */

static const char *
origin_name(Vtibgp__Origin o)
{
	switch (o) {
	case VTIBGP__ORIGIN__ORIGIN_IGP:		return "IGP";
	case VTIBGP__ORIGIN__ORIGIN_EGP:		return "EGP";
	case VTIBGP__ORIGIN__ORIGIN_INCOMPLETE:	return "incomplete";
	default:				return "?";
	}
}

static const char *
path_flags(const Vtibgp__Path *p)
{
	if (!p->accepted)
		return "!";
	if (p->best)
		return p->stale ? ">S" : ">";
	if (p->standby)
		return p->stale ? "sS" : "s";
	return p->stale ? "S" : "";
}

static void
print_path(FILE *f, const char *prefix, const Vtibgp__Path *p)
{
	char	med[16];

	if (p->has_med)
		snprintf(med, sizeof(med), "%u", p->med);
	else
		snprintf(med, sizeof(med), "-");
	fprintf(f, "%-2s %-18s %-9s %-15s %10s %7u %-10s %s%s%s\n",
	    path_flags(p), prefix, p->interface, p->next_hop, med,
	    p->local_pref, origin_name(p->origin),
	    p->as_path[0] ? p->as_path : "(empty)",
	    p->accepted ? "" : "  rejected: ", p->accepted ? "" : p->rejected);
}

static void
print_kernel_route(FILE *f, const Vtibgp__KernelRoute *k)
{
	size_t	i;

	fprintf(f, "   %-18s kernel: %s, metric %u, table %u", "",
	    k->primary ? "primary" : "standby", k->metric, k->table);
	if (k->nexthop_group != 0)
		fprintf(f, ", %s %u", k->tunnel_nexthop ? "nexthop" : "group",
		    k->nexthop_group);
	for (i = 0; i < k->n_members; i++)
		fprintf(f, "%s %s dev %s", i == 0 ? ":" : ",",
		    k->members[i]->gateway, k->members[i]->interface);
	fputc('\n', f);
}

static void
print_routes(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__RoutesReply	*r = (const Vtibgp__RoutesReply *)m;
	const Vtibgp__Route		*rt;
	size_t				 i, j;

	if (seq == 0) {
		fprintf(f, "Flags: > best, s standby, S stale, ! rejected\n\n");
		fprintf(f, "%-2s %-18s %-9s %-15s %10s %7s %-10s %s\n", "",
		    "Prefix", "Tunnel", "Next hop", "MED", "LocPref",
		    "Origin", "AS path");
	}
	for (i = 0; i < r->n_routes; i++) {
		rt = r->routes[i];
		for (j = 0; j < rt->n_paths; j++)
			print_path(f, j == 0 ? rt->prefix : "", rt->paths[j]);
		if (rt->n_paths == 0)
			fprintf(f, "%-2s %s\n", "", rt->prefix);
		for (j = 0; j < rt->n_kernel; j++)
			print_kernel_route(f, rt->kernel[j]);
		if (rt->n_kernel == 0)
			fprintf(f, "   %-18s kernel: not installed\n", "");
	}
}

/* ---- events and drills -------------------------------------------------- */

static const char *
event_kind(Vtibgp__EventKind k)
{
	static const char *const names[] = {
		"event", "state", "notification", "routes", "failover",
		"link", "probe", "reload", "drill", "kernel", "admin",
		"lost",
	};

	return (unsigned)k < nitems(names) ? names[k] : "event";
}

static void
print_event(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__Event	*e = (const Vtibgp__Event *)m;
	char			 t[48];

	fprintf(f, "%s %-12s", fmt_time(e->time_unix_ms, true, t, sizeof(t)),
	    event_kind(e->kind));
	if (e->neighbor[0] != '\0' || e->interface[0] != '\0')
		fprintf(f, " %s%s%s%s:", e->neighbor,
		    e->neighbor[0] && e->interface[0] ? " (" : "",
		    e->interface, e->neighbor[0] && e->interface[0] ? ")" : "");
	fprintf(f, " %s\n", e->text);
}

static const char *
outcome_name(Vtibgp__DrillOutcome o)
{
	static const char *const names[] = {
		"running", "passed", "FAILED", "aborted",
	};

	return (unsigned)o < nitems(names) ? names[o] : "?";
}

static void
print_drill_step(FILE *f, const Vtibgp__DrillStep *s)
{
	fprintf(f, "[%5" PRIu64 ".%03us] %-4s %s%s%s\n", s->elapsed_ms / 1000,
	    (unsigned)(s->elapsed_ms % 1000), s->ok ? "ok" : "FAIL", s->step,
	    s->text[0] ? ": " : "", s->text);
}

static void
print_drill_result(FILE *f, const Vtibgp__Drill *d)
{
	fprintf(f, "Drill %u %s: %s\n", d->id, outcome_name(d->outcome),
	    d->summary);
	fprintf(f, "  from %s to %s, held %us; failover %" PRIu64 ".%03u ms, "
	    "failback %" PRIu64 ".%03u ms; probes %u sent, %u lost\n",
	    d->from_interface, d->to_interface, d->hold_s,
	    d->failover_us / 1000, (unsigned)(d->failover_us % 1000),
	    d->failback_us / 1000, (unsigned)(d->failback_us % 1000),
	    d->probes_sent, d->probes_lost);
}

static void
print_drill_progress(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__DrillProgress *p = (const Vtibgp__DrillProgress *)m;

	if (p->step != NULL)
		print_drill_step(f, p->step);
	if (p->result != NULL)
		print_drill_result(f, p->result);
}

static void
print_drills(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__DrillsReply	*r = (const Vtibgp__DrillsReply *)m;
	const Vtibgp__Drill		*d;
	char				 t[48];
	size_t				 i;

	fprintf(f, "%4s %-19s %-9s %-9s %-15s %5s %-8s %9s %9s %s\n", "ID",
	    "Started", "From", "To", "Probe", "Hold", "Result", "Failover",
	    "Failback", "Lost/Sent");
	for (i = 0; i < r->n_drills; i++) {
		d = r->drills[i];
		fprintf(f, "%4u %-19s %-9s %-9s %-15s %4us %-8s %7" PRIu64
		    "ms %7" PRIu64 "ms %u/%u\n", d->id,
		    fmt_time(d->started_unix_ms, false, t, sizeof(t)),
		    d->from_interface, d->to_interface,
		    d->probe[0] ? d->probe : "-", d->hold_s,
		    outcome_name(d->outcome), d->failover_ms, d->failback_ms,
		    d->probes_lost, d->probes_sent);
	}
}

/* ---- small replies ------------------------------------------------------ */

static void
print_line(FILE *f, const char *s)
{
	size_t	n = strlen(s);

	if (n == 0)
		return;
	fputs(s, f);
	if (s[n - 1] != '\n')
		fputc('\n', f);
}

static void
print_action(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	print_line(f, ((const Vtibgp__ActionReply *)m)->message);
}

static void
print_reload(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	const Vtibgp__ReloadReply	*r = (const Vtibgp__ReloadReply *)m;

	print_line(f, r->message[0] ? r->message : "reloaded");
}

static void
print_metrics(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	print_line(f, ((const Vtibgp__MetricsReply *)m)->text);
}

static const struct {
	const ProtobufCMessageDescriptor	*md;
	void	(*fn)(FILE *, const ProtobufCMessage *, unsigned seq);
} formatters[] = {
	{ &vtibgp__summary_reply__descriptor, print_summary },
	{ &vtibgp__neighbor_reply__descriptor, print_neighbors },
	{ &vtibgp__routes_reply__descriptor, print_routes },
	{ &vtibgp__event__descriptor, print_event },
	{ &vtibgp__drill_progress__descriptor, print_drill_progress },
	{ &vtibgp__drills_reply__descriptor, print_drills },
	{ &vtibgp__action_reply__descriptor, print_action },
	{ &vtibgp__reload_reply__descriptor, print_reload },
	{ &vtibgp__metrics_reply__descriptor, print_metrics },
};

void
ctl_text_print(FILE *f, const ProtobufCMessage *m, unsigned seq)
{
	size_t	i;

	for (i = 0; i < nitems(formatters); i++)
		if (formatters[i].md == m->descriptor) {
			formatters[i].fn(f, m, seq);
			return;
		}
	ctl_json_print(f, m, true);
}
