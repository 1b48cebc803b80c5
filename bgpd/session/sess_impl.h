/*
 * sess_impl.h: what the files of the session layer share.  Not for use
 * outside bgpd/session/sess*.c and session.c.
 */
#ifndef VTB_SESS_IMPL_H
#define VTB_SESS_IMPL_H

#include "bgpd/session/session.h"
#include "lib/log.h"

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
	char			 name[INET_ADDRSTRLEN];
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
	struct in_addr		 local_addr;
	uint8_t			 local_plen;
	struct msg_open		 peer_open;
	bool			 as4;
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

/* session.c: called by the files above */
void	sess_connected(struct peer *, struct conn *);	/* connect() done */
void	sess_conn_closed(struct peer *, struct conn *);	/* peer closed c */
void	sess_connect_failed(struct peer *, struct conn *, int err);
void	sess_accepted(struct sess_engine *, int fd, struct in_addr src,
	    struct in_addr dst);
/*
 * One whole message of len bytes on c; type 0 means the header was bad
 * and peer->err says why.  Returns -1 once c is gone.
 */
int	sess_message(struct conn *, uint8_t type, const uint8_t *msg,
	    size_t len);
void	sess_conn_error(struct conn *, const char *why);

#endif
