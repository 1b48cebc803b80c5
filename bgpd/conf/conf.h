/* SPDX-License-Identifier: ISC */
/*
 * conf.h: the configuration of vtibgpd as read from vtibgpd.conf.
 *
 * conf_parse_*() turn text into a struct conf with every default filled in
 * and every cross-check done; conf_print() writes one back as text that
 * parses to the same configuration.  The grammar and the defaults are
 * documented in vtibgpd.conf(5).
 */
#ifndef VTB_CONF_H
#define VTB_CONF_H

#include <netinet/in.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_MAX_EXPORT		100	/* prefixes an AWS VGW accepts */
/*
 * max-prefix: a VGW sends at most 1,000 prefixes; a Transit Gateway's
 * route table holds up to 10,000, all of which it may send.  The default
 * fits both, since the daemon cannot tell them apart and a limit too low
 * takes a healthy connection down; the importer, which can, writes the
 * VGW's own limit for a VGW.
 */
#define CONF_MAX_PREFIX_VGW	1000
#define CONF_MAX_PREFIX_TGW	10000
#define CONF_MAX_PREFIX_DEFAULT	CONF_MAX_PREFIX_TGW
#define CONF_MAX_NEIGHBORS	8	/* tunnels one vtibgpd serves */
#define CONF_MAX_PREPEND	32
#define CONF_MAX_PASSWORD	80	/* TCP_MD5SIG_MAXKEYLEN */
#define CONF_MAX_STRING		255
#define CONF_MAX_GR_TIME	4095	/* 12 bits, RFC 4724 section 3 */
#define CONF_MAX_STALEPATH	4095
#define CONF_MIN_PROBE_MS	10
#define CONF_MAX_PROBE_MS	60000
#define CONF_TABLE_MAIN		254
#define CONF_PROTO_BGP		186

/* A place in a config file: 1-based line and column (in bytes). */
struct conf_pos {
	int	line;
	int	col;
};

/*
 * A prefix of either family (af says which member of the union holds
 * it); the bytes of addr6 beyond an IPv4 address are 0.  IPv4 code reads
 * addr as it always did.
 */
struct conf_prefix {
	uint8_t		af;		/* AF_INET or AF_INET6 */
	uint8_t		len;		/* 0..32, or 0..128 */
	union {
		struct in_addr	addr;	/* AF_INET, network order */
		struct in6_addr	addr6;	/* AF_INET6 */
	};
};

/* Room for "ADDRESS/LEN" of either family, with its NUL. */
#define CONF_PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)

/* Something legal but probably not meant; pos.line is 0 if nowhere. */
struct conf_warning {
	struct conf_pos	 pos;
	char		*msg;
};

/* allow PREFIX [ge N] [le N]: prefixes inside PREFIX of length ge..le. */
struct conf_allow {
	struct conf_prefix	pfx;
	uint8_t			ge;
	uint8_t			le;
};

/* Bits of conf_timers.set: which values a block set itself. */
#define CONF_TIMER_HOLD		0x1
#define CONF_TIMER_KEEPALIVE	0x2
#define CONF_TIMER_RETRY	0x4
#define CONF_TIMER_TTLSEC	0x8

/*
 * The session settings of the defaults block, which each neighbor block
 * may override: the BGP timers and TTL security.
 */
struct conf_timers {
	uint32_t	hold_s;		/* 0: no hold timer, else 3..65535 */
	uint32_t	keepalive_s;
	uint32_t	connect_retry_ms;
	bool		ttl_security;	/* GTSM (RFC 5082); off: TTL 1 out,
					   any TTL in, as AWS */
	unsigned	set;		/* CONF_TIMER_* */
};

struct conf_probe {
	bool		enabled;
	uint32_t	interval_ms;
	uint32_t	misses;
};

/*
 * A neighbor of either family: af says which member of each union
 * holds its address and its local-address (always the same family).
 * IPv4 code reads addr and local_addr as it always did.
 */
struct conf_neighbor {
	uint8_t			af;		/* AF_INET, AF_INET6 */
	union {
		struct in_addr	addr;
		struct in6_addr	addr6;
	};
	char			ifname[IF_NAMESIZE];
	char			*description;	/* NULL if none */
	uint32_t		remote_as;
	bool			has_local_addr;
	union {
		struct in_addr	local_addr;
		struct in6_addr	local_addr6;
	};
	uint32_t		preference;
	uint32_t		prepend;
	struct conf_probe	probe;
	char			*password;	/* NULL if none */
	struct conf_timers	timers;		/* defaults merged in */
	struct conf_pos		pos;		/* of the neighbor keyword */
};

struct conf_import {
	struct conf_allow	*allow;
	size_t			 n_allow;
	uint32_t		 max_prefix;
	uint32_t		 max_prefix_restart_ms;	/* 0: until reset */
};

enum conf_compat {
	CONF_COMPAT_OFF,	/* set net.ipv4.nexthop_compat_mode to 0 */
	CONF_COMPAT_KEEP,	/* leave it alone */
};

struct conf_kernel {
	uint32_t		table;
	uint8_t			protocol;
	uint32_t		metric;
	bool			ecmp;
	bool			keep_routes;
	enum conf_compat	nexthop_compat;
};

struct conf {
	struct in_addr		 router_id;
	uint32_t		 local_as;
	char			*user;		/* NULL: stay root */
	uint32_t		 gr_time_s;	/* 0: off */
	uint32_t		 stalepath_s;	/* End-of-RIB of a peer
						   back from a restart is
						   awaited this long at most
						   (RFC 4724 4.2) */
	bool			 return_steering;
	char			*control_group;
	struct conf_prefix	*networks;
	size_t			 n_networks;
	struct conf_timers	 defaults;
	struct conf_import	 import;
	struct conf_kernel	 kernel;
	struct conf_neighbor	*neighbors;
	size_t			 n_neighbors;
	struct conf_warning	*warnings;
	size_t			 n_warnings;
};

/* Where and why a parse failed. */
struct conf_error {
	char		file[256];
	struct conf_pos	pos;
	char		msg[512];
};

/*
 * Parse the file at path, for the daemon (-n, start, reload).  Returns a
 * new configuration, or NULL with *err filled in.  A file that someone
 * other than root (or the daemon's own or configured user) could change
 * or replace is refused, as sshd's StrictModes does (conf_trust.c); so is
 * one that the daemon cannot run (conf_check_runnable).  The caller
 * owns the result (conf_free).
 */
struct conf	*conf_parse_file(const char *path, struct conf_error *err);

/*
 * Parse len bytes of text; name is used in messages.  As above, but
 * without the file checks and without conf_check_runnable: the whole
 * grammar (the importer writes, and the tests print, what the daemon
 * would not run).
 */
struct conf	*conf_parse_buffer(const char *name, const char *text,
		    size_t len, struct conf_error *err);

/*
 * What the grammar takes but this daemon cannot run: an IPv6 neighbor
 * with kernel metric 0 (the kernel turns an IPv6 route's metric 0 into
 * 1024, and the standbys' metric 1 would then win).  0, or -1 with err's
 * position and message set (err->file is left as it is).
 */
int		 conf_check_runnable(const struct conf *,
		    struct conf_error *err);

void		 conf_free(struct conf *);

/* Write conf as config text.  Returns 0, or -1 on an output error. */
int		 conf_print(FILE *, const struct conf *);

/* "FILE:LINE:COL: message" into buf; returns buf. */
char		*conf_error_str(const struct conf_error *, char *buf,
		    size_t len);

/* "FILE[:LINE:COL]: warning: message" into buf; returns buf. */
char		*conf_warning_str(const struct conf_warning *, const char *file,
		    char *buf, size_t len);

/* "A.B.C.D/L" or "X:X::X/L" into buf (CONF_PREFIX_STRLEN bytes); returns
 * buf. */
char		*conf_prefix_str(const struct conf_prefix *, char *buf,
		    size_t len);
/* The address of a neighbor (or its local-address if local) into buf
 * (INET6_ADDRSTRLEN bytes); returns buf. */
char		*conf_neighbor_str(const struct conf_neighbor *, bool local,
		    char *buf, size_t len);
/* Same af, length and address. */
bool		 conf_prefix_eq(const struct conf_prefix *,
		    const struct conf_prefix *);

/*
 * Typed readers.  Each returns 0 and stores the value, or -1 with a
 * message in why (the caller adds the position and the key).
 * Also for other readers of operator input (control socket, importers).
 */
int	conf_read_uint(const char *, uint64_t max, uint64_t *, char *why,
	    size_t);
int	conf_read_asn(const char *, uint32_t *, char *why, size_t);
int	conf_read_addr(const char *, struct in_addr *, char *why, size_t);
/* An IPv4 or IPv6 address: *af and addr (a struct in6_addr's room; an
 * IPv4 address in its first 4 bytes, the rest 0). */
int	conf_read_inet(const char *, uint8_t *af, struct in6_addr *addr,
	    char *why, size_t);
/* A prefix of either family, with no host bits set. */
int	conf_read_prefix(const char *, struct conf_prefix *, char *why,
	    size_t);
int	conf_read_duration(const char *, uint64_t *ms, char *why, size_t);
int	conf_read_bool(const char *, bool *, char *why, size_t);

/*
 * Number of prefixes exported to a neighbor of family af at most (its
 * family's networks, with their halves when return-steering is on).
 */
size_t		 conf_export_count(const struct conf *, uint8_t af);
/* The same for the family that exports the most. */
size_t		 conf_export_max(const struct conf *);
/* Number of networks of family af. */
size_t		 conf_networks_count(const struct conf *, uint8_t af);

/* The IPv4 neighbor at addr, or NULL. */
const struct conf_neighbor *conf_find_neighbor(const struct conf *,
		    struct in_addr addr);

#endif
