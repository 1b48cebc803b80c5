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

#include "bgpd/log.h"
#include "proto/vtibgp.pb-c.h"

/* Frames: three big-endian 32-bit words, then the payload. */
#define CTL_HDR_LEN		12
#define CTL_MAX_PAYLOAD		(1024U * 1024U)
#define CTL_METHOD_MASK		0x00ffffffU
#define CTL_FLAG_MASK		0xff000000U
#define CTL_F_MORE		0x20000000U	/* streamed; more follow */
#define CTL_F_ERROR		0x40000000U	/* payload is an Error; last */
#define CTL_F_END		0x80000000U	/* end of stream; last */

/* Server limits: connections, octets queued for one client (both can be
 * changed), requests one client may keep open (streams). */
#define CTL_MAX_CLIENTS		256
#define CTL_MAX_QUEUE		(4U * 1024U * 1024U)
#define CTL_MAX_REQUESTS	32

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

/* Limits other than CTL_MAX_CLIENTS and CTL_MAX_QUEUE (tests). */
void		 ctl_server_set_limits(struct ctl_server *,
		    unsigned max_clients, size_t max_queue);

/* Connected clients now. */
size_t		 ctl_server_clients(const struct ctl_server *);

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

const struct ctl_peer *ctl_request_peer(const struct ctl_request *);
/* The rpc name of the request's method ("Watch"). */
const char	*ctl_request_method(const struct ctl_request *);

/* ---- frames, for both ends (ctl_frame.c) ------------------------------ */

void		 ctl_hdr_encode(uint8_t hdr[CTL_HDR_LEN], uint32_t word,
		    uint32_t id, uint32_t len);
void		 ctl_hdr_decode(const uint8_t hdr[CTL_HDR_LEN], uint32_t *word,
		    uint32_t *id, uint32_t *len);

/* The method with this index or rpc name, or NULL / -1. */
const ProtobufCMethodDescriptor *ctl_method(uint32_t index);
int		 ctl_method_index(const char *name);

#endif
