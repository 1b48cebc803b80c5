/* SPDX-License-Identifier: ISC */
/*
 * sess_msg.c: the messages a session receives, one handler per type:
 * OPEN (negotiation), UPDATE (with the checks that need the session's
 * context), NOTIFICATION, KEEPALIVE and ROUTE-REFRESH; each feeds the FSM.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/sess_impl.h"
#include "bgpd/util/clock.h"

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
	/* the Multiprotocol capability of IPv6 unicast (RFC 4760 8) */
	static const uint8_t	mp_ipv6[] = { 1, 4, 0, 2, 0, 1 };
	struct msg_open		o;
	struct msg_error	err;
	struct msg_caps		ours;

	peer_caps(p, &ours);
	memset(&err, 0, sizeof(err));
	if (msg_open_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &o,
	    &err) == -1 || msg_open_check(&o, p->conf.remote_as,
	    p->eng->router_id, &err) == -1) {
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "bad OPEN: %s/%s", msg_code_name(err.code),
		    msg_subcode_name(err.code, err.subcode));
		if (c == p->pending) {
			peer_send_notification(p, c, err.code, err.subcode,
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
	if (p->conf.af == AF_INET6 && !(msg_caps_negotiate(&ours, &o.caps) &
	    MSG_AF_IPV6)) {
		/* RFC 5492 5: a capability we need that the peer lacks */
		memset(&err, 0, sizeof(err));
		err.code = ERR_OPEN;
		err.subcode = ERR_OPEN_CAPA;
		memcpy(err.data, mp_ipv6, sizeof(mp_ipv6));
		err.data_len = sizeof(mp_ipv6);
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "bad OPEN: the peer does not offer IPv6 unicast");
		if (c == p->pending) {
			peer_send_notification(p, c, err.code, err.subcode,
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
	if (c == p->pending && peer_collision(p, &o) == 0)
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

	size_t			 n = u->n_nlri + u->n_nlri6;

	if (u->action == UPD_TREAT_AS_WITHDRAW)
		why = msg_subcode_name(e->code, e->subcode);
	else if ((u->n_nlri > 0 && !msg_nexthop_ok(a->next_hop,
	    p->local_addr, p->local_plen)) || (u->n_nlri6 > 0 &&
	    !msg_nexthop6_ok(&a->next_hop6, &p->local_addr6, p->local_plen,
	    NULL))) {
		p->stats.bad_nexthop++;
		u->bad_nexthop = true;
		if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
			log_peer_warnx(p->name, "UPDATE with %zu prefixes "
			    "refused: NEXT_HOP not on the tunnel", n);
		return;
	} else if (n > 0 &&
	    msg_aspath_first_as(a->as_path, a->as_path_len) !=
	    p->conf.remote_as)
		why = "AS_PATH does not start with the peer's AS";
	if (why == NULL)
		return;
	if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
		log_peer_warnx(p->name, "UPDATE with %zu prefixes treated as "
		    "withdraw: %s", n, why);
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
	if (msg_update_decode_af(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN,
	    p->as4, true, sess_peer_families(p), &u, &err) == -1)
		fatalx("%s: out of memory", __func__);
	if (p->conf.af == AF_INET6) {
		/* the classic fields are IPv4, which this session does not
		 * carry (msg_update_decode_af) */
		u.n_nlri = 0;
		u.n_withdrawn = 0;
	}
	if (u.action == UPD_SESSION_RESET) {
		msg_update_free(&u);
		p->err = err;
		p->err_valid = true;
		peer_event(p, FSM_EV_UPDATE_ERR);
		return -1;
	}
	if (peer_event(p, FSM_EV_UPDATE) & FSM_A_PROCESS_UPDATE) {
		check_routes(p, &u, &err);
		p->stats.prefixes_in += u.n_nlri + u.n_nlri6;
		p->stats.withdrawals_in += u.n_withdrawn + u.n_withdrawn6;
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
	sess_note_notif(&p->stats.notif_rcvd, n->code, n->subcode,
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
	if (rr.afi != (p->conf.af == AF_INET6 ? 2 : 1) || rr.safi != 1) {
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
			peer_send_notification(p, c, p->err.code,
			    p->err.subcode, p->err.data, p->err.data_len, NULL);
			conn_free(c);
			p->pending = NULL;
			return -1;
		}
		peer_event(p, FSM_EV_HEADER_ERR);
		return -1;
	}
	p->stats.msgs_in[type]++;
	if (c == p->pending && type != MSG_OPEN && type != MSG_NOTIFICATION) {
		peer_send_notification(p, c, ERR_FSM, ERR_FSM_OPENSENT, NULL, 0,
		    NULL);
		conn_free(c);
		p->pending = NULL;
		return -1;
	}
	return handlers[type].handle(p, c, msg, len);
}
