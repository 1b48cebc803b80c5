/* SPDX-License-Identifier: ISC */
/*
 * sess_conn.c: one TCP connection of a session: non-blocking reads cut
 * into whole BGP messages, and a bounded write queue.
 */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/session/sess_impl.h"

static void	conn_readable(struct ev_loop *, ev_io *, int);
static void	conn_writable(struct ev_loop *, ev_io *, int);

struct conn *
conn_new(struct peer *p, int fd, bool outgoing)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	c->peer = p;
	c->fd = fd;
	c->outgoing = outgoing;
	ev_io_init(&c->rio, conn_readable, fd, EV_READ);
	ev_io_init(&c->wio, conn_writable, fd, EV_WRITE);
	c->rio.data = c->wio.data = c;
	return c;
}

void
conn_free(struct conn *c)
{
	struct ev_loop	*loop;

	if (c == NULL)
		return;
	loop = c->peer->eng->loop;
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_io_stop(loop, &c->cio);
	if (c->fd != -1)
		close(c->fd);
	free(c->wbuf);
	free(c);
}

void
conn_hold(struct conn *c)
{
	struct ev_loop	*loop = c->peer->eng->loop;

	c->reading = false;
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_io_stop(loop, &c->cio);
}

/* A connection we closed: wait for the peer to close its side. */
static void
conn_closing(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;
	uint8_t		 buf[512];
	ssize_t		 n;

	n = read(c->fd, buf, sizeof(buf));
	if (n > 0 || (n == -1 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK)))
		return;		/* what it still sent is of no use now */
	ev_io_stop(loop, w);
	sess_conn_closed(c->peer, c);
}

void
conn_close_after(struct conn *c, const uint8_t *msg, size_t len)
{
	ssize_t	n;

	if (len > 0) {
		n = write(c->fd, msg, len);
		(void)n;	/* best effort: the peer may be gone */
	}
	(void)shutdown(c->fd, SHUT_WR);
	c->reading = false;
	ev_set_cb(&c->rio, conn_closing);
	ev_io_start(c->peer->eng->loop, &c->rio);
}

void
conn_read_sync(struct conn *c)
{
	struct ev_loop	*loop = c->peer->eng->loop;

	if (c->reading && !c->peer->eng->read_paused)
		ev_io_start(loop, &c->rio);
	else
		ev_io_stop(loop, &c->rio);
}

void
conn_start_io(struct conn *c)
{
	c->reading = true;
	conn_read_sync(c);
	if (c->wlen > 0)
		ev_io_start(c->peer->eng->loop, &c->wio);
}

/* Write what the kernel takes now.  0, or -1 on a socket error. */
static int
conn_flush(struct conn *c)
{
	ssize_t	n;

	while (c->wlen > 0) {
		n = write(c->fd, c->wbuf, c->wlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return -1;
		memmove(c->wbuf, c->wbuf + n, c->wlen - (size_t)n);
		c->wlen -= (size_t)n;
	}
	if (c->wlen > 0 && !c->connecting)
		ev_io_start(c->peer->eng->loop, &c->wio);
	else if (c->wlen == 0)
		ev_io_stop(c->peer->eng->loop, &c->wio);
	return 0;
}

int
conn_send(struct conn *c, const uint8_t *msg, size_t len)
{
	size_t	cap;

	if (c->wlen + len > SESS_WBUF_MAX)
		return -1;
	if (c->wlen + len > c->wcap) {
		cap = c->wcap == 0 ? 2 * MSG_MAX_LEN : c->wcap;
		while (cap < c->wlen + len)
			cap *= 2;
		if ((c->wbuf = realloc(c->wbuf, cap)) == NULL)
			fatal("realloc");
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, msg, len);
	c->wlen += len;
	if (c->connecting)
		return 0;
	/* A socket error shows up on the next read as well. */
	(void)conn_flush(c);
	return 0;
}

static void
conn_writable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;

	if (conn_flush(c) == -1) {
		ev_io_stop(loop, &c->wio);
		sess_conn_error(c, strerror(errno));
	}
}

/* Cut whole messages out of the read buffer and hand them on. */
static int
conn_parse(struct conn *c)
{
	struct msg_error	err;
	struct peer		*p = c->peer;
	size_t			off = 0;
	uint16_t		len;
	uint8_t			type;
	int			rv = 0;

	while (c->rlen - off >= MSG_HEADER_LEN) {
		if (msg_header_decode(c->rbuf + off, &type, &len, &err) == -1) {
			p->err = err;
			p->err_valid = true;
			return sess_message(c, 0, NULL, 0);
		}
		if (c->rlen - off < len)
			break;
		if ((rv = sess_message(c, type, c->rbuf + off, len)) == -1)
			return -1;
		off += len;
	}
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return 0;
}

static void
conn_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;
	ssize_t		 n;

	n = read(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen);
	if (n == -1 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return;
	if (n == -1) {
		sess_conn_error(c, strerror(errno));
		return;
	}
	if (n == 0) {
		sess_conn_error(c, "connection closed by the peer");
		return;
	}
	c->rlen += (size_t)n;
	(void)conn_parse(c);
}
