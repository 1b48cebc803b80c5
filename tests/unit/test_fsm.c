/* SPDX-License-Identifier: ISC */
/*
 * test_fsm.c: the BGP FSM (bgpd/session/fsm.c) against RFC 4271 8.2.2 and RFC
 * 6608, without a network.  One expectation row for every state and every
 * event of fsm.h, written from the RFC text, then a few walks through
 * several states, invariants over the whole matrix, and the names.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bgpd/session/fsm.h"
#include "bgpd/session/msg.h"

#define X_NOTIF		FSM_A_SEND_NOTIFICATION
#define X_OPEN		FSM_A_SEND_OPEN
#define X_KA		FSM_A_SEND_KEEPALIVE
#define X_CLOSE		FSM_A_CLOSE
#define X_CONN		FSM_A_CONNECT
#define X_CRS		FSM_A_CONNRETRY_START
#define X_CRX		FSM_A_CONNRETRY_STOP
#define X_CZ		FSM_A_COUNTER_ZERO
#define X_CI		FSM_A_COUNTER_INC
#define X_HL		FSM_A_HOLD_LARGE
#define X_HN		FSM_A_HOLD_NEGOTIATED
#define X_HR		FSM_A_HOLD_RESTART
#define X_KR		FSM_A_KEEPALIVE_RESTART
#define X_TS		FSM_A_TIMERS_STOP
#define X_REL		FSM_A_RELEASE
#define X_EST		FSM_A_ESTABLISHED
#define X_UPD		FSM_A_PROCESS_UPDATE
#define X_RR		FSM_A_PROCESS_REFRESH

/* Back to Idle, counting a failure; in the OPEN states, with a
 * NOTIFICATION and the hold/keepalive timers stopped. */
#define X_DROP		(X_CRX | X_REL | X_CLOSE | X_CI)
#define X_FAIL		(X_NOTIF | X_DROP | X_TS)
#define X_MSTOP		(X_CRX | X_REL | X_CLOSE | X_CZ)
#define X_START		(X_CZ | X_CRS | X_CONN)

enum { S_IDLE = FSM_IDLE, S_CONN = FSM_CONNECT, S_ACT = FSM_ACTIVE,
    S_OS = FSM_OPENSENT, S_OC = FSM_OPENCONFIRM, S_EST = FSM_ESTABLISHED };

static const enum fsm_event all_events[] = {
	FSM_EV_MANUAL_START, FSM_EV_MANUAL_STOP, FSM_EV_AUTO_START,
	FSM_EV_MANUAL_START_PASSIVE, FSM_EV_AUTO_START_PASSIVE,
	FSM_EV_AUTO_STOP, FSM_EV_CONNRETRY_EXPIRES, FSM_EV_HOLD_EXPIRES,
	FSM_EV_KEEPALIVE_EXPIRES, FSM_EV_TCP_CONNECTION_VALID,
	FSM_EV_TCP_CR_INVALID, FSM_EV_TCP_CR_ACKED, FSM_EV_TCP_CONFIRMED,
	FSM_EV_TCP_FAILS, FSM_EV_OPEN, FSM_EV_HEADER_ERR, FSM_EV_OPEN_ERR,
	FSM_EV_OPEN_COLLISION_DUMP, FSM_EV_NOTIF_VERSION_ERR, FSM_EV_NOTIF,
	FSM_EV_KEEPALIVE, FSM_EV_UPDATE, FSM_EV_UPDATE_ERR,
	FSM_EV_ROUTE_REFRESH,
};
#define N_EVENTS	(sizeof(all_events) / sizeof(all_events[0]))

struct expect {
	int		state;
	enum fsm_event	ev;
	int		next;
	uint32_t	actions;
	uint8_t		code;
	uint8_t		subcode;
};

static const struct expect matrix[] = {
	/* Idle */
	{ S_IDLE, FSM_EV_MANUAL_START, S_CONN, X_START, 0, 0 },
	{ S_IDLE, FSM_EV_MANUAL_STOP, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_AUTO_START, S_CONN, X_START, 0, 0 },
	{ S_IDLE, FSM_EV_MANUAL_START_PASSIVE, S_ACT, X_CZ | X_CRS, 0, 0 },
	{ S_IDLE, FSM_EV_AUTO_START_PASSIVE, S_ACT, X_CZ | X_CRS, 0, 0 },
	{ S_IDLE, FSM_EV_AUTO_STOP, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_CONNRETRY_EXPIRES, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_HOLD_EXPIRES, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_KEEPALIVE_EXPIRES, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_TCP_CONNECTION_VALID, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_TCP_CR_INVALID, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_TCP_CR_ACKED, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_TCP_CONFIRMED, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_TCP_FAILS, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_OPEN, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_HEADER_ERR, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_OPEN_ERR, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_OPEN_COLLISION_DUMP, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_NOTIF_VERSION_ERR, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_NOTIF, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_KEEPALIVE, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_UPDATE, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_UPDATE_ERR, S_IDLE, 0, 0, 0 },
	{ S_IDLE, FSM_EV_ROUTE_REFRESH, S_IDLE, 0, 0, 0 },

	/* Connect */
	{ S_CONN, FSM_EV_MANUAL_START, S_CONN, 0, 0, 0 },
	{ S_CONN, FSM_EV_MANUAL_STOP, S_IDLE, X_MSTOP, 0, 0 },
	{ S_CONN, FSM_EV_AUTO_START, S_CONN, 0, 0, 0 },
	{ S_CONN, FSM_EV_MANUAL_START_PASSIVE, S_CONN, 0, 0, 0 },
	{ S_CONN, FSM_EV_AUTO_START_PASSIVE, S_CONN, 0, 0, 0 },
	{ S_CONN, FSM_EV_AUTO_STOP, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_CONNRETRY_EXPIRES, S_CONN,
	    X_CLOSE | X_CRS | X_CONN, 0, 0 },
	{ S_CONN, FSM_EV_HOLD_EXPIRES, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_KEEPALIVE_EXPIRES, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_TCP_CONNECTION_VALID, S_CONN, 0, 0, 0 },
	{ S_CONN, FSM_EV_TCP_CR_INVALID, S_CONN, 0, 0, 0 },
	{ S_CONN, FSM_EV_TCP_CR_ACKED, S_OS, X_CRX | X_OPEN | X_HL, 0, 0 },
	{ S_CONN, FSM_EV_TCP_CONFIRMED, S_OS, X_CRX | X_OPEN | X_HL, 0, 0 },
	{ S_CONN, FSM_EV_TCP_FAILS, S_IDLE, X_CRX | X_CLOSE | X_REL, 0, 0 },
	{ S_CONN, FSM_EV_OPEN, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_HEADER_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_OPEN_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_OPEN_COLLISION_DUMP, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_NOTIF_VERSION_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_NOTIF, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_KEEPALIVE, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_UPDATE, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_UPDATE_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_CONN, FSM_EV_ROUTE_REFRESH, S_IDLE, X_DROP, 0, 0 },

	/* Active */
	{ S_ACT, FSM_EV_MANUAL_START, S_ACT, 0, 0, 0 },
	{ S_ACT, FSM_EV_MANUAL_STOP, S_IDLE, X_MSTOP, 0, 0 },
	{ S_ACT, FSM_EV_AUTO_START, S_ACT, 0, 0, 0 },
	{ S_ACT, FSM_EV_MANUAL_START_PASSIVE, S_ACT, 0, 0, 0 },
	{ S_ACT, FSM_EV_AUTO_START_PASSIVE, S_ACT, 0, 0, 0 },
	{ S_ACT, FSM_EV_AUTO_STOP, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_CONNRETRY_EXPIRES, S_CONN, X_CRS | X_CONN, 0, 0 },
	{ S_ACT, FSM_EV_HOLD_EXPIRES, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_KEEPALIVE_EXPIRES, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_TCP_CONNECTION_VALID, S_ACT, 0, 0, 0 },
	{ S_ACT, FSM_EV_TCP_CR_INVALID, S_ACT, 0, 0, 0 },
	{ S_ACT, FSM_EV_TCP_CR_ACKED, S_OS, X_CRX | X_OPEN | X_HL, 0, 0 },
	{ S_ACT, FSM_EV_TCP_CONFIRMED, S_OS, X_CRX | X_OPEN | X_HL, 0, 0 },
	{ S_ACT, FSM_EV_TCP_FAILS, S_IDLE,
	    X_CRS | X_CLOSE | X_REL | X_CI, 0, 0 },
	{ S_ACT, FSM_EV_OPEN, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_HEADER_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_OPEN_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_OPEN_COLLISION_DUMP, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_NOTIF_VERSION_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_NOTIF, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_KEEPALIVE, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_UPDATE, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_UPDATE_ERR, S_IDLE, X_DROP, 0, 0 },
	{ S_ACT, FSM_EV_ROUTE_REFRESH, S_IDLE, X_DROP, 0, 0 },

	/* OpenSent */
	{ S_OS, FSM_EV_MANUAL_START, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_MANUAL_STOP, S_IDLE, X_NOTIF | X_MSTOP | X_TS,
	    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
	{ S_OS, FSM_EV_AUTO_START, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_MANUAL_START_PASSIVE, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_AUTO_START_PASSIVE, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_AUTO_STOP, S_IDLE, X_FAIL, ERR_CEASE, 0 },
	{ S_OS, FSM_EV_CONNRETRY_EXPIRES, S_IDLE, X_FAIL, ERR_FSM, 0 },
	{ S_OS, FSM_EV_HOLD_EXPIRES, S_IDLE, X_FAIL, ERR_HOLD, 0 },
	{ S_OS, FSM_EV_KEEPALIVE_EXPIRES, S_IDLE, X_FAIL, ERR_FSM, 0 },
	{ S_OS, FSM_EV_TCP_CONNECTION_VALID, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_TCP_CR_INVALID, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_TCP_CR_ACKED, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_TCP_CONFIRMED, S_OS, 0, 0, 0 },
	{ S_OS, FSM_EV_TCP_FAILS, S_ACT, X_CLOSE | X_CRS | X_TS, 0, 0 },
	{ S_OS, FSM_EV_OPEN, S_OC, X_CRX | X_KA | X_HN, 0, 0 },
	{ S_OS, FSM_EV_HEADER_ERR, S_IDLE, X_FAIL, 0, 0 },
	{ S_OS, FSM_EV_OPEN_ERR, S_IDLE, X_FAIL, 0, 0 },
	{ S_OS, FSM_EV_OPEN_COLLISION_DUMP, S_IDLE, X_FAIL,
	    ERR_CEASE, ERR_CEASE_COLLISION },
	{ S_OS, FSM_EV_NOTIF_VERSION_ERR, S_IDLE,
	    X_CRX | X_REL | X_CLOSE | X_TS, 0, 0 },
	{ S_OS, FSM_EV_NOTIF, S_IDLE, X_FAIL, ERR_FSM, 1 },
	{ S_OS, FSM_EV_KEEPALIVE, S_IDLE, X_FAIL, ERR_FSM, 1 },
	{ S_OS, FSM_EV_UPDATE, S_IDLE, X_FAIL, ERR_FSM, 1 },
	{ S_OS, FSM_EV_UPDATE_ERR, S_IDLE, X_FAIL, ERR_FSM, 1 },
	{ S_OS, FSM_EV_ROUTE_REFRESH, S_IDLE, X_FAIL, ERR_FSM, 1 },

	/* OpenConfirm */
	{ S_OC, FSM_EV_MANUAL_START, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_MANUAL_STOP, S_IDLE, X_NOTIF | X_MSTOP | X_TS,
	    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
	{ S_OC, FSM_EV_AUTO_START, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_MANUAL_START_PASSIVE, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_AUTO_START_PASSIVE, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_AUTO_STOP, S_IDLE, X_FAIL, ERR_CEASE, 0 },
	{ S_OC, FSM_EV_CONNRETRY_EXPIRES, S_IDLE, X_FAIL, ERR_FSM, 0 },
	{ S_OC, FSM_EV_HOLD_EXPIRES, S_IDLE, X_FAIL, ERR_HOLD, 0 },
	{ S_OC, FSM_EV_KEEPALIVE_EXPIRES, S_OC, X_KA | X_KR, 0, 0 },
	{ S_OC, FSM_EV_TCP_CONNECTION_VALID, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_TCP_CR_INVALID, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_TCP_CR_ACKED, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_TCP_CONFIRMED, S_OC, 0, 0, 0 },
	{ S_OC, FSM_EV_TCP_FAILS, S_IDLE, X_DROP | X_TS, 0, 0 },
	{ S_OC, FSM_EV_OPEN, S_IDLE, X_FAIL, ERR_FSM, 2 },
	{ S_OC, FSM_EV_HEADER_ERR, S_IDLE, X_FAIL, 0, 0 },
	{ S_OC, FSM_EV_OPEN_ERR, S_IDLE, X_FAIL, 0, 0 },
	{ S_OC, FSM_EV_OPEN_COLLISION_DUMP, S_IDLE, X_FAIL,
	    ERR_CEASE, ERR_CEASE_COLLISION },
	{ S_OC, FSM_EV_NOTIF_VERSION_ERR, S_IDLE,
	    X_CRX | X_REL | X_CLOSE | X_TS, 0, 0 },
	{ S_OC, FSM_EV_NOTIF, S_IDLE, X_DROP | X_TS, 0, 0 },
	{ S_OC, FSM_EV_KEEPALIVE, S_EST, X_HR | X_EST, 0, 0 },
	{ S_OC, FSM_EV_UPDATE, S_IDLE, X_FAIL, ERR_FSM, 2 },
	{ S_OC, FSM_EV_UPDATE_ERR, S_IDLE, X_FAIL, ERR_FSM, 2 },
	{ S_OC, FSM_EV_ROUTE_REFRESH, S_IDLE, X_FAIL, ERR_FSM, 2 },

	/* Established */
	{ S_EST, FSM_EV_MANUAL_START, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_MANUAL_STOP, S_IDLE, X_NOTIF | X_MSTOP | X_TS,
	    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
	{ S_EST, FSM_EV_AUTO_START, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_MANUAL_START_PASSIVE, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_AUTO_START_PASSIVE, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_AUTO_STOP, S_IDLE, X_FAIL, ERR_CEASE, 0 },
	{ S_EST, FSM_EV_CONNRETRY_EXPIRES, S_IDLE, X_FAIL, ERR_FSM, 0 },
	{ S_EST, FSM_EV_HOLD_EXPIRES, S_IDLE, X_FAIL, ERR_HOLD, 0 },
	{ S_EST, FSM_EV_KEEPALIVE_EXPIRES, S_EST, X_KA | X_KR, 0, 0 },
	{ S_EST, FSM_EV_TCP_CONNECTION_VALID, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_TCP_CR_INVALID, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_TCP_CR_ACKED, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_TCP_CONFIRMED, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_TCP_FAILS, S_IDLE, X_DROP | X_TS, 0, 0 },
	{ S_EST, FSM_EV_OPEN, S_IDLE, X_FAIL, ERR_FSM, 3 },
	{ S_EST, FSM_EV_HEADER_ERR, S_IDLE, X_FAIL, 0, 0 },
	{ S_EST, FSM_EV_OPEN_ERR, S_IDLE, X_FAIL, ERR_FSM, 3 },
	{ S_EST, FSM_EV_OPEN_COLLISION_DUMP, S_EST, 0, 0, 0 },
	{ S_EST, FSM_EV_NOTIF_VERSION_ERR, S_IDLE, X_DROP | X_TS, 0, 0 },
	{ S_EST, FSM_EV_NOTIF, S_IDLE, X_DROP | X_TS, 0, 0 },
	{ S_EST, FSM_EV_KEEPALIVE, S_EST, X_HR, 0, 0 },
	{ S_EST, FSM_EV_UPDATE, S_EST, X_UPD | X_HR, 0, 0 },
	{ S_EST, FSM_EV_UPDATE_ERR, S_IDLE, X_FAIL, 0, 0 },
	{ S_EST, FSM_EV_ROUTE_REFRESH, S_EST, X_RR | X_HR, 0, 0 },
};
#define N_MATRIX	(sizeof(matrix) / sizeof(matrix[0]))

static void
check(int state, enum fsm_event ev, int next, uint32_t actions,
    uint8_t code, uint8_t subcode)
{
	struct fsm_result	r;

	r = fsm_step((enum fsm_state)state, ev);
	if ((int)r.next == next && r.actions == actions &&
	    r.code == code && r.subcode == subcode)
		return;
	fail_msg("%s + %s: got %s actions 0x%05x %u/%u, want %s 0x%05x %u/%u",
	    fsm_state_name((enum fsm_state)state), fsm_event_name(ev),
	    fsm_state_name(r.next), (unsigned)r.actions, r.code, r.subcode,
	    fsm_state_name((enum fsm_state)next), (unsigned)actions,
	    code, subcode);
}

/* The matrix holds exactly one row per (state, event) of fsm.h. */
static void
test_matrix_complete(void **unused)
{
	size_t	i, j;
	int	s, n;

	assert_int_equal(N_MATRIX, FSM_NSTATES * N_EVENTS);
	for (s = 0; s < FSM_NSTATES; s++)
		for (i = 0; i < N_EVENTS; i++) {
			n = 0;
			for (j = 0; j < N_MATRIX; j++)
				if (matrix[j].state == s &&
				    matrix[j].ev == all_events[i])
					n++;
			assert_int_equal(n, 1);
		}
}

static void
check_state(int state)
{
	size_t	i, n = 0;

	for (i = 0; i < N_MATRIX; i++) {
		if (matrix[i].state != state)
			continue;
		check(state, matrix[i].ev, matrix[i].next, matrix[i].actions,
		    matrix[i].code, matrix[i].subcode);
		n++;
	}
	assert_int_equal(n, N_EVENTS);
}

static void
test_idle(void **unused)
{
	check_state(S_IDLE);
}

static void
test_connect(void **unused)
{
	check_state(S_CONN);
}

static void
test_active(void **unused)
{
	check_state(S_ACT);
}

static void
test_opensent(void **unused)
{
	check_state(S_OS);
}

static void
test_openconfirm(void **unused)
{
	check_state(S_OC);
}

static void
test_established(void **unused)
{
	check_state(S_EST);
}

static int
decoder_error(enum fsm_event ev)
{
	return ev == FSM_EV_HEADER_ERR || ev == FSM_EV_OPEN_ERR ||
	    ev == FSM_EV_UPDATE_ERR;
}

/* Rules that hold across the whole matrix, whatever the row says. */
static void
test_invariants(void **unused)
{
	struct fsm_result	r;
	size_t			i;
	int			s;

	for (s = 0; s < FSM_NSTATES; s++)
		for (i = 0; i < N_EVENTS; i++) {
			r = fsm_step((enum fsm_state)s, all_events[i]);
			assert_true((unsigned)r.next < FSM_NSTATES);
			/* A NOTIFICATION always ends the connection. */
			if (r.actions & X_NOTIF)
				assert_true(r.actions & X_CLOSE);
			else
				assert_int_equal(r.code | r.subcode, 0);
			assert_false((r.actions & X_CRS) &&
			    (r.actions & X_CRX));
			assert_false((r.actions & X_CZ) && (r.actions & X_CI));
			/* Code 0: only for the decoder's own errors. */
			if ((r.actions & X_NOTIF) && r.code == 0)
				assert_true(decoder_error(all_events[i]));
			/* No hold timer survives a fall back. */
			if (s >= S_OS && r.next <= FSM_ACTIVE)
				assert_true(r.actions & X_TS);
			/* Routes are exchanged in Established only. */
			if (r.actions & (X_UPD | X_RR))
				assert_int_equal(s, S_EST);
			if (r.actions & X_EST)
				assert_int_equal(r.next, S_EST);
		}
}

struct step {
	enum fsm_event	ev;
	int		next;
	uint32_t	actions;
	uint8_t		code;
	uint8_t		subcode;
};

static void
walk(int state, const struct step *st, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		check(state, st[i].ev, st[i].next, st[i].actions,
		    st[i].code, st[i].subcode);
		state = st[i].next;
	}
}
#define WALK(s, steps)	walk((s), (steps), sizeof(steps) / sizeof(steps[0]))

static void
test_walk_up_and_hold_expiry(void **unused)
{
	static const struct step steps[] = {
		{ FSM_EV_MANUAL_START, S_CONN, X_START, 0, 0 },
		{ FSM_EV_TCP_CR_ACKED, S_OS, X_CRX | X_OPEN | X_HL, 0, 0 },
		{ FSM_EV_OPEN, S_OC, X_CRX | X_KA | X_HN, 0, 0 },
		{ FSM_EV_KEEPALIVE, S_EST, X_HR | X_EST, 0, 0 },
		{ FSM_EV_UPDATE, S_EST, X_UPD | X_HR, 0, 0 },
		{ FSM_EV_HOLD_EXPIRES, S_IDLE, X_FAIL, ERR_HOLD, 0 },
	};

	WALK(S_IDLE, steps);
}

static void
test_walk_passive_and_retries(void **unused)
{
	static const struct step steps[] = {
		{ FSM_EV_AUTO_START_PASSIVE, S_ACT, X_CZ | X_CRS, 0, 0 },
		{ FSM_EV_TCP_CONFIRMED, S_OS, X_CRX | X_OPEN | X_HL, 0, 0 },
		{ FSM_EV_TCP_FAILS, S_ACT, X_CLOSE | X_CRS | X_TS, 0, 0 },
		{ FSM_EV_CONNRETRY_EXPIRES, S_CONN, X_CRS | X_CONN, 0, 0 },
		{ FSM_EV_CONNRETRY_EXPIRES, S_CONN,
		    X_CLOSE | X_CRS | X_CONN, 0, 0 },
		{ FSM_EV_TCP_FAILS, S_IDLE, X_CRX | X_CLOSE | X_REL, 0, 0 },
		{ FSM_EV_CONNRETRY_EXPIRES, S_IDLE, 0, 0, 0 },
	};

	WALK(S_IDLE, steps);
}

static void
test_walk_established_then_stop(void **unused)
{
	static const struct step steps[] = {
		{ FSM_EV_KEEPALIVE_EXPIRES, S_EST, X_KA | X_KR, 0, 0 },
		{ FSM_EV_KEEPALIVE, S_EST, X_HR, 0, 0 },
		{ FSM_EV_ROUTE_REFRESH, S_EST, X_RR | X_HR, 0, 0 },
		{ FSM_EV_TCP_CONFIRMED, S_EST, 0, 0, 0 },
		{ FSM_EV_MANUAL_STOP, S_IDLE, X_NOTIF | X_MSTOP | X_TS,
		    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
		{ FSM_EV_MANUAL_STOP, S_IDLE, 0, 0, 0 },
		{ FSM_EV_UPDATE, S_IDLE, 0, 0, 0 },
	};

	WALK(S_EST, steps);
}

static void
test_walk_unexpected_messages(void **unused)
{
	static const struct step collide[] = {
		{ FSM_EV_TCP_CR_ACKED, S_OS, 0, 0, 0 },
		{ FSM_EV_OPEN_COLLISION_DUMP, S_IDLE, X_FAIL,
		    ERR_CEASE, ERR_CEASE_COLLISION },
	};
	static const struct step twice[] = {
		{ FSM_EV_OPEN, S_OC, X_CRX | X_KA | X_HN, 0, 0 },
		{ FSM_EV_OPEN, S_IDLE, X_FAIL, ERR_FSM, ERR_FSM_OPENCONFIRM },
	};
	static const struct step refresh_early[] = {
		{ FSM_EV_ROUTE_REFRESH, S_IDLE, X_FAIL,
		    ERR_FSM, ERR_FSM_OPENSENT },
	};

	WALK(S_OS, collide);
	WALK(S_OS, twice);
	WALK(S_OS, refresh_early);
}

/* Events fsm.h does not define change nothing; a bad state resets. */
static void
test_out_of_range(void **unused)
{
	static const int	bad_ev[] = { 0, 6, 7, 12, 13, 20, 29, 39, 41,
				    255, -1 };
	struct fsm_result	r;
	size_t			i;
	int			s;

	for (s = 0; s < FSM_NSTATES; s++)
		for (i = 0; i < sizeof(bad_ev) / sizeof(bad_ev[0]); i++)
			check(s, (enum fsm_event)bad_ev[i], s, 0, 0, 0);
	r = fsm_step((enum fsm_state)FSM_NSTATES, FSM_EV_KEEPALIVE);
	assert_int_equal(r.next, FSM_IDLE);
	assert_int_equal(r.actions,
	    X_CLOSE | X_REL | X_CRX | X_TS);
}

static void
test_names(void **unused)
{
	const char	*a, *b;
	size_t		 i, j;
	int		 s, t;

	for (s = 0; s < FSM_NSTATES; s++) {
		a = fsm_state_name((enum fsm_state)s);
		assert_non_null(a);
		assert_string_not_equal(a, "Unknown");
		for (t = 0; t < s; t++)
			assert_string_not_equal(a,
			    fsm_state_name((enum fsm_state)t));
	}
	for (i = 0; i < N_EVENTS; i++) {
		a = fsm_event_name(all_events[i]);
		assert_non_null(a);
		assert_string_not_equal(a, "Unknown");
		for (j = 0; j < i; j++) {
			b = fsm_event_name(all_events[j]);
			assert_string_not_equal(a, b);
		}
	}
	assert_string_equal(fsm_state_name(FSM_IDLE), "Idle");
	assert_string_equal(fsm_state_name(FSM_OPENSENT), "OpenSent");
	assert_string_equal(fsm_event_name(FSM_EV_MANUAL_START),
	    "ManualStart");
	assert_string_equal(fsm_event_name(FSM_EV_HOLD_EXPIRES),
	    "HoldTimer_Expires");
	assert_string_equal(fsm_state_name((enum fsm_state)FSM_NSTATES),
	    "Unknown");
	assert_string_equal(fsm_event_name((enum fsm_event)12), "Unknown");
	assert_string_equal(fsm_event_name((enum fsm_event)41), "Unknown");
	assert_string_equal(fsm_event_name((enum fsm_event)-1), "Unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_complete),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_active),
		cmocka_unit_test(test_opensent),
		cmocka_unit_test(test_openconfirm),
		cmocka_unit_test(test_established),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_walk_up_and_hold_expiry),
		cmocka_unit_test(test_walk_passive_and_retries),
		cmocka_unit_test(test_walk_established_then_stop),
		cmocka_unit_test(test_walk_unexpected_messages),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
