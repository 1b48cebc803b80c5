/* SPDX-License-Identifier: ISC */
/*
 * fsm.c: the BGP finite state machine of RFC 4271 section 8.2.2, as one
 * table of (state, event) -> (next state, actions, NOTIFICATION).
 *
 * RFC 4271 8.2.2, Idle state: "In response to a ManualStart event (Event
 * 1) or an AutomaticStart event (Event 3), the local system: initializes
 * all BGP resources for the peer connection, sets ConnectRetryCounter to
 * zero, starts the ConnectRetryTimer with the initial value, initiates a
 * TCP connection to the other BGP peer, listens for a connection that may
 * be initiated by the remote BGP peer, and changes its state to Connect.
 * [...] Any other event (Events 9-12, 15-28) received in the Idle state
 * does not cause change in the state of the local system."  The other
 * five states follow in the same form; each table below quotes its
 * state's "any other event" list and is read against that text.
 *
 * Each bullet of the RFC maps to one FSM_A_* bit: "sets the
 * ConnectRetryTimer to zero" is CONNRETRY_STOP, "releases all BGP
 * resources" (and, in Established, "deletes all routes associated with
 * this connection") is RELEASE, "drops the TCP connection" is CLOSE.
 * "Initializes BGP resources" and "listens for a connection" have no bit:
 * the session does them when it leaves Idle.
 *
 * The options of fsm.h (no DelayOpen, no DampPeerOscillations, no
 * IdleHoldTimer, CollisionDetectEstablishedState off,
 * SendNOTIFICATIONwithoutOPEN off) remove every branch that depends on
 * them; events 6, 7, 12, 13 and 20 cannot occur.
 *
 * What this implementation adds to, or reads into, the RFC text:
 *  - NOTIFICATION subcodes of RFC 6608: an unexpected message is 5/1 in
 *    OpenSent, 5/2 in OpenConfirm, 5/3 in Established; an unexpected
 *    event that is not a message (a timer) is 5/0.  Cease subcodes of
 *    RFC 4486: ManualStop 6/2, OpenCollisionDump 6/7; AutomaticStop has
 *    no subcode of its own and sends 6/0 (the session may pick a more
 *    precise one, such as 6/1 for a prefix limit).
 *  - Code 0 means "send the decoder's error": BGPHeaderErr, BGPOpenMsgErr
 *    and UpdateMsgErr come with a struct msg_error that the session
 *    holds, and a result with FSM_A_SEND_NOTIFICATION and code/subcode
 *    0/0 tells it to send that one.  Where the RFC answers such an event
 *    with an FSM Error instead (UpdateMsgErr in OpenSent or OpenConfirm,
 *    BGPOpenMsgErr in Established), the code is 5 and wins.
 *  - BGPHeaderErr in Established: section 8.2.2 lists event 21 among the
 *    FSM errors, but section 6.1 says every header error MUST be reported
 *    as a Message Header Error; we follow 6.1 (the decoder's error).
 *  - BGPOpen in OpenConfirm and Established is an OPEN received on this
 *    very connection (collisions between two connections reach the loser
 *    as OpenCollisionDump), so it is an unexpected message: 5/2 and 5/3.
 *  - OpenCollisionDump in Established is ignored: with
 *    CollisionDetectEstablishedState off the established connection
 *    always wins.
 *  - FSM_A_TIMERS_STOP on every way out of OpenSent, OpenConfirm and
 *    Established to Idle or Active: the RFC folds the HoldTimer and the
 *    KeepaliveTimer into "releases all BGP resources" or leaves them
 *    implicit (OpenSent to Active), but a HoldTimer left running would
 *    later kill the next attempt.
 *  - TcpConnectionFails in Active also drops the connection (CLOSE): the
 *    RFC omits the bullet there only, and the socket must go.
 *  - ROUTE-REFRESH (event 40, RFC 2918) is processed in Established and
 *    restarts the HoldTimer like any message; elsewhere it is treated as
 *    UpdateMsg is.
 *
 * Events that fsm.h does not define, and events the RFC ignores, leave
 * the state unchanged with no action.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "bgpd/session/fsm.h"
#include "bgpd/session/msg.h"

/* The event of a state's last row: "any other event". */
#define EV_OTHER	0

/* RFC 4486 assigns no Cease subcode to AutomaticStop. */
#define CEASE_UNSPEC	0

struct fsm_row {
	int		ev;		/* enum fsm_event, or EV_OTHER */
	enum fsm_state	next;
	uint32_t	actions;
	uint8_t		code;
	uint8_t		subcode;
};

/* Idle -> Connect: ConnectRetryCounter = 0, start the ConnectRetryTimer,
 * initiate a TCP connection.  The passive starts do not connect. */
#define START		(FSM_A_COUNTER_ZERO | FSM_A_CONNRETRY_START | \
			    FSM_A_CONNECT)
#define START_PASSIVE	(FSM_A_COUNTER_ZERO | FSM_A_CONNRETRY_START)

/* "sets the ConnectRetryTimer to zero, releases all BGP resources, drops
 * the TCP connection, increments the ConnectRetryCounter by 1". */
#define DROP		(FSM_A_CONNRETRY_STOP | FSM_A_RELEASE | FSM_A_CLOSE | \
			    FSM_A_COUNTER_INC)
/* ManualStop: the same, but "sets ConnectRetryCounter to zero". */
#define STOP		(FSM_A_CONNRETRY_STOP | FSM_A_RELEASE | FSM_A_CLOSE | \
			    FSM_A_COUNTER_ZERO)
/* NotifMsgVerErr in OpenSent and OpenConfirm: the counter is untouched. */
#define DROP_NOCOUNT	(FSM_A_CONNRETRY_STOP | FSM_A_RELEASE | FSM_A_CLOSE)
/* Once an OPEN went out, the HoldTimer (and KeepaliveTimer) may run. */
#define T		FSM_A_TIMERS_STOP
#define N		FSM_A_SEND_NOTIFICATION

/* TCP connection up, no DelayOpen: "stops the ConnectRetryTimer [...]
 * sends an OPEN message to its peer, sets the HoldTimer to a large
 * value, and changes its state to OpenSent". */
#define TCP_UP		(FSM_A_CONNRETRY_STOP | FSM_A_SEND_OPEN | \
			    FSM_A_HOLD_LARGE)

static const struct fsm_row idle_rows[] = {
	{ FSM_EV_MANUAL_START,		FSM_CONNECT, START, 0, 0 },
	{ FSM_EV_AUTO_START,		FSM_CONNECT, START, 0, 0 },
	{ FSM_EV_MANUAL_START_PASSIVE,	FSM_ACTIVE, START_PASSIVE, 0, 0 },
	{ FSM_EV_AUTO_START_PASSIVE,	FSM_ACTIVE, START_PASSIVE, 0, 0 },
	/* "The ManualStop event (Event 2) and AutomaticStop (Event 8)
	 * event are ignored", and so are events 9-12 and 14-28. */
	{ EV_OTHER,			FSM_IDLE, 0, 0, 0 },
};

static const struct fsm_row connect_rows[] = {
	{ FSM_EV_MANUAL_START,		FSM_CONNECT, 0, 0, 0 },
	{ FSM_EV_AUTO_START,		FSM_CONNECT, 0, 0, 0 },
	{ FSM_EV_MANUAL_START_PASSIVE,	FSM_CONNECT, 0, 0, 0 },
	{ FSM_EV_AUTO_START_PASSIVE,	FSM_CONNECT, 0, 0, 0 },
	{ FSM_EV_MANUAL_STOP,		FSM_IDLE, STOP, 0, 0 },
	{ FSM_EV_CONNRETRY_EXPIRES,	FSM_CONNECT, FSM_A_CLOSE |
	    FSM_A_CONNRETRY_START | FSM_A_CONNECT, 0, 0 },
	{ FSM_EV_TCP_CONNECTION_VALID,	FSM_CONNECT, 0, 0, 0 },
	{ FSM_EV_TCP_CR_INVALID,	FSM_CONNECT, 0, 0, 0 },
	{ FSM_EV_TCP_CR_ACKED,		FSM_OPENSENT, TCP_UP, 0, 0 },
	{ FSM_EV_TCP_CONFIRMED,		FSM_OPENSENT, TCP_UP, 0, 0 },
	/* DelayOpenTimer not running: no ConnectRetryCounter increment. */
	{ FSM_EV_TCP_FAILS,		FSM_IDLE, FSM_A_CONNRETRY_STOP |
	    FSM_A_CLOSE | FSM_A_RELEASE, 0, 0 },
	{ FSM_EV_HEADER_ERR,		FSM_IDLE, DROP, 0, 0 },
	{ FSM_EV_OPEN_ERR,		FSM_IDLE, DROP, 0, 0 },
	{ FSM_EV_NOTIF_VERSION_ERR,	FSM_IDLE, DROP, 0, 0 },
	/* "any other events (Events 8, 10-11, 13, 19, 23, 25-28)" */
	{ EV_OTHER,			FSM_IDLE, DROP, 0, 0 },
};

static const struct fsm_row active_rows[] = {
	{ FSM_EV_MANUAL_START,		FSM_ACTIVE, 0, 0, 0 },
	{ FSM_EV_AUTO_START,		FSM_ACTIVE, 0, 0, 0 },
	{ FSM_EV_MANUAL_START_PASSIVE,	FSM_ACTIVE, 0, 0, 0 },
	{ FSM_EV_AUTO_START_PASSIVE,	FSM_ACTIVE, 0, 0, 0 },
	{ FSM_EV_MANUAL_STOP,		FSM_IDLE, STOP, 0, 0 },
	{ FSM_EV_CONNRETRY_EXPIRES,	FSM_CONNECT, FSM_A_CONNRETRY_START |
	    FSM_A_CONNECT, 0, 0 },
	{ FSM_EV_TCP_CONNECTION_VALID,	FSM_ACTIVE, 0, 0, 0 },
	{ FSM_EV_TCP_CR_INVALID,	FSM_ACTIVE, 0, 0, 0 },
	{ FSM_EV_TCP_CR_ACKED,		FSM_OPENSENT, TCP_UP, 0, 0 },
	{ FSM_EV_TCP_CONFIRMED,		FSM_OPENSENT, TCP_UP, 0, 0 },
	/* "restarts the ConnectRetryTimer [...] increments the
	 * ConnectRetryCounter by 1 [...] changes its state to Idle." */
	{ FSM_EV_TCP_FAILS,		FSM_IDLE, FSM_A_CONNRETRY_START |
	    FSM_A_CLOSE | FSM_A_RELEASE | FSM_A_COUNTER_INC, 0, 0 },
	{ FSM_EV_HEADER_ERR,		FSM_IDLE, DROP, 0, 0 },
	{ FSM_EV_OPEN_ERR,		FSM_IDLE, DROP, 0, 0 },
	{ FSM_EV_NOTIF_VERSION_ERR,	FSM_IDLE, DROP, 0, 0 },
	/* "any other event (Events 8, 10-11, 13, 19, 23, 25-28)" */
	{ EV_OTHER,			FSM_IDLE, DROP, 0, 0 },
};

static const struct fsm_row opensent_rows[] = {
	{ FSM_EV_MANUAL_START,		FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_AUTO_START,		FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_MANUAL_START_PASSIVE,	FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_AUTO_START_PASSIVE,	FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_MANUAL_STOP,		FSM_IDLE, N | STOP | T,
	    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
	{ FSM_EV_AUTO_STOP,		FSM_IDLE, N | DROP | T,
	    ERR_CEASE, CEASE_UNSPEC },
	{ FSM_EV_HOLD_EXPIRES,		FSM_IDLE, N | DROP | T, ERR_HOLD, 0 },
	/* A second connection, tracked by the session (section 6.8). */
	{ FSM_EV_TCP_CONNECTION_VALID,	FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_TCP_CR_INVALID,	FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_TCP_CR_ACKED,		FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_TCP_CONFIRMED,		FSM_OPENSENT, 0, 0, 0 },
	{ FSM_EV_TCP_FAILS,		FSM_ACTIVE, FSM_A_CLOSE |
	    FSM_A_CONNRETRY_START | T, 0, 0 },
	{ FSM_EV_OPEN,			FSM_OPENCONFIRM, FSM_A_CONNRETRY_STOP |
	    FSM_A_SEND_KEEPALIVE | FSM_A_HOLD_NEGOTIATED, 0, 0 },
	{ FSM_EV_HEADER_ERR,		FSM_IDLE, N | DROP | T, 0, 0 },
	{ FSM_EV_OPEN_ERR,		FSM_IDLE, N | DROP | T, 0, 0 },
	{ FSM_EV_OPEN_COLLISION_DUMP,	FSM_IDLE, N | DROP | T,
	    ERR_CEASE, ERR_CEASE_COLLISION },
	{ FSM_EV_NOTIF_VERSION_ERR,	FSM_IDLE, DROP_NOCOUNT | T, 0, 0 },
	/* "any other event (Events 9, 11-13, 20, 25-28)": the messages
	 * among them are 5/1, the timers 5/0. */
	{ FSM_EV_NOTIF,			FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENSENT },
	{ FSM_EV_KEEPALIVE,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENSENT },
	{ FSM_EV_UPDATE,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENSENT },
	{ FSM_EV_UPDATE_ERR,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENSENT },
	{ FSM_EV_ROUTE_REFRESH,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENSENT },
	{ EV_OTHER,			FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_UNSPEC },
};

static const struct fsm_row openconfirm_rows[] = {
	{ FSM_EV_MANUAL_START,		FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_AUTO_START,		FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_MANUAL_START_PASSIVE,	FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_AUTO_START_PASSIVE,	FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_MANUAL_STOP,		FSM_IDLE, N | STOP | T,
	    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
	{ FSM_EV_AUTO_STOP,		FSM_IDLE, N | DROP | T,
	    ERR_CEASE, CEASE_UNSPEC },
	{ FSM_EV_HOLD_EXPIRES,		FSM_IDLE, N | DROP | T, ERR_HOLD, 0 },
	{ FSM_EV_KEEPALIVE_EXPIRES,	FSM_OPENCONFIRM, FSM_A_SEND_KEEPALIVE |
	    FSM_A_KEEPALIVE_RESTART, 0, 0 },
	{ FSM_EV_TCP_CONNECTION_VALID,	FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_TCP_CR_INVALID,	FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_TCP_CR_ACKED,		FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_TCP_CONFIRMED,		FSM_OPENCONFIRM, 0, 0, 0 },
	{ FSM_EV_TCP_FAILS,		FSM_IDLE, DROP | T, 0, 0 },
	{ FSM_EV_NOTIF,			FSM_IDLE, DROP | T, 0, 0 },
	{ FSM_EV_NOTIF_VERSION_ERR,	FSM_IDLE, DROP_NOCOUNT | T, 0, 0 },
	{ FSM_EV_OPEN,			FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENCONFIRM },
	{ FSM_EV_HEADER_ERR,		FSM_IDLE, N | DROP | T, 0, 0 },
	{ FSM_EV_OPEN_ERR,		FSM_IDLE, N | DROP | T, 0, 0 },
	{ FSM_EV_OPEN_COLLISION_DUMP,	FSM_IDLE, N | DROP | T,
	    ERR_CEASE, ERR_CEASE_COLLISION },
	{ FSM_EV_KEEPALIVE,		FSM_ESTABLISHED, FSM_A_HOLD_RESTART |
	    FSM_A_ESTABLISHED, 0, 0 },
	/* "any other event (Events 9, 12-13, 20, 27-28)" */
	{ FSM_EV_UPDATE,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENCONFIRM },
	{ FSM_EV_UPDATE_ERR,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENCONFIRM },
	{ FSM_EV_ROUTE_REFRESH,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_OPENCONFIRM },
	{ EV_OTHER,			FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_UNSPEC },
};

static const struct fsm_row established_rows[] = {
	{ FSM_EV_MANUAL_START,		FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_AUTO_START,		FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_MANUAL_START_PASSIVE,	FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_AUTO_START_PASSIVE,	FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_MANUAL_STOP,		FSM_IDLE, N | STOP | T,
	    ERR_CEASE, ERR_CEASE_ADMIN_DOWN },
	{ FSM_EV_AUTO_STOP,		FSM_IDLE, N | DROP | T,
	    ERR_CEASE, CEASE_UNSPEC },
	{ FSM_EV_HOLD_EXPIRES,		FSM_IDLE, N | DROP | T, ERR_HOLD, 0 },
	{ FSM_EV_KEEPALIVE_EXPIRES,	FSM_ESTABLISHED, FSM_A_SEND_KEEPALIVE |
	    FSM_A_KEEPALIVE_RESTART, 0, 0 },
	{ FSM_EV_TCP_CONNECTION_VALID,	FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_TCP_CR_INVALID,	FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_TCP_CR_ACKED,		FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_TCP_CONFIRMED,		FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_TCP_FAILS,		FSM_IDLE, DROP | T, 0, 0 },
	{ FSM_EV_NOTIF_VERSION_ERR,	FSM_IDLE, DROP | T, 0, 0 },
	{ FSM_EV_NOTIF,			FSM_IDLE, DROP | T, 0, 0 },
	{ FSM_EV_OPEN,			FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_ESTABLISHED },
	/* Section 6.1 rather than the FSM Error of section 8.2.2. */
	{ FSM_EV_HEADER_ERR,		FSM_IDLE, N | DROP | T, 0, 0 },
	{ FSM_EV_OPEN_ERR,		FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_ESTABLISHED },
	/* CollisionDetectEstablishedState is off. */
	{ FSM_EV_OPEN_COLLISION_DUMP,	FSM_ESTABLISHED, 0, 0, 0 },
	{ FSM_EV_KEEPALIVE,		FSM_ESTABLISHED, FSM_A_HOLD_RESTART,
	    0, 0 },
	{ FSM_EV_UPDATE,		FSM_ESTABLISHED, FSM_A_PROCESS_UPDATE |
	    FSM_A_HOLD_RESTART, 0, 0 },
	{ FSM_EV_UPDATE_ERR,		FSM_IDLE, N | DROP | T, 0, 0 },
	{ FSM_EV_ROUTE_REFRESH,		FSM_ESTABLISHED, FSM_A_PROCESS_REFRESH |
	    FSM_A_HOLD_RESTART, 0, 0 },
	/* "any other event (Events 9, 12-13, 20-22)" */
	{ EV_OTHER,			FSM_IDLE, N | DROP | T,
	    ERR_FSM, ERR_FSM_UNSPEC },
};

static const struct fsm_row *const fsm_table[FSM_NSTATES] = {
	[FSM_IDLE] = idle_rows,
	[FSM_CONNECT] = connect_rows,
	[FSM_ACTIVE] = active_rows,
	[FSM_OPENSENT] = opensent_rows,
	[FSM_OPENCONFIRM] = openconfirm_rows,
	[FSM_ESTABLISHED] = established_rows,
};

static const char *const fsm_state_names[FSM_NSTATES] = {
	[FSM_IDLE] = "Idle",
	[FSM_CONNECT] = "Connect",
	[FSM_ACTIVE] = "Active",
	[FSM_OPENSENT] = "OpenSent",
	[FSM_OPENCONFIRM] = "OpenConfirm",
	[FSM_ESTABLISHED] = "Established",
};

/* RFC 4271 8.1 names; a NULL slot is an event fsm.h does not define. */
static const char *const fsm_event_names[FSM_EV_ROUTE_REFRESH + 1] = {
	[FSM_EV_MANUAL_START] = "ManualStart",
	[FSM_EV_MANUAL_STOP] = "ManualStop",
	[FSM_EV_AUTO_START] = "AutomaticStart",
	[FSM_EV_MANUAL_START_PASSIVE] =
	    "ManualStart_with_PassiveTcpEstablishment",
	[FSM_EV_AUTO_START_PASSIVE] =
	    "AutomaticStart_with_PassiveTcpEstablishment",
	[FSM_EV_AUTO_STOP] = "AutomaticStop",
	[FSM_EV_CONNRETRY_EXPIRES] = "ConnectRetryTimer_Expires",
	[FSM_EV_HOLD_EXPIRES] = "HoldTimer_Expires",
	[FSM_EV_KEEPALIVE_EXPIRES] = "KeepaliveTimer_Expires",
	[FSM_EV_TCP_CONNECTION_VALID] = "TcpConnection_Valid",
	[FSM_EV_TCP_CR_INVALID] = "Tcp_CR_Invalid",
	[FSM_EV_TCP_CR_ACKED] = "Tcp_CR_Acked",
	[FSM_EV_TCP_CONFIRMED] = "TcpConnectionConfirmed",
	[FSM_EV_TCP_FAILS] = "TcpConnectionFails",
	[FSM_EV_OPEN] = "BGPOpen",
	[FSM_EV_HEADER_ERR] = "BGPHeaderErr",
	[FSM_EV_OPEN_ERR] = "BGPOpenMsgErr",
	[FSM_EV_OPEN_COLLISION_DUMP] = "OpenCollisionDump",
	[FSM_EV_NOTIF_VERSION_ERR] = "NotifMsgVerErr",
	[FSM_EV_NOTIF] = "NotifMsg",
	[FSM_EV_KEEPALIVE] = "KeepAliveMsg",
	[FSM_EV_UPDATE] = "UpdateMsg",
	[FSM_EV_UPDATE_ERR] = "UpdateMsgErr",
	[FSM_EV_ROUTE_REFRESH] = "RouteRefreshMsg",
};

static int
fsm_event_known(enum fsm_event ev)
{
	unsigned	i = (unsigned)ev;

	return i <= FSM_EV_ROUTE_REFRESH && fsm_event_names[i] != NULL;
}

/*
 * A state outside the enum is a broken caller: answer with everything
 * that brings the session back to a clean Idle.  An event outside the
 * enum changes nothing.
 */
struct fsm_result
fsm_step(enum fsm_state s, enum fsm_event ev)
{
	struct fsm_result	 res = { FSM_IDLE, FSM_A_CLOSE | FSM_A_RELEASE |
				    FSM_A_CONNRETRY_STOP | FSM_A_TIMERS_STOP,
				    0, 0 };
	const struct fsm_row	*r;

	if ((unsigned)s >= FSM_NSTATES)
		return res;
	if (!fsm_event_known(ev)) {
		res.next = s;
		res.actions = 0;
		return res;
	}
	for (r = fsm_table[s]; r->ev != EV_OTHER; r++)
		if (r->ev == (int)ev)
			break;
	res.next = r->next;
	res.actions = r->actions;
	res.code = r->code;
	res.subcode = r->subcode;
	return res;
}

const char *
fsm_state_name(enum fsm_state s)
{
	if ((unsigned)s >= FSM_NSTATES)
		return "Unknown";
	return fsm_state_names[s];
}

const char *
fsm_event_name(enum fsm_event ev)
{
	if (!fsm_event_known(ev))
		return "Unknown";
	return fsm_event_names[ev];
}
