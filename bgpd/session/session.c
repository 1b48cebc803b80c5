/* SPDX-License-Identifier: ISC */
/*
 * session.c: the life of a BGP session: FSM events in, FSM actions out
 * (fsm.h), the session's timers, and the messages it sends.  The rest
 * of the session engine: sess_accept.c (connections and collisions),
 * sess_msg.c (messages received), sess_export.c (our routes),
 * sess_peer.c (the engine, its neighbors and the operator's actions),
 * sess_tunnel.c (what the tunnel says: link, probes, address),
 * sess_conn.c (buffers), sess_net.c (sockets), sess_diag.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/sess_impl.h"
#include "bgpd/util/clock.h"

void
peer_timer_start(struct peer *p, ev_timer *t, double seconds)
{
	ev_timer_stop(p->eng->loop, t);
	ev_timer_set(t, seconds, 0.);
	ev_timer_start(p->eng->loop, t);
}

void
peer_timer_stop(struct peer *p, ev_timer *t)
{
	ev_timer_stop(p->eng->loop, t);
}

/*
 * RFC 4271 10: "jitter SHOULD be applied to the timers associated with
 * MinASOriginationIntervalTimer, KeepaliveTimer,
 * MinRouteAdvertisementIntervalTimer, and ConnectRetryTimer", a factor
 * in [0.75, 1].  (Not to the HoldTimer.)  Also to our idle hold times.
 */
static double
jitter(double seconds)
{
	return seconds * (0.75 + 0.25 * ((double)random() / RAND_MAX));
}

/* ConnectRetryTime, doubled after each failure up to 8 times the base. */
static double
connretry_delay(const struct peer *p)
{
	uint32_t	shift = p->connretry_counter < 3 ?
			    p->connretry_counter : 3;

	return jitter(p->conf.timers.connect_retry_ms / 1000. * (1U << shift));
}

/* ---- sending -------------------------------------------------------- */

void
peer_send(struct peer *p, struct conn *c, const uint8_t *buf, size_t len)
{
	if (c == NULL || len == 0)
		return;
	if (conn_send(c, buf, len) == -1) {
		log_peer_warnx(p->name, "write queue over %d bytes",
		    SESS_WBUF_MAX);
		return;
	}
	p->stats.msgs_out[buf[18]]++;
}

void
sess_note_notif(struct sess_notif *n, uint8_t code, uint8_t subcode,
    const char *text)
{
	n->valid = true;
	n->code = code;
	n->subcode = subcode;
	n->when_ms = clock_wall_ms();
	snprintf(n->text, sizeof(n->text), "%s", text != NULL ? text : "");
}

void
peer_send_notification(struct peer *p, struct conn *c, uint8_t code,
    uint8_t subcode, const uint8_t *data, size_t len, const char *text)
{
	uint8_t	buf[MSG_MAX_LEN];
	size_t	n;

	if (c == NULL || c->connecting)
		return;
	if (text != NULL)
		n = msg_shutdown_encode(buf, sizeof(buf), subcode, text);
	else
		n = msg_notification_encode(buf, sizeof(buf), code, subcode,
		    data, len);
	peer_send(p, c, buf, n);
	sess_note_notif(&p->stats.notif_sent, code, subcode, text);
	p->stats.notifs_sent[code <= ERR_ROUTE_REFRESH ? code : 0]++;
	log_peer_warnx(p->name, "sent NOTIFICATION %s/%s%s%s%s",
	    msg_code_name(code), msg_subcode_name(code, subcode),
	    text != NULL && *text ? ": \"" : "", text != NULL ? text : "",
	    text != NULL && *text ? "\"" : "");
}

/*
 * What p's OPEN offers: the family of its neighbor (an IPv6 neighbor
 * carries IPv6 unicast only, as the VGW's IPv6 sessions do), route
 * refresh, 4-octet AS, and graceful restart for that family.
 */
void
peer_caps(const struct peer *p, struct msg_caps *caps)
{
	const struct sess_engine	*e = p->eng;
	bool				 v6 = p->conf.af == AF_INET6;

	memset(caps, 0, sizeof(*caps));
	caps->mp_ipv4_unicast = !v6;
	caps->mp_ipv6_unicast = v6;
	caps->route_refresh = true;
	caps->as4 = true;
	caps->as4_asn = e->local_as;
	if (e->gr_time > 0) {
		caps->gr = true;
		caps->gr_time = e->gr_time;
		caps->gr_ipv4 = !v6;
		caps->gr_ipv6 = v6;
		/* RFC 4724 3: after a restart that kept our routes in
		 * the kernel, R (restarted) and F (forwarding kept). */
		caps->gr_restarting = e->restarting;
		caps->gr_ipv4_forwarding = !v6 && e->restarting;
		caps->gr_ipv6_forwarding = v6 && e->restarting;
	}
}

unsigned
sess_peer_families(const struct peer *p)
{
	return p->conf.af == AF_INET6 ? MSG_AF_IPV6 : MSG_AF_IPV4;
}

void
peer_send_open(struct peer *p, struct conn *c)
{
	const struct sess_engine	*e = p->eng;
	struct msg_caps			 caps;
	uint8_t				 buf[MSG_MAX_LEN];

	peer_caps(p, &caps);
	peer_send(p, c, buf, msg_open_encode(buf, sizeof(buf), e->local_as,
	    (uint16_t)p->conf.timers.hold_s, e->router_id, &caps));
	c->open_sent = true;
}

static void
send_keepalive(struct peer *p, struct conn *c)
{
	uint8_t	buf[MSG_HEADER_LEN];

	peer_send(p, c, buf, msg_keepalive_encode(buf, sizeof(buf)));
}

/* ---- FSM actions ------------------------------------------------------ */

void
peer_close_conns(struct peer *p)
{
	conn_free(p->conn);
	p->conn = NULL;
	conn_free(p->pending);
	p->pending = NULL;
}

static void
do_notification(struct peer *p, const struct fsm_result *r,
    enum fsm_event ev)
{
	if (r->code == 0 && p->err_valid)
		peer_send_notification(p, p->conn, p->err.code, p->err.subcode,
		    p->err.data, p->err.data_len, NULL);
	else if (r->code == ERR_CEASE && p->stop_subcode != 0)
		peer_send_notification(p, p->conn, ERR_CEASE, p->stop_subcode,
		    NULL, 0, p->stop_subcode == ERR_CEASE_ADMIN_DOWN ||
		    p->stop_subcode == ERR_CEASE_ADMIN_RESET ? p->stop_text :
		    NULL);
	else
		peer_send_notification(p, p->conn, r->code, r->subcode, NULL, 0,
		    NULL);
	p->err_valid = false;
}

static void
do_connect(struct peer *p)
{
	p->stats.connect_attempts++;
	if (sess_connect(p) == 0)
		return;
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "connect: %s", strerror(errno));
	if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
		log_peer_warnx(p->name, "%s", p->stats.last_error);
	/* Deliver TcpConnectionFails from the loop, not from here. */
	peer_timer_start(p, &p->t_failed, 0.);
}

static void
do_timers(struct peer *p, uint32_t a)
{
	if (a & FSM_A_CONNRETRY_STOP)
		peer_timer_stop(p, &p->t_connretry);
	if (a & FSM_A_COUNTER_ZERO)
		p->connretry_counter = 0;
	if (a & FSM_A_COUNTER_INC)
		p->connretry_counter++;
	if (a & FSM_A_CONNRETRY_START)
		peer_timer_start(p, &p->t_connretry, connretry_delay(p));
	if (a & FSM_A_HOLD_LARGE)
		peer_timer_start(p, &p->t_hold, SESS_HOLD_LARGE_S);
	if (a & FSM_A_HOLD_NEGOTIATED) {
		if (p->hold_neg != 0) {
			peer_timer_start(p, &p->t_hold, p->hold_neg);
			peer_timer_start(p, &p->t_keepalive,
			    jitter(p->keepalive));
		} else {
			peer_timer_stop(p, &p->t_hold);
			peer_timer_stop(p, &p->t_keepalive);
		}
	}
	if ((a & FSM_A_HOLD_RESTART) && p->hold_neg != 0)
		peer_timer_start(p, &p->t_hold, p->hold_neg);
	if ((a & FSM_A_KEEPALIVE_RESTART) && p->hold_neg != 0)
		peer_timer_start(p, &p->t_keepalive, jitter(p->keepalive));
	if (a & FSM_A_TIMERS_STOP) {
		peer_timer_stop(p, &p->t_hold);
		peer_timer_stop(p, &p->t_keepalive);
	}
}

static void
do_actions(struct peer *p, const struct fsm_result *r, enum fsm_event ev)
{
	uint32_t	a = r->actions;

	if (a & FSM_A_SEND_NOTIFICATION)
		do_notification(p, r, ev);
	if ((a & FSM_A_SEND_OPEN) && p->conn != NULL)
		peer_send_open(p, p->conn);
	if (a & FSM_A_SEND_KEEPALIVE)
		send_keepalive(p, p->conn);
	if (a & FSM_A_CLOSE)
		peer_close_conns(p);
	do_timers(p, a);
	if (a & FSM_A_CONNECT)
		do_connect(p);
	if (a & FSM_A_ESTABLISHED)
		peer_send_routes(p, true);
	if (a & FSM_A_PROCESS_REFRESH)
		peer_send_routes(p, false);
}

/* The tunnel cannot carry a session now: link down or probes lost. */
bool
peer_blocked(const struct peer *p)
{
	return p->link_down || p->probe_down;
}

/* Idle again: after a growing pause, start over (unless shut down). */
static void
peer_went_idle(struct peer *p, enum fsm_state old)
{
	uint32_t	shift;

	peer_close_conns(p);
	peer_timer_stop(p, &p->t_connretry);
	peer_timer_stop(p, &p->t_hold);
	peer_timer_stop(p, &p->t_keepalive);
	if (old == FSM_ESTABLISHED) {
		p->stats.flaps++;
		p->stats.established_ms = 0;
	}
	if (p->admin_down || peer_blocked(p))
		return;
	if (p->retry_soon) {
		p->retry_soon = false;
		peer_timer_start(p, &p->t_idle, jitter(SESS_RETRY_SOON_S));
		return;
	}
	shift = p->fail_streak < 6 ? p->fail_streak : 6;
	p->fail_streak++;
	peer_timer_start(p, &p->t_idle, jitter(shift == 0 ? 0.5 :
	    (double)((1U << shift) < SESS_IDLE_HOLD_MAX_S ? (1U << shift) :
	    SESS_IDLE_HOLD_MAX_S)));
}

static void
peer_set_state(struct peer *p, enum fsm_state next)
{
	enum fsm_state	old = p->state;

	if (old == next)
		return;
	p->state = next;
	p->stats.last_change_ms = clock_mono_ms();
	log_peer_info(p->name, "%s -> %s", fsm_state_name(old),
	    fsm_state_name(next));
	sess_diag_state(p, next);
	if (next == FSM_ESTABLISHED) {
		p->stats.established_ms = p->stats.last_change_ms;
		p->fail_streak = 0;
		p->last_down = SESS_DOWN_NONE;
		conn_free(p->held);	/* the peer has let the old one go */
		p->held = NULL;
		p->held_closing = false;
		p->quick_retries = 0;
	}
	if (next == FSM_ESTABLISHED || old != FSM_ESTABLISHED)
		p->graceful_down = false;
	if (next == FSM_IDLE)
		peer_went_idle(p, old);
	if (p->eng->hooks.state_change != NULL)
		p->eng->hooks.state_change(p, old, p->eng->hooks.arg);
}

/* Feed ev to the FSM and carry out what it says.  Returns the actions. */
uint32_t
peer_event(struct peer *p, enum fsm_event ev)
{
	struct fsm_result	r;

	r = fsm_step(p->state, ev);
	log_debug("neighbor %s: %s in %s -> %s (actions 0x%x)", p->name,
	    fsm_event_name(ev), fsm_state_name(p->state),
	    fsm_state_name(r.next), r.actions);
	do_actions(p, &r, ev);
	peer_set_state(p, r.next);
	return r.actions;
}

/* ---- timers ----------------------------------------------------------- */

static void
on_connretry(struct ev_loop *loop, ev_timer *w, int revents)
{
	peer_event(w->data, FSM_EV_CONNRETRY_EXPIRES);
}

static void
on_hold(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p = w->data;

	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "hold timer expired");
	p->last_down = SESS_DOWN_HOLD;
	peer_event(p, FSM_EV_HOLD_EXPIRES);
}

static void
on_keepalive(struct ev_loop *loop, ev_timer *w, int revents)
{
	peer_event(w->data, FSM_EV_KEEPALIVE_EXPIRES);
}

static void
on_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p = w->data;

	if (!p->admin_down && !peer_blocked(p) && p->state == FSM_IDLE)
		peer_event(p, FSM_EV_AUTO_START);
}

static void
on_failed(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p = w->data;

	if (p->state == FSM_CONNECT || p->state == FSM_ACTIVE)
		peer_event(p, FSM_EV_TCP_FAILS);
}

static void
on_maxpfx(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p = w->data;

	log_peer_info(p->name, "max-prefix restart delay over: enabling");
	(void)sess_peer_enable(p);
}

void
peer_timers_init(struct peer *p)
{
	ev_init(&p->t_connretry, on_connretry);
	ev_init(&p->t_hold, on_hold);
	ev_init(&p->t_keepalive, on_keepalive);
	ev_init(&p->t_idle, on_idle);
	ev_init(&p->t_failed, on_failed);
	ev_init(&p->t_maxpfx, on_maxpfx);
	p->t_connretry.data = p->t_hold.data = p->t_keepalive.data = p;
	p->t_idle.data = p->t_failed.data = p->t_maxpfx.data = p;
}

/* Close with Cease/subcode (and text for 2 and 4), whatever the state. */
void
peer_stop(struct peer *p, uint8_t subcode, const char *text)
{
	p->stop_subcode = subcode;
	snprintf(p->stop_text, sizeof(p->stop_text), "%s",
	    text != NULL ? text : "");
	if (p->state == FSM_IDLE)
		peer_timer_stop(p, &p->t_idle);
	else
		peer_event(p, FSM_EV_MANUAL_STOP);
	p->stop_subcode = 0;
}
