/* SPDX-License-Identifier: ISC */
/*
 * ctl_show.c: ShowSummary and ShowNeighbor: sessions, their counters and
 * the kernel's summary, from the session layer, the RIB and the FIB.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "bgpd/control/ctl_handlers.h"
#include "bgpd/control/ctl_impl.h"
#include "bgpd/daemon.h"
#include "bgpd/fib/fib.h"
#include "bgpd/probe.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"
#include "bgpd/util/clock.h"
#include "rib/rib.h"

static char *
addr_str(struct ctl_pool *pool, struct in_addr a)
{
	char	buf[INET_ADDRSTRLEN];

	return pool_str(pool, inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

/* The session's local address, of the neighbor's family; "" if unknown. */
static char *
local_str(struct ctl_pool *pool, const struct sess_info *si)
{
	char	buf[INET6_ADDRSTRLEN];

	if (si->af == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&si->local_addr6))
		return pool_str(pool, "");
	if (si->af == AF_INET6)
		return pool_str(pool, inet_ntop(AF_INET6, &si->local_addr6,
		    buf, sizeof(buf)));
	return si->local_addr.s_addr != 0 ? addr_str(pool, si->local_addr) :
	    pool_str(pool, "");
}

static Vtibgp__NeighborSummary *
neighbor_summary(struct ctl_pool *pool, struct router *r, struct peer *p)
{
	Vtibgp__NeighborSummary		*ns;
	const struct rib_peer_stats	*rs;
	struct sess_info		 si;

	sess_peer_info(p, &si);
	rs = rib_peer_stats(router_rib(r), si.slot);
	ns = pool_alloc(pool, sizeof(*ns));
	vtibgp__neighbor_summary__init(ns);
	ns->address = pool_str(pool, si.name);
	ns->interface = pool_str(pool, si.conf->ifname);
	ns->description = pool_str(pool, si.conf->description);
	ns->remote_as = si.conf->remote_as;
	ns->state = (Vtibgp__SessionState)si.state;
	ns->uptime_ms = clock_mono_ms() - (si.stats->established_ms != 0 ?
	    si.stats->established_ms : si.stats->last_change_ms);
	ns->received = rs->received;
	ns->accepted = rs->accepted;
	ns->best = rs->best;
	ns->installed = rs->best;
	ns->stale = rs->stale;
	ns->admin_down = si.admin_down;
	ns->link_up = fib_link_up(router_fib(r), si.slot);
	ns->probe_down = si.probe_down;
	ns->steering = si.steering;
	return ns;
}

int
ctl_show_summary(struct ctl_request *req, const ProtobufCMessage *in,
    void *arg)
{
	struct daemon		*d = arg;
	struct router		*r = daemon_router(d);
	const struct conf	*c = daemon_conf(d);
	Vtibgp__SummaryReply	 rep;
	Vtibgp__KernelSummary	 ks;
	struct fib_stats	 fs;
	struct ctl_pool		 pool = { 0 };
	struct peer		*p;
	size_t			 i;

	vtibgp__summary_reply__init(&rep);
	vtibgp__kernel_summary__init(&ks);
	rep.router_id = addr_str(&pool, c->router_id);
	rep.local_as = c->local_as;
	rep.version = pool_str(&pool, PACKAGE_VERSION);
	rep.daemon_uptime_ms = clock_mono_ms() - daemon_started_ms(d);
	rep.rib_prefixes = rib_count(router_rib(r));
	rep.rib_received = rib_count_all(router_rib(r));
	rep.rib_rejected = rep.rib_received - rep.rib_prefixes;
	rep.neighbors = pool_alloc(&pool, SESS_MAX_PEERS *
	    sizeof(*rep.neighbors));
	for (i = 0; (p = sess_peer_at(router_sessions(r), i)) != NULL; i++) {
		rep.neighbors[rep.n_neighbors++] = neighbor_summary(&pool, r, p);
		rep.rib_stale += rep.neighbors[i]->stale;
	}
	fib_stats(router_fib(r), &fs);
	ks.routes = fs.routes;
	ks.standbys = fs.standbys;
	ks.errors = fs.errors;
	ks.failovers = fs.failovers;
	ks.last_failover_us = fs.last_failover_us;
	ks.nexthops = fs.nexthops;
	ks.table = c->kernel.table;
	ks.protocol = c->kernel.protocol;
	rep.kernel = &ks;
	(void)ctl_reply(req, &rep.base);
	pool_free(&pool);
	return 0;
}

static Vtibgp__Notification *
notification(struct ctl_pool *pool, const struct sess_notif *n)
{
	Vtibgp__Notification	*m;

	if (!n->valid)
		return NULL;
	m = pool_alloc(pool, sizeof(*m));
	vtibgp__notification__init(m);
	m->code = n->code;
	m->subcode = n->subcode;
	m->code_name = pool_str(pool, msg_code_name(n->code));
	m->subcode_name = pool_str(pool, msg_subcode_name(n->code,
	    n->subcode));
	m->text = pool_str(pool, n->text);
	m->time_unix_ms = n->when_ms;
	return m;
}

static Vtibgp__Capabilities *
caps(struct ctl_pool *pool, const struct msg_caps *mc)
{
	Vtibgp__Capabilities	*m;
	Vtibgp__GracefulRestart	*gr;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__capabilities__init(m);
	m->mp_ipv4_unicast = mc->mp_ipv4_unicast;
	m->mp_ipv6_unicast = mc->mp_ipv6_unicast;
	/* the codec counts IPv6 unicast among the others */
	m->mp_other = mc->mp_other && !mc->mp_ipv6_unicast;
	m->route_refresh = mc->route_refresh;
	m->as4 = mc->as4;
	m->as4_asn = mc->as4_asn;
	m->unknown = mc->n_unknown;
	if (mc->gr) {
		gr = pool_alloc(pool, sizeof(*gr));
		vtibgp__graceful_restart__init(gr);
		gr->present = true;
		gr->restart_time_s = mc->gr_time;
		gr->restarting = mc->gr_restarting;
		gr->ipv4_unicast = mc->gr_ipv4;
		gr->ipv4_forwarding = mc->gr_ipv4_forwarding;
		gr->ipv6_unicast = mc->gr_ipv6;
		gr->ipv6_forwarding = mc->gr_ipv6_forwarding;
		m->graceful_restart = gr;
	}
	return m;
}

static Vtibgp__MessageCounters *
msg_counters(struct ctl_pool *pool, const uint64_t *by_type)
{
	Vtibgp__MessageCounters	*m;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__message_counters__init(m);
	m->open = by_type[MSG_OPEN];
	m->update = by_type[MSG_UPDATE];
	m->notification = by_type[MSG_NOTIFICATION];
	m->keepalive = by_type[MSG_KEEPALIVE];
	m->route_refresh = by_type[MSG_ROUTE_REFRESH];
	m->total = m->open + m->update + m->notification + m->keepalive +
	    m->route_refresh;
	return m;
}

static Vtibgp__NeighborCounters *
counters(struct ctl_pool *pool, const struct sess_info *si,
    const struct rib_peer_stats *rs)
{
	Vtibgp__NeighborCounters	*m;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__neighbor_counters__init(m);
	m->messages_in = msg_counters(pool, si->stats->msgs_in);
	m->messages_out = msg_counters(pool, si->stats->msgs_out);
	m->prefixes_received = rs->received;
	m->prefixes_accepted = rs->accepted;
	m->prefixes_best = rs->best;
	m->prefixes_installed = rs->best;
	m->nlri_received = si->stats->prefixes_in;
	m->withdrawals_received = si->stats->withdrawals_in;
	m->treat_as_withdraw = si->stats->treat_as_withdraw;
	m->bad_nexthop = si->stats->bad_nexthop;
	m->flaps = si->stats->flaps;
	m->connect_attempts = si->stats->connect_attempts;
	m->rejected_not_allowed = rs->rejected[RIB_NOT_ALLOWED];
	m->rejected_default_route = rs->rejected[RIB_DEFAULT_ROUTE];
	m->rejected_covers_network = rs->rejected[RIB_COVERS_NETWORK];
	m->rejected_own_as = rs->rejected[RIB_OWN_AS];
	m->rejected_inside_network = rs->rejected[RIB_INSIDE_NETWORK];
	m->rejected_bad_nexthop = rs->rejected[RIB_BAD_NEXTHOP];
	m->prefixes_stale = rs->stale;
	return m;
}

static Vtibgp__Timers *
timers(struct ctl_pool *pool, const struct sess_info *si)
{
	Vtibgp__Timers	*m;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__timers__init(m);
	m->hold_configured_s = si->conf->timers.hold_s;
	m->hold_negotiated_s = si->hold_negotiated;
	m->keepalive_s = si->keepalive != 0 ? si->keepalive :
	    si->conf->timers.keepalive_s;
	m->connect_retry_s = si->conf->timers.connect_retry_ms / 1000;
	return m;
}

/* The capabilities we send to a neighbor of family af (see peer_caps in
 * session.c). */
static Vtibgp__Capabilities *
caps_sent(struct ctl_pool *pool, const struct conf *c, uint8_t af)
{
	struct msg_caps	mc;

	memset(&mc, 0, sizeof(mc));
	mc.mp_ipv4_unicast = af != AF_INET6;
	mc.mp_ipv6_unicast = af == AF_INET6;
	mc.route_refresh = mc.as4 = true;
	mc.as4_asn = c->local_as;
	mc.gr = c->gr_time_s > 0;
	mc.gr_time = (uint16_t)c->gr_time_s;
	mc.gr_ipv4 = mc.gr && af != AF_INET6;
	mc.gr_ipv6 = mc.gr && af == AF_INET6;
	return caps(pool, &mc);
}

static Vtibgp__Probe *
probe(struct ctl_pool *pool, const struct probe *pr)
{
	const struct probe_stats	*st;
	Vtibgp__Probe			*m;
	uint64_t			 now = clock_mono_ms();

	if (pr == NULL)
		return NULL;
	st = probe_stats(pr);
	m = pool_alloc(pool, sizeof(*m));
	vtibgp__probe__init(m);
	m->interval_ms = st->interval_ms;
	m->misses = st->misses;
	m->up = st->state == PROBE_UP;
	m->sent = st->sent;
	m->received = st->received;
	m->lost_in_row = st->lost_in_row;
	m->rtt_us = st->rtt_last_us;
	m->state = pool_str(pool, probe_state_name(st->state));
	m->lost = st->lost;
	m->stale = st->stale;
	m->rtt_min_us = st->rtt_min_us;
	m->rtt_max_us = st->rtt_max_us;
	m->rtt_avg_us = st->rtt_avg_us;
	m->downs = st->downs;
	m->last_change_ms = st->last_change_ms != 0 ?
	    now - st->last_change_ms : 0;
	m->last_error = pool_str(pool, st->last_error);
	return m;
}

static Vtibgp__Neighbor *
neighbor(struct ctl_pool *pool, struct daemon *d, struct peer *p)
{
	struct router		*r = daemon_router(d);
	const struct conf	*c = daemon_conf(d);
	Vtibgp__Neighbor	*m;
	struct sess_info	 si;
	uint64_t		 now = clock_mono_ms();

	sess_peer_info(p, &si);
	m = pool_alloc(pool, sizeof(*m));
	vtibgp__neighbor__init(m);
	m->address = pool_str(pool, si.name);
	m->interface = pool_str(pool, si.conf->ifname);
	m->description = pool_str(pool, si.conf->description);
	m->remote_as = si.conf->remote_as;
	m->local_as = c->local_as;
	m->local_address = local_str(pool, &si);
	m->remote_id = si.peer_id.s_addr != 0 ? addr_str(pool, si.peer_id) :
	    pool_str(pool, "");
	m->state = (Vtibgp__SessionState)si.state;
	m->admin_down = si.admin_down;
	m->down_reason = pool_str(pool, si.admin_down ?
	    si.stats->last_error : "");
	m->uptime_ms = si.stats->established_ms != 0 ?
	    now - si.stats->established_ms : 0;
	m->last_change_ms = si.stats->last_change_ms != 0 ?
	    now - si.stats->last_change_ms : 0;
	m->preference = si.conf->preference;
	m->prepend = si.conf->prepend;
	m->link_up = fib_link_up(router_fib(r), si.slot);
	m->tcp_md5 = si.conf->password != NULL;
	m->ttl_security = si.conf->timers.ttl_security;
	m->timers = timers(pool, &si);
	m->caps_sent = caps_sent(pool, c, si.af);
	if (si.state >= FSM_OPENCONFIRM)
		m->caps_received = caps(pool, &si.peer_caps);
	m->counters = counters(pool, &si, rib_peer_stats(router_rib(r),
	    si.slot));
	m->last_notification_sent = notification(pool, &si.stats->notif_sent);
	m->last_notification_received = notification(pool,
	    &si.stats->notif_rcvd);
	m->last_error = pool_str(pool, si.stats->last_error);
	m->probe = probe(pool, router_probe(r, si.slot));
	m->steering = si.steering;
	m->exported = (uint32_t)sess_peer_exported(p);
	return m;
}

int
ctl_show_neighbor(struct ctl_request *req, const ProtobufCMessage *in,
    void *arg)
{
	const Vtibgp__NeighborRequest	*nr = (const void *)in;
	struct daemon			*d = arg;
	struct sess_engine		*e = router_sessions(daemon_router(d));
	Vtibgp__NeighborReply		 rep;
	struct ctl_pool			 pool = { 0 };
	struct peer			*p;
	size_t				 i;

	vtibgp__neighbor_reply__init(&rep);
	rep.neighbors = pool_alloc(&pool, SESS_MAX_PEERS *
	    sizeof(*rep.neighbors));
	for (i = 0; (p = sess_peer_at(e, i)) != NULL; i++)
		if (nr->neighbor[0] == '\0' ||
		    p == sess_peer_find(e, nr->neighbor))
			rep.neighbors[rep.n_neighbors++] = neighbor(&pool, d, p);
	if (rep.n_neighbors == 0 && nr->neighbor[0] != '\0')
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_NOT_FOUND,
		    "no neighbor %s", nr->neighbor);
	else
		(void)ctl_reply(req, &rep.base);
	pool_free(&pool);
	return 0;
}
