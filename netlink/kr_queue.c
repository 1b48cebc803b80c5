/* SPDX-License-Identifier: ISC */
/*
 * kr_queue.c: the request side of kr: the queue of messages (strictly
 * in order), batches of whole messages per send(), the window of
 * requests in flight, answers matched to their request by sequence
 * number, and the FIFO of events that kr_dispatch() delivers to the
 * hooks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "bgpd/util/log.h"
#include "netlink/kr_impl.h"

/* ---- the queue -------------------------------------------------------- */

static bool
queue_empty(const struct kr_queue *l)
{
	return l->rhead == l->nreq;
}

/*
 * Everything queued has been sent: start again at the front, and give
 * back what a burst grew the queue to beyond its initial size.
 */
static void
queue_reset(struct kr_queue *l)
{
	l->head = l->len = l->rhead = l->nreq = 0;
	if (l->cap > KR_QUEUE_BYTES) {
		free(l->buf);
		l->buf = NULL;
		l->cap = 0;
	}
	if (l->rcap > KR_QUEUE_REQS) {
		free(l->req);
		l->req = NULL;
		l->rcap = 0;
	}
}

/* Room for len more bytes and one more record; sent ones are dropped. */
static void
queue_reserve(struct kr_queue *l, size_t len)
{
	if (queue_empty(l))
		queue_reset(l);
	if (l->len + len > l->cap && l->head > 0) {
		memmove(l->buf, l->buf + l->head, l->len - l->head);
		l->len -= l->head;
		l->head = 0;
	}
	while (l->len + len > l->cap) {
		l->cap = l->cap == 0 ? KR_QUEUE_BYTES : l->cap * 2;
		if ((l->buf = realloc(l->buf, l->cap)) == NULL)
			fatal("realloc");
	}
	if (l->nreq == l->rcap && l->rhead > 0) {
		memmove(l->req, l->req + l->rhead,
		    (l->nreq - l->rhead) * sizeof(*l->req));
		l->nreq -= l->rhead;
		l->rhead = 0;
	}
	if (l->nreq == l->rcap) {
		l->rcap = l->rcap == 0 ? KR_QUEUE_REQS : l->rcap * 2;
		if ((l->req = reallocarray(l->req, l->rcap,
		    sizeof(*l->req))) == NULL)
			fatal("reallocarray");
	}
}

int
kr_enqueue(struct kr *kr, struct nl_msg *msg, const struct kr_req *req)
{
	struct nlmsghdr	*h = nlmsg_hdr(msg);
	struct kr_queue	*l = &kr->queue;
	size_t		 len = NLMSG_ALIGN(h->nlmsg_len);

	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	queue_reserve(l, len);
	memcpy(l->buf + l->len, h, h->nlmsg_len);
	memset(l->buf + l->len + h->nlmsg_len, 0, len - h->nlmsg_len);
	l->len += len;
	l->req[l->nreq++] = *req;
	nlmsg_free(msg);
	return 0;
}

void
kr_queue_free(struct kr *kr)
{
	free(kr->queue.buf);
	free(kr->queue.req);
	memset(&kr->queue, 0, sizeof(kr->queue));
	free(kr->fly);
	kr->fly = NULL;
	kr->fly_n = kr->fly_head = 0;
	while (kr->ev_n > 0) {
		free(kr->ev[kr->ev_head++].detail);
		kr->ev_n--;
	}
	free(kr->ev);
	kr->ev = NULL;
}

/* ---- sending ---------------------------------------------------------- */

static void
fly_push(struct kr *kr, const struct kr_req *req)
{
	kr->fly[(kr->fly_head + kr->fly_n++) % KR_WINDOW_MAX] = *req;
}

static struct kr_req
fly_pop(struct kr *kr)
{
	struct kr_req	req = kr->fly[kr->fly_head];

	kr->fly_head = (kr->fly_head + 1) % KR_WINDOW_MAX;
	kr->fly_n--;
	return req;
}

/* Take n messages (bytes long) off the front of the queue. */
static void
queue_consume(struct kr *kr, struct kr_queue *l, size_t n, size_t bytes,
    int err)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (err == 0)
			fly_push(kr, &l->req[l->rhead + i]);
		else
			kr_fail(kr, &l->req[l->rhead + i], err);
	}
	l->rhead += n;
	l->head += bytes;
	if (queue_empty(l))
		queue_reset(l);
}

/*
 * Send up to room messages from the front of the queue in one send().
 * Returns how many went (0: try again later).
 */
static size_t
queue_batch(struct kr *kr, struct kr_queue *l, size_t room)
{
	struct sockaddr_nl	 sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr		*h;
	size_t			 off = l->head, n = 0, len;
	uint32_t		 seq = kr->seq;
	int			 err;

	while (n < room && l->rhead + n < l->nreq) {
		h = (struct nlmsghdr *)(void *)(l->buf + off);
		len = NLMSG_ALIGN(h->nlmsg_len);
		if (n > 0 && off + len - l->head > KR_BATCH_BYTES)
			break;
		h->nlmsg_seq = ++seq;
		l->req[l->rhead + n].seq = seq;
		off += len;
		n++;
	}
	if (sendto(nl_socket_get_fd(kr->req_sk), l->buf + l->head,
	    off - l->head, 0, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		err = errno;
		if (err == EAGAIN || err == EINTR || err == ENOBUFS ||
		    err == ENOMEM) {
			/* short of memory: try again soon */
			if (!ev_is_active(&kr->retry))
				ev_timer_start(kr->loop, &kr->retry);
			return 0;
		}
		log_warnx("netlink: sending %zu requests: %s", n,
		    strerror(err));
		queue_consume(kr, l, n, off - l->head, err);
		return n;
	}
	kr->seq = seq;
	queue_consume(kr, l, n, off - l->head, 0);
	return n;
}

/*
 * Send queued requests: all of them, or one window's worth.  Answers
 * are read between batches (the kernel has handled a batch when send()
 * returns), so at most a window is unanswered.
 */
void
kr_send(struct kr *kr, bool all)
{
	struct kr_queue	*l = &kr->queue;
	size_t		 budget = all ? SIZE_MAX : kr->window, room, n;

	if (!kr->started)
		return;
	while (budget > 0) {
		kr_drain(kr);
		if (all)
			kr_dispatch(kr);
		if (queue_empty(l))
			break;
		if ((room = kr->window - kr->fly_n) == 0)
			break;
		if ((n = queue_batch(kr, l, room < budget ? room : budget)) == 0)
			break;
		budget -= n;
	}
}

void
kr_flush(struct kr *kr)
{
	if (!kr->started || kr->flushing)
		return;
	kr->flushing = true;
	kr_send(kr, true);
	kr->flushing = false;
	kr_dispatch(kr);
}

size_t
kr_pending(const struct kr *kr)
{
	return kr->queue.nreq - kr->queue.rhead + kr->fly_n;
}

/* ---- answers ---------------------------------------------------------- */

/* The text of an extended ack, or NULL. */
static char *
ack_detail(struct nlmsghdr *nlh, size_t avail)
{
	struct nlmsgerr	*e = nlmsg_data(nlh);
	struct nlattr	*tb[NLMSGERR_ATTR_MAX + 1];
	size_t		 off = sizeof(*e), end;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	end = nlh->nlmsg_len < avail ? nlh->nlmsg_len : avail;
	if (NLMSG_HDRLEN + off >= end)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
	    (struct nlattr *)(void *)((uint8_t *)e + off),
	    (int)(end - NLMSG_HDRLEN - off), NULL) < 0 ||
	    tb[NLMSGERR_ATTR_MSG] == NULL || nla_len(tb[NLMSGERR_ATTR_MSG]) < 1)
		return NULL;
	return strndup(nla_data(tb[NLMSGERR_ATTR_MSG]),
	    (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
}

/* The kernel answered req with err (0: done). */
static void
answer(struct kr *kr, const struct kr_req *req, int err, char *detail)
{
	struct kr_event	 ev = { .type = KR_EV_ERROR };
	struct kr_nh	*nh;

	if (err == 0 && (req->op == KR_OP_NH_SET ||
	    req->op == KR_OP_GROUP_SET)) {
		nh = kr_nh_find(kr, req->id, true);
		nh->exists = true;
		nh->group = req->op == KR_OP_GROUP_SET;
		nh->oif = nh->group ? 0 : (int)req->x;
	}
	if (req->op == KR_OP_NH_DEL && (err == 0 || err == ENOENT))
		kr_nh_gone(kr, req->id);
	if (err == 0) {
		free(detail);
		return;
	}
	ev.req = *req;
	ev.err = err;
	ev.detail = detail;
	kr_event_push(kr, &ev);
}

static void
ack(struct kr *kr, struct nlmsghdr *nlh, size_t avail)
{
	struct nlmsgerr	*e = nlmsg_data(nlh);
	struct kr_req	 req;
	uint32_t	 seq = nlh->nlmsg_seq;

	while (kr->fly_n > 0 &&
	    (int32_t)(seq - kr->fly[kr->fly_head].seq) > 0) {
		(void)fly_pop(kr);
		kr->ack_lost = true;
	}
	if (kr->fly_n == 0 || kr->fly[kr->fly_head].seq != seq)
		return;
	req = fly_pop(kr);
	answer(kr, &req, -e->error, e->error != 0 ?
	    ack_detail(nlh, avail) : NULL);
}

static void
ack_datagram(struct kr *kr, uint8_t *buf, size_t len)
{
	struct nlmsghdr	*nlh = (struct nlmsghdr *)(void *)buf;
	int		 rem = (int)len;

	/* a truncated answer still has its header and error code */
	if (len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr) &&
	    nlh->nlmsg_len > len && nlh->nlmsg_type == NLMSG_ERROR) {
		ack(kr, nlh, len);
		return;
	}
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem))
		if (nlh->nlmsg_type == NLMSG_ERROR &&
		    nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr))
			ack(kr, nlh, nlh->nlmsg_len);
}

/* Answers were lost (ENOBUFS): what was in flight is unknown now. */
static void
acks_lost(struct kr *kr)
{
	struct kr_event	ev = { .type = KR_EV_ERROR, .err = ENOBUFS };

	kr->ack_lost = false;
	log_warnx("netlink: answers to %zu requests lost", kr->fly_n);
	while (kr->fly_n > 0)
		(void)fly_pop(kr);
	ev.req.op = KR_OP_ACK_LOST;
	kr_event_push(kr, &ev);
}

/* Read every answer waiting on the request socket. */
void
kr_ack_drain(struct kr *kr)
{
	struct mmsghdr	mm[KR_ACK_SLOTS];
	struct iovec	iov[KR_ACK_SLOTS];
	int		i, n, fd = nl_socket_get_fd(kr->req_sk);

	for (;;) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < KR_ACK_SLOTS; i++) {
			iov[i].iov_base = kr->ack_buf + i * KR_ACK_SLOT;
			iov[i].iov_len = KR_ACK_SLOT;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		if ((n = recvmmsg(fd, mm, KR_ACK_SLOTS, MSG_DONTWAIT,
		    NULL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				kr->ack_lost = true;
				continue;
			}
			if (errno != EAGAIN)
				log_warn("netlink: reading answers");
			break;
		}
		for (i = 0; i < n; i++)
			ack_datagram(kr, iov[i].iov_base, mm[i].msg_len <
			    KR_ACK_SLOT ? mm[i].msg_len : KR_ACK_SLOT);
	}
	if (kr->ack_lost)
		acks_lost(kr);
}

/* Notifications first: the kernel queues them before the answer. */
void
kr_drain(struct kr *kr)
{
	kr_ntf_drain(kr);
	kr_ack_drain(kr);
}

/* ---- events ----------------------------------------------------------- */

void
kr_event_push(struct kr *kr, const struct kr_event *ev)
{
	if (kr->ev_n == 0)
		kr->ev_head = 0;
	if (kr->ev_head + kr->ev_n == kr->ev_cap) {
		if (kr->ev_head > 0) {
			memmove(kr->ev, kr->ev + kr->ev_head,
			    kr->ev_n * sizeof(*kr->ev));
			kr->ev_head = 0;
		} else {
			kr->ev_cap = kr->ev_cap == 0 ? KR_EV_KEEP :
			    kr->ev_cap * 2;
			if ((kr->ev = reallocarray(kr->ev, kr->ev_cap,
			    sizeof(*kr->ev))) == NULL)
				fatal("reallocarray");
		}
	}
	kr->ev[kr->ev_head + kr->ev_n++] = *ev;
}

/* A request failed before the kernel saw it. */
void
kr_fail(struct kr *kr, const struct kr_req *req, int err)
{
	struct kr_event	ev = { .type = KR_EV_ERROR, .err = err };

	ev.req = *req;
	kr_event_push(kr, &ev);
}

static void
deliver(struct kr *kr, const struct kr_event *ev)
{
	const struct kr_hooks	*h = &kr->hooks;
	struct kr_prefix	 p;
	char			 what[256];
	size_t			 n;

	switch (ev->type) {
	case KR_EV_LINK:
		if (h->link != NULL)
			h->link(kr->watch[ev->idx].name, ev->up, h->arg);
		break;
	case KR_EV_ADDR:
		if (ev->req.af == AF_INET6 && h->addr6 != NULL)
			h->addr6(kr->watch[ev->idx].name, &ev->req.addr.v6,
			    ev->req.plen, ev->up, h->arg);
		else if (ev->req.af == AF_INET && h->addr != NULL)
			h->addr(kr->watch[ev->idx].name, ev->req.addr.v4,
			    ev->req.plen, ev->up, h->arg);
		break;
	case KR_EV_ROUTE_LOST:
		memset(&p, 0, sizeof(p));
		p.family = ev->req.af;
		if (p.family == AF_INET6)
			p.addr6 = ev->req.addr.v6;
		else
			p.addr = ev->req.addr.v4;
		p.len = ev->req.plen;
		if (h->route_lost != NULL)
			h->route_lost(&p, ev->req.x, h->arg);
		break;
	case KR_EV_NH_LOST:
		if (h->nexthop_lost != NULL)
			h->nexthop_lost(ev->req.id, h->arg);
		break;
	case KR_EV_ERROR:
		kr_req_what(kr, &ev->req, what, sizeof(what));
		n = strlen(what);
		if (ev->detail != NULL)
			snprintf(what + n, sizeof(what) - n, " (%s)",
			    ev->detail);
		if (h->error != NULL)
			h->error(what, ev->err, h->arg);
		break;
	}
}

/*
 * Deliver the events in order.  A hook may make requests, watch links
 * and flush; events it causes are delivered after it returns.  A FIFO
 * that a burst grew is given back once delivered.
 */
void
kr_dispatch(struct kr *kr)
{
	struct kr_event	ev;

	if (kr->dispatching)
		return;
	kr->dispatching = true;
	while (kr->ev_n > 0) {
		ev = kr->ev[kr->ev_head++];
		kr->ev_n--;
		deliver(kr, &ev);
		free(ev.detail);
	}
	if (kr->ev_cap > KR_EV_KEEP) {
		free(kr->ev);
		kr->ev = NULL;
		kr->ev_cap = kr->ev_head = 0;
	}
	kr->dispatching = false;
}

/* ---- naming requests -------------------------------------------------- */

static const char *
ifname_of(uint32_t ifindex, char *buf)
{
	if (if_indextoname(ifindex, buf) == NULL)
		snprintf(buf, IF_NAMESIZE, "#%u", ifindex);
	return buf;
}

/* The address of req as text ("?" if its family is not one we know). */
static const char *
addr_of(const struct kr_req *req, char buf[INET6_ADDRSTRLEN])
{
	if (inet_ntop(req->af, &req->addr, buf, INET6_ADDRSTRLEN) == NULL)
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

static void
route_what(const struct kr_req *req, char *buf, size_t size)
{
	char	dst[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];

	(void)addr_of(req, dst);
	if (req->op == KR_OP_ROUTE_SET)
		snprintf(buf, size, "route %s/%u metric %u: replace "
		    "on nexthop %#x", dst, req->plen, req->x, req->id);
	else if (req->op == KR_OP_ROUTE_VIA)
		snprintf(buf, size, "route %s/%u metric %u: replace via "
		    "dev %s", dst, req->plen, req->x, ifname_of(req->id, ifn));
	else
		snprintf(buf, size, "route %s/%u metric %u: delete", dst,
		    req->plen, req->x);
}

/* What req was, for hooks.error: "route 10.10.0.0/16 metric 20: delete". */
void
kr_req_what(const struct kr *kr, const struct kr_req *req, char *buf,
    size_t size)
{
	char	gw[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];

	switch (req->op) {
	case KR_OP_NH_SET:
		snprintf(buf, size, "nexthop %#x via %s dev %s: replace",
		    req->id, addr_of(req, gw), ifname_of(req->x, ifn));
		break;
	case KR_OP_GROUP_SET:
		snprintf(buf, size, "nexthop group %#x (%u members): replace",
		    req->id, req->x);
		break;
	case KR_OP_NH_DEL:
		snprintf(buf, size, "nexthop %#x: delete", req->id);
		break;
	case KR_OP_ROUTE_SET:
	case KR_OP_ROUTE_VIA:
	case KR_OP_ROUTE_DEL:
		route_what(req, buf, size);
		break;
	case KR_OP_NTF_LOST:
		snprintf(buf, size, "notifications lost");
		break;
	case KR_OP_ACK_LOST:
		snprintf(buf, size, "answers lost");
		break;
	default:
		snprintf(buf, size, "request");
		break;
	}
}
