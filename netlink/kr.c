/* SPDX-License-Identifier: ISC */
/*
 * kr.c: the life of a struct kr: its sockets, the start-up checks (do
 * nexthop objects exist, nexthop_compat_mode, the routes of other
 * protocols in our table), and the libev watchers that read answers and
 * notifications and send queued requests before the loop waits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <netlink/msg.h>
#include <netlink/socket.h>

#include "bgpd/util/log.h"
#include "netlink/kr_impl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define COMPAT_MODE	"/proc/sys/net/ipv4/nexthop_compat_mode"

struct kr *
kr_new(struct ev_loop *loop, const struct kr_conf *conf,
    const struct kr_hooks *hooks)
{
	struct kr	*kr;

	if ((kr = calloc(1, sizeof(*kr))) == NULL)
		fatal("calloc");
	kr->loop = loop;
	kr->conf = *conf;
	kr->hooks = *hooks;
	kr->nexthops = !conf->no_nexthops;	/* until kr_start knows */
	return kr;
}

void
kr_free(struct kr *kr)
{
	if (kr == NULL)
		return;
	if (kr->started) {
		ev_io_stop(kr->loop, &kr->req_io);
		ev_io_stop(kr->loop, &kr->ntf_io);
		ev_prepare_stop(kr->loop, &kr->prep);
		ev_timer_stop(kr->loop, &kr->retry);
	}
	if (kr->req_sk != NULL)
		nl_socket_free(kr->req_sk);
	if (kr->ntf_sk != NULL)
		nl_socket_free(kr->ntf_sk);
	if (kr->dump_sk != NULL)
		nl_socket_free(kr->dump_sk);
	kr_queue_free(kr);
	kr_rset_clear(&kr->foreign);
	free(kr->ack_buf);
	free(kr->ntf_buf);
	free(kr->dump_buf);
	free(kr->watch);
	free(kr->nh);
	free(kr);
}

bool
kr_has_nexthops(const struct kr *kr)
{
	return kr->started && kr->nexthops;
}

/* ---- sockets ---------------------------------------------------------- */

/* SO_*BUFFORCE (root) past the sysctl limits, else what we may have. */
static void
sock_buf(int fd, int force, int plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size)) == -1)
		log_warn("netlink: socket buffer of %d bytes", size);
}

static void
sock_opt(int fd, int opt, const char *name)
{
	int	one = 1;

	if (setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one)) == -1)
		log_debug("netlink: %s: %s", name, strerror(errno));
}

/* A NETLINK_ROUTE socket with large buffers, capped and extended acks. */
struct nl_sock *
kr_sock_new(bool nonblock, bool strict)
{
	struct nl_sock	*sk;
	int		 fd;

	if ((sk = nl_socket_alloc()) == NULL)
		return NULL;
	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	fd = nl_socket_get_fd(sk);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, KR_RCVBUF);
	sock_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, KR_SNDBUF);
	sock_opt(fd, NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
	sock_opt(fd, NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
	if (strict)
		sock_opt(fd, NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK");
	if (nonblock && nl_socket_set_nonblocking(sk) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int
sock_rcvbuf(struct nl_sock *sk)
{
	int		size = 0;
	socklen_t	len = sizeof(size);

	if (getsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF, &size,
	    &len) == -1)
		return 0;
	return size;
}

/*
 * Requests in flight: each answer, and each notification of our own
 * change, takes about 1 KiB of the receiving socket's buffer.
 */
static size_t
window_size(struct kr *kr)
{
	int	rcv = sock_rcvbuf(kr->req_sk), ntf = sock_rcvbuf(kr->ntf_sk);
	size_t	w = (size_t)(rcv < ntf ? rcv : ntf) / 2048;

	if (w < KR_WINDOW_MIN)
		w = KR_WINDOW_MIN;
	return w > KR_WINDOW_MAX ? KR_WINDOW_MAX : w;
}

static int
sockets_open(struct kr *kr)
{
	if ((kr->req_sk = kr_sock_new(true, false)) == NULL ||
	    (kr->ntf_sk = kr_sock_new(true, false)) == NULL ||
	    (kr->dump_sk = kr_sock_new(false, true)) == NULL) {
		log_warnx("netlink: cannot open a NETLINK_ROUTE socket");
		return -1;
	}
	if (nl_socket_add_memberships(kr->ntf_sk, RTNLGRP_LINK,
	    RTNLGRP_IPV4_ROUTE, 0) < 0) {
		log_warnx("netlink: cannot join the link and route groups");
		return -1;
	}
	if (nl_socket_add_memberships(kr->ntf_sk, RTNLGRP_IPV4_IFADDR, 0) < 0)
		log_warnx("netlink: address changes will not be seen");
	if (kr->conf.inet6 && nl_socket_add_memberships(kr->ntf_sk,
	    RTNLGRP_IPV6_ROUTE, 0) < 0) {
		log_warnx("netlink: cannot join the IPv6 route group");
		return -1;
	}
	if (kr->conf.inet6 && nl_socket_add_memberships(kr->ntf_sk,
	    RTNLGRP_IPV6_IFADDR, 0) < 0)
		log_warnx("netlink: IPv6 address changes will not be seen");
	if (nl_socket_add_memberships(kr->ntf_sk, RTNLGRP_NEXTHOP, 0) < 0)
		log_debug("netlink: no nexthop notifications");
	kr->req_port = nl_socket_get_local_port(kr->req_sk);
	kr->window = window_size(kr);
	if ((kr->ack_buf = malloc(KR_ACK_SLOTS * KR_ACK_SLOT)) == NULL ||
	    (kr->ntf_buf = malloc((size_t)KR_NTF_SLOTS * KR_NTF_SLOT)) ==
	    NULL || (kr->dump_buf = malloc(KR_DUMP_BUF)) == NULL ||
	    (kr->fly = calloc(KR_WINDOW_MAX, sizeof(*kr->fly))) == NULL)
		fatal("malloc");
	return 0;
}

static void
sockets_close(struct kr *kr)
{
	struct nl_sock	**sk[] = { &kr->req_sk, &kr->ntf_sk, &kr->dump_sk };
	size_t		  i;

	for (i = 0; i < 3; i++)
		if (*sk[i] != NULL) {
			nl_socket_free(*sk[i]);
			*sk[i] = NULL;
		}
}

/* ---- start ------------------------------------------------------------ */

static int
compat_read(void)
{
	FILE	*f;
	int	 v = -1;

	if ((f = fopen(COMPAT_MODE, "r")) == NULL)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * nexthop_compat_mode 1 makes the kernel send one RTM_NEWROUTE per route
 * when a nexthop changes: 745 ms instead of 3 ms for 1,000,000 routes.
 * The knob is net.ipv4's but rules IPv6 routes too (and with 1, an IPv6
 * route taken with its nexthop is told of by an RTM_DELROUTE).
 */
static void
compat_set(const struct kr *kr)
{
	FILE	*f;
	int	 old = compat_read();

	if (old == -1) {
		log_info("netlink: %s not readable; left alone", COMPAT_MODE);
		return;
	}
	if (kr->conf.compat_keep) {
		log_info("netlink: net.ipv4.nexthop_compat_mode left at %d "
		    "(nexthop-compat-mode keep)", old);
		return;
	}
	if (old == 0) {
		log_info("netlink: net.ipv4.nexthop_compat_mode is 0");
		return;
	}
	if ((f = fopen(COMPAT_MODE, "w")) == NULL || fputs("0\n", f) == EOF ||
	    fclose(f) == EOF) {
		log_warn("netlink: cannot set net.ipv4.nexthop_compat_mode "
		    "to 0 (it is %d)", old);
		return;
	}
	log_info("netlink: net.ipv4.nexthop_compat_mode was %d, set to 0",
	    old);
}

static void
req_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kr	*kr = w->data;

	kr_ack_drain(kr);
	kr_dispatch(kr);
}

static void
ntf_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kr	*kr = w->data;

	kr_ntf_drain(kr);
	kr_dispatch(kr);
}

/* Before the loop waits: send (a window of) what is queued. */
static void
prep_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct kr	*kr = w->data;

	if (kr_pending(kr) == kr->fly_n)
		return;
	kr_send(kr, false);
	kr_dispatch(kr);
}

/* The last send failed for want of memory: the loop must not sleep on. */
static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct kr	*kr = w->data;

	kr_send(kr, false);
	kr_dispatch(kr);
}

static void
watchers_start(struct kr *kr)
{
	ev_io_init(&kr->req_io, req_cb, nl_socket_get_fd(kr->req_sk),
	    EV_READ);
	ev_io_init(&kr->ntf_io, ntf_cb, nl_socket_get_fd(kr->ntf_sk),
	    EV_READ);
	ev_prepare_init(&kr->prep, prep_cb);
	ev_timer_init(&kr->retry, retry_cb, KR_RETRY_S, 0.);
	kr->req_io.data = kr->ntf_io.data = kr->prep.data = kr;
	kr->retry.data = kr;
	ev_io_start(kr->loop, &kr->req_io);
	ev_io_start(kr->loop, &kr->ntf_io);
	ev_prepare_start(kr->loop, &kr->prep);
}

int
kr_start(struct kr *kr)
{
	size_t	i, n;

	if (kr->started)
		return 0;
	if (sockets_open(kr) == -1) {
		sockets_close(kr);
		return -1;
	}
	if (kr->conf.no_nexthops)
		log_info("netlink: nexthop objects not used; plain routes");
	else
		kr->nexthops = kr_nh_probe(kr) == 1;
	if (kr->nexthops)
		compat_set(kr);
	if (kr_dump_foreign(kr) == -1)
		log_warn("netlink: reading table %u", kr->conf.table);
	kr->started = true;
	watchers_start(kr);
	/* links watched before the start: their state now */
	for (i = 0, n = kr->nwatch; i < n; i++)
		(void)kr_watch_link(kr, kr->watch[i].name);
	return 0;
}
