/* SPDX-License-Identifier: ISC */
/*
 * ctl_conn.c: a control client's connection: its output queue, bounded
 * (a client that does not read is dropped), the frames read from it a
 * piece at a time within the memory budget, and its timers (idle, the
 * linger before a close).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/control/ctl_server_impl.h"

#define CTL_READ_BURST		32	/* frames per read callback */
#define CTL_LINGER_S		5.0	/* to flush before a close */
#define CTL_KEEP_BUF		65536	/* idle output buffer kept */

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
int
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

int
client_send(struct ctl_client *c, uint32_t word, uint32_t id,
    const ProtobufCMessage *m)
{
	return client_queue(c, word, id, m, NULL,
	    m != NULL ? protobuf_c_message_get_packed_size(m) : 0);
}

void
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
	client_dispatch(c);
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

/* The client's watchers, at its class's priority (ev_set_priority needs
 * them stopped). */
void
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
