/* SPDX-License-Identifier: ISC */
/*
 * ctl_hostile.c: a local user doing its worst on vtibgpd's control socket
 * (issue 16), for tests/lab/test-hostile.sh and the benchmark
 * (tests/bench/bench.sh -t hostile).  Keeps n connections, each in one
 * role, and opens them again whenever the daemon closes them:
 *
 *   idle   a header that claims 1 MiB, 100 octets of it, then nothing
 *   flood  requests back to back (summary, a page of 5000 routes,
 *          metrics, neighbors); every other one never reads its answers
 *   watch  32 Watch requests (as many as a client may open), never read
 *
 *   ctl_hostile -s SOCKET [-n 16] [-m idle|flood|watch|mix] [-t SECONDS]
 *
 * Runs until SIGTERM/SIGINT or -t; then prints one line of counts:
 * connected, refused (an Error frame: too many clients), closed by the
 * daemon, requests sent, octets read.  Run it as the user to impersonate
 * (setpriv --reuid=N --regid=N --clear-groups).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/control/ctl.h"
#include "bgpd/util/clock.h"

#define MAX_CONNS	1024
#define RETRY_MS	500

enum role { IDLE, FLOOD, WATCH };

struct conn {
	int		fd;
	enum role	role;
	bool		reads;		/* a flooder that reads its answers */
	bool		setup;		/* its opening requests are sent */
	bool		first;		/* nothing read yet */
	uint64_t	retry_at;
	uint32_t	seq;
};

static volatile sig_atomic_t	stop;
static const char		*sock_path;
static struct {
	unsigned long	connected, refused, closed, requests, octets;
} n;

static void
on_signal(int sig)
{
	stop = 1;
}

/* One request of method with payload p (n octets) into buf. */
static size_t
frame(uint8_t *buf, const char *method, uint32_t id, const uint8_t *p,
    size_t len)
{
	ctl_hdr_encode(buf, (uint32_t)ctl_method_index(method), id,
	    (uint32_t)len);
	if (len > 0)
		memcpy(buf + CTL_HDR_LEN, p, len);
	return CTL_HDR_LEN + len;
}

/* What a flooder sends next: one of four requests. */
static size_t
flood_frame(uint8_t *buf, uint32_t id)
{
	/* RoutesRequest { limit: 5000 }, NeighborRequest {} */
	static const uint8_t	routes[] = { 0x18, 0x88, 0x27 };

	switch (id % 4) {
	case 0:
		return frame(buf, "ShowSummary", id, NULL, 0);
	case 1:
		return frame(buf, "ShowRoutes", id, routes, sizeof(routes));
	case 2:
		return frame(buf, "Metrics", id, NULL, 0);
	default:
		return frame(buf, "ShowNeighbor", id, NULL, 0);
	}
}

static void
conn_open(struct conn *c)
{
	struct sockaddr_un	sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->setup = false;
	c->first = true;
	if (c->fd == -1 || connect(c->fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1) {
		if (c->fd != -1)
			close(c->fd);
		c->fd = -1;
		c->retry_at = clock_mono_ms() + RETRY_MS;
		return;
	}
	n.connected++;
}

static void
conn_lost(struct conn *c, bool refused)
{
	close(c->fd);
	c->fd = -1;
	c->retry_at = clock_mono_ms() + RETRY_MS;
	if (refused)
		n.refused++;
	else
		n.closed++;
}

/* The requests that make the connection what it is. */
static void
conn_setup(struct conn *c)
{
	uint8_t		buf[CTL_HDR_LEN + 128];
	size_t		len = 0;
	uint32_t	i;

	if (c->role == IDLE) {
		ctl_hdr_encode(buf, (uint32_t)ctl_method_index("ShowSummary"),
		    1, CTL_MAX_PAYLOAD);
		memset(buf + CTL_HDR_LEN, 0x0a, 100);
		len = CTL_HDR_LEN + 100;
		(void)send(c->fd, buf, len, MSG_NOSIGNAL);
	} else if (c->role == WATCH) {	/* as many as a client may */
		for (i = 0; i < CTL_MAX_REQUESTS; i++) {
			len = frame(buf, "Watch", i, NULL, 0);
			(void)send(c->fd, buf, len, MSG_NOSIGNAL);
			n.requests++;
		}
	}
	c->setup = true;
}

/* Readable: answers, a refusal, or the end. */
static void
conn_read(struct conn *c)
{
	uint8_t		buf[65536];
	uint32_t	word, id, len;
	ssize_t		r;

	r = recv(c->fd, buf, sizeof(buf), 0);
	if (r > 0) {
		n.octets += (unsigned long)r;
		ctl_hdr_decode(buf, &word, &id, &len);
		if (c->first && r >= CTL_HDR_LEN && word == CTL_F_ERROR &&
		    id == 0) {
			conn_lost(c, true);	/* over a limit */
			return;
		}
		c->first = false;
		return;
	}
	if (r == 0 || (errno != EAGAIN && errno != EINTR))
		conn_lost(c, false);
}

static void
conn_write(struct conn *c)
{
	uint8_t	buf[CTL_HDR_LEN + 16];
	size_t	len;

	ssize_t	r;

	len = flood_frame(buf, c->seq);
	r = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (r == (ssize_t)len) {
		c->seq++;
		n.requests++;
	} else if (r == -1 && errno != EAGAIN && errno != EINTR)
		conn_lost(c, false);
}

/* What to wait for: watchers and half the flooders never read. */
static short
conn_events(const struct conn *c)
{
	if (!c->setup)
		return POLLOUT;
	if (c->role == FLOOD)
		return POLLOUT | (c->reads ? POLLIN : 0);
	return c->role == IDLE ? POLLIN : 0;
}

static void
run(struct conn *cs, int nc, uint64_t until)
{
	struct pollfd	pfd[MAX_CONNS];
	int		i;

	while (!stop && (until == 0 || clock_mono_ms() < until)) {
		for (i = 0; i < nc; i++) {
			if (cs[i].fd == -1 && clock_mono_ms() >= cs[i].retry_at)
				conn_open(&cs[i]);
			pfd[i].fd = cs[i].fd;
			pfd[i].events = cs[i].fd == -1 ? 0 :
			    conn_events(&cs[i]);
		}
		if (poll(pfd, (nfds_t)nc, 100) == -1 && errno != EINTR)
			break;
		for (i = 0; i < nc; i++) {
			if (cs[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				conn_read(&cs[i]);
				if (cs[i].fd == -1)
					continue;
			}
			if (!(pfd[i].revents & POLLOUT))
				continue;
			if (!cs[i].setup)
				conn_setup(&cs[i]);
			else
				conn_write(&cs[i]);
		}
	}
}

int
main(int argc, char *argv[])
{
	static struct conn	cs[MAX_CONNS];
	const char		*mode = "mix";
	int			 nc = 16, opt, i, secs = 0;

	while ((opt = getopt(argc, argv, "s:n:m:t:")) != -1) {
		switch (opt) {
		case 's': sock_path = optarg; break;
		case 'n': nc = atoi(optarg); break;
		case 'm': mode = optarg; break;
		case 't': secs = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (sock_path == NULL || nc < 1 || nc > MAX_CONNS)
		goto usage;
	for (i = 0; i < nc; i++) {
		cs[i].fd = -1;
		cs[i].role = strcmp(mode, "idle") == 0 ? IDLE :
		    strcmp(mode, "flood") == 0 ? FLOOD :
		    strcmp(mode, "watch") == 0 ? WATCH : (enum role)(i % 3);
		cs[i].reads = (i / 3) % 2 == 0;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	run(cs, nc, secs > 0 ? clock_mono_ms() + (uint64_t)secs * 1000 : 0);
	printf("connected %lu refused %lu closed %lu requests %lu octets %lu\n",
	    n.connected, n.refused, n.closed, n.requests, n.octets);
	return 0;
usage:
	fprintf(stderr, "usage: ctl_hostile -s SOCKET [-n N] "
	    "[-m idle|flood|watch|mix] [-t SECONDS]\n");
	return 2;
}
