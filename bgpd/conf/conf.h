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

struct conf_prefix {
	struct in_addr	addr;		/* network byte order */
	uint8_t		len;
};

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

struct conf_neighbor {
	struct in_addr		addr;
	char			ifname[IF_NAMESIZE];
	char			*description;	/* NULL if none */
	uint32_t		remote_as;
	bool			has_local_addr;
	struct in_addr		local_addr;
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
 * Parse the file at path.  Returns a new configuration, or NULL with *err
 * filled in.  A file that someone other than root (or the daemon's own
 * or configured user) could change or replace is refused, as sshd's
 * StrictModes does (conf_trust.c).  The caller owns the result
 * (conf_free).
 */
struct conf	*conf_parse_file(const char *path, struct conf_error *err);

/* Parse len bytes of text; name is used in messages.  As above. */
struct conf	*conf_parse_buffer(const char *name, const char *text,
		    size_t len, struct conf_error *err);

void		 conf_free(struct conf *);

/* Write conf as config text.  Returns 0, or -1 on an output error. */
int		 conf_print(FILE *, const struct conf *);

/* "FILE:LINE:COL: message" into buf; returns buf. */
char		*conf_error_str(const struct conf_error *, char *buf,
		    size_t len);

/* "FILE[:LINE:COL]: warning: message" into buf; returns buf. */
char		*conf_warning_str(const struct conf_warning *, const char *file,
		    char *buf, size_t len);

/* "A.B.C.D/L" into buf (at least 19 bytes); returns buf. */
char		*conf_prefix_str(const struct conf_prefix *, char *buf,
		    size_t len);

/*
 * Typed readers.  Each returns 0 and stores the value, or -1 with a
 * message in why (the caller adds the position and the key).
 * Also for other readers of operator input (control socket, importers).
 */
int	conf_read_uint(const char *, uint64_t max, uint64_t *, char *why,
	    size_t);
int	conf_read_asn(const char *, uint32_t *, char *why, size_t);
int	conf_read_addr(const char *, struct in_addr *, char *why, size_t);
int	conf_read_prefix(const char *, struct conf_prefix *, char *why,
	    size_t);
int	conf_read_duration(const char *, uint64_t *ms, char *why, size_t);
int	conf_read_bool(const char *, bool *, char *why, size_t);

/* Number of prefixes exported to each neighbor at most (with halves). */
size_t		 conf_export_max(const struct conf *);

/* The neighbor at addr, or NULL. */
const struct conf_neighbor *conf_find_neighbor(const struct conf *,
		    struct in_addr addr);

#endif
