/*
 * session.c: the life of a BGP session: FSM events in, FSM actions out
 * (fsm.h), timers, connection collisions (RFC 4271 6.8), the messages of
 * an established session, and the operator's actions.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/session/sess_impl.h"
#include "lib/clock.h"

static uint32_t	peer_event(struct peer *, enum fsm_event);
static void	peer_send_routes(struct peer *, bool);

static void
timer_start(struct peer *p, ev_timer *t, double seconds)
{
	ev_timer_stop(p->eng->loop, t);
	ev_timer_set(t, seconds, 0.);
	ev_timer_start(p->eng->loop, t);
}

static void
timer_stop(struct peer *p, ev_timer *t)
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

static void
send_msg(struct peer *p, struct conn *c, const uint8_t *buf, size_t len)
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

static void
note_notif(struct sess_notif *n, uint8_t code, uint8_t subcode,
    const char *text)
{
	n->valid = true;
	n->code = code;
	n->subcode = subcode;
	n->when_ms = clock_wall_ms();
	snprintf(n->text, sizeof(n->text), "%s", text != NULL ? text : "");
}

static void
send_notification(struct peer *p, struct conn *c, uint8_t code,
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
	send_msg(p, c, buf, n);
	note_notif(&p->stats.notif_sent, code, subcode, text);
	p->stats.notifs_sent[code <= ERR_ROUTE_REFRESH ? code : 0]++;
	log_peer_warnx(p->name, "sent NOTIFICATION %s/%s%s%s%s",
	    msg_code_name(code), msg_subcode_name(code, subcode),
	    text != NULL && *text ? ": \"" : "", text != NULL ? text : "",
	    text != NULL && *text ? "\"" : "");
}

static void
send_open(struct peer *p, struct conn *c)
{
	const struct sess_engine	*e = p->eng;
	struct msg_caps			 caps;
	uint8_t				 buf[MSG_MAX_LEN];

	memset(&caps, 0, sizeof(caps));
	caps.mp_ipv4_unicast = true;
	caps.route_refresh = true;
	caps.as4 = true;
	caps.as4_asn = e->local_as;
	if (e->gr_time > 0) {
		caps.gr = true;
		caps.gr_time = e->gr_time;
		caps.gr_ipv4 = true;
		/* RFC 4724 3: after a restart that kept our routes in
		 * the kernel, R (restarted) and F (forwarding kept). */
		caps.gr_restarting = e->restarting;
		caps.gr_ipv4_forwarding = e->restarting;
	}
	send_msg(p, c, buf, msg_open_encode(buf, sizeof(buf), e->local_as,
	    (uint16_t)p->conf.timers.hold_s, e->router_id, &caps));
	c->open_sent = true;
}

static void
send_keepalive(struct peer *p, struct conn *c)
{
	uint8_t	buf[MSG_HEADER_LEN];

	send_msg(p, c, buf, msg_keepalive_encode(buf, sizeof(buf)));
}

/* ---- FSM actions ------------------------------------------------------ */

static void
close_conn(struct peer *p)
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
		send_notification(p, p->conn, p->err.code, p->err.subcode,
		    p->err.data, p->err.data_len, NULL);
	else if (r->code == ERR_CEASE && p->stop_subcode != 0)
		send_notification(p, p->conn, ERR_CEASE, p->stop_subcode,
		    NULL, 0, p->stop_subcode == ERR_CEASE_ADMIN_DOWN ||
		    p->stop_subcode == ERR_CEASE_ADMIN_RESET ? p->stop_text :
		    NULL);
	else
		send_notification(p, p->conn, r->code, r->subcode, NULL, 0,
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
	timer_start(p, &p->t_failed, 0.);
}

static void
do_timers(struct peer *p, uint32_t a)
{
	if (a & FSM_A_CONNRETRY_STOP)
		timer_stop(p, &p->t_connretry);
	if (a & FSM_A_COUNTER_ZERO)
		p->connretry_counter = 0;
	if (a & FSM_A_COUNTER_INC)
		p->connretry_counter++;
	if (a & FSM_A_CONNRETRY_START)
		timer_start(p, &p->t_connretry, connretry_delay(p));
	if (a & FSM_A_HOLD_LARGE)
		timer_start(p, &p->t_hold, SESS_HOLD_LARGE_S);
	if (a & FSM_A_HOLD_NEGOTIATED) {
		if (p->hold_neg != 0) {
			timer_start(p, &p->t_hold, p->hold_neg);
			timer_start(p, &p->t_keepalive, jitter(p->keepalive));
		} else {
			timer_stop(p, &p->t_hold);
			timer_stop(p, &p->t_keepalive);
		}
	}
	if ((a & FSM_A_HOLD_RESTART) && p->hold_neg != 0)
		timer_start(p, &p->t_hold, p->hold_neg);
	if ((a & FSM_A_KEEPALIVE_RESTART) && p->hold_neg != 0)
		timer_start(p, &p->t_keepalive, jitter(p->keepalive));
	if (a & FSM_A_TIMERS_STOP) {
		timer_stop(p, &p->t_hold);
		timer_stop(p, &p->t_keepalive);
	}
}

static void
do_actions(struct peer *p, const struct fsm_result *r, enum fsm_event ev)
{
	uint32_t	a = r->actions;

	if (a & FSM_A_SEND_NOTIFICATION)
		do_notification(p, r, ev);
	if ((a & FSM_A_SEND_OPEN) && p->conn != NULL)
		send_open(p, p->conn);
	if (a & FSM_A_SEND_KEEPALIVE)
		send_keepalive(p, p->conn);
	if (a & FSM_A_CLOSE)
		close_conn(p);
	do_timers(p, a);
	if (a & FSM_A_CONNECT)
		do_connect(p);
	if (a & FSM_A_ESTABLISHED)
		peer_send_routes(p, true);
	if (a & FSM_A_PROCESS_REFRESH)
		peer_send_routes(p, false);
}

/* The tunnel cannot carry a session now: link down or probes lost. */
static bool
blocked(const struct peer *p)
{
	return p->link_down || p->probe_down;
}

/* Idle again: after a growing pause, start over (unless shut down). */
static void
peer_went_idle(struct peer *p, enum fsm_state old)
{
	uint32_t	shift;

	close_conn(p);
	timer_stop(p, &p->t_connretry);
	timer_stop(p, &p->t_hold);
	timer_stop(p, &p->t_keepalive);
	if (old == FSM_ESTABLISHED) {
		p->stats.flaps++;
		p->stats.established_ms = 0;
	}
	if (p->admin_down || blocked(p))
		return;
	if (p->retry_soon) {
		p->retry_soon = false;
		timer_start(p, &p->t_idle, jitter(SESS_RETRY_SOON_S));
		return;
	}
	shift = p->fail_streak < 6 ? p->fail_streak : 6;
	p->fail_streak++;
	timer_start(p, &p->t_idle, jitter(shift == 0 ? 0.5 :
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
static uint32_t
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

	if (!p->admin_down && !blocked(p) && p->state == FSM_IDLE)
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

/* ---- connections ------------------------------------------------------ */

void
sess_connected(struct peer *p, struct conn *c)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getsockname(c->fd, (struct sockaddr *)&sin, &len) == 0)
		p->local_addr = sin.sin_addr;
	conn_start_io(c);
	peer_event(p, FSM_EV_TCP_CR_ACKED);
}

/*
 * A peer that has just closed the session we held may refuse the new one
 * for a moment (BIRD does while it flushes the old session's routes):
 * the first retries come after 0.1, 0.2 and 0.4 s, not ConnectRetryTime.
 */
static void
quick_retry(struct peer *p)
{
	if (p->quick_retries == 0 || p->state != FSM_ACTIVE)
		return;
	p->quick_retries--;
	timer_start(p, &p->t_connretry, SESS_QUICK_RETRY_S *
	    (double)(1U << (SESS_QUICK_RETRIES - 1 - p->quick_retries)));
}

void
sess_connect_failed(struct peer *p, struct conn *c, int err)
{
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "connect: %s", strerror(err));
	if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
		log_peer_warnx(p->name, "%s", p->stats.last_error);
	if (p->conn == c) {
		conn_free(c);
		p->conn = NULL;
	}
	peer_event(p, FSM_EV_TCP_FAILS);
	quick_retry(p);
}

void
sess_conn_error(struct conn *c, const char *why)
{
	struct peer	*p = c->peer;

	if (c == p->pending) {
		conn_free(c);
		p->pending = NULL;
		return;
	}
	snprintf(p->stats.last_error, sizeof(p->stats.last_error), "%s", why);
	log_peer_warnx(p->name, "%s", why);
	p->graceful_down = p->state == FSM_ESTABLISHED &&
	    p->peer_open.caps.gr && p->peer_open.caps.gr_ipv4;
	if (p->state == FSM_ESTABLISHED)
		p->last_down = SESS_DOWN_CONN;
	peer_event(p, FSM_EV_TCP_FAILS);
	quick_retry(p);
}

static struct peer *
peer_by_addr(struct sess_engine *e, struct in_addr a)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i]->conf.addr.s_addr == a.s_addr)
			return e->peers[i];
	return NULL;
}

static void
reject(struct sess_engine *e, int fd, struct in_addr src, const char *why)
{
	char		addr[INET_ADDRSTRLEN];
	uint64_t	suppressed;

	close(fd);
	if (!log_ratelimit(&e->rl_unknown, clock_mono_ms(), &suppressed))
		return;
	inet_ntop(AF_INET, &src, addr, sizeof(addr));
	log_warnx("connection from %s closed: %s%s", addr, why,
	    suppressed > 0 ? " (and more, not logged)" : "");
}

/*
 * A connection from a configured neighbor.  RFC 4271 6.8: while the
 * session is still opening, keep it aside until its OPEN tells the peer's
 * BGP Identifier; an established session keeps its connection unless the
 * peer does graceful restart (RFC 4724 4.2: the new connection means the
 * old one is dead).
 */
void
sess_accepted(struct sess_engine *e, int fd, struct in_addr src,
    struct in_addr dst)
{
	struct peer	*p;
	struct conn	*c;
	const char	*why = NULL;

	if ((p = peer_by_addr(e, src)) == NULL)
		why = "not a configured neighbor";
	else if (p->admin_down)
		why = "neighbor is shut down";
	else if (sess_local_addr(p) == 0 && dst.s_addr != p->local_addr.s_addr)
		why = "arrived on the wrong address";
	else if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->conf.ifname,
	    (socklen_t)strlen(p->conf.ifname)) == -1)
		why = "cannot bind to its interface";
	else if (sess_peer_ttl(fd, p) == -1)
		why = "cannot set its TTL";
	if (why != NULL) {
		reject(e, fd, src, why);
		return;
	}
	if (p->state == FSM_ESTABLISHED && p->peer_open.caps.gr) {
		log_peer_info(p->name, "new connection while established: "
		    "the peer restarted (RFC 4724)");
		p->graceful_down = p->peer_open.caps.gr_ipv4;
		peer_event(p, FSM_EV_TCP_FAILS);
	}
	c = conn_new(p, fd, false);
	p->local_addr = dst;
	switch (p->state) {
	case FSM_IDLE:
		timer_stop(p, &p->t_idle);
		peer_event(p, FSM_EV_AUTO_START_PASSIVE);
		/* FALLTHROUGH */
	case FSM_CONNECT:
	case FSM_ACTIVE:
		conn_free(p->conn);
		p->conn = c;
		conn_start_io(c);
		peer_event(p, FSM_EV_TCP_CONFIRMED);
		break;
	case FSM_OPENSENT:
	case FSM_OPENCONFIRM:
		conn_free(p->pending);
		p->pending = c;
		conn_start_io(c);
		send_open(p, c);
		break;
	case FSM_ESTABLISHED:
		send_notification(p, c, ERR_CEASE, ERR_CEASE_COLLISION, NULL,
		    0, NULL);
		conn_free(c);
		break;
	}
}

/*
 * The pending connection got its OPEN: RFC 4271 6.8, the connection
 * initiated by the speaker with the higher BGP Identifier survives.
 * Unless the one we follow has sat in OpenSent without a word from the
 * peer for SESS_OPEN_WAIT_S: the peer has let it go (its FIN or RST may
 * have been dropped, e.g. by TTL security), and would otherwise lose
 * every new connection to it until the OpenSent hold timer.
 */
static int
collision(struct peer *p, const struct msg_open *o)
{
	struct conn	*keep, *dump;
	bool		 ours_higher = ntohl(p->eng->router_id.s_addr) >
			    ntohl(o->bgp_id.s_addr);

	if (sess_diag_silent(p)) {
		log_peer_info(p->name, "connection collision: no OPEN on the "
		    "first connection in %.0f s, taking the new one",
		    SESS_OPEN_WAIT_S);
		keep = p->pending;
		dump = p->conn;
	} else if (p->conn->outgoing == ours_higher) {
		keep = p->conn;
		dump = p->pending;
	} else {
		keep = p->pending;
		dump = p->conn;
	}
	send_notification(p, dump, ERR_CEASE, ERR_CEASE_COLLISION, NULL, 0,
	    NULL);
	log_peer_info(p->name, "connection collision: keeping the one %s",
	    keep->outgoing ? "we initiated" : "the peer initiated");
	if (keep == p->conn) {
		conn_free(p->pending);
		p->pending = NULL;
		return 0;
	}
	conn_free(p->conn);
	p->conn = p->pending;
	p->pending = NULL;
	p->state = FSM_OPENSENT;	/* it sent its OPEN already */
	return 1;
}

/* ---- messages --------------------------------------------------------- */

static bool
conn_alive(const struct peer *p, const struct conn *c)
{
	return c == p->conn || c == p->pending;
}

/* Hold time: the smaller of both, 0 if either is 0 (RFC 4271 4.2);
 * keepalive as configured but at most a third of it. */
static void
negotiate(struct peer *p, const struct msg_open *o)
{
	uint32_t	ours = p->conf.timers.hold_s;
	uint32_t	ka = p->conf.timers.keepalive_s;

	p->peer_open = *o;
	p->as4 = o->caps.as4;
	p->hold_neg = (uint16_t)(ours == 0 || o->hold_time == 0 ? 0 :
	    ours < o->hold_time ? ours : o->hold_time);
	if (p->hold_neg != 0 && ka > p->hold_neg / 3u)
		ka = p->hold_neg / 3u;
	p->keepalive = (uint16_t)(ka == 0 ? 1 : ka);
}

static int
handle_open(struct peer *p, struct conn *c, const uint8_t *msg, size_t len)
{
	struct msg_open		o;
	struct msg_error	err;

	memset(&err, 0, sizeof(err));
	if (msg_open_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &o,
	    &err) == -1 || msg_open_check(&o, p->conf.remote_as,
	    p->eng->router_id, &err) == -1) {
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "bad OPEN: %s/%s", msg_code_name(err.code),
		    msg_subcode_name(err.code, err.subcode));
		if (c == p->pending) {
			send_notification(p, c, err.code, err.subcode,
			    err.data, err.data_len, NULL);
			conn_free(c);
			p->pending = NULL;
			return -1;
		}
		p->err = err;
		p->err_valid = true;
		peer_event(p, FSM_EV_OPEN_ERR);
		return -1;
	}
	c->open_rcvd = true;
	c->open = o;
	if (c == p->pending && collision(p, &o) == 0)
		return -1;
	negotiate(p, &o);
	peer_event(p, FSM_EV_OPEN);
	return conn_alive(p, c) ? 0 : -1;
}

/*
 * RFC 4271 6.3 checks that need this session's context.  "If the
 * NEXT_HOP attribute is semantically incorrect, the error SHOULD be
 * logged, and the route SHOULD be ignored": the routes are kept, refused,
 * so that `show routes` says why (they replace what the peer had sent
 * for those prefixes, as any announcement does).  An AS_PATH that does
 * not start with the peer's AS is malformed: treat-as-withdraw (RFC 7606
 * 7.2).
 */
static void
check_routes(struct peer *p, struct msg_update *u, const struct msg_error *e)
{
	const struct msg_attrs	*a = &u->attrs;
	const char		*why = NULL;

	if (u->action == UPD_TREAT_AS_WITHDRAW)
		why = msg_subcode_name(e->code, e->subcode);
	else if (u->n_nlri > 0 && !msg_nexthop_ok(a->next_hop, p->local_addr,
	    p->local_plen)) {
		p->stats.bad_nexthop++;
		u->bad_nexthop = true;
		if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
			log_peer_warnx(p->name, "UPDATE with %zu prefixes "
			    "refused: NEXT_HOP not on the tunnel", u->n_nlri);
		return;
	} else if (u->n_nlri > 0 &&
	    msg_aspath_first_as(a->as_path, a->as_path_len) !=
	    p->conf.remote_as)
		why = "AS_PATH does not start with the peer's AS";
	if (why == NULL)
		return;
	if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
		log_peer_warnx(p->name, "UPDATE with %zu prefixes treated as "
		    "withdraw: %s", u->n_nlri, why);
	u->action = UPD_TREAT_AS_WITHDRAW;
	p->stats.treat_as_withdraw++;
}

static int
handle_update(struct peer *p, struct conn *c, const uint8_t *msg,
    size_t len)
{
	struct msg_update	u;
	struct msg_error	err;

	memset(&u, 0, sizeof(u));
	memset(&err, 0, sizeof(err));
	if (msg_update_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN,
	    p->as4, true, &u, &err) == -1)
		fatalx("%s: out of memory", __func__);
	if (u.action == UPD_SESSION_RESET) {
		msg_update_free(&u);
		p->err = err;
		p->err_valid = true;
		peer_event(p, FSM_EV_UPDATE_ERR);
		return -1;
	}
	if (peer_event(p, FSM_EV_UPDATE) & FSM_A_PROCESS_UPDATE) {
		check_routes(p, &u, &err);
		p->stats.prefixes_in += u.n_nlri;
		p->stats.withdrawals_in += u.n_withdrawn;
		if (p->eng->hooks.update != NULL)
			p->eng->hooks.update(p, &u, p->eng->hooks.arg);
	}
	msg_update_free(&u);
	return conn_alive(p, c) ? 0 : -1;
}

static int
handle_notification(struct peer *p, struct conn *c, const uint8_t *msg,
    size_t len)
{
	struct msg_notification	*n;
	struct msg_error	 err;
	enum fsm_event		 ev = FSM_EV_NOTIF;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		fatal("calloc");
	if (msg_notification_decode(msg + MSG_HEADER_LEN,
	    len - MSG_HEADER_LEN, n, &err) == -1) {
		n->code = msg[MSG_HEADER_LEN];
		n->subcode = msg[MSG_HEADER_LEN + 1];
	}
	note_notif(&p->stats.notif_rcvd, n->code, n->subcode,
	    n->shutdown_msg);
	p->stats.notifs_rcvd[n->code <= ERR_ROUTE_REFRESH ? n->code : 0]++;
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "received NOTIFICATION %s/%s", msg_code_name(n->code),
	    msg_subcode_name(n->code, n->subcode));
	log_peer_warnx(p->name, "%s%s%s%s", p->stats.last_error,
	    n->shutdown_msg[0] ? ": \"" : "", n->shutdown_msg,
	    n->shutdown_msg[0] ? "\"" : "");
	if (n->code == ERR_OPEN && n->subcode == ERR_OPEN_VERSION)
		ev = FSM_EV_NOTIF_VERSION_ERR;
	/*
	 * The peer still holds a session it thinks is up (ours died with a
	 * silent tunnel failure): it goes as soon as the peer's next
	 * KEEPALIVE meets our RST, so try again soon, not after a back-off.
	 */
	p->retry_soon = n->code == ERR_CEASE &&
	    (n->subcode == ERR_CEASE_COLLISION ||
	    n->subcode == ERR_CEASE_CONN_REJECT) &&
	    p->state != FSM_ESTABLISHED;
	free(n);
	if (c == p->pending) {
		conn_free(c);
		p->pending = NULL;
		return -1;
	}
	if (p->state == FSM_ESTABLISHED)
		p->last_down = SESS_DOWN_NOTIF;
	peer_event(p, ev);
	return -1;
}

static int
handle_keepalive(struct peer *p, struct conn *c, const uint8_t *msg,
    size_t len)
{
	peer_event(p, FSM_EV_KEEPALIVE);
	return conn_alive(p, c) ? 0 : -1;
}

/*
 * ROUTE-REFRESH (RFC 2918, RFC 7313).  We advertise route refresh but not
 * Enhanced Route Refresh, so only a request (subtype 0) means anything:
 * BoRR and EoRR demarcate a procedure this session did not agree on, and
 * RFC 7313 5: "When the BGP speaker receives a ROUTE-REFRESH message with
 * a "Message Subtype" field other than 0, 1, or 2, it MUST ignore the
 * received ROUTE-REFRESH message.  It SHOULD log an error".  RFC 2918 4:
 * a request for an <AFI, SAFI> we did not advertise is ignored too.
 */
static int
handle_refresh(struct peer *p, struct conn *c, const uint8_t *msg,
    size_t len)
{
	struct msg_error	err;
	struct msg_refresh	rr;

	if (msg_route_refresh_decode(msg + MSG_HEADER_LEN,
	    len - MSG_HEADER_LEN, false, &rr, &err) == -1) {
		p->err = err;
		p->err_valid = true;
		peer_event(p, FSM_EV_UPDATE_ERR);
		return -1;
	}
	if (rr.subtype != RR_REQUEST) {
		if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
			log_peer_warnx(p->name, "ROUTE-REFRESH subtype %u (%s) "
			    "ignored", rr.subtype, rr.subtype == RR_BORR ?
			    "BoRR, Enhanced Route Refresh not negotiated" :
			    rr.subtype == RR_EORR ? "EoRR, Enhanced Route "
			    "Refresh not negotiated" : "unknown");
		return 0;
	}
	if (rr.afi != 1 || rr.safi != 1) {	/* IPv4 unicast */
		log_peer_warnx(p->name, "ROUTE-REFRESH for AFI %u SAFI %u "
		    "ignored", rr.afi, rr.safi);
		return 0;
	}
	peer_event(p, FSM_EV_ROUTE_REFRESH);
	return conn_alive(p, c) ? 0 : -1;
}

static const struct {
	int	(*handle)(struct peer *, struct conn *, const uint8_t *,
		    size_t);
} handlers[MSG_ROUTE_REFRESH + 1] = {
	[MSG_OPEN] = { handle_open },
	[MSG_UPDATE] = { handle_update },
	[MSG_NOTIFICATION] = { handle_notification },
	[MSG_KEEPALIVE] = { handle_keepalive },
	[MSG_ROUTE_REFRESH] = { handle_refresh },
};

int
sess_message(struct conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
	struct peer	*p = c->peer;

	if (type == 0) {	/* bad header: p->err says why */
		if (c == p->pending) {
			send_notification(p, c, p->err.code, p->err.subcode,
			    p->err.data, p->err.data_len, NULL);
			conn_free(c);
			p->pending = NULL;
			return -1;
		}
		peer_event(p, FSM_EV_HEADER_ERR);
		return -1;
	}
	p->stats.msgs_in[type]++;
	if (c == p->pending && type != MSG_OPEN && type != MSG_NOTIFICATION) {
		send_notification(p, c, ERR_FSM, ERR_FSM_OPENSENT, NULL, 0,
		    NULL);
		conn_free(c);
		p->pending = NULL;
		return -1;
	}
	return handlers[type].handle(p, c, msg, len);
}

/* ---- our routes ------------------------------------------------------- */

static void
send_update(struct peer *p, const struct msg_prefix *wd, size_t n_wd,
    const struct msg_attrs *a, const struct msg_prefix *nlri, size_t n)
{
	uint8_t	buf[MSG_MAX_LEN];
	size_t	len, half;

	len = msg_update_encode(buf, sizeof(buf), wd, n_wd, a, nlri, n,
	    p->as4);
	if (len > 0) {
		send_msg(p, p->conn, buf, len);
		return;
	}
	if (n_wd + n <= 1)
		fatalx("%s: one prefix does not fit an UPDATE", __func__);
	/* Too big: split in halves. */
	if (n_wd > 1) {
		half = n_wd / 2;
		send_update(p, wd, half, a, NULL, 0);
		send_update(p, wd + half, n_wd - half, a, nlri, n);
	} else {
		half = n / 2;
		send_update(p, wd, n_wd, a, nlri, half);
		send_update(p, NULL, 0, a, nlri + half, n - half);
	}
}

static struct msg_prefix *
to_msg_prefixes(const struct conf_prefix *cp, size_t n)
{
	struct msg_prefix	*mp;
	size_t			 i;

	if ((mp = calloc(n == 0 ? 1 : n, sizeof(*mp))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		mp[i].addr = cp[i].addr;
		mp[i].len = cp[i].len;
	}
	return mp;
}

/* Our networks with our attributes (RFC 4271 5.1: ORIGIN IGP, AS_PATH of
 * our AS, 1 + prepend times, NEXT_HOP our inside address). */
static void
announce(struct peer *p, const struct conf_prefix *nets, size_t n)
{
	struct msg_attrs	 a;
	struct msg_prefix	*nlri;

	if (n == 0)
		return;
	memset(&a, 0, sizeof(a));
	a.present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_AS_PATH) |
	    ATTR_BIT(ATTR_NEXT_HOP);
	a.origin = ORIGIN_IGP;
	a.next_hop = p->local_addr;
	if (msg_attrs_set_aspath(&a, p->eng->local_as,
	    1 + p->conf.prepend) == -1)
		fatal("msg_attrs_set_aspath");
	nlri = to_msg_prefixes(nets, n);
	send_update(p, NULL, 0, &a, nlri, n);
	free(nlri);
	msg_attrs_free(&a);
}

static void
withdraw(struct peer *p, const struct conf_prefix *nets, size_t n)
{
	struct msg_prefix	*wd;

	if (n == 0)
		return;
	wd = to_msg_prefixes(nets, n);
	send_update(p, wd, n, NULL, NULL, 0);
	free(wd);
}

/* All our networks; when the session just came up, then End-of-RIB
 * (RFC 4724 2).  A ROUTE-REFRESH (RFC 2918) gets them again. */
static void
peer_send_routes(struct peer *p, bool eor)
{
	announce(p, p->eng->networks, p->eng->n_networks);
	if (p->steer)
		announce(p, p->eng->halves, p->eng->n_halves);
	if (eor)
		send_update(p, NULL, 0, NULL, NULL, 0);
}

/* ---- neighbors and the engine ----------------------------------------- */

static char *
dup_or_null(const char *s)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		fatal("strdup");
	return d;
}

static void
peer_set_conf(struct peer *p, const struct conf_neighbor *n)
{
	free(p->conf.description);
	free(p->conf.password);
	p->conf = *n;
	p->conf.description = dup_or_null(n->description);
	p->conf.password = dup_or_null(n->password);
}

/* The lowest slot no peer of e uses (peers may be NULL while reloading). */
static unsigned
free_slot(const struct sess_engine *e, struct peer *const *extra, size_t n)
{
	unsigned	used = 0;
	size_t		i;

	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i] != NULL)
			used |= 1U << e->peers[i]->slot;
	for (i = 0; i < n; i++)
		used |= 1U << extra[i]->slot;
	return (unsigned)__builtin_ctz(~used);
}

static struct peer *
peer_new(struct sess_engine *e, const struct conf_neighbor *n, unsigned slot)
{
	struct peer		*p;
	struct log_ratelimit	 rl = LOG_RATELIMIT_INIT(10000, 3);

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("calloc");
	p->eng = e;
	p->slot = slot;
	peer_set_conf(p, n);
	inet_ntop(AF_INET, &n->addr, p->name, sizeof(p->name));
	p->rl = rl;
	p->local_plen = 30;
	ev_init(&p->t_connretry, on_connretry);
	ev_init(&p->t_hold, on_hold);
	ev_init(&p->t_keepalive, on_keepalive);
	ev_init(&p->t_idle, on_idle);
	ev_init(&p->t_failed, on_failed);
	ev_init(&p->t_maxpfx, on_maxpfx);
	p->t_connretry.data = p->t_hold.data = p->t_keepalive.data = p;
	p->t_idle.data = p->t_failed.data = p->t_maxpfx.data = p;
	sess_diag_init(p);
	return p;
}

static void
peer_free(struct peer *p)
{
	struct ev_loop	*loop = p->eng->loop;

	close_conn(p);
	conn_free(p->held);
	ev_timer_stop(loop, &p->t_connretry);
	ev_timer_stop(loop, &p->t_hold);
	ev_timer_stop(loop, &p->t_keepalive);
	ev_timer_stop(loop, &p->t_idle);
	ev_timer_stop(loop, &p->t_failed);
	ev_timer_stop(loop, &p->t_maxpfx);
	ev_timer_stop(loop, &p->t_open_wait);
	free(p->conf.description);
	free(p->conf.password);
	free(p);
}

/* Close with Cease/subcode (and text for 2 and 4), whatever the state. */
static void
peer_stop(struct peer *p, uint8_t subcode, const char *text)
{
	p->stop_subcode = subcode;
	snprintf(p->stop_text, sizeof(p->stop_text), "%s",
	    text != NULL ? text : "");
	if (p->state == FSM_IDLE)
		timer_stop(p, &p->t_idle);
	else
		peer_event(p, FSM_EV_MANUAL_STOP);
	p->stop_subcode = 0;
}

static bool	has_network(const struct conf_prefix *, size_t,
		    const struct conf_prefix *);

/* Each network split in two, for return steering; none of a /32, none
 * that is itself a network, no duplicates. */
static void
set_halves(struct sess_engine *e)
{
	struct conf_prefix	h;
	size_t			i, k;

	free(e->halves);
	if ((e->halves = calloc(2 * e->n_networks + 1, sizeof(*e->halves))) ==
	    NULL)
		fatal("calloc");
	e->n_halves = 0;
	for (i = 0; i < e->n_networks; i++) {
		if (e->networks[i].len >= 32)
			continue;
		for (k = 0; k < 2; k++) {
			h.len = e->networks[i].len + 1;
			h.addr.s_addr = e->networks[i].addr.s_addr;
			if (k == 1)
				h.addr.s_addr |= htonl(1U << (31 - (h.len - 1)));
			if (has_network(e->networks, e->n_networks, &h) ||
			    has_network(e->halves, e->n_halves, &h))
				continue;
			e->halves[e->n_halves++] = h;
		}
	}
}

static void
engine_set_conf(struct sess_engine *e, const struct conf *c)
{
	e->router_id = c->router_id;
	e->local_as = c->local_as;
	e->gr_time = (uint16_t)c->gr_time_s;
	free(e->networks);
	if ((e->networks = calloc(c->n_networks + 1, sizeof(*e->networks))) ==
	    NULL)
		fatal("calloc");
	memcpy(e->networks, c->networks, c->n_networks * sizeof(*e->networks));
	e->n_networks = c->n_networks;
	set_halves(e);
}

struct sess_engine *
sess_engine_new(struct ev_loop *loop, const struct conf *c, uint16_t port,
    const struct sess_hooks *hooks)
{
	struct sess_engine	*e;
	struct log_ratelimit	 rl = LOG_RATELIMIT_INIT(10000, 5);
	size_t			 i;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("calloc");
	e->loop = loop;
	e->port = port;
	e->lfd = -1;
	e->rl_unknown = rl;
	if (hooks != NULL)
		e->hooks = *hooks;
	engine_set_conf(e, c);
	if ((e->peers = calloc(c->n_neighbors + 1, sizeof(*e->peers))) == NULL)
		fatal("calloc");
	for (i = 0; i < c->n_neighbors && i < SESS_MAX_PEERS; i++)
		e->peers[e->n_peers++] = peer_new(e, &c->neighbors[i],
		    (unsigned)i);
	return e;
}

int
sess_engine_start(struct sess_engine *e)
{
	size_t	i;

	if (sess_listen(e) == -1)
		return -1;
	for (i = 0; i < e->n_peers; i++)
		peer_event(e->peers[i], FSM_EV_MANUAL_START);
	return 0;
}

void
sess_engine_stop(struct sess_engine *e, const char *reason)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++) {
		e->peers[i]->admin_down = true;
		peer_stop(e->peers[i], ERR_CEASE_ADMIN_DOWN, reason);
	}
	sess_listen_close(e);
}

void
sess_engine_free(struct sess_engine *e)
{
	size_t	i;

	if (e == NULL)
		return;
	sess_listen_close(e);
	for (i = 0; i < e->n_peers; i++)
		peer_free(e->peers[i]);
	free(e->peers);
	free(e->networks);
	free(e->halves);
	free(e);
}

void
sess_engine_pause(struct sess_engine *e, bool pause)
{
	struct peer	*p;
	size_t		 i;

	if (e->read_paused == pause)
		return;
	e->read_paused = pause;
	for (i = 0; i < e->n_peers; i++) {
		p = e->peers[i];
		if (p->conn != NULL)
			conn_read_sync(p->conn);
		if (p->pending != NULL)
			conn_read_sync(p->pending);
	}
}

/* Settings whose change needs a new session. */
static bool
needs_reset(const struct conf_neighbor *a, const struct conf_neighbor *b)
{
	return strcmp(a->ifname, b->ifname) != 0 ||
	    a->remote_as != b->remote_as ||
	    a->has_local_addr != b->has_local_addr ||
	    a->local_addr.s_addr != b->local_addr.s_addr ||
	    a->timers.hold_s != b->timers.hold_s ||
	    a->timers.keepalive_s != b->timers.keepalive_s ||
	    a->timers.ttl_security != b->timers.ttl_security ||
	    (a->password == NULL) != (b->password == NULL) ||
	    (a->password != NULL && strcmp(a->password, b->password) != 0);
}

static bool
has_network(const struct conf_prefix *nets, size_t n,
    const struct conf_prefix *pfx)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (nets[i].addr.s_addr == pfx->addr.s_addr &&
		    nets[i].len == pfx->len)
			return true;
	return false;
}

/* Networks in a but not in b, into a new array. */
static struct conf_prefix *
networks_minus(const struct conf_prefix *a, size_t na,
    const struct conf_prefix *b, size_t nb, size_t *n)
{
	struct conf_prefix	*out;
	size_t			 i;

	if ((out = calloc(na + 1, sizeof(*out))) == NULL)
		fatal("calloc");
	for (*n = 0, i = 0; i < na; i++)
		if (!has_network(b, nb, &a[i]))
			out[(*n)++] = a[i];
	return out;
}

/* Announce and withdraw what changed in the exported networks. */
static void
reexport(struct sess_engine *e, const struct conf *c, bool *prepend_changed)
{
	struct conf_prefix	*gone, *added, *old_h, *h_gone, *h_added;
	size_t			 n_gone, n_added, n_old_h, n_h_gone, n_h_added;
	size_t			 i;
	struct peer		*p;

	gone = networks_minus(e->networks, e->n_networks, c->networks,
	    c->n_networks, &n_gone);
	added = networks_minus(c->networks, c->n_networks, e->networks,
	    e->n_networks, &n_added);
	old_h = e->halves;
	n_old_h = e->n_halves;
	e->halves = NULL;
	engine_set_conf(e, c);
	h_gone = networks_minus(old_h, n_old_h, e->halves, e->n_halves,
	    &n_h_gone);
	h_added = networks_minus(e->halves, e->n_halves, old_h, n_old_h,
	    &n_h_added);
	for (i = 0; i < e->n_peers; i++) {
		p = e->peers[i];
		if (p->state != FSM_ESTABLISHED)
			continue;
		withdraw(p, gone, n_gone);
		if (p->steer)
			withdraw(p, h_gone, n_h_gone);
		if (prepend_changed[i])
			announce(p, e->networks, e->n_networks);
		else
			announce(p, added, n_added);
		if (p->steer && prepend_changed[i])
			announce(p, e->halves, e->n_halves);
		else if (p->steer)
			announce(p, h_added, n_h_added);
	}
	free(gone);
	free(added);
	free(old_h);
	free(h_gone);
	free(h_added);
}

void
sess_engine_reconfigure(struct sess_engine *e, const struct conf *c)
{
	struct peer		**peers;
	bool			 *prepend_changed, global;
	const struct conf_neighbor *n;
	size_t			  i, j, np = 0;

	global = e->router_id.s_addr != c->router_id.s_addr ||
	    e->local_as != c->local_as || e->gr_time != c->gr_time_s;
	if ((peers = calloc(c->n_neighbors + 1, sizeof(*peers))) == NULL ||
	    (prepend_changed = calloc(c->n_neighbors + 1, 1)) == NULL)
		fatal("calloc");
	for (i = 0; i < e->n_peers; i++) {
		if (conf_find_neighbor(c, e->peers[i]->conf.addr) != NULL)
			continue;
		peer_stop(e->peers[i], ERR_CEASE_PEER_UNCONF, NULL);
		(void)sess_md5_listener(e, e->peers[i], false);
		peer_free(e->peers[i]);
		e->peers[i] = NULL;
	}
	for (j = 0; j < c->n_neighbors; j++) {
		n = &c->neighbors[j];
		for (i = 0; i < e->n_peers; i++)
			if (e->peers[i] != NULL &&
			    e->peers[i]->conf.addr.s_addr == n->addr.s_addr)
				break;
		if (i < e->n_peers) {
			peers[np] = e->peers[i];
			e->peers[i] = NULL;
			prepend_changed[np] = peers[np]->conf.prepend !=
			    n->prepend;
			if (global || needs_reset(&peers[np]->conf, n)) {
				log_peer_info(peers[np]->name, "settings "
				    "changed: resetting the session");
				peer_stop(peers[np], ERR_CEASE_OTHER_CHANGE,
				    NULL);
				(void)sess_md5_listener(e, peers[np], false);
				peer_set_conf(peers[np], n);
				(void)sess_md5_listener(e, peers[np], true);
			} else
				peer_set_conf(peers[np], n);
			np++;
		} else if (np < SESS_MAX_PEERS) {
			peers[np] = peer_new(e, n, free_slot(e, peers, np));
			(void)sess_md5_listener(e, peers[np], true);
			peer_event(peers[np], FSM_EV_MANUAL_START);
			np++;
		}
	}
	free(e->peers);
	e->peers = peers;
	e->n_peers = np;
	(void)sess_listen_ttl(e);
	reexport(e, c, prepend_changed);
	free(prepend_changed);
}

/* ---- the operator's view and actions ---------------------------------- */

struct peer *
sess_peer_at(struct sess_engine *e, size_t i)
{
	return i < e->n_peers ? e->peers[i] : NULL;
}

struct peer *
sess_peer_find(struct sess_engine *e, const char *what)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++)
		if (strcmp(e->peers[i]->name, what) == 0 ||
		    strcmp(e->peers[i]->conf.ifname, what) == 0)
			return e->peers[i];
	return NULL;
}

void
sess_peer_info(const struct peer *p, struct sess_info *si)
{
	memset(si, 0, sizeof(*si));
	si->conf = &p->conf;
	si->name = p->name;
	si->slot = p->slot;
	si->state = p->state;
	si->admin_down = p->admin_down;
	si->local_addr = p->local_addr;
	si->stats = &p->stats;
	si->graceful_down = p->graceful_down;
	si->gr_restart_s = p->peer_open.caps.gr_time;
	si->link_down = p->link_down;
	si->probe_down = p->probe_down;
	si->last_down = p->last_down;
	si->steering = p->steer;
	if (p->state < FSM_OPENCONFIRM)
		return;
	si->peer_id = p->peer_open.bgp_id;
	si->hold_negotiated = p->hold_neg;
	si->keepalive = p->keepalive;
	si->as4 = p->as4;
	si->peer_caps = p->peer_open.caps;
}

int
sess_peer_shutdown(struct peer *p, const char *message)
{
	log_peer_info(p->name, "shut down by the operator%s%s",
	    message != NULL && *message ? ": " : "",
	    message != NULL ? message : "");
	p->admin_down = true;
	if (p->state == FSM_ESTABLISHED)
		p->last_down = SESS_DOWN_ADMIN;
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "shut down by the operator%s%s", message != NULL && *message ?
	    ": " : "", message != NULL ? message : "");
	peer_stop(p, ERR_CEASE_ADMIN_DOWN, message);
	return 0;
}

int
sess_peer_enable(struct peer *p)
{
	timer_stop(p, &p->t_maxpfx);
	if (!p->admin_down)
		return 0;
	log_peer_info(p->name, "enabled by the operator%s", blocked(p) ?
	    ": waiting for the tunnel (link or probes)" : "");
	p->admin_down = false;
	p->fail_streak = 0;
	if (!blocked(p))
		peer_event(p, FSM_EV_MANUAL_START);
	return 0;
}

int
sess_peer_reset(struct peer *p, const char *message)
{
	log_peer_info(p->name, "reset by the operator");
	if (p->admin_down)
		return sess_peer_enable(p);
	p->fail_streak = 0;
	peer_stop(p, ERR_CEASE_ADMIN_RESET, message);
	return 0;
}

int
sess_peer_refresh(struct peer *p, char *why, size_t len)
{
	uint8_t	buf[MSG_ROUTE_REFRESH_LEN];

	if (p->state != FSM_ESTABLISHED) {
		snprintf(why, len, "session is not established");
		return -1;
	}
	if (!p->peer_open.caps.route_refresh) {
		snprintf(why, len, "the peer did not advertise route refresh");
		return -1;
	}
	send_msg(p, p->conn, buf, msg_route_refresh_encode(buf, sizeof(buf),
	    1, 1));
	return 0;
}

/* The tunnel cannot carry the session (last_error says why): down now,
 * without waiting for the hold timer. */
static void
peer_down_now(struct peer *p)
{
	log_peer_warnx(p->name, "%s: session down at once",
	    p->stats.last_error);
	peer_event(p, FSM_EV_TCP_FAILS);
	if (p->state != FSM_IDLE)
		peer_event(p, FSM_EV_MANUAL_STOP);
}

void
sess_peer_link(struct peer *p, bool up)
{
	if (!up) {
		p->link_down = true;
		p->quick_retries = 0;
		timer_stop(p, &p->t_idle);
		if (p->state == FSM_IDLE)
			return;
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "tunnel interface %s down", p->conf.ifname);
		if (p->state == FSM_ESTABLISHED)
			p->last_down = SESS_DOWN_LINK;
		peer_down_now(p);
		return;
	}
	if (!p->link_down)
		return;
	p->link_down = false;
	p->fail_streak = 0;
	if (blocked(p)) {
		log_peer_info(p->name, "tunnel interface %s up: waiting for "
		    "the probes", p->conf.ifname);
		return;
	}
	log_peer_info(p->name, "tunnel interface %s up: connecting",
	    p->conf.ifname);
	if (p->state == FSM_IDLE && !p->admin_down)
		timer_start(p, &p->t_idle, 0.);
}

/*
 * The tunnel died silently: nothing we send now arrives, and a FIN or a
 * NOTIFICATION retransmitted later would come as TCP's back-off allows.
 * Keep the socket of the lost session instead, and close it when the
 * tunnel answers again: the peer, which may still think the session is
 * up, then hears of it at once and accepts a new one.
 */
static void
hold_conn(struct peer *p)
{
	if (p->conn == NULL || p->conn->connecting)
		return;
	conn_free(p->held);
	p->held = p->conn;
	p->held_closing = false;
	p->conn = NULL;
	conn_hold(p->held);
}

/*
 * The tunnel answers again: send the Cease on the held socket and connect
 * once the peer has closed it (SESS_HELD_CLOSE_S at most).  Connecting at
 * once races the Cease: a peer that still has the old session may see
 * the new connection first and refuse it (BIRD does), which costs a
 * connect retry.  Returns whether a held session is being closed.
 */
static bool
release_held(struct peer *p)
{
	uint8_t	buf[MSG_MAX_LEN];
	size_t	n;

	if (p->held == NULL || p->held_closing)
		return p->held != NULL;
	n = msg_shutdown_encode(buf, sizeof(buf), ERR_CEASE_ADMIN_RESET,
	    "tunnel was dead (liveness probes lost)");
	p->held_closing = true;
	log_peer_info(p->name, "closing the session lost with the tunnel: "
	    "Cease/Administrative Reset sent");
	conn_close_after(p->held, buf, n);
	return true;
}

void
sess_conn_closed(struct peer *p, struct conn *c)
{
	if (c != p->held)
		return;
	conn_free(p->held);
	p->held = NULL;
	p->held_closing = false;
	if (p->admin_down || blocked(p) || p->state != FSM_IDLE)
		return;
	log_peer_info(p->name, "the peer closed the old session: connecting");
	p->quick_retries = SESS_QUICK_RETRIES;
	timer_start(p, &p->t_idle, 0.);
}

void
sess_peer_probe(struct peer *p, bool alive)
{
	bool	closing;

	if (!alive) {
		p->probe_down = true;
		p->quick_retries = 0;
		timer_stop(p, &p->t_idle);
		if (p->state == FSM_IDLE)
			return;
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "liveness probes lost on %s", p->conf.ifname);
		if (p->state == FSM_ESTABLISHED) {
			p->last_down = SESS_DOWN_PROBE;
			hold_conn(p);
		}
		peer_down_now(p);
		return;
	}
	if (!p->probe_down)
		return;
	p->probe_down = false;
	p->fail_streak = 0;
	closing = release_held(p);
	if (blocked(p) || p->state != FSM_IDLE || p->admin_down)
		return;
	if (closing) {
		/* sess_conn_closed() connects as soon as the peer closed it */
		timer_start(p, &p->t_idle, SESS_HELD_CLOSE_S);
		return;
	}
	log_peer_info(p->name, "probes answered on %s: connecting",
	    p->conf.ifname);
	timer_start(p, &p->t_idle, 0.);
}

void
sess_peer_steer(struct peer *p, bool on)
{
	if (p->steer == on)
		return;
	p->steer = on;
	log_peer_info(p->name, "return steering %s: %zu halves of our "
	    "networks %s", on ? "on" : "off", p->eng->n_halves,
	    on ? "announced" : "withdrawn");
	if (p->state != FSM_ESTABLISHED)
		return;
	if (on)
		announce(p, p->eng->halves, p->eng->n_halves);
	else
		withdraw(p, p->eng->halves, p->eng->n_halves);
}

size_t
sess_peer_exported(const struct peer *p)
{
	if (p->state != FSM_ESTABLISHED)
		return 0;
	return p->eng->n_networks + (p->steer ? p->eng->n_halves : 0);
}

void
sess_peer_max_prefix(struct peer *p, uint32_t limit, uint32_t restart_ms)
{
	if (p->admin_down)
		return;
	log_peer_warnx(p->name, "more than %u prefixes: session down %s",
	    limit, restart_ms == 0 ? "until reset" : "for a while");
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "more than %u prefixes (max-prefix)", limit);
	p->admin_down = true;
	peer_stop(p, ERR_CEASE_MAX_PREFIX, NULL);
	if (restart_ms != 0)
		timer_start(p, &p->t_maxpfx, restart_ms / 1000.);
}

void
sess_engine_set_restarting(struct sess_engine *e, bool restarting)
{
	e->restarting = restarting;
}

void
sess_peer_addr(struct peer *p, struct in_addr addr, bool added)
{
	char	buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, buf, sizeof(buf));
	if (!added) {
		if (p->state == FSM_IDLE || addr.s_addr != p->local_addr.s_addr)
			return;
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "inside address %s removed from %s", buf, p->conf.ifname);
		if (p->state == FSM_ESTABLISHED)
			p->last_down = SESS_DOWN_LINK;
		peer_down_now(p);
		return;
	}
	if (p->state != FSM_IDLE || p->admin_down || blocked(p))
		return;
	log_peer_info(p->name, "address %s added on %s: connecting", buf,
	    p->conf.ifname);
	p->fail_streak = 0;
	timer_start(p, &p->t_idle, 0.);
}
