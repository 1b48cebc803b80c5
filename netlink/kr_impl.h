/* SPDX-License-Identifier: ISC */
/*
 * kr_impl.h: what the files of netlink/ share behind kr.h.
 *
 * Three netlink sockets: requests (non-blocking; answers matched by
 * sequence number), notifications (links, addresses, routes, nexthops)
 * and a blocking one for synchronous dumps and link queries.  IPv6
 * routes and addresses only with conf.inet6.
 *
 * Requests wait in one queue, in the order they were made (a route
 * deletion and the deletion of its group must not swap): a byte buffer
 * of whole netlink messages with one record per message.  A batch is a
 * run of messages sent with one send(); the kernel handles it before
 * send() returns, so its answers are waiting when we next read.
 *
 * Nothing read from a socket calls a hook directly: what the hooks must
 * hear becomes an event on a FIFO, and kr_dispatch() delivers the FIFO in
 * order.  So a hook may call any kr_*() function, kr_flush() included.
 */
#ifndef VTB_KR_IMPL_H
#define VTB_KR_IMPL_H

#include <net/if.h>
#include <netlink/netlink.h>

#include <linux/nexthop.h>

#include "netlink/kr.h"

#define KR_RCVBUF	(8 * 1024 * 1024)	/* each receiving socket */
#define KR_SNDBUF	(1024 * 1024)
#define KR_BATCH_BYTES	(64 * 1024)		/* one send() */
#define KR_QUEUE_BYTES	(64 * 1024)		/* queue: first size, */
#define KR_QUEUE_REQS	1024			/* kept when drained */
#define KR_EV_KEEP	64			/* events, likewise */
#define KR_WINDOW_MIN	64
#define KR_WINDOW_MAX	4096			/* requests in flight */
/*
 * Receive buffers stay resident (the kernel writes into the first page
 * of every slot), so they are kept small: 64 answers or 16 notifications
 * per recvmmsg() cost a few more calls at 10,000 routes (under 1 ms) and
 * save 256 KiB of resident memory, a tenth of the daemon's at 100.
 */
#define KR_ACK_SLOTS	64			/* answers per recvmmsg() */
#define KR_ACK_SLOT	1024
#define KR_NTF_SLOTS	16			/* notifications per read */
#define KR_NTF_SLOT	(16 * 1024)
#define KR_DUMP_BUF	(64 * 1024)
#define KR_MSG_SIZE	256			/* largest request we build */
#define KR_RETRY_S	0.01			/* send again after ENOBUFS */

enum kr_op {
	KR_OP_NONE,
	KR_OP_NH_SET,		/* id, addr gateway, x oif */
	KR_OP_GROUP_SET,	/* id, x members */
	KR_OP_NH_DEL,		/* id */
	KR_OP_ROUTE_SET,	/* addr dst, plen, x metric, id nhid */
	KR_OP_ROUTE_VIA,	/* addr dst, plen, x metric, id oif */
	KR_OP_ROUTE_DEL,	/* addr dst, plen, x metric */
	KR_OP_NTF_LOST,		/* notifications lost (ENOBUFS) */
	KR_OP_ACK_LOST		/* answers lost (ENOBUFS) */
};

/* An address of either family, in network order. */
union kr_ip {
	struct in_addr	v4;
	struct in6_addr	v6;
	uint8_t		b[16];
};

/* One request: enough to name it in an error and to update the model. */
struct kr_req {
	uint32_t	seq;
	uint8_t		op;
	uint8_t		plen;
	uint8_t		af;		/* of addr: AF_INET or AF_INET6 */
	uint32_t	id;		/* nexthop id, a route's nhid or oif */
	uint32_t	x;		/* metric, oif or number of members */
	union kr_ip	addr;		/* a route's dst, a nexthop's gateway */
};

/* Requests queued in the order they were made. */
struct kr_queue {
	uint8_t		*buf;		/* messages in [head, len) */
	size_t		 head, len, cap;
	struct kr_req	*req;		/* their records in [rhead, nreq) */
	size_t		 rhead, nreq, rcap;
};

enum kr_ev_type {
	KR_EV_LINK,		/* watch[idx] is up or down now */
	KR_EV_ADDR,		/* watch[idx] got (up) or lost an address:
				   req.af, req.addr, req.plen */
	KR_EV_ROUTE_LOST,
	KR_EV_NH_LOST,
	KR_EV_ERROR
};

struct kr_event {
	uint8_t		 type;
	bool		 up;
	int		 err;		/* positive errno */
	size_t		 idx;		/* watch index */
	struct kr_req	 req;		/* the route, nexthop or request */
	char		*detail;	/* extended ack text (owned) or NULL */
};

struct kr_watch {
	char		name[IF_NAMESIZE];
	int		ifindex;	/* 0: no link of that name now */
	bool		up;
};

/* What we know of one nexthop object of ours in the kernel. */
struct kr_nh {
	uint32_t	id;
	int		oif;		/* 0 for a group */
	bool		group;
	bool		exists;
	bool		seen;		/* in the last dump */
};

/* Routes of other protocols in our table, by (af, dst, len, metric). */
struct kr_rkey {
	union kr_ip	dst;
	uint32_t	metric;
	uint32_t	count;		/* 0: free slot */
	uint8_t		af;
	uint8_t		len;
};
struct kr_rset {
	struct kr_rkey	*slot;
	size_t		 cap;		/* a power of 2, or 0 */
	size_t		 n;
};

struct kr {
	struct ev_loop		*loop;
	struct kr_conf		 conf;
	struct kr_hooks		 hooks;
	bool			 started;
	bool			 nexthops;

	struct nl_sock		*req_sk;
	struct nl_sock		*ntf_sk;
	struct nl_sock		*dump_sk;
	uint32_t		 req_port;
	ev_io			 req_io;
	ev_io			 ntf_io;
	ev_prepare		 prep;
	ev_timer		 retry;		/* after a send failed for memory */

	struct kr_queue		 queue;
	struct kr_req		*fly;		/* ring of requests sent */
	size_t			 fly_head, fly_n, window;
	uint32_t		 seq;
	bool			 ack_lost;

	struct kr_event		*ev;		/* FIFO for the hooks */
	size_t			 ev_head, ev_n, ev_cap;

	bool			 flushing;
	bool			 dispatching;
	bool			 dumping;
	bool			 in_ntf;
	bool			 want_reconcile;	/* a link went down */
	bool			 want_resync;		/* notifications lost */

	struct kr_watch		*watch;
	size_t			 nwatch;
	struct kr_nh		*nh;
	size_t			 nnh, nhcap;
	struct kr_rset		 foreign;

	uint8_t			*ack_buf;	/* KR_ACK_SLOTS * KR_ACK_SLOT */
	uint8_t			*ntf_buf;	/* KR_NTF_SLOTS * KR_NTF_SLOT */
	uint8_t			*dump_buf;	/* KR_DUMP_BUF */
};

/* kr_queue.c: the queue, sending, answers, events */
int	kr_enqueue(struct kr *, struct nl_msg *, const struct kr_req *);
void	kr_send(struct kr *, bool all);
void	kr_drain(struct kr *);
void	kr_ack_drain(struct kr *);
void	kr_queue_free(struct kr *);
void	kr_event_push(struct kr *, const struct kr_event *);
void	kr_dispatch(struct kr *);
void	kr_fail(struct kr *, const struct kr_req *, int);
void	kr_req_what(const struct kr *, const struct kr_req *, char *,
	    size_t);

/* kr_notify.c: notifications, watched links, the nexthop model */
void	kr_ntf_drain(struct kr *);
struct kr_nh	*kr_nh_find(struct kr *, uint32_t, bool);
void	kr_nh_gone(struct kr *, uint32_t);

/* kr_dump.c: synchronous requests on the dump socket */
typedef void	(*kr_msg_fn)(struct kr *, struct nlmsghdr *, void *);
int	kr_dump_run(struct kr *, struct nl_msg *, bool, kr_msg_fn, void *);
int	kr_dump_foreign(struct kr *);
int	kr_nh_probe(struct kr *);
int	kr_nh_reconcile(struct kr *);
int	kr_link_query(struct kr *, const char *, int *, bool *);
bool	kr_link_flags_up(unsigned int);

/* A route message (IPv4 or IPv6), decoded. */
struct kr_rt {
	uint32_t	table;
	union kr_ip	dst;
	uint32_t	metric;
	uint32_t	nhid;		/* 0: none */
	uint8_t		af;
	uint8_t		len;
	uint8_t		protocol;
	uint8_t		tos;
};
int	kr_route_parse(struct nlmsghdr *, struct kr_rt *);

/* kr.c */
struct nl_sock	*kr_sock_new(bool nonblock, bool strict);

/* kr_rset.c: a counted set of (af, dst, len, metric) */
void	kr_rset_add(struct kr_rset *, uint8_t, const union kr_ip *, uint8_t,
	    uint32_t);
void	kr_rset_del(struct kr_rset *, uint8_t, const union kr_ip *, uint8_t,
	    uint32_t);
bool	kr_rset_has(const struct kr_rset *, uint8_t, const union kr_ip *,
	    uint8_t, uint32_t);
void	kr_rset_clear(struct kr_rset *);

/*
 * kr_dump.c: a nexthop message of this type: its attributes into tb and
 * its id; true when it is one of ours (in our id range).
 */
bool	kr_nh_parse(struct nlmsghdr *, uint16_t type,
	    struct nlattr *tb[NHA_MAX + 1], uint32_t *id);

#endif
