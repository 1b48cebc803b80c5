/* SPDX-License-Identifier: ISC */
/*
 * sess_diag.c: a session that cannot get past OpenSent explains itself.
 *
 * The TCP connection is up and our OPEN went out, yet no OPEN came back:
 * the peer's segments are being dropped before they reach us, almost
 * always by a setting on one side only.  After SESS_OPEN_WAIT_S one log
 * line (rate-limited per neighbor) names the causes that fit this
 * neighbor's settings, and `show neighbor` keeps it as the last error;
 * and a new connection from the peer wins the collision with that one
 * (sess_accept.c, peer_collision()).
 */
#include "config.h"

#include <stdio.h>

#include "bgpd/session/sess_impl.h"
#include "bgpd/util/clock.h"

#define SESS_DIAG_LOG_MS	(5 * 60 * 1000)	/* one line per 5 minutes */

/* The likely causes for p's settings, into buf. */
static void
opensent_causes(const struct peer *p, char *buf, size_t len)
{
	const char	*md5;

	md5 = p->conf.password != NULL ?
	    "a TCP MD5 password that the peer lacks or has another of" :
	    "a TCP MD5 password at the peer that is not configured here";
	if (p->conf.timers.ttl_security)
		snprintf(buf, len, "ttl-security is on here while the peer "
		    "sends TTL 1, as AWS and plain eBGP do (the kernel drops "
		    "its segments): set ttl-security off, or turn TTL "
		    "security on at the peer; else %s, or a firewall "
		    "dropping TCP port 179 from the peer", md5);
	else
		snprintf(buf, len, "a firewall dropping TCP port 179 from "
		    "the peer, or %s", md5);
}

static void
on_open_wait(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p = w->data;
	uint64_t	 suppressed;
	char		 causes[384];

	if (p->state != FSM_OPENSENT)
		return;
	opensent_causes(p, causes, sizeof(causes));
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "no OPEN from the peer %.0f s after the TCP connection came up; "
	    "likely %s", SESS_OPEN_WAIT_S, causes);
	if (log_ratelimit(&p->rl_diag, clock_mono_ms(), &suppressed))
		log_peer_warnx(p->name, "%s", p->stats.last_error);
}

void
sess_diag_init(struct peer *p)
{
	struct log_ratelimit	rl = LOG_RATELIMIT_INIT(SESS_DIAG_LOG_MS, 1);

	p->rl_diag = rl;
	ev_init(&p->t_open_wait, on_open_wait);
	p->t_open_wait.data = p;
}

void
sess_diag_state(struct peer *p, enum fsm_state next)
{
	ev_timer_stop(p->eng->loop, &p->t_open_wait);
	if (next != FSM_OPENSENT)
		return;
	ev_timer_set(&p->t_open_wait, SESS_OPEN_WAIT_S, 0.);
	ev_timer_start(p->eng->loop, &p->t_open_wait);
}

bool
sess_diag_silent(const struct peer *p)
{
	return p->state == FSM_OPENSENT && p->conn != NULL &&
	    !p->conn->open_rcvd && !ev_is_active(&p->t_open_wait);
}
