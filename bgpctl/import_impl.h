/* SPDX-License-Identifier: ISC */
/*
 * import_impl.h: what the files of the AWS importer share.  Not for use
 * outside bgpctl/import_*.c.
 */
#ifndef VTB_IMPORT_IMPL_H
#define VTB_IMPORT_IMPL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bgpctl/import.h"
#include "bgpd/conf/conf.h"
#include "bgpd/util/log.h"

/* A line of the text. */
struct line {
	const char	*s;
	size_t		 len;		/* without its end */
	int		 no;
};

/* Whose lines a file has: AWS's two formats, the other vendors'. */
enum import_kind {
	KIND_GENERIC, KIND_VYOS,
	KIND_CISCO, KIND_JUNIPER, KIND_FORTIGATE, KIND_PALOALTO,
	KIND_STRONGSWAN,
	KIND_MAX
};

/*
 * What import_scan() found: per kind, how many lines, the first and what
 * it starts with; how many lines of BGP values or statements, the first
 * that says static routing; the last line with more than blanks and
 * comment marks, and whether the first such names AWS.
 */
struct import_scan {
	int		 n[KIND_MAX];
	struct conf_pos	 pos[KIND_MAX];
	const char	*mark[KIND_MAX];
	int		 n_bgp;
	struct conf_pos	 static_pos;
	int		 last_line;
	bool		 aws_first;
};

/* Fill err with a message at pos (line 0: nowhere); always returns -1.
 * (import_text.c) */
int	import_errorf(struct import_error *, struct conf_pos, const char *,
	    ...) VTB_PRINTF(3, 4);

/* ---- import_detect.c: what a file is ------------------------------------ */

/*
 * Whether text is UTF-16 (Windows Notepad's "Unicode"): it starts with a
 * UTF-16 byte order mark, or its first characters each have a NUL byte
 * before or after them.
 */
bool	import_is_utf16(const char *text, size_t len);

/* Count the lines of each kind. */
void	import_scan(const struct line *, size_t n, struct import_scan *);

/*
 * A file of another vendor: more of its lines than of the format asked
 * for.  Returns 0, or -1 with err saying which vendor and what to
 * download instead.
 */
int	import_check_vendor(enum import_format, const struct import_scan *,
	    struct import_error *);

/*
 * A connection with static routing: the file says so and has no BGP.
 * Returns 0, or -1 with err saying that vtibgpd needs a BGP connection.
 */
int	import_check_static(const struct import_scan *,
	    struct import_error *);

/*
 * Whether the file has nothing but the first lines of an AWS download,
 * none of the lines of any kind: the rest was lost.
 */
bool	import_preamble_only(const struct import_scan *);

/*
 * Add to err->msg that the file seems to end early, at the last line of
 * sc, unless it says so already.  Always returns -1.
 */
int	import_ends_early(const struct import_scan *, struct import_error *);

/* " (this looks like the other format: ...)" if it does, else "". */
const char *import_format_hint(enum import_format,
	    const struct import_scan *);

/* ---- what the readers fill (import_text.c and the files below) ---------- */

#define MAX_KEY		64	/* a normalized key or header, in bytes */
#define MAX_VALUE	64	/* a value we read, in bytes */
#define MAX_SHOW	40	/* of a bad value, in a message */
#define VY_MAX_NETS	8	/* its network lines mentioned in a comment */

struct word {
	const char	*s;
	size_t		 len;
	struct conf_pos	 pos;
};

/* The values of a tunnel, all formats.  A connection whose tunnels
 * carry IPv6 has a /126 inside each tunnel besides the /30 (the *_IN6). */
enum key {
	K_CGW_OUT, K_VGW_OUT, K_CGW_IN, K_VGW_IN, K_NEIGHBOR,
	K_LOCAL_AS, K_REMOTE_AS, K_HOLD, K_KEEPALIVE,
	K_CGW_IN6, K_VGW_IN6, K_NEIGHBOR6, K_MAX
};

/* V_INSIDE6: "fd00:...:2/126" (or /128) in fd00::/8; V_ADDR6: an IPv6
 * unicast address; V_INET: a unicast address of either family (an
 * outside address: AWS takes IPv6 ones on a transit gateway). */
enum vtype {
	V_ADDR, V_INSIDE, V_ASN, V_SECONDS, V_ADDR6, V_INSIDE6, V_INET
};

/* Subsections of a Generic tunnel section. */
enum sub {
	SUB_NONE, SUB_OUTSIDE, SUB_INSIDE, SUB_INSIDE6, SUB_BGP, SUB_MAX
};

struct value {
	bool		set;
	struct conf_pos	pos;
	struct in_addr	addr;
	struct in6_addr	addr6;		/* V_ADDR6, V_INSIDE6 */
	uint8_t		af;		/* V_INET: AF_INET6 if addr6; 0 or
					   AF_INET: addr */
	uint32_t	num;
};

struct tunnel {
	int		no;		/* 1 or 2; 0: not seen */
	struct conf_pos	pos;		/* its section header or first line */
	char		ifname[IF_NAMESIZE];
	struct conf_pos	ifpos;		/* VyOS: its vti bind */
	struct value	v[K_MAX];
	struct conf_pos	sub_pos[SUB_MAX];
	struct conf_pos	unread_hold;	/* a "hold" key we do not read */
	char		unread_key[MAX_SHOW + 1];
};

/* A network line of a VyOS file, for a comment. */
struct vy_net {
	struct conf_prefix	pfx;
	int			line;
};

/* The AWS end of the connection, by its ID in the file's header. */
enum gw_kind {
	GW_UNKNOWN,
	GW_VGW,		/* "vgw-...": a virtual private gateway */
	GW_TGW,		/* "tgw-...": a transit gateway */
};

/* What a reader found: the two tunnels and what the comments mention. */
struct found {
	struct tunnel	 tun[2];
	char		 vpn_id[48];	/* "vpn-..." or "" */
	enum gw_kind	 gw;
	char		 gw_id[48];	/* "vgw-...", "tgw-..." or "" */
	int		 gw_line;
	struct vy_net	 nets[VY_MAX_NETS];
	size_t		 n_nets;
	int		 end_tun;	/* Generic: the tunnel the file ends
					   in, or 0 */
	int		 inside_ver;	/* "Tunnel Inside IP Version": 4, 6,
					   or 0 if the file does not say */
	struct conf_pos	 ver_pos;	/* of its value */
	bool		 v6;		/* the tunnels carry IPv6 (set by
					   the checks of import_aws.c) */
	bool		 if_opt;	/* ifnames from --interfaces */
};

struct reader {
	enum import_format	 fmt;
	struct line		*lines;
	size_t			 n_lines;
	struct import_error	*err;
	struct import_warnings	*warn;
	struct import_scan	 scan;
	bool			 reading;	/* as fmt, after detect */
	bool			 no_end;	/* last line left open */
	struct found		 f;
};

/* A message about no line. */
static const struct conf_pos nowhere = { 0, 0 };

/* Names of the keys in messages: "Customer Gateway ASN". */
extern const char *const import_key_names[K_MAX];

static inline bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static inline struct word
line_word(const struct line *ln)
{
	struct word	w = { ln->s, ln->len, { ln->no, 1 } };

	return w;
}

/*
 * What the router id is taken from: tunnel 1's Customer Gateway outside
 * address if it is IPv4, else its inside IPv4 address; NULL if neither.
 */
static inline const struct value *
import_rid(const struct tunnel *t)
{
	if (t->v[K_CGW_OUT].set && t->v[K_CGW_OUT].af != AF_INET6)
		return &t->v[K_CGW_OUT];
	return t->v[K_CGW_IN].set ? &t->v[K_CGW_IN] : NULL;
}

/* ---- import_text.c: lines, words, values, sections ---------------------- */

/* Add a warning at pos (line 0: nowhere): something assumed. */
void	import_warnf(struct reader *, struct conf_pos, const char *, ...)
	    VTB_PRINTF(3, 4);
/*
 * Split text into r->lines at LF, CRLF or a lone CR.  A UTF-8 byte order
 * mark is skipped; a NUL byte is refused (this is not a text file).
 * 0, or -1 with r->err filled in.
 */
int	import_split_lines(struct reader *, const char *text, size_t len);
/* w without its leading and trailing blanks. */
void	import_trim(struct word *w);
/* w without the leading comment marks of a VyOS file, then trimmed. */
void	import_strip_bang(struct word *w);
/* The next word of w, skipping blanks; w keeps the rest.  len 0: none. */
struct word import_next_word(struct word *w);
/* w in lower case with each run of blanks made one space, into buf;
 * false if it does not fit. */
bool	import_normalize(const struct word *, char *buf, size_t size);
/* w for a message: printable, at most MAX_SHOW bytes, in buf. */
const char *import_show(const struct word *, char *buf, size_t size);
/* v's address (V_ADDR or V_INET) as text in buf (INET6_ADDRSTRLEN). */
const char *import_addr_str(const struct value *v, char *buf, size_t size);
/* w as a C string in buf; false if it does not fit or holds a NUL. */
bool	import_copy_word(const struct word *, char *buf, size_t size);
/* w as a value of type t into v: one word ("30 seconds" for V_SECONDS).
 * 0, or -1 with why. */
int	import_read_value(enum vtype t, struct word w, struct value *v,
	    char *why, size_t size);
/*
 * Read w into key k of tunnel t (t->no 0: not in a tunnel yet); what
 * names it in messages.  A value given twice must be the same.  0, or -1
 * with r->err filled in.
 */
int	import_set_value(struct reader *, struct tunnel *t, enum key k,
	    enum vtype type, const char *what, struct word w);
/* Line i is a rule, i + 1 a title and i + 2 a rule again (bang: VyOS
 * comment marks before each). */
bool	import_is_banner(const struct reader *, size_t i, bool bang);
/*
 * "IPSec Tunnel #N" alone on line ln: returns N (1 or 2) and its position,
 * 0 if the line is something else, -1 (r->err filled in) for a tunnel
 * number AWS never uses.
 */
int	import_tunnel_header(struct reader *, const struct line *ln, bool bang,
	    struct conf_pos *pos);
/* Start tunnel n's section at pos; NULL (r->err filled in) if it has one
 * already. */
struct tunnel *import_tunnel_start(struct reader *, int n,
	    struct conf_pos pos);
/* "Your VPN Connection ID : vpn-..." and the gateway's ID ("Your Virtual
 * Private Gateway ID : vgw-...", or tgw-...) (key and val): kept; so is
 * "Tunnel Inside IP Version : IPv6". */
void	import_header_id(struct reader *, const struct word *key,
	    struct word val);
/* Split "KEY : VALUE" at its colon (see the older layout in
 * import_text.c); false if there is none. */
bool	import_split_key(struct word w, struct word *key, struct word *val);

/* ---- the readers: r->f from r->lines, 0 or -1 with r->err -------------- */

int	import_read_generic(struct reader *);	/* import_generic.c */
int	import_read_vyos(struct reader *);	/* import_vyos.c */

/* ---- import_write.c ---------------------------------------------------- */

/* Write the configuration of what r found to out, if the config parser
 * takes it.  0, or -1 with r->err filled in. */
int	import_emit(struct reader *, const struct import_opts *, FILE *out);

#endif
