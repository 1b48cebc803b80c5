/* SPDX-License-Identifier: ISC */
/*
 * ctl_server_impl.h: what the files of the control server share:
 * ctl_server.c (the socket, clients coming and going), ctl_conn.c (a
 * client's bytes: frames in, answers out), ctl_request.c (requests
 * dispatched and answered) and ctl_limits.c (who may connect, how much
 * memory and time control work may take).  Not for use outside them.
 */
#ifndef VTB_CTL_SERVER_IMPL_H
#define VTB_CTL_SERVER_IMPL_H

#include <sys/queue.h>

#include "bgpd/control/ctl.h"

/* Control work runs below the routing work (libev priority 0): the
 * operator's clients first, then everyone else's. */
#define CTL_PRI_OPERATOR	(EV_MINPRI + 1)
#define CTL_PRI_USER		EV_MINPRI

enum req_state {
	REQ_OPEN,
	REQ_DONE,
	REQ_CANCELLED,
};

struct ctl_request {
	TAILQ_ENTRY(ctl_request) entry;
	struct ctl_client	*client;
	uint32_t		 method;
	uint32_t		 id;
	struct ctl_peer		 peer;
	enum req_state		 state;
	bool			 in_handler;
	bool			 operator;	/* the client's, at connect */
	ctl_cancel_fn		 cancel;
	void			*cancel_arg;
};

/* The connections of one uid. */
struct ctl_uid {
	LIST_ENTRY(ctl_uid)	 entry;
	uid_t			 uid;
	unsigned		 conns;
	bool			 operator;	/* root or the control group */
};

struct ctl_client {
	TAILQ_ENTRY(ctl_client)	 entry;
	TAILQ_HEAD(, ctl_request) reqs;
	unsigned		 n_reqs;	/* open requests */
	struct ctl_server	*srv;
	struct ctl_uid		*who;
	int			 fd;
	ev_io			 rio;
	ev_io			 wio;
	ev_timer		 kill;
	ev_timer		 idle;
	ev_tstamp		 last_active;	/* a request, an answer read */
	struct ctl_peer		 peer;
	uint8_t			 hdr[CTL_HDR_LEN];
	size_t			 hdr_have;
	uint8_t			*payload;
	size_t			 payload_have;
	size_t			 payload_cap;
	uint32_t		 word;
	uint32_t		 id;
	uint32_t		 len;
	uint8_t			*out;
	size_t			 out_off;
	size_t			 out_len;
	size_t			 out_cap;
	size_t			 mem;		/* octets charged to budget */
	bool			 closing;	/* flush, then close */
	bool			 dropped;	/* close now, send nothing */
	bool			 paused;	/* waits for memory */
};

struct ctl_server {
	struct ev_loop		*loop;
	char			*path;
	dev_t			 dev;
	ino_t			 ino;
	int			 fd;
	ev_io			 lio;
	ev_timer		 pause;
	ev_timer		 work;		/* deferred control work */
	const struct ctl_handler **by_index;
	void			*arg;
	char			*group;
	struct ctl_limits	 lim;
	struct ctl_stats	 st;
	size_t			 n_clients;
	size_t			 n_paused;
	size_t			 mem_used;
	unsigned		 slice_iter;	/* loop iteration of slice */
	uint64_t		 slice_start_us;
	bool			 slice_spent;
	ctl_work_fn		 work_fn;
	void			*work_arg;
	TAILQ_HEAD(, ctl_client) clients;
	LIST_HEAD(, ctl_uid)	 uids;
	struct log_ratelimit	 rl;
};

/* ---- ctl_server.c ------------------------------------------------------- */

/* A warning caused by a client, rate-limited per server. */
void	srv_warnx(struct ctl_server *, const char *fmt, ...)
	    VTB_PRINTF(2, 3);
/* srv_warnx about client c, naming its pid and uid. */
void	client_warnx(struct ctl_client *c, const char *fmt, ...)
	    VTB_PRINTF(2, 3);
/* Close c now: its open requests are cancelled, its buffers and its
 * connection's count released, c freed. */
void	client_close(struct ctl_client *c);

/* ---- ctl_conn.c --------------------------------------------------------- */

/* c's watchers (read, write, kill, idle), at its class's priority. */
void	client_watchers(struct ctl_client *c);
/*
 * Queue one frame of n octets of payload (packed from m, or copied from
 * raw).  0, -1 if the client is dropped (now or before) or, for a
 * streamed frame, the memory budget has no room, -2 if the payload is
 * over CTL_MAX_PAYLOAD (nothing queued).
 */
int	client_queue(struct ctl_client *c, uint32_t word, uint32_t id,
	    const ProtobufCMessage *m, const uint8_t *raw, size_t n);
/* client_queue of m (NULL: no payload). */
int	client_send(struct ctl_client *c, uint32_t word, uint32_t id,
	    const ProtobufCMessage *m);
/* An Error frame for the request (word, id), best effort. */
void	client_send_error(struct ctl_client *c, uint32_t word, uint32_t id,
	    Vtibgp__ErrorCode, const char *fmt, ...) VTB_PRINTF(5, 6);

/* ---- ctl_request.c ------------------------------------------------------ */

/* The client went: each open request hears it, then is freed. */
void	client_cancel_requests(struct ctl_client *c);
/* One complete frame from c (c->word, c->id, c->payload): check, decode,
 * dispatch to its handler, or answer with an Error. */
void	client_dispatch(struct ctl_client *c);

/* ---- ctl_limits.c ------------------------------------------------------- */

/* Root, or in the server's control group (NSS lookups). */
bool	limits_may_change_state(const struct ctl_server *,
	    const struct ctl_peer *);
/*
 * Admit a new connection from peer: 0 with *who its uid's record (its
 * connection counted), or -1 with why filled (the refusal counted).
 */
int	limits_admit(struct ctl_server *, const struct ctl_peer *,
	    struct ctl_uid **who, char *why, size_t len);
/* The connection of who closed. */
void	limits_leave(struct ctl_server *, struct ctl_uid *who);
/* Look up again whether each uid with connections is an operator (the
 * control group changed). */
void	limits_regroup(struct ctl_server *);
/* Charge n more octets of buffers to c; -1 (nothing charged) when the
 * budget of its class has no room, unless force. */
int	limits_charge(struct ctl_client *, size_t n, bool force);
void	limits_release(struct ctl_client *, size_t n);
/* Whether c's class may take more memory now. */
bool	limits_mem_room(const struct ctl_client *);
/* Resume the clients that waited for memory, if there is room now. */
void	limits_resume(struct ctl_server *);

#endif
