/* SPDX-License-Identifier: ISC */
/*
 * fsm.h: the BGP finite state machine of RFC 4271 section 8, as a pure
 * function of (state, event) that returns the next state and the actions
 * to take.  It owns no socket and no timer: bgpd/session/session.c performs the
 * actions, in the order of the fsm_action bits below.
 *
 * Options of section 8.1.1 this implementation uses: no DelayOpen, no
 * DampPeerOscillations, no IdleHoldTimer in the FSM (the session applies
 * its own backoff before a new ManualStart/AutomaticStart),
 * CollisionDetectEstablishedState off.  Passive mode (events 4 and 5)
 * waits for the peer to connect.
 */
#ifndef VTB_FSM_H
#define VTB_FSM_H

#include <stdint.h>

enum fsm_state {
	FSM_IDLE,
	FSM_CONNECT,
	FSM_ACTIVE,
	FSM_OPENSENT,
	FSM_OPENCONFIRM,
	FSM_ESTABLISHED,
};
#define FSM_NSTATES	6

/* Events, numbered as in RFC 4271 8.1.2-8.1.5. */
enum fsm_event {
	FSM_EV_MANUAL_START = 1,
	FSM_EV_MANUAL_STOP = 2,
	FSM_EV_AUTO_START = 3,
	FSM_EV_MANUAL_START_PASSIVE = 4,
	FSM_EV_AUTO_START_PASSIVE = 5,
	FSM_EV_AUTO_STOP = 8,
	FSM_EV_CONNRETRY_EXPIRES = 9,
	FSM_EV_HOLD_EXPIRES = 10,
	FSM_EV_KEEPALIVE_EXPIRES = 11,
	FSM_EV_TCP_CONNECTION_VALID = 14,
	FSM_EV_TCP_CR_INVALID = 15,
	FSM_EV_TCP_CR_ACKED = 16,	/* our connect() completed */
	FSM_EV_TCP_CONFIRMED = 17,	/* we accepted the peer's connection */
	FSM_EV_TCP_FAILS = 18,
	FSM_EV_OPEN = 19,		/* a valid OPEN */
	FSM_EV_HEADER_ERR = 21,
	FSM_EV_OPEN_ERR = 22,
	FSM_EV_OPEN_COLLISION_DUMP = 23,
	FSM_EV_NOTIF_VERSION_ERR = 24,
	FSM_EV_NOTIF = 25,
	FSM_EV_KEEPALIVE = 26,
	FSM_EV_UPDATE = 27,
	FSM_EV_UPDATE_ERR = 28,
	/* Not in RFC 4271: a valid ROUTE-REFRESH (RFC 2918). */
	FSM_EV_ROUTE_REFRESH = 40,
};

/* Actions, performed by the session in this order. */
enum fsm_action {
	FSM_A_SEND_NOTIFICATION	= 1U << 0,	/* result.code/subcode; code 0:
						   the decoder's error (of
						   HEADER/OPEN/UPDATE_ERR) */
	FSM_A_SEND_OPEN		= 1U << 1,
	FSM_A_SEND_KEEPALIVE	= 1U << 2,
	FSM_A_CLOSE		= 1U << 3,	/* drop the TCP connection */
	FSM_A_CONNECT		= 1U << 4,	/* initiate a TCP connection */
	FSM_A_CONNRETRY_START	= 1U << 5,	/* (re)start ConnectRetryTimer */
	FSM_A_CONNRETRY_STOP	= 1U << 6,	/* stop it and set it to 0 */
	FSM_A_COUNTER_ZERO	= 1U << 7,	/* ConnectRetryCounter = 0 */
	FSM_A_COUNTER_INC	= 1U << 8,	/* ConnectRetryCounter += 1 */
	FSM_A_HOLD_LARGE	= 1U << 9,	/* HoldTimer = 4 minutes */
	FSM_A_HOLD_NEGOTIATED	= 1U << 10,	/* start HoldTimer and
						   KeepaliveTimer with the
						   negotiated values */
	FSM_A_HOLD_RESTART	= 1U << 11,	/* restart HoldTimer if != 0 */
	FSM_A_KEEPALIVE_RESTART	= 1U << 12,	/* restart KeepaliveTimer */
	FSM_A_TIMERS_STOP	= 1U << 13,	/* hold and keepalive timers */
	FSM_A_RELEASE		= 1U << 14,	/* release all BGP resources:
						   the peer's routes go */
	FSM_A_ESTABLISHED	= 1U << 15,	/* session up: send our
						   routes and End-of-RIB */
	FSM_A_PROCESS_UPDATE	= 1U << 16,
	FSM_A_PROCESS_REFRESH	= 1U << 17,	/* send our routes again */
};

struct fsm_result {
	enum fsm_state	next;
	uint32_t	actions;	/* FSM_A_* */
	uint8_t		code;		/* for FSM_A_SEND_NOTIFICATION */
	uint8_t		subcode;
};

/* Apply event ev in state s (RFC 4271 8.2.2).  Pure; never fails. */
struct fsm_result fsm_step(enum fsm_state s, enum fsm_event ev);

/* "Idle", "OpenSent"...; "ManualStart", "HoldTimer_Expires"... */
const char	*fsm_state_name(enum fsm_state);
const char	*fsm_event_name(enum fsm_event);

#endif
