/* SPDX-License-Identifier: ISC */
/*
 * ctl.h: the daemon's end of the control socket.  A ctl_server listens on
 * a Unix stream socket, reads frames (proto/vtibgp.proto, "Framing"),
 * decodes each request with the input descriptor of its method in the
 * generated service descriptor and calls the daemon's handler for that
 * method.  It knows nothing of BGP: the daemon supplies the handler table.
 *
 * A handler answers with ctl_reply() (unary methods), or ctl_stream()
 * then ctl_end() (streaming methods), or ctl_error(); it may answer at
 * once or keep the request and answer later from another callback.  A
 * request kept past the handler's return must have a cancel callback
 * (ctl_set_cancel): it runs if the client goes first, after which the
 * request is freed and must be forgotten.
 */
#ifndef VTB_CTL_H
#define VTB_CTL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <protobuf-c/protobuf-c.h>

#include "bgpd/util/log.h"
#include "proto/ctl_frame.h"

/*
 * Server limits (vtibgpd(8), CONTROL SOCKET LIMITS).  The socket is open
 * to every local user; these keep one of them from slowing the routing
 * or locking out the operator (root and the control group).
 */
#define CTL_MAX_CLIENTS		256	/* connections in all */
#define CTL_RESERVED_CLIENTS	16	/* of those, for the operator only */
#define CTL_MAX_CLIENTS_PER_UID	16	/* per other uid */
#define CTL_MAX_QUEUE		(4U * 1024U * 1024U)	/* per client */
#define CTL_MAX_REQUESTS	32	/* open (streams) per client */
#define CTL_IDLE_S		30.0	/* without a request open or sent */
#define CTL_MEM_BUDGET		(32U * 1024U * 1024U)	/* all buffers */
#define CTL_MEM_RESERVED	(8U * 1024U * 1024U)	/* operator only */
#define CTL_PAYLOAD_START	4096	/* request buffer, then doubled */
#define CTL_SLICE_US		1000	/* control work per loop iteration */

/* Octets in any string of a request, which must also be printable UTF-8
 * (no C0, DEL or C1 control character): RFC 9003's limit for a shutdown
 * communication, and enough for every other argument. */
#define CTL_MAX_STRING		255

struct ctl_server;
struct ctl_request;

/*
 * One method the daemon serves.  method is the rpc name in the .proto
 * ("ShowSummary"); in is the decoded request, freed by the server when fn
 * returns (copy what is kept).  fn returns 0 when it answered or keeps the
 * request to answer later, -1 when it failed without answering (the
 * client then gets ERROR_INTERNAL).  changes_state: only root and the
 * control group may call it.  A table ends with a NULL method.
 */
struct ctl_handler {
	const char	*method;
	int		(*fn)(struct ctl_request *, const ProtobufCMessage *in,
			    void *arg);
	bool		 changes_state;
};

/* The caller, from SO_PEERCRED when it connected. */
struct ctl_peer {
	pid_t	pid;
	uid_t	uid;
	gid_t	gid;
};

typedef void	(*ctl_cancel_fn)(struct ctl_request *, void *arg);

/*
 * Listen on path (mode 0666) in loop, serving handlers with arg.  A stale
 * socket file at path is replaced; a socket that answers (another daemon)
 * or a file that is not a socket is an error.  handlers must outlive the
 * server; a name that is no method of the service is a fatal bug.
 * Returns NULL on failure (logged).
 */
struct ctl_server *ctl_server_open(struct ev_loop *, const char *path,
		    const struct ctl_handler *handlers, void *arg);

/*
 * Close every client (cancel callbacks run), stop listening and remove
 * the socket file if it is still ours.  NULL is allowed.
 */
void		 ctl_server_close(struct ctl_server *);

/* The group whose members may change state besides root (copied; NULL:
 * root only).  Looked up at each request that needs it. */
void		 ctl_server_set_group(struct ctl_server *, const char *group);

struct ctl_limits {
	unsigned	max_clients;
	unsigned	reserved;	/* of max_clients, for the operator */
	unsigned	per_uid;	/* connections of one other uid */
	size_t		max_queue;
	double		idle_s;
	size_t		mem_budget;
	size_t		mem_reserved;	/* of mem_budget, for the operator */
	unsigned	slice_us;
};

/* The CTL_* values above. */
void		 ctl_limits_default(struct ctl_limits *);
/* Other limits (tests); for connections made from then on. */
void		 ctl_server_set_limits(struct ctl_server *,
		    const struct ctl_limits *);

/* What the server refused or cut short, for `vtibgpctl metrics`. */
struct ctl_stats {
	uint64_t	refused_clients;	/* all max_clients in use */
	uint64_t	refused_reserved;	/* only the reserve was left */
	uint64_t	refused_per_uid;
	uint64_t	refused_busy;		/* over CTL_MAX_REQUESTS */
	uint64_t	refused_bad;		/* bad frame, method, request */
	uint64_t	refused_denied;		/* permission denied */
	uint64_t	closed_idle;
	uint64_t	dropped_slow;		/* queue over max_queue */
	uint64_t	memory_waits;		/* a client waited for memory */
	uint64_t	slices_spent;		/* iterations that used all */
	size_t		clients;
	size_t		operator_clients;
	size_t		memory;			/* octets of client buffers */
};
void		 ctl_server_stats(const struct ctl_server *,
		    struct ctl_stats *);

/* Connected clients now. */
size_t		 ctl_server_clients(const struct ctl_server *);

/*
 * Deferred control work (the fan-out of watch events): fn runs at control
 * priority after the routing work of a loop iteration, once per
 * ctl_server_kick(); it returns true when it has more to do (it then runs
 * again in the next iteration).  fn should stop when
 * ctl_server_slice_left() says the iteration's control slice is spent.
 * The server also kicks when a client's output queue has drained.
 */
typedef bool	(*ctl_work_fn)(struct ctl_server *, void *arg);
void		 ctl_server_set_work(struct ctl_server *, ctl_work_fn,
		    void *arg);
void		 ctl_server_kick(struct ctl_server *);
bool		 ctl_server_slice_left(struct ctl_server *);

/*
 * Answers.  Each of ctl_reply, ctl_end and ctl_error finishes the request:
 * after it returns the request is gone (outside the handler) and must not
 * be used.  They return 0 when the frame was queued, -1 when it was not
 * (client gone or dropped; a reply over 1 MiB is replaced by
 * ERROR_TOO_LARGE).  ctl_stream sends one reply of a stream and keeps the
 * request open; -1 when it was not queued (too large, client dropped).
 */
int		 ctl_reply(struct ctl_request *, const ProtobufCMessage *);
int		 ctl_stream(struct ctl_request *, const ProtobufCMessage *);
int		 ctl_end(struct ctl_request *);
int		 ctl_error(struct ctl_request *, Vtibgp__ErrorCode code,
		    const char *fmt, ...) VTB_PRINTF(3, 4);

/* fn(req, arg) runs if the client goes before the request is finished. */
void		 ctl_set_cancel(struct ctl_request *, ctl_cancel_fn fn,
		    void *arg);

/*
 * One streamed reply whose payload is already packed (an Event packed
 * once for every watcher).  As ctl_stream.
 */
int		 ctl_stream_packed(struct ctl_request *, const uint8_t *payload,
		    size_t len);
/*
 * Whether req's client can take a streamed frame now: fewer than
 * queue_limit octets wait for it and the memory budget has room.
 */
bool		 ctl_request_room(const struct ctl_request *,
		    size_t queue_limit);

const struct ctl_peer *ctl_request_peer(const struct ctl_request *);
/* Root or the control group (as looked up when the client connected). */
bool		 ctl_request_operator(const struct ctl_request *);
struct ctl_server *ctl_request_server(const struct ctl_request *);
/* The rpc name of the request's method ("Watch"). */
const char	*ctl_request_method(const struct ctl_request *);

#endif
