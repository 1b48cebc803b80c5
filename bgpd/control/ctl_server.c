/* SPDX-License-Identifier: ISC */
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
 *
 * This file: the listening socket, clients coming and going, the log of
 * what they cause.  A client's bytes (frames in, answers out): ctl_conn.c;
 * its requests, dispatched and answered: ctl_request.c; who may connect
 * and how much memory and time control work takes: ctl_limits.c.
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
#include "bgpd/util/log.h"

#define CTL_BACKLOG		64
#define CTL_ACCEPT_PAUSE_S	1.0	/* after EMFILE and the like */

void
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

void
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

void
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
