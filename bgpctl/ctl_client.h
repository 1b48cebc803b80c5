/* SPDX-License-Identifier: ISC */
/*
 * ctl_client.h: the client's end of the control socket (vtibgpctl, tests):
 * connect, send a request, read its answers with a timeout.  Blocking
 * I/O bounded by poll(); nothing here logs or exits: the caller reports.
 */
#ifndef VTB_CTL_CLIENT_H
#define VTB_CTL_CLIENT_H

#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "proto/ctl_frame.h"

struct ctl_conn;

/* One frame as read; payload is valid until the next ctl_recv. */
struct ctl_frame {
	uint32_t	 method;	/* index */
	uint32_t	 flags;		/* CTL_F_* */
	uint32_t	 id;
	uint32_t	 len;
	const uint8_t	*payload;
};

/*
 * Connect to the socket at path, waiting at most timeout_ms (a full
 * backlog).  NULL with errno set on failure (ENAMETOOLONG: path too long
 * for a Unix socket).
 */
struct ctl_conn	*ctl_connect(const char *path, int timeout_ms);
void		 ctl_conn_close(struct ctl_conn *);

/* Send one request frame.  0, or -1 with errno (ETIMEDOUT, EPIPE...). */
int		 ctl_send(struct ctl_conn *, uint32_t method, uint32_t id,
		    const ProtobufCMessage *m, int timeout_ms);

/*
 * Read the next frame, waiting at most timeout_ms for all of it (-1:
 * forever).  0, or -1 with errno: ETIMEDOUT, ECONNRESET (the daemon
 * closed the connection), EBADMSG (a frame over CTL_MAX_PAYLOAD), EINTR
 * (a signal; the connection is then out of step: close it).
 */
int		 ctl_recv(struct ctl_conn *, struct ctl_frame *,
		    int timeout_ms);

enum ctl_status {
	CTL_OK,
	CTL_REFUSED,		/* the daemon answered with an Error */
	CTL_TIMEOUT,		/* no answer in time */
	CTL_CLOSED,		/* the daemon closed the connection */
	CTL_BAD_REPLY,		/* an answer that does not decode */
	CTL_IO,			/* a local error */
	CTL_INTERRUPTED,	/* a signal */
	CTL_STOPPED,		/* the reply callback said stop */
};

struct ctl_result {
	enum ctl_status		status;
	Vtibgp__ErrorCode	code;		/* CTL_REFUSED */
	char			message[512];	/* for an operator */
};

/* Called with each reply, which is freed when it returns; -1 stops. */
typedef int	(*ctl_reply_fn)(const ProtobufCMessage *reply, void *arg);

/*
 * Call method (rpc name) with request m and hand each reply to fn, until
 * the last frame of the request (a unary reply, END, or an Error).
 * timeout_ms bounds the wait for each frame (-1: none).  Returns 0 when
 * res->status is CTL_OK, else -1 with res filled.
 */
int		 ctl_call(struct ctl_conn *, const char *method,
		    const ProtobufCMessage *m, int timeout_ms, ctl_reply_fn fn,
		    void *arg, struct ctl_result *res);

#endif
