/* SPDX-License-Identifier: ISC */
/*
 * sess_tunnel.c: what the tunnel says of a session: its interface going
 * down or up, the liveness probes lost or answered, its inside address
 * removed or added.  A session the tunnel cannot carry goes down at once,
 * without waiting for the hold timer; one lost to the probes keeps its
 * socket until they answer again.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "bgpd/session/sess_impl.h"

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
		peer_timer_stop(p, &p->t_idle);
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
	if (peer_blocked(p)) {
		log_peer_info(p->name, "tunnel interface %s up: waiting for "
		    "the probes", p->conf.ifname);
		return;
	}
	log_peer_info(p->name, "tunnel interface %s up: connecting",
	    p->conf.ifname);
	if (p->state == FSM_IDLE && !p->admin_down)
		peer_timer_start(p, &p->t_idle, 0.);
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
	if (p->admin_down || peer_blocked(p) || p->state != FSM_IDLE)
		return;
	log_peer_info(p->name, "the peer closed the old session: connecting");
	p->quick_retries = SESS_QUICK_RETRIES;
	peer_timer_start(p, &p->t_idle, 0.);
}

void
sess_peer_probe(struct peer *p, bool alive)
{
	bool	closing;

	if (!alive) {
		p->probe_down = true;
		p->quick_retries = 0;
		peer_timer_stop(p, &p->t_idle);
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
	if (peer_blocked(p) || p->state != FSM_IDLE || p->admin_down)
		return;
	if (closing) {
		/* sess_conn_closed() connects as soon as the peer closed it */
		peer_timer_start(p, &p->t_idle, SESS_HELD_CLOSE_S);
		return;
	}
	log_peer_info(p->name, "probes answered on %s: connecting",
	    p->conf.ifname);
	peer_timer_start(p, &p->t_idle, 0.);
}

/* An address (buf) came or went on p's tunnel interface; ours says
 * whether it was the session's inside address. */
static void
peer_addr(struct peer *p, const char *buf, bool ours, bool added)
{
	if (!added) {
		if (p->state == FSM_IDLE || !ours)
			return;
		snprintf(p->stats.last_error, sizeof(p->stats.last_error),
		    "inside address %s removed from %s", buf, p->conf.ifname);
		if (p->state == FSM_ESTABLISHED)
			p->last_down = SESS_DOWN_LINK;
		peer_down_now(p);
		return;
	}
	if (p->state != FSM_IDLE || p->admin_down || peer_blocked(p))
		return;
	log_peer_info(p->name, "address %s added on %s: connecting", buf,
	    p->conf.ifname);
	p->fail_streak = 0;
	peer_timer_start(p, &p->t_idle, 0.);
}

void
sess_peer_addr(struct peer *p, struct in_addr addr, bool added)
{
	char	buf[INET_ADDRSTRLEN];

	if (p->conf.af != AF_INET)
		return;
	inet_ntop(AF_INET, &addr, buf, sizeof(buf));
	peer_addr(p, buf, addr.s_addr == p->local_addr.s_addr, added);
}

void
sess_peer_addr6(struct peer *p, const struct in6_addr *addr, bool added)
{
	char	buf[INET6_ADDRSTRLEN];

	if (p->conf.af != AF_INET6)
		return;
	inet_ntop(AF_INET6, addr, buf, sizeof(buf));
	peer_addr(p, buf, IN6_ARE_ADDR_EQUAL(addr, &p->local_addr6), added);
}
