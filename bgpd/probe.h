/* SPDX-License-Identifier: ISC */
/*
 * probe.h: liveness probes of a tunnel (config `probe { interval misses }`).
 *
 * An ICMP echo (ICMPv6 echo for an IPv6 neighbor) goes to the VGW's
 * inside address every interval, from our side of the tunnel and bound to
 * its interface.  Each probe has its own sequence number and carries a
 * cookie of this prober, so that a reply is matched to its probe and its
 * tunnel (it must also come in through that interface); a late reply to
 * an earlier probe is counted as stale and ignored.  `misses` probes lost
 * in a row mean the tunnel is dead; PROBE_RISE replies in a row mean it
 * is back.
 */
#ifndef VTB_PROBE_H
#define VTB_PROBE_H

#include <ev.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_RISE	3	/* replies in a row that mean alive again */

enum probe_state {
	PROBE_UNKNOWN,		/* no verdict yet (just started) */
	PROBE_UP,
	PROBE_DOWN,
};

struct probe_stats {
	enum probe_state state;
	uint32_t	 interval_ms;
	uint32_t	 misses;
	uint64_t	 sent;
	uint64_t	 received;
	uint64_t	 lost;
	uint64_t	 stale;		/* replies to an earlier probe */
	uint64_t	 send_errors;
	uint32_t	 lost_in_row;
	uint32_t	 ok_in_row;
	uint32_t	 rtt_last_us;
	uint32_t	 rtt_min_us;
	uint32_t	 rtt_max_us;
	uint32_t	 rtt_avg_us;	/* moving average, 1/8 weight */
	uint32_t	 downs;		/* times declared dead */
	uint64_t	 last_change_ms; /* monotonic, 0 if never */
	char		 last_error[128];
};

struct probe;

/* Called when the verdict changes to alive (true) or dead (false). */
typedef void	(*probe_fn)(struct probe *, bool alive, void *arg);

/*
 * A prober of dst over ifname ("": wherever the routes say), from src
 * (0.0.0.0: the kernel's choice).  name starts its log lines
 * ("neighbor 169.254.249.57", "drill 3").  Nothing is sent before
 * probe_start.
 */
struct probe	*probe_new(struct ev_loop *, const char *name,
		    const char *ifname, struct in_addr dst, struct in_addr src,
		    uint32_t interval_ms, uint32_t misses, probe_fn, void *arg);
/*
 * The same with ICMPv6 echo (RFC 4443) to an IPv6 dst from src (NULL or
 * ::, the kernel's choice); both are copied.  A link-local dst or src
 * (fe80::/10) is scoped to ifname, which it then needs.
 */
struct probe	*probe_new6(struct ev_loop *, const char *name,
		    const char *ifname, const struct in6_addr *dst,
		    const struct in6_addr *src, uint32_t interval_ms,
		    uint32_t misses, probe_fn, void *arg);
void		 probe_free(struct probe *);
void		 probe_start(struct probe *);

/* Whether the probes allow the session: false only once declared dead. */
bool		 probe_alive(const struct probe *);
const struct probe_stats *probe_stats(const struct probe *);
const char	*probe_state_name(enum probe_state);

/*
 * The steps of a prober without its socket and timer, for tests: a tick
 * (the last probe, if unanswered, is lost; then seq goes out at now_us),
 * and a packet received: for IPv4 an IPv4 packet with its header, as a
 * raw socket gives it; for IPv6 the ICMPv6 message alone, as a raw ICMPv6
 * socket gives it, with its source address and the index of the
 * interface it came in on (0: not known).  A packet of the other family
 * is ignored.
 */
void		 probe_tick_at(struct probe *, uint64_t now_us, bool sent);
void		 probe_input(struct probe *, const uint8_t *pkt, size_t len,
		    uint64_t now_us);
void		 probe_input6(struct probe *, const struct in6_addr *from,
		    unsigned ifindex, const uint8_t *pkt, size_t len,
		    uint64_t now_us);
/* The echo request probe_tick_at sent last: fills buf, returns length
 * (0: too small).  An ICMPv6 one has checksum 0: the kernel fills it. */
size_t		 probe_request(const struct probe *, uint8_t *buf, size_t len);

#endif
