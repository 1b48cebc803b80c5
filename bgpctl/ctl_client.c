/* SPDX-License-Identifier: ISC */
/*
 * ctl_client.c: the client's end of the control socket: frames over a
 * blocking Unix stream socket, every wait bounded by poll().
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bgpctl/ctl_client.h"
#include "bgpd/util/log.h"

struct ctl_conn {
	int		 fd;
	uint32_t	 next_id;
	uint8_t		*buf;
	size_t		 cap;
};

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline (-1: none) for poll(); 0 when past. */
static int
left_ms(int64_t deadline)
{
	int64_t	left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : (int)left;
}

struct ctl_conn *
ctl_connect(const char *path, int timeout_ms)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv;
	struct ctl_conn		*c;
	int			 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return NULL;
	/* connect() waits for room in a full backlog up to SO_SNDTIMEO. */
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = timeout_ms % 1000 * 1000 + (timeout_ms == 0);
	if ((timeout_ms >= 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1) ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		saved = errno == EAGAIN ? ETIMEDOUT : errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	c->fd = fd;
	c->next_id = 1;
	return c;
}

void
ctl_conn_close(struct ctl_conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

/* Wait until fd is ready for events; 0, or -1 with errno. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd	pfd;
	int		n;

	pfd.fd = fd;
	pfd.events = events;
	if ((n = poll(&pfd, 1, left_ms(deadline))) == -1)
		return -1;
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

static int
write_all(struct ctl_conn *c, const uint8_t *p, size_t len, int64_t deadline)
{
	ssize_t	n;

	while (len > 0) {
		if (wait_fd(c->fd, POLLOUT, deadline) == -1)
			return -1;
		n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(struct ctl_conn *c, uint8_t *p, size_t len, int64_t deadline)
{
	ssize_t	n;

	while (len > 0) {
		if (wait_fd(c->fd, POLLIN, deadline) == -1)
			return -1;
		n = recv(c->fd, p, len, MSG_DONTWAIT);
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (n == -1) {
			if (errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctl_send(struct ctl_conn *c, uint32_t method, uint32_t id,
    const ProtobufCMessage *m, int timeout_ms)
{
	uint8_t	*frame;
	size_t	 n;
	int	 rc, saved;

	n = m != NULL ? protobuf_c_message_get_packed_size(m) : 0;
	if (n > CTL_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	if ((frame = malloc(CTL_HDR_LEN + n)) == NULL)
		return -1;
	ctl_hdr_encode(frame, method, id, (uint32_t)n);
	if (m != NULL)
		protobuf_c_message_pack(m, frame + CTL_HDR_LEN);
	rc = write_all(c, frame, CTL_HDR_LEN + n,
	    timeout_ms < 0 ? -1 : now_ms() + timeout_ms);
	saved = errno;
	free(frame);
	errno = saved;
	return rc;
}

int
ctl_recv(struct ctl_conn *c, struct ctl_frame *f, int timeout_ms)
{
	uint8_t	 hdr[CTL_HDR_LEN];
	uint32_t word;
	int64_t	 deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	uint8_t	*p;

	if (read_all(c, hdr, sizeof(hdr), deadline) == -1)
		return -1;
	ctl_hdr_decode(hdr, &word, &f->id, &f->len);
	if (f->len > CTL_MAX_PAYLOAD) {
		errno = EBADMSG;
		return -1;
	}
	if (f->len > c->cap) {
		if ((p = realloc(c->buf, f->len)) == NULL)
			return -1;
		c->buf = p;
		c->cap = f->len;
	}
	if (read_all(c, c->buf, f->len, deadline) == -1)
		return -1;
	f->method = word & CTL_METHOD_MASK;
	f->flags = word & CTL_FLAG_MASK;
	f->payload = c->buf;
	return 0;
}

/* ---- calls -------------------------------------------------------------- */

static int
result(struct ctl_result *res, enum ctl_status st, const char *fmt, ...)
    VTB_PRINTF(3, 4);

static int
result(struct ctl_result *res, enum ctl_status st, const char *fmt, ...)
{
	va_list	ap;

	res->status = st;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	return st == CTL_OK ? 0 : -1;
}

static int
recv_failed(struct ctl_result *res)
{
	switch (errno) {
	case ETIMEDOUT:
		return result(res, CTL_TIMEOUT, "no answer from vtibgpd");
	case EINTR:
		return result(res, CTL_INTERRUPTED, "interrupted");
	case ECONNRESET:
	case EPIPE:
		return result(res, CTL_CLOSED,
		    "vtibgpd closed the connection");
	case EBADMSG:
		return result(res, CTL_BAD_REPLY, "an answer over %u octets",
		    CTL_MAX_PAYLOAD);
	default:
		return result(res, CTL_IO, "%s", strerror(errno));
	}
}

/* An Error frame: its code and message into res. */
static int
refused(const struct ctl_frame *f, struct ctl_result *res)
{
	Vtibgp__Error	*err;
	int		 rc;

	err = vtibgp__error__unpack(NULL, f->len, f->payload);
	if (err == NULL)
		return result(res, CTL_BAD_REPLY, "an undecodable error");
	res->code = err->code;
	rc = result(res, CTL_REFUSED, "%s", err->message);
	vtibgp__error__free_unpacked(err, NULL);
	return rc;
}

/*
 * The request could not be sent.  A daemon that refuses a connection (over
 * a limit) sends an Error with id 0 and closes it, maybe before the
 * request was written, which then fails: its reason is waiting to be
 * read, and says more than "closed the connection".
 */
static int
send_failed(struct ctl_conn *c, struct ctl_result *res)
{
	struct ctl_frame	f;
	int			saved = errno;

	if ((saved == EPIPE || saved == ECONNRESET) &&
	    ctl_recv(c, &f, 0) == 0 && f.id == 0 && (f.flags & CTL_F_ERROR))
		return refused(&f, res);
	errno = saved;
	return recv_failed(res);
}

/* A reply frame: decode it as the method's output and pass it on. */
static int
deliver(const ProtobufCMethodDescriptor *md, const struct ctl_frame *f,
    ctl_reply_fn fn, void *arg, struct ctl_result *res)
{
	ProtobufCMessage	*m;
	int			 rc;

	m = protobuf_c_message_unpack(md->output, NULL, f->len, f->payload);
	if (m == NULL)
		return result(res, CTL_BAD_REPLY, "%s: the reply does not "
		    "decode as %s", md->name, md->output->name);
	rc = fn != NULL ? fn(m, arg) : 0;
	protobuf_c_message_free_unpacked(m, NULL);
	if (rc == -1)
		return result(res, CTL_STOPPED, "stopped");
	return 0;
}

int
ctl_call(struct ctl_conn *c, const char *method, const ProtobufCMessage *m,
    int timeout_ms, ctl_reply_fn fn, void *arg, struct ctl_result *res)
{
	const ProtobufCMethodDescriptor	*md;
	struct ctl_frame		 f;
	uint32_t			 id = c->next_id++;
	int				 idx;

	memset(res, 0, sizeof(*res));
	if ((idx = ctl_method_index(method)) == -1 ||
	    (md = ctl_method((uint32_t)idx)) == NULL ||
	    m->descriptor != md->input)
		return result(res, CTL_IO, "%s: no such method for %s", method,
		    m->descriptor->name);
	if (ctl_send(c, (uint32_t)idx, id, m, timeout_ms) == -1)
		return send_failed(c, res);
	for (;;) {
		if (ctl_recv(c, &f, timeout_ms) == -1)
			return recv_failed(res);
		if (f.id != id && !(f.id == 0 && (f.flags & CTL_F_ERROR)))
			continue;	/* not ours; id 0: refused at connect */
		if (f.flags & CTL_F_ERROR)
			return refused(&f, res);
		if (f.flags & CTL_F_END)
			return result(res, CTL_OK, "ok");
		if (deliver(md, &f, fn, arg, res) == -1)
			return -1;
		if (!(f.flags & CTL_F_MORE))
			return result(res, CTL_OK, "ok");
	}
}
