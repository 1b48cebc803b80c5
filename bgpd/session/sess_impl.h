/* SPDX-License-Identifier: ISC */
/*
 * sess_impl.h: what the files of the session layer share.  Not for use
 * outside bgpd/session/sess*.c and session.c.
 */
#ifndef VTB_SESS_IMPL_H
#define VTB_SESS_IMPL_H

#include <sys/socket.h>

#include "bgpd/session/session.h"
#include "bgpd/util/log.h"

/* One read: bounds the kernel requests one loop iteration can add (each
 * /24 takes 4 bytes: 2,000 of them) while the router paces reading. */
#define SESS_RBUF_SIZE		(2 * MSG_MAX_LEN)
#define SESS_WBUF_MAX		(1024 * 1024)	/* then Cease/8 */
#define SESS_HOLD_LARGE_S	240		/* RFC 4271 8: 4 minutes */
#define SESS_IDLE_HOLD_MAX_S	60
#define SESS_RETRY_SOON_S	1.	/* after Cease/Collision from the peer */
#define SESS_HELD_CLOSE_S	1.	/* wait for the peer to close a held
					   session before connecting again */
#define SESS_QUICK_RETRY_S	0.1	/* then retry after 0.1, 0.2, 0.4 s */
#define SESS_QUICK_RETRIES	3
#define SESS_OPEN_WAIT_S	5.	/* in OpenSent with no OPEN: explain */

/* One TCP connection to a peer. */
struct conn {
	struct peer	*peer;
	int		 fd;
	bool		 outgoing;	/* initiated by us */
	bool		 connecting;	/* connect() in progress */
	bool		 open_sent;
	bool		 open_rcvd;
	bool		 reading;	/* read when the engine allows */
	struct msg_open	 open;		/* the peer's, once received */
	ev_io		 rio;
	ev_io		 wio;
	ev_io		 cio;		/* connect() completion */
	uint8_t		 rbuf[SESS_RBUF_SIZE];
	size_t		 rlen;
	uint8_t		*wbuf;
	size_t		 wlen;
	size_t		 wcap;
};

struct peer {
	struct sess_engine	*eng;
	unsigned		 slot;		/* stable index, < SESS_MAX_PEERS */
	bool			 link_down;	/* tunnel interface down */
	bool			 probe_down;	/* probes say tunnel dead */
	bool			 steer;		/* halves announced too */
	bool			 retry_soon;	/* no back-off for the next try */
	struct conn		*held;		/* socket of a session lost to
						   the probes, closed when
						   they answer again */
	bool			 held_closing;	/* Cease sent on it, waiting
						   for the peer to close */
	uint8_t			 quick_retries;	/* left after the peer closed
						   the held session */
	enum sess_down		 last_down;
	bool			 graceful_down;	/* lost without NOTIFICATION,
						   peer does RFC 4724 */
	struct conf_neighbor	 conf;		/* strings owned */
	char			 name[INET6_ADDRSTRLEN];
	enum fsm_state		 state;
	bool			 admin_down;
	struct conn		*conn;		/* the one the FSM follows */
	struct conn		*pending;	/* collision candidate */
	ev_timer		 t_connretry;
	ev_timer		 t_hold;
	ev_timer		 t_keepalive;
	ev_timer		 t_idle;	/* idle hold, then AutoStart */
	ev_timer		 t_failed;	/* deferred TcpConnectionFails */
	ev_timer		 t_maxpfx;	/* max-prefix restart delay */
	ev_timer		 t_open_wait;	/* OpenSent too long (sess_diag) */
	uint32_t		 connretry_counter;
	uint32_t		 fail_streak;
	struct in_addr		 local_addr;	/* IPv4 neighbor */
	struct in6_addr		 local_addr6;	/* IPv6 neighbor */
	uint8_t			 local_plen;
	unsigned		 ifindex;	/* scope of link-local */
	struct msg_open		 peer_open;
	bool			 as4;
	unsigned		 afs;		/* MSG_AF_* negotiated */
	uint16_t		 hold_neg;
	uint16_t		 keepalive;
	struct msg_error	 err;		/* decoder's, for the FSM */
	bool			 err_valid;
	char			 stop_text[MSG_SHUTDOWN_MAX + 1];
	uint8_t			 stop_subcode;
	struct sess_stats	 stats;
	struct log_ratelimit	 rl;
	struct log_ratelimit	 rl_diag;	/* sess_diag's log line */
};

struct sess_engine {
	struct ev_loop		*loop;
	struct peer		**peers;
	size_t			 n_peers;
	int			 lfd;
	ev_io			 lio;
	int			 lfd6;		/* [::]:port, IPv6 only */
	ev_io			 lio6;
	uint16_t		 port;
	struct in_addr		 router_id;
	uint32_t		 local_as;
	uint16_t		 gr_time;
	bool			 restarting;	/* GR R and F bits */
	struct conf_prefix	*networks;
	size_t			 n_networks;
	struct conf_prefix	*halves;	/* of the networks, for steering */
	size_t			 n_halves;
	struct sess_hooks	 hooks;
	struct log_ratelimit	 rl_unknown;
	bool			 read_paused;	/* sess_engine_pause */
};

/* sess_net.c: sockets */
int	sess_listen(struct sess_engine *);
void	sess_listen_close(struct sess_engine *);
int	sess_md5_listener(struct sess_engine *, const struct peer *,
	    bool add);
/* The listener's TTLs for the neighbors of e (after each reload). */
int	sess_listen_ttl(struct sess_engine *);
/* p's TTLs (ttl-security) on an accepted connection.  0 or -1. */
int	sess_peer_ttl(int fd, const struct peer *);
/* Start connecting p; 0 (in progress) or -1 (failed at once, logged). */
int	sess_connect(struct peer *);
/* Find the local address and prefix length for p on its interface. */
int	sess_local_addr(struct peer *);
/* Open the IPv6 listener if a neighbor is IPv6 and it is not open. */
int	sess_listen6(struct sess_engine *);
/* Whether neighbors a and b have the same address (and family). */
bool	sess_same_addr(const struct conf_neighbor *a,
	    const struct conf_neighbor *b);
/* The families p's session offers (MSG_AF_*): its neighbor's. */
unsigned sess_peer_families(const struct peer *);

/* sess_diag.c: why a session does not come up */
void	sess_diag_init(struct peer *);
/* p enters state next: watch OpenSent for an OPEN that never comes. */
void	sess_diag_state(struct peer *, enum fsm_state next);
/* p has been in OpenSent for SESS_OPEN_WAIT_S with no OPEN: the peer no
 * longer talks on that connection. */
bool	sess_diag_silent(const struct peer *);

/* sess_conn.c: buffers and the byte stream */
struct conn *conn_new(struct peer *, int fd, bool outgoing);
void	conn_free(struct conn *);
void	conn_start_io(struct conn *);
/* Read c's socket if c is reading and the engine is not paused. */
void	conn_read_sync(struct conn *);
/* Stop reading and writing c, but keep its socket open (held). */
void	conn_hold(struct conn *);
/* Write msg on c's socket now (best effort) and a FIN after it, then
 * wait for the peer to close its side: sess_conn_closed() is called.
 * c must have a socket. */
void	conn_close_after(struct conn *, const uint8_t *msg, size_t len);
/* Queue a whole message; -1 when the queue is over its bound. */
int	conn_send(struct conn *, const uint8_t *msg, size_t len);

/* Called by the files above. */
/* sess_accept.c */
void	sess_connected(struct peer *, struct conn *);	/* connect() done */
void	sess_connect_failed(struct peer *, struct conn *, int err);
/* A connection accepted from src (either family) to our address dst. */
void	sess_accepted(struct sess_engine *, int fd,
	    const struct sockaddr_storage *src,
	    const struct sockaddr_storage *dst);
void	sess_conn_error(struct conn *, const char *why);
/* sess_tunnel.c */
void	sess_conn_closed(struct peer *, struct conn *);	/* peer closed c */
/* sess_msg.c */
/*
 * One whole message of len bytes on c; type 0 means the header was bad
 * and peer->err says why.  Returns -1 once c is gone.
 */
int	sess_message(struct conn *, uint8_t type, const uint8_t *msg,
	    size_t len);

/* ---- between the files of the session's life -------------------------- */

/* session.c: FSM events in, actions out; timers; what the session sends */
/* Start t (one of p's timers) to fire once after seconds, or stop it. */
void	peer_timer_start(struct peer *, ev_timer *t, double seconds);
void	peer_timer_stop(struct peer *, ev_timer *t);
/* Set up the timers of a new peer p (none started), each feeding p's FSM. */
void	peer_timers_init(struct peer *);
/*
 * Feed ev to p's FSM and carry out the actions it returns (FSM_A_* bits,
 * also returned).  p's connections may be gone on return: check them
 * again (sess_msg.c's conn_alive).
 */
uint32_t peer_event(struct peer *, enum fsm_event ev);
/* Close with Cease/subcode (and text for subcodes 2 and 4, RFC 9003),
 * whatever the state; an Idle peer just stops waiting to start. */
void	peer_stop(struct peer *, uint8_t subcode, const char *text);
/* The tunnel cannot carry a session now: link down or probes lost. */
bool	peer_blocked(const struct peer *);
/* Free p's connection and the pending one (collision candidate). */
void	peer_close_conns(struct peer *);
/*
 * Queue a whole message on c (nothing if c is NULL or len 0), counted in
 * p's stats by type; a message over the queue's bound is dropped, logged.
 */
void	peer_send(struct peer *, struct conn *c, const uint8_t *msg,
	    size_t len);
/*
 * A NOTIFICATION on c (none while c is connecting): code and subcode with
 * data, or with text a Cease's shutdown communication (RFC 9003); noted
 * in p's stats as the last sent, and logged.
 */
void	peer_send_notification(struct peer *, struct conn *c, uint8_t code,
	    uint8_t subcode, const uint8_t *data, size_t len,
	    const char *text);
/* The capabilities p's OPEN offers. */
void	peer_caps(const struct peer *, struct msg_caps *);
/* Our OPEN on c, with our capabilities (graceful restart's R and F bits
 * when the engine restarted with our routes kept). */
void	peer_send_open(struct peer *, struct conn *c);
/* Note in n a NOTIFICATION sent or received (text may be NULL), now. */
void	sess_note_notif(struct sess_notif *n, uint8_t code, uint8_t subcode,
	    const char *text);

/* sess_accept.c */
/*
 * The pending connection sent OPEN o: keep one of the two connections
 * (RFC 4271 6.8), sending Cease/Collision on the other.  1 when the
 * pending one now is p->conn (in OpenSent), 0 when it was closed.
 */
int	peer_collision(struct peer *, const struct msg_open *o);

/* sess_export.c */
/* All our networks (and the halves while steering), then End-of-RIB if
 * eor (the session just came up, RFC 4724 2). */
void	peer_send_routes(struct peer *, bool eor);
/* e's identity and networks from c, and the halves made from them. */
void	sess_engine_set_conf(struct sess_engine *, const struct conf *c);
/*
 * A reload: e takes c's identity and networks (sess_engine_set_conf) and
 * each established session announces and withdraws what changed; all of
 * them again on e->peers[i] if prepend_changed[i].
 */
void	sess_reexport(struct sess_engine *, const struct conf *c,
	    bool *prepend_changed);

#endif
