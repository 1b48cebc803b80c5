/* SPDX-License-Identifier: ISC */
/*
 * probe.c: ICMP and ICMPv6 echo liveness probes of a tunnel.
 *
 * One raw socket per tunnel, of the neighbor's family (ICMP for IPv4,
 * ICMPv6 for IPv6), bound to the tunnel interface (so only what arrives
 * through that tunnel is seen) and filtered in the kernel to echo
 * replies.  The identifier is random per prober; every request carries
 * its sequence number and a random cookie of the prober, and a reply
 * counts only if it comes from the neighbor's address, in through the
 * tunnel interface (IP_PKTINFO, IPV6_PKTINFO: a raw socket sees any
 * interface's packets until SO_BINDTODEVICE holds), with our identifier,
 * the sequence number of the probe still outstanding and our cookie.
 * Round-trip times come from our own record of the send time, never from
 * the reply's payload.  The kernel computes ICMPv6 checksums on a raw
 * ICMPv6 socket (RFC 3542 3.1); ICMP's we compute.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/probe.h"
#include "bgpd/session/msg_buf.h"
#include "bgpd/util/clock.h"
#include "bgpd/util/log.h"

#define ICMP_ECHOREPLY_T	0
#define ICMP_ECHO_T		8
#define ICMP6_ECHO_T		128		/* RFC 4443 4.1 */
#define ICMP6_ECHOREPLY_T	129		/* RFC 4443 4.2 */
#define PROBE_MAGIC		0x76746270U	/* "vtbp" */
#define PROBE_PAYLOAD_LEN	16		/* magic, cookie, seq echo */
#define PROBE_PKT_LEN		(8 + PROBE_PAYLOAD_LEN)
#define SOL_RAW_LEVEL		255		/* SOL_RAW */
#define ICMP_FILTER_OPT		1		/* ICMP_FILTER */
#define TOS_CS6			0xc0
#define HOPS6			255	/* the neighbor is one hop away and sees
					   255; a drill's target beyond the
					   tunnel is reachable too */

struct probe {
	struct ev_loop		*loop;
	char			 name[64];	/* "neighbor A", "drill N" */
	char			 ifname[IF_NAMESIZE];
	char			 rx_ifname[IF_NAMESIZE];	/* where the
						   last packet came in */
	int			 family;	/* AF_INET, AF_INET6 */
	struct in_addr		 dst;
	struct in_addr		 src;
	struct in6_addr		 dst6;
	struct in6_addr		 src6;
	char			 dst_str[INET6_ADDRSTRLEN];
	unsigned		 ifindex;	/* of ifname (as bound);
						   0: none, not known */
	probe_fn		 fn;
	void			*arg;
	int			 fd;
	ev_io			 rio;
	ev_timer		 tick;
	uint16_t		 id;
	uint16_t		 seq;		/* of the last probe sent */
	uint32_t		 cookie;
	bool			 outstanding;	/* last probe unanswered */
	uint64_t		 sent_us;	/* when it went */
	struct probe_stats	 st;
	struct log_ratelimit	 rl;
};

static uint16_t
cksum(const uint8_t *p, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

const char *
probe_state_name(enum probe_state s)
{
	switch (s) {
	case PROBE_UP:
		return "up";
	case PROBE_DOWN:
		return "down";
	default:
		return "unknown";
	}
}

static void
set_state(struct probe *p, enum probe_state s)
{
	enum probe_state	old = p->st.state;

	if (old == s)
		return;
	p->st.state = s;
	p->st.last_change_ms = clock_mono_ms();
	if (s == PROBE_DOWN) {
		p->st.downs++;
		log_warnx("%s: probe: %u echoes in a row unanswered on %s: "
		    "tunnel dead", p->name, p->st.lost_in_row,
		    p->ifname[0] != '\0' ? p->ifname : "any interface");
	} else
		log_info("%s: probe: %s answers on %s (rtt %u us)%s", p->name,
		    p->dst_str, p->rx_ifname[0] != '\0' ? p->rx_ifname :
		    p->ifname[0] != '\0' ? p->ifname : "an unknown interface",
		    p->st.rtt_last_us,
		    old == PROBE_DOWN ? ": tunnel alive again" : "");
	if (p->fn != NULL && (s == PROBE_DOWN || old == PROBE_DOWN))
		p->fn(p, s != PROBE_DOWN, p->arg);
}

size_t
probe_request(const struct probe *p, uint8_t *buf, size_t len)
{
	struct wbuf	wb;
	uint16_t	sum;

	wb_init(&wb, buf, len);
	wb_put_u8(&wb, p->family == AF_INET6 ? ICMP6_ECHO_T : ICMP_ECHO_T);
	wb_put_u8(&wb, 0);		/* code */
	wb_put_u16(&wb, 0);		/* checksum, below */
	wb_put_u16(&wb, p->id);
	wb_put_u16(&wb, p->seq);
	wb_put_u32(&wb, PROBE_MAGIC);
	wb_put_u32(&wb, p->cookie);
	wb_put_u32(&wb, p->seq);
	wb_put_u32(&wb, (uint32_t)p->st.sent);
	if (wb.overflow)
		return 0;
	if (p->family == AF_INET) {	/* ICMPv6's is the kernel's */
		sum = cksum(buf, wb.len);
		wb_set_u16(&wb, 2, sum);
	}
	return wb.len;
}

/* The last probe, if still unanswered, is lost. */
static void
account(struct probe *p)
{
	if (!p->outstanding)
		return;
	p->st.lost++;
	p->st.lost_in_row++;
	p->st.ok_in_row = 0;
	if (p->st.lost_in_row >= p->st.misses)
		set_state(p, PROBE_DOWN);
}

/* The next probe, about to go. */
static void
next(struct probe *p, uint64_t now_us)
{
	p->seq++;
	p->st.sent++;
	p->sent_us = now_us;
	p->outstanding = true;
}

void
probe_tick_at(struct probe *p, uint64_t now_us, bool sent)
{
	account(p);
	next(p, now_us);
	if (!sent)
		p->st.send_errors++;
}

/* Whether a packet that came in on ifindex (0: not known) came through
 * the tunnel interface. */
static bool
on_our_if(const struct probe *p, unsigned ifindex)
{
	return p->ifindex == 0 || ifindex == 0 || ifindex == p->ifindex;
}

static void
answered(struct probe *p, uint64_t now_us)
{
	uint64_t	rtt;

	p->outstanding = false;
	p->st.received++;
	p->st.lost_in_row = 0;
	p->st.ok_in_row++;
	rtt = now_us > p->sent_us ? now_us - p->sent_us : 0;
	if (rtt > UINT32_MAX)
		rtt = UINT32_MAX;
	p->st.rtt_last_us = (uint32_t)rtt;
	if (p->st.rtt_min_us == 0 || rtt < p->st.rtt_min_us)
		p->st.rtt_min_us = (uint32_t)rtt;
	if (rtt > p->st.rtt_max_us)
		p->st.rtt_max_us = (uint32_t)rtt;
	p->st.rtt_avg_us = p->st.rtt_avg_us == 0 ? (uint32_t)rtt :
	    (uint32_t)((p->st.rtt_avg_us * 7ULL + rtt) / 8);
	if (p->st.state == PROBE_UNKNOWN ||
	    (p->st.state == PROBE_DOWN && p->st.ok_in_row >= PROBE_RISE))
		set_state(p, PROBE_UP);
}

/*
 * An ICMP or ICMPv6 message (no IP header) from the neighbor's address:
 * counted if it is the echo reply of the probe outstanding.
 */
static void
echo_input(struct probe *p, struct rbuf *rb, uint8_t reply_type,
    uint64_t now_us)
{
	uint8_t		 type, code;
	uint16_t	 sum, id, seq;
	uint32_t	 magic, cookie, seq32;

	if (rb_get_u8(rb, &type) == -1 || rb_get_u8(rb, &code) == -1 ||
	    rb_get_u16(rb, &sum) == -1 || rb_get_u16(rb, &id) == -1 ||
	    rb_get_u16(rb, &seq) == -1 || rb_get_u32(rb, &magic) == -1 ||
	    rb_get_u32(rb, &cookie) == -1 || rb_get_u32(rb, &seq32) == -1 ||
	    rb_skip(rb, 4) == -1)	/* our send counter */
		return;
	if (type != reply_type || code != 0 || id != p->id ||
	    magic != PROBE_MAGIC || cookie != p->cookie)
		return;		/* not ours */
	if (!p->outstanding || seq != p->seq || seq32 != p->seq) {
		p->st.stale++;
		return;
	}
	answered(p, now_us);
}

static void
input4(struct probe *p, const uint8_t *pkt, size_t len, unsigned ifindex,
    uint64_t now_us)
{
	struct rbuf	 rb;
	struct in_addr	 from;
	uint8_t		 vhl;

	if (p->family != AF_INET || !on_our_if(p, ifindex))
		return;
	rb_init(&rb, pkt, len);
	if (rb_get_u8(&rb, &vhl) == -1 || (vhl >> 4) != 4 ||
	    (vhl & 0x0f) < 5 || rb_skip(&rb, 11) == -1 ||
	    rb_get_bytes(&rb, &from, sizeof(from)) == -1 ||
	    rb_skip(&rb, (size_t)(vhl & 0x0f) * 4 - 16) == -1)
		return;
	if (from.s_addr != p->dst.s_addr)
		return;		/* not ours */
	echo_input(p, &rb, ICMP_ECHOREPLY_T, now_us);
}

void
probe_input(struct probe *p, const uint8_t *pkt, size_t len, uint64_t now_us)
{
	input4(p, pkt, len, 0, now_us);
}

void
probe_input6(struct probe *p, const struct in6_addr *from, unsigned ifindex,
    const uint8_t *pkt, size_t len, uint64_t now_us)
{
	struct rbuf	rb;

	if (p->family != AF_INET6 || !on_our_if(p, ifindex) ||
	    memcmp(from, &p->dst6, sizeof(*from)) != 0)
		return;		/* not ours */
	rb_init(&rb, pkt, len);
	echo_input(p, &rb, ICMP6_ECHOREPLY_T, now_us);
}

/* ---- the socket --------------------------------------------------------- */

static void
close_sock(struct probe *p)
{
	if (p->fd == -1)
		return;
	ev_io_stop(p->loop, &p->rio);
	close(p->fd);
	p->fd = -1;
}

/* The interface a packet came in on (IP_PKTINFO, IPV6_PKTINFO), into
 * p->rx_ifname; returns its index, 0 if not known. */
static unsigned
note_rx_if(struct probe *p, struct msghdr *mh)
{
	struct cmsghdr		*cm;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;
	unsigned		 ifindex = 0;

	p->rx_ifname[0] = '\0';
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			ifindex = (unsigned)pi.ipi_ifindex;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			ifindex = pi6.ipi6_ifindex;
		}
	if (ifindex != 0 && if_indextoname(ifindex, p->rx_ifname) == NULL)
		p->rx_ifname[0] = '\0';
	return ifindex;
}

static void
on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct probe	*p = w->data;
	uint8_t		 buf[512];
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}		 cbuf;
	struct sockaddr_in6 from;
	struct iovec	 iov = { buf, sizeof(buf) };
	struct msghdr	 mh;
	ssize_t		 n;
	unsigned	 ifindex;
	int		 i;

	for (i = 0; i < 64; i++) {
		memset(&mh, 0, sizeof(mh));
		memset(&from, 0, sizeof(from));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		if ((n = recvmsg(p->fd, &mh, 0)) == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    log_ratelimit(&p->rl, clock_mono_ms(), NULL))
				log_warnx("%s: probe: recv: %s", p->name,
				    strerror(errno));
			return;
		}
		ifindex = note_rx_if(p, &mh);
		if (p->family == AF_INET)
			input4(p, buf, (size_t)n, ifindex, clock_mono_us());
		else if (from.sin6_family == AF_INET6)
			probe_input6(p, &from.sin6_addr, ifindex, buf,
			    (size_t)n, clock_mono_us());
	}
}

static int
fail(struct probe *p, int fd, const char *what)
{
	snprintf(p->st.last_error, sizeof(p->st.last_error), "%s: %s", what,
	    strerror(errno));
	if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
		log_warnx("%s: probe on %s: %s", p->name, p->ifname,
		    p->st.last_error);
	if (fd != -1)
		close(fd);
	return -1;
}

/* A raw ICMP socket: echo replies only, traffic class CS6, source. */
static int
open_sock4(struct probe *p, int fd)
{
	struct sockaddr_in	sin;
	uint32_t		filter = ~(1U << ICMP_ECHOREPLY_T);
	int			tos = TOS_CS6, on = 1;

	if (setsockopt(fd, SOL_RAW_LEVEL, ICMP_FILTER_OPT, &filter,
	    sizeof(filter)) == -1)
		return fail(p, fd, "ICMP_FILTER");
	(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	if (p->src.s_addr != INADDR_ANY) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr = p->src;
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			return fail(p, fd, "bind");
	}
	return 0;
}

/* The same for ICMPv6 (RFC 3542): the kernel computes the checksum. */
static int
open_sock6(struct probe *p, int fd)
{
	struct sockaddr_in6	sin6;
	struct icmp6_filter	filter;
	int			tclass = TOS_CS6, hops = HOPS6, on = 1;

	ICMP6_FILTER_SETBLOCKALL(&filter);
	ICMP6_FILTER_SETPASS(ICMP6_ECHOREPLY_T, &filter);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter,
	    sizeof(filter)) == -1)
		return fail(p, fd, "ICMP6_FILTER");
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1)
		return fail(p, fd, "IPV6_RECVPKTINFO");
	(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tclass,
	    sizeof(tclass));
	(void)setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
	    sizeof(hops));
	if (!IN6_IS_ADDR_UNSPECIFIED(&p->src6)) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = p->src6;
		if (IN6_IS_ADDR_LINKLOCAL(&p->src6))
			sin6.sin6_scope_id = p->ifindex;
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1)
			return fail(p, fd, "bind");
	}
	return 0;
}

static int
open_sock(struct probe *p)
{
	int	fd;

	fd = socket(p->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    p->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd == -1)
		return fail(p, -1, "socket");
	p->ifindex = 0;
	if (p->ifname[0] != '\0') {
		if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->ifname,
		    (socklen_t)strlen(p->ifname)) == -1)
			return fail(p, fd, "SO_BINDTODEVICE");
		/* the interface bound: made again, it has a new index */
		if ((p->ifindex = if_nametoindex(p->ifname)) == 0)
			return fail(p, fd, "if_nametoindex");
	}
	if ((p->family == AF_INET6 ? open_sock6(p, fd) : open_sock4(p, fd))
	    == -1)
		return -1;
	p->fd = fd;
	ev_io_init(&p->rio, on_readable, fd, EV_READ);
	p->rio.data = p;
	ev_io_start(p->loop, &p->rio);
	p->st.last_error[0] = '\0';
	return 0;
}

static bool
send_probe(struct probe *p)
{
	union {
		struct sockaddr		sa;
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	}			to;
	socklen_t		tolen;
	uint8_t			buf[PROBE_PKT_LEN];
	size_t			len;

	if (p->fd == -1 && open_sock(p) == -1)
		return false;
	len = probe_request(p, buf, sizeof(buf));
	memset(&to, 0, sizeof(to));
	if (p->family == AF_INET6) {
		to.sin6.sin6_family = AF_INET6;
		to.sin6.sin6_addr = p->dst6;
		if (IN6_IS_ADDR_LINKLOCAL(&p->dst6))
			to.sin6.sin6_scope_id = p->ifindex;
		tolen = sizeof(to.sin6);
	} else {
		to.sin.sin_family = AF_INET;
		to.sin.sin_addr = p->dst;
		tolen = sizeof(to.sin);
	}
	if (sendto(p->fd, buf, len, 0, &to.sa, tolen) == -1) {
		(void)fail(p, -1, "sendto");
		/* the interface may have been deleted and made again */
		close_sock(p);
		return false;
	}
	return true;
}

static void
on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe	*p = w->data;

	account(p);
	next(p, clock_mono_us());
	if (!send_probe(p))
		p->st.send_errors++;
}

/* ---- life ---------------------------------------------------------------- */

static struct probe *
alloc(struct ev_loop *loop, const char *name, const char *ifname,
    uint32_t interval_ms, uint32_t misses, probe_fn fn, void *arg)
{
	struct probe	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("calloc");
	p->loop = loop;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	if (p->ifname[0] != '\0')
		p->ifindex = if_nametoindex(p->ifname);
	p->fn = fn;
	p->arg = arg;
	p->fd = -1;
	if (getrandom(&p->id, sizeof(p->id), 0) != sizeof(p->id) ||
	    getrandom(&p->cookie, sizeof(p->cookie), 0) != sizeof(p->cookie))
		fatal("getrandom");
	p->st.interval_ms = interval_ms;
	p->st.misses = misses == 0 ? 1 : misses;
	p->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10000, 1);
	ev_timer_init(&p->tick, on_tick, 0., interval_ms / 1000.);
	p->tick.data = p;
	return p;
}

struct probe *
probe_new(struct ev_loop *loop, const char *name, const char *ifname,
    struct in_addr dst, struct in_addr src, uint32_t interval_ms,
    uint32_t misses, probe_fn fn, void *arg)
{
	struct probe	*p;

	p = alloc(loop, name, ifname, interval_ms, misses, fn, arg);
	p->family = AF_INET;
	p->dst = dst;
	p->src = src;
	inet_ntop(AF_INET, &dst, p->dst_str, sizeof(p->dst_str));
	return p;
}

struct probe *
probe_new6(struct ev_loop *loop, const char *name, const char *ifname,
    const struct in6_addr *dst, const struct in6_addr *src,
    uint32_t interval_ms, uint32_t misses, probe_fn fn, void *arg)
{
	struct probe	*p;

	p = alloc(loop, name, ifname, interval_ms, misses, fn, arg);
	p->family = AF_INET6;
	p->dst6 = *dst;
	if (src != NULL)
		p->src6 = *src;
	inet_ntop(AF_INET6, dst, p->dst_str, sizeof(p->dst_str));
	return p;
}

void
probe_start(struct probe *p)
{
	ev_timer_start(p->loop, &p->tick);
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	ev_timer_stop(p->loop, &p->tick);
	close_sock(p);
	free(p);
}

bool
probe_alive(const struct probe *p)
{
	return p->st.state != PROBE_DOWN;
}

const struct probe_stats *
probe_stats(const struct probe *p)
{
	return &p->st;
}
