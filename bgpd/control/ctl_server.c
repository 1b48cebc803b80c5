/*
 * ctl_server.c: the control socket of vtibgpd: a non-blocking Unix stream
 * server in the libev loop.  It frames, decodes and dispatches requests
 * through the generated service descriptor to the daemon's handlers,
 * checks the caller's credentials for methods that change state, and
 * queues answers per client under a bound (see ctl.h, and the framing in
 * proto/vtibgp.proto).
 *
 * Nothing a client sends is fatal to the daemon or to other clients: a
 * bad frame closes that client only, a client that stops reading is
 * dropped when its queue passes max_queue, and clients over the limits of
 * ctl_limits.c are refused with one Error frame.  Control work runs below
 * the routing work and at most CTL_SLICE_US per loop iteration: a client
 * left unread stays readable, and libev calls again next iteration.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/control/ctl_server_impl.h"
#include "lib/log.h"
#include "lib/utf8.h"

#define CTL_BACKLOG		64
#define CTL_READ_BURST		32	/* frames per read callback */
#define CTL_LINGER_S		5.0	/* to flush before a close */
#define CTL_ACCEPT_PAUSE_S	1.0	/* after EMFILE and the like */
#define CTL_KEEP_BUF		65536	/* idle output buffer kept */

static void	client_close(struct ctl_client *);
static int	client_queue(struct ctl_client *, uint32_t word, uint32_t id,
		    const ProtobufCMessage *, const uint8_t *raw, size_t n);
static int	client_send(struct ctl_client *, uint32_t word, uint32_t id,
		    const ProtobufCMessage *);
static void	client_send_error(struct ctl_client *, uint32_t word,
		    uint32_t id, Vtibgp__ErrorCode, const char *, ...)
		    VTB_PRINTF(5, 6);

/* ---- logging of what clients cause (rate-limited) --------------------- */

static void
srv_warnx(struct ctl_server *s, const char *fmt, ...) VTB_PRINTF(2, 3);

static void
srv_warnx(struct ctl_server *s, const char *fmt, ...)
{
	uint64_t	now_ms, suppressed = 0;
	char		msg[512];
	va_list		ap;

	now_ms = (uint64_t)(ev_now(s->loop) * 1000.0);
	if (!log_ratelimit(&s->rl, now_ms, &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (suppressed > 0)
		log_warnx("%s (%" PRIu64 " similar messages suppressed)", msg,
		    suppressed);
	else
		log_warnx("%s", msg);
}

static void
client_warnx(struct ctl_client *c, const char *fmt, ...) VTB_PRINTF(2, 3);

static void
client_warnx(struct ctl_client *c, const char *fmt, ...)
{
	char	msg[400];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	srv_warnx(c->srv, "control client pid %ld uid %lu: %s",
	    (long)c->peer.pid, (unsigned long)c->peer.uid, msg);
}

/* ---- requests ----------------------------------------------------------- */

static void
req_free(struct ctl_request *req)
{
	if (req->client != NULL) {
		TAILQ_REMOVE(&req->client->reqs, req, entry);
		req->client->n_reqs--;
	}
	free(req);
}

/* The request is answered: free it now, or after its handler returns. */
static void
req_finish(struct ctl_request *req)
{
	req->state = REQ_DONE;
	if (!req->in_handler)
		req_free(req);
}

static bool
req_usable(const struct ctl_request *req)
{
	return req->state == REQ_OPEN && !req->client->dropped;
}

static int
req_send(struct ctl_request *req, uint32_t flags, const ProtobufCMessage *m)
{
	int	rc;

	rc = client_send(req->client, req->method | flags, req->id, m);
	if (rc == -2) {
		client_warnx(req->client, "%s: reply over %u octets",
		    ctl_request_method(req), CTL_MAX_PAYLOAD);
		if (flags == CTL_F_MORE)
			return -1;
		client_send_error(req->client, req->method, req->id,
		    VTIBGP__ERROR_CODE__ERROR_TOO_LARGE,
		    "the reply is larger than %u octets", CTL_MAX_PAYLOAD);
		return -1;
	}
	return rc;
}

int
ctl_reply(struct ctl_request *req, const ProtobufCMessage *m)
{
	int	rc = -1;

	if (req->state != REQ_OPEN)
		return -1;
	if (req_usable(req))
		rc = req_send(req, 0, m);
	req_finish(req);
	return rc;
}

int
ctl_stream(struct ctl_request *req, const ProtobufCMessage *m)
{
	if (!req_usable(req))
		return -1;
	return req_send(req, CTL_F_MORE, m);
}

int
ctl_stream_packed(struct ctl_request *req, const uint8_t *payload,
    size_t len)
{
	if (!req_usable(req))
		return -1;
	return client_queue(req->client, req->method | CTL_F_MORE, req->id,
	    NULL, payload, len) == 0 ? 0 : -1;
}

bool
ctl_request_room(const struct ctl_request *req, size_t queue_limit)
{
	const struct ctl_client	*c = req->client;

	return req_usable(req) && c->out_len - c->out_off < queue_limit &&
	    limits_mem_room(c);
}

int
ctl_end(struct ctl_request *req)
{
	int	rc = -1;

	if (req->state != REQ_OPEN)
		return -1;
	if (req_usable(req))
		rc = client_send(req->client, req->method | CTL_F_END, req->id,
		    NULL);
	req_finish(req);
	return rc;
}

int
ctl_error(struct ctl_request *req, Vtibgp__ErrorCode code, const char *fmt,
    ...)
{
	Vtibgp__Error	err;
	char		msg[512];
	va_list		ap;
	int		rc = -1;

	vtibgp__error__init(&err);
	if (req->state != REQ_OPEN)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err.code = code;
	err.message = msg;
	if (req_usable(req))
		rc = client_send(req->client, req->method | CTL_F_ERROR,
		    req->id, &err.base);
	req_finish(req);
	return rc;
}

void
ctl_set_cancel(struct ctl_request *req, ctl_cancel_fn fn, void *arg)
{
	req->cancel = fn;
	req->cancel_arg = arg;
}

const struct ctl_peer *
ctl_request_peer(const struct ctl_request *req)
{
	return &req->peer;
}

bool
ctl_request_operator(const struct ctl_request *req)
{
	return req->operator;
}

struct ctl_server *
ctl_request_server(const struct ctl_request *req)
{
	return req->client != NULL ? req->client->srv : NULL;
}

const char *
ctl_request_method(const struct ctl_request *req)
{
	return ctl_method(req->method)->name;
}

/* The client went: each open request hears it, then is freed. */
static void
client_cancel_requests(struct ctl_client *c)
{
	struct ctl_request	*req;

	while ((req = TAILQ_FIRST(&c->reqs)) != NULL) {
		TAILQ_REMOVE(&c->reqs, req, entry);
		c->n_reqs--;
		req->client = NULL;
		req->state = REQ_CANCELLED;
		if (req->cancel != NULL)
			req->cancel(req, req->cancel_arg);
		free(req);
	}
}

/* ---- output ------------------------------------------------------------- */

/*
 * Room for n more octets at the end of the output queue; -1 if none.  The
 * growth is charged to the memory budget: a reply may pass it (it was
 * let in when there was room), a streamed frame (force false) may not.
 */
static int
out_reserve(struct ctl_client *c, size_t n, bool force)
{
	uint8_t	*p;
	size_t	 cap;

	if (c->out_off > 0 && c->out_len + n > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + n <= c->out_cap)
		return 0;
	cap = c->out_cap ? c->out_cap : 4096;
	while (cap < c->out_len + n)
		cap *= 2;
	if (limits_charge(c, cap - c->out_cap, force) == -1)
		return -1;
	if ((p = realloc(c->out, cap)) == NULL) {
		limits_release(c, cap - c->out_cap);
		return -1;
	}
	c->out = p;
	c->out_cap = cap;
	return 0;
}

static void
client_drop(struct ctl_client *c, const char *why)
{
	if (c->dropped)
		return;
	client_warnx(c, "dropped: %s", why);
	c->dropped = true;
	ev_io_stop(c->srv->loop, &c->rio);
	ev_io_stop(c->srv->loop, &c->wio);
	ev_timer_stop(c->srv->loop, &c->kill);
	ev_timer_set(&c->kill, 0., 0.);
	ev_timer_start(c->srv->loop, &c->kill);
}

/*
 * Queue one frame of n octets of payload (packed from m, or copied from
 * raw).  0, -1 if the client is dropped (now or before) or, for a
 * streamed frame, the memory budget has no room, -2 if the payload is
 * over CTL_MAX_PAYLOAD (nothing queued).
 */
static int
client_queue(struct ctl_client *c, uint32_t word, uint32_t id,
    const ProtobufCMessage *m, const uint8_t *raw, size_t n)
{
	bool	force = (word & CTL_F_MORE) == 0;

	if (c->dropped)
		return -1;
	if (n > CTL_MAX_PAYLOAD)
		return -2;
	if (c->out_len - c->out_off + CTL_HDR_LEN + n > c->srv->lim.max_queue) {
		c->srv->st.dropped_slow++;
		client_drop(c, "it does not read its answers");
		return -1;
	}
	if (out_reserve(c, CTL_HDR_LEN + n, force) == -1) {
		if (!force)
			return -1;
		client_drop(c, "out of memory");
		return -1;
	}
	ctl_hdr_encode(c->out + c->out_len, word, id, (uint32_t)n);
	c->out_len += CTL_HDR_LEN;
	if (m != NULL)
		protobuf_c_message_pack(m, c->out + c->out_len);
	else if (n > 0)
		memcpy(c->out + c->out_len, raw, n);
	c->out_len += n;
	ev_io_start(c->srv->loop, &c->wio);
	return 0;
}

static int
client_send(struct ctl_client *c, uint32_t word, uint32_t id,
    const ProtobufCMessage *m)
{
	return client_queue(c, word, id, m, NULL,
	    m != NULL ? protobuf_c_message_get_packed_size(m) : 0);
}

static void
client_send_error(struct ctl_client *c, uint32_t word, uint32_t id,
    Vtibgp__ErrorCode code, const char *fmt, ...)
{
	Vtibgp__Error	err;
	char		msg[256];
	va_list		ap;

	vtibgp__error__init(&err);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err.code = code;
	err.message = msg;
	(void)client_send(c, (word & CTL_METHOD_MASK) | CTL_F_ERROR, id,
	    &err.base);
}

/*
 * Stop reading; close once the queue is flushed (at once if it is empty
 * or the client is dropped: c may be gone on return), or after a linger.
 */
static void
client_linger(struct ctl_client *c)
{
	struct ev_loop	*loop = c->srv->loop;

	c->closing = true;
	ev_io_stop(loop, &c->rio);
	if (c->dropped || c->out_len == c->out_off) {
		client_close(c);
		return;
	}
	ev_timer_stop(loop, &c->kill);
	ev_timer_set(&c->kill, CTL_LINGER_S, 0.);
	ev_timer_start(loop, &c->kill);
}

static void
on_client_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client	*c = w->data;
	ssize_t			 n;

	n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		client_close(c);
		return;
	}
	c->out_off += (size_t)n;
	c->last_active = ev_now(loop);
	if (c->out_off < c->out_len)
		return;
	ev_io_stop(loop, &c->wio);
	c->out_off = c->out_len = 0;
	if (c->out_cap > CTL_KEEP_BUF) {
		free(c->out);
		c->out = NULL;
		limits_release(c, c->out_cap);
		c->out_cap = 0;
	}
	if (c->closing) {
		client_close(c);
		return;
	}
	if (c->srv->work_fn != NULL && c->n_reqs > 0)
		ctl_server_kick(c->srv);	/* a watcher may take more */
}

static void
on_client_kill(struct ev_loop *loop, ev_timer *w, int revents)
{
	client_close(w->data);
}

/* ---- input -------------------------------------------------------------- */

/* Call the handler of a decoded request; the request is freed here. */
static void
dispatch_call(struct ctl_client *c, const struct ctl_handler *h,
    const ProtobufCMessage *in)
{
	struct ctl_request	*req;
	int			 rc;

	if ((req = calloc(1, sizeof(*req))) == NULL) {
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	req->client = c;
	req->method = c->word;
	req->id = c->id;
	req->peer = c->peer;
	req->operator = c->who->operator;
	TAILQ_INSERT_TAIL(&c->reqs, req, entry);
	c->n_reqs++;
	req->in_handler = true;
	rc = h->fn(req, in, c->srv->arg);
	if (req->state == REQ_OPEN && rc == -1)
		ctl_error(req, VTIBGP__ERROR_CODE__ERROR_INTERNAL,
		    "%s failed", h->method);
	req->in_handler = false;
	if (req->state == REQ_OPEN && req->cancel == NULL)
		fatalx("ctl: handler of %s kept a request without a cancel "
		    "callback", h->method);
	if (req->state != REQ_OPEN)
		req_free(req);
}

/* ---- input hygiene ------------------------------------------------------ */

/* One string field: at most CTL_MAX_STRING octets of printable UTF-8. */
static int
check_string(const ProtobufCMessageDescriptor *d,
    const ProtobufCFieldDescriptor *f, const char *s, char *why, size_t len)
{
	size_t	n = strlen(s), bad;

	if (n > CTL_MAX_STRING) {
		snprintf(why, len, "%s.%s: %zu octets, more than %u",
		    d->short_name, f->name, n, CTL_MAX_STRING);
		return -1;
	}
	if (utf8_check_printable(s, n, &bad) == -1) {
		snprintf(why, len, "%s.%s: not printable UTF-8 (octet 0x%02x "
		    "at offset %zu): control characters and invalid UTF-8 are "
		    "refused", d->short_name, f->name, (uint8_t)s[bad], bad);
		return -1;
	}
	return 0;
}

/*
 * Every string in a request, nested messages included: what a client
 * writes may reach the log, the neighbor state every reader sees, or a
 * peer's NOTIFICATION.  0, or -1 with why.
 */
static int
check_strings(const ProtobufCMessage *m, char *why, size_t len)
{
	const ProtobufCMessageDescriptor	*d = m->descriptor;
	const ProtobufCFieldDescriptor		*f;
	const uint8_t				*base = (const uint8_t *)m;
	const void				*v, *const *vs;
	size_t					 n, j;
	unsigned				 i;

	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			memcpy(&n, base + f->quantifier_offset, sizeof(n));
			memcpy(&vs, base + f->offset, sizeof(vs));
		} else {
			n = 1;
			vs = (const void *const *)(base + f->offset);
		}
		for (j = 0; j < n; j++) {
			if ((v = vs[j]) == NULL)
				continue;
			if (f->type == PROTOBUF_C_TYPE_STRING ?
			    check_string(d, f, v, why, len) == -1 :
			    check_strings(v, why, len) == -1)
				return -1;
		}
	}
	return 0;
}

/* One complete frame from c: check, decode, dispatch. */
static void
dispatch(struct ctl_client *c)
{
	const ProtobufCMethodDescriptor	*md;
	const struct ctl_handler	*h;
	ProtobufCMessage		*in;
	uint32_t			 idx = c->word & CTL_METHOD_MASK;
	char				 why[256];

	c->last_active = ev_now(c->srv->loop);
	if ((md = ctl_method(idx)) == NULL) {
		c->srv->st.refused_bad++;
		client_warnx(c, "unknown method %u", idx);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_UNKNOWN_METHOD,
		    "unknown method %u", idx);
		return;
	}
	if ((h = c->srv->by_index[idx]) == NULL) {
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_NOT_IMPLEMENTED,
		    "%s is not available in this version", md->name);
		return;
	}
	if (h->changes_state && !limits_may_change_state(c->srv, &c->peer)) {
		c->srv->st.refused_denied++;
		client_warnx(c, "%s: permission denied", md->name);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_PERMISSION_DENIED,
		    "permission denied: %s needs root or group %s", md->name,
		    c->srv->group ? c->srv->group : "(none)");
		return;
	}
	if (c->n_reqs >= CTL_MAX_REQUESTS) {
		c->srv->st.refused_busy++;
		client_warnx(c, "%s: over %u open requests", md->name,
		    CTL_MAX_REQUESTS);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BUSY,
		    "more than %u open requests", CTL_MAX_REQUESTS);
		return;
	}
	in = protobuf_c_message_unpack(md->input, NULL, c->len,
	    c->payload != NULL ? c->payload : (const uint8_t *)"");
	if (in == NULL) {
		c->srv->st.refused_bad++;
		client_warnx(c, "%s: undecodable request", md->name);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST,
		    "%s: the request does not decode as %s", md->name,
		    md->input->name);
		return;
	}
	if (check_strings(in, why, sizeof(why)) == -1) {
		c->srv->st.refused_bad++;
		client_warnx(c, "%s: refused: %s", md->name, why);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST, "%s", why);
	} else
		dispatch_call(c, h, in);
	protobuf_c_message_free_unpacked(in, NULL);
}

/* Read into buf up to want octets in all.  1 when complete, 0 when more
 * is needed later, -1 at EOF or on an error. */
static int
read_some(struct ctl_client *c, uint8_t *buf, size_t *have, size_t want)
{
	ssize_t	n;

	while (*have < want) {
		n = read(c->fd, buf + *have, want - *have);
		if (n > 0) {
			*have += (size_t)n;
			continue;
		}
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -1;
	}
	return 1;
}

/* The header is in: check it. */
static int
frame_start(struct ctl_client *c)
{
	ctl_hdr_decode(c->hdr, &c->word, &c->id, &c->len);
	if (c->len > CTL_MAX_PAYLOAD || (c->word & CTL_FLAG_MASK) != 0) {
		c->srv->st.refused_bad++;
		client_warnx(c, "bad frame (length %u, method word %#x)",
		    c->len, c->word);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BAD_FRAME,
		    c->len > CTL_MAX_PAYLOAD ? "frame over %u octets" :
		    "flags in a request (limit %u octets)", CTL_MAX_PAYLOAD);
		return -1;
	}
	c->payload_have = 0;
	return 0;
}

/*
 * Room for more of the payload: the buffer grows with what has arrived
 * (CTL_PAYLOAD_START, then doubled), never to the claimed length at
 * once.  0, or -1 when the memory budget has no room now.
 */
static int
payload_room(struct ctl_client *c)
{
	uint8_t	*p;
	size_t	 cap;

	if (c->payload_have < c->payload_cap)
		return 0;
	cap = c->payload_cap == 0 ? CTL_PAYLOAD_START : c->payload_cap * 2;
	if (cap > c->len)
		cap = c->len;
	if (limits_charge(c, cap - c->payload_cap, false) == -1)
		return -1;
	if ((p = realloc(c->payload, cap)) == NULL) {
		limits_release(c, cap - c->payload_cap);
		return -1;
	}
	c->payload = p;
	c->payload_cap = cap;
	return 0;
}

static void
payload_free(struct ctl_client *c)
{
	free(c->payload);
	c->payload = NULL;
	if (c->payload_cap > 0)
		limits_release(c, c->payload_cap);
	c->payload_cap = c->payload_have = 0;
}

/* Read and handle one frame: 1 done, 0 more later, -1 gone, -2 refused,
 * -3 waits for the memory budget. */
static int
client_read_frame(struct ctl_client *c)
{
	int	rc;

	if (c->hdr_have < CTL_HDR_LEN) {
		if (c->hdr_have == 0 && !limits_mem_room(c))
			return -3;
		rc = read_some(c, c->hdr, &c->hdr_have, CTL_HDR_LEN);
		if (rc != 1)
			return rc;
		if (frame_start(c) == -1)
			return -2;
	}
	while (c->payload_have < c->len) {
		if (payload_room(c) == -1)
			return -3;
		rc = read_some(c, c->payload, &c->payload_have,
		    c->payload_cap);
		if (rc != 1)
			return rc;
	}
	dispatch(c);
	payload_free(c);
	c->hdr_have = 0;
	return 1;
}

/* Not read from until the memory budget has room (limits_resume). */
static void
client_pause(struct ctl_client *c)
{
	c->paused = true;
	c->srv->n_paused++;
	c->srv->st.memory_waits++;
	ev_io_stop(c->srv->loop, &c->rio);
}

static void
on_client_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client	*c = w->data;
	int			 i, rc = 1;

	for (i = 0; i < CTL_READ_BURST && rc == 1; i++) {
		if (c->closing || c->dropped)
			return;
		if (!ctl_server_slice_left(c->srv))
			return;		/* still readable: next iteration */
		rc = client_read_frame(c);
	}
	if (rc == -1) {
		if (c->hdr_have > 0)
			client_warnx(c, "closed in the middle of a frame");
		client_cancel_requests(c);
		client_linger(c);
	} else if (rc == -2)
		client_linger(c);
	else if (rc == -3)
		client_pause(c);
}

/* No request open and none sent, no answer read, for idle_s: closed. */
static void
on_client_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_client	*c = w->data;
	ev_tstamp		 left;

	left = c->last_active + c->srv->lim.idle_s - ev_now(loop);
	if (c->n_reqs > 0 || left > 0.) {
		ev_timer_set(w, c->n_reqs > 0 ? c->srv->lim.idle_s : left, 0.);
		ev_timer_start(loop, w);
		return;
	}
	c->srv->st.closed_idle++;
	client_warnx(c, "closed: idle for %.0f s", c->srv->lim.idle_s);
	client_close(c);
}

/* ---- clients ------------------------------------------------------------ */

static void
client_close(struct ctl_client *c)
{
	struct ctl_server	*s = c->srv;

	c->dropped = true;
	client_cancel_requests(c);
	ev_io_stop(s->loop, &c->rio);
	ev_io_stop(s->loop, &c->wio);
	ev_timer_stop(s->loop, &c->kill);
	ev_timer_stop(s->loop, &c->idle);
	close(c->fd);
	TAILQ_REMOVE(&s->clients, c, entry);
	s->n_clients--;
	if (c->paused)
		s->n_paused--;
	log_debug("control client pid %ld: closed", (long)c->peer.pid);
	free(c->payload);
	free(c->out);
	if (c->mem > 0)
		limits_release(c, c->mem);
	limits_leave(s, c->who);
	free(c);
}

/* Over a limit: one Error frame saying which, best effort, and close. */
static void
refuse(int fd, const char *why)
{
	Vtibgp__Error	err;
	uint8_t		buf[256];
	size_t		n;
	char		msg[160];

	vtibgp__error__init(&err);
	snprintf(msg, sizeof(msg), "%s", why);
	err.code = VTIBGP__ERROR_CODE__ERROR_TOO_MANY_CLIENTS;
	err.message = msg;
	n = protobuf_c_message_pack(&err.base, buf + CTL_HDR_LEN);
	ctl_hdr_encode(buf, CTL_F_ERROR, 0, (uint32_t)n);
	(void)send(fd, buf, CTL_HDR_LEN + n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

/* The client's watchers, at its class's priority (ev_set_priority needs
 * them stopped). */
static void
client_watchers(struct ctl_client *c)
{
	int	pri = c->who->operator ? CTL_PRI_OPERATOR : CTL_PRI_USER;

	ev_io_init(&c->rio, on_client_read, c->fd, EV_READ);
	ev_io_init(&c->wio, on_client_write, c->fd, EV_WRITE);
	ev_timer_init(&c->kill, on_client_kill, 0., 0.);
	ev_timer_init(&c->idle, on_client_idle, c->srv->lim.idle_s, 0.);
	ev_set_priority(&c->rio, pri);
	ev_set_priority(&c->wio, pri);
	ev_set_priority(&c->kill, pri);
	ev_set_priority(&c->idle, pri);
	c->rio.data = c->wio.data = c->kill.data = c->idle.data = c;
}

static void
client_new(struct ctl_server *s, int fd)
{
	struct ctl_client	*c;
	struct ucred		 uc;
	struct ctl_peer		 peer;
	struct ctl_uid		*who;
	socklen_t		 len = sizeof(uc);
	char			 why[160];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		log_warn("control socket: SO_PEERCRED");
		close(fd);
		return;
	}
	peer = (struct ctl_peer){ uc.pid, uc.uid, uc.gid };
	if (limits_admit(s, &peer, &who, why, sizeof(why)) == -1) {
		srv_warnx(s, "control client pid %ld uid %lu refused: %s",
		    (long)uc.pid, (unsigned long)uc.uid, why);
		refuse(fd, why);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control socket: calloc");
		limits_leave(s, who);
		close(fd);
		return;
	}
	TAILQ_INIT(&c->reqs);
	c->srv = s;
	c->who = who;
	c->fd = fd;
	c->peer = peer;
	c->last_active = ev_now(s->loop);
	client_watchers(c);
	ev_io_start(s->loop, &c->rio);
	ev_timer_start(s->loop, &c->idle);
	TAILQ_INSERT_TAIL(&s->clients, c, entry);
	s->n_clients++;
	log_debug("control client pid %ld uid %lu: connected", (long)uc.pid,
	    (unsigned long)uc.uid);
}

/* Deferred control work: clients that waited for memory, then the
 * daemon's (the watch fan-out). */
static void
on_work(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_server	*s = w->data;

	limits_resume(s);
	if (s->work_fn != NULL && s->work_fn(s, s->work_arg))
		ctl_server_kick(s);
}

static void
on_pause_end(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_server	*s = w->data;

	ev_io_start(loop, &s->lio);
}

static void
on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_server	*s = w->data;
	int			 fd, i;

	for (i = 0; i < CTL_BACKLOG; i++) {
		if (!ctl_server_slice_left(s))
			return;		/* still readable: next iteration */
		fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED)
				return;
			log_warn("control socket: accept");
			ev_io_stop(loop, &s->lio);
			ev_timer_set(&s->pause, CTL_ACCEPT_PAUSE_S, 0.);
			ev_timer_start(loop, &s->pause);
			return;
		}
		client_new(s, fd);
	}
}

/* ---- the listening socket ----------------------------------------------- */

/* Fill sun with path; -1 if it does not fit. */
static int
sun_fill(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Remove a stale socket at path; -1 if something lives there. */
static int
clear_stale(const struct sockaddr_un *sun, const char *path)
{
	struct stat	st;
	int		fd, rc, err;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : (log_warn("%s", path), -1);
	if (!S_ISSOCK(st.st_mode)) {
		log_warnx("%s exists and is not a socket", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("control socket");
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	err = rc == 0 ? 0 : errno;
	close(fd);
	if (err == 0 || err == EAGAIN) {	/* EAGAIN: a full backlog */
		log_warnx("%s: another daemon answers there", path);
		return -1;
	}
	if (err != ECONNREFUSED) {
		log_warnx("%s: %s", path, strerror(err));
		return -1;
	}
	log_info("removing stale control socket %s", path);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("unlink %s", path);
		return -1;
	}
	return 0;
}

static int
listen_on(struct ctl_server *s)
{
	struct sockaddr_un	sun;
	struct stat		st;

	if (sun_fill(&sun, s->path) == -1) {
		log_warnx("control socket path too long: %s", s->path);
		return -1;
	}
	if (clear_stale(&sun, s->path) == -1)
		return -1;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		log_warn("control socket");
		return -1;
	}
	if (bind(s->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", s->path);
		return -1;
	}
	if (chmod(s->path, 0666) == -1 || stat(s->path, &st) == -1 ||
	    listen(s->fd, CTL_BACKLOG) == -1) {
		log_warn("control socket %s", s->path);
		unlink(s->path);
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

/* Map the handler table onto method indexes. */
static void
index_handlers(struct ctl_server *s, const struct ctl_handler *handlers)
{
	const struct ctl_handler	*h;
	int				 i;

	s->by_index = calloc(vtibgp__control__descriptor.n_methods,
	    sizeof(*s->by_index));
	if (s->by_index == NULL)
		fatal("calloc");
	for (h = handlers; h->method != NULL; h++) {
		if ((i = ctl_method_index(h->method)) == -1)
			fatalx("ctl: no method %s in service Control",
			    h->method);
		s->by_index[i] = h;
	}
}

struct ctl_server *
ctl_server_open(struct ev_loop *loop, const char *path,
    const struct ctl_handler *handlers, void *arg)
{
	struct ctl_server	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL)
		fatal("calloc");
	s->loop = loop;
	s->fd = -1;
	s->arg = arg;
	ctl_limits_default(&s->lim);
	s->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10000, 10);
	TAILQ_INIT(&s->clients);
	LIST_INIT(&s->uids);
	index_handlers(s, handlers);
	if (listen_on(s) == -1) {
		if (s->fd != -1)
			close(s->fd);
		free(s->by_index);
		free(s->path);
		free(s);
		return NULL;
	}
	ev_io_init(&s->lio, on_accept, s->fd, EV_READ);
	ev_timer_init(&s->pause, on_pause_end, 0., 0.);
	ev_timer_init(&s->work, on_work, 0., 0.);
	ev_set_priority(&s->lio, CTL_PRI_OPERATOR);
	ev_set_priority(&s->pause, CTL_PRI_OPERATOR);
	ev_set_priority(&s->work, CTL_PRI_USER);
	s->lio.data = s->pause.data = s->work.data = s;
	ev_io_start(loop, &s->lio);
	log_debug("control socket %s", path);
	return s;
}

void
ctl_server_close(struct ctl_server *s)
{
	struct ctl_client	*c;
	struct stat		 st;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->clients)) != NULL)
		client_close(c);
	ev_io_stop(s->loop, &s->lio);
	ev_timer_stop(s->loop, &s->pause);
	ev_timer_stop(s->loop, &s->work);
	close(s->fd);
	if (lstat(s->path, &st) == 0 && st.st_dev == s->dev &&
	    st.st_ino == s->ino)
		unlink(s->path);
	free(s->by_index);
	free(s->group);
	free(s->path);
	free(s);
}

void
ctl_server_set_group(struct ctl_server *s, const char *group)
{
	free(s->group);
	s->group = NULL;
	if (group != NULL && (s->group = strdup(group)) == NULL)
		fatal("strdup");
	limits_regroup(s);
}

void
ctl_server_set_limits(struct ctl_server *s, const struct ctl_limits *l)
{
	s->lim = *l;
}

void
ctl_server_set_work(struct ctl_server *s, ctl_work_fn fn, void *arg)
{
	s->work_fn = fn;
	s->work_arg = arg;
}

void
ctl_server_kick(struct ctl_server *s)
{
	if (ev_is_active(&s->work))
		return;
	ev_timer_set(&s->work, 0., 0.);
	ev_timer_start(s->loop, &s->work);
}

size_t
ctl_server_clients(const struct ctl_server *s)
{
	return s->n_clients;
}
