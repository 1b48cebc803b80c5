/*
 * import_aws.c: `vtibgpctl import`: read the configuration file that AWS
 * offers for download for a Site-to-Site VPN connection ("Generic" or
 * "Vyatta/VyOS" vendor) and write a complete vtibgpd.conf for its two
 * tunnels.
 *
 * Those files are written for people: banners, prose, and the few values
 * we need (addresses, ASNs, timers) in between.  Each reader below splits
 * the text into lines and fills one struct tunnel per tunnel; the checks
 * and the writer are shared.  Every value keeps its line and column, so a
 * bad value is reported where it is and a missing one where it should be.
 *
 * The text may be anything (it is fuzzed): it is read only within len,
 * never modified, nothing is copied without a bound, and there is no
 * recursion.  The result is parsed with the config parser before a byte
 * of it is written.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpctl/import.h"
#include "bgpctl/import_impl.h"
#include "conf/conf.h"
#include "lib/log.h"

#define MAX_KEY		64	/* a normalized key or header, in bytes */
#define MAX_VALUE	64	/* a value we read, in bytes */
#define MAX_SHOW	40	/* of a bad value, in a message */
#define MAX_WORDS	16	/* words of a VyOS line we look at */
#define VY_MAX		8	/* peers, VTIs, neighbors in a VyOS file */
#define VY_MAX_NETS	8	/* its network lines mentioned in a comment */
#define AWS_HOLD	30	/* what AWS uses when the file says nothing */
#define RULE_MIN	10	/* dashes of a banner rule */

/* ---- text: lines and words ----------------------------------------------- */

struct word {
	const char	*s;
	size_t		 len;
	struct conf_pos	 pos;
};

/* The values of a tunnel, all formats. */
enum key {
	K_CGW_OUT, K_VGW_OUT, K_CGW_IN, K_VGW_IN, K_NEIGHBOR,
	K_LOCAL_AS, K_REMOTE_AS, K_HOLD, K_KEEPALIVE, K_MAX
};

enum vtype { V_ADDR, V_INSIDE, V_ASN, V_SECONDS };

/* Subsections of a Generic tunnel section. */
enum sub { SUB_NONE, SUB_OUTSIDE, SUB_INSIDE, SUB_BGP, SUB_MAX };

struct value {
	bool		set;
	struct conf_pos	pos;
	struct in_addr	addr;
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

/* What a reader found: the two tunnels and what the comments mention. */
struct found {
	struct tunnel	 tun[2];
	char		 vpn_id[48];	/* "vpn-..." or "" */
	struct vy_net	 nets[VY_MAX_NETS];
	size_t		 n_nets;
	int		 end_tun;	/* Generic: the tunnel the file ends
					   in, or 0 */
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

static const char *const key_names[K_MAX] = {
	[K_CGW_OUT] = "Customer Gateway outside address",
	[K_VGW_OUT] = "Virtual Private Gateway outside address",
	[K_CGW_IN] = "Customer Gateway inside address",
	[K_VGW_IN] = "Virtual Private Gateway inside address",
	[K_NEIGHBOR] = "Neighbor IP Address",
	[K_LOCAL_AS] = "Customer Gateway ASN",
	[K_REMOTE_AS] = "Virtual Private Gateway ASN",
	[K_HOLD] = "Neighbor Hold Time",
	[K_KEEPALIVE] = "keepalive",
};

static const struct conf_pos nowhere = { 0, 0 };
static const struct conf_pos first = { 1, 1 };

static void
import_warnf(struct reader *, struct conf_pos, const char *, ...)
	VTB_PRINTF(3, 4);

static void
fill(struct import_error *e, struct conf_pos pos, const char *fmt,
    va_list ap)
{
	e->line = pos.line;
	e->col = pos.col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
import_errorf(struct import_error *err, struct conf_pos pos, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fill(err, pos, fmt, ap);
	va_end(ap);
	return -1;
}

/* Add a warning at pos (line 0: nowhere): something assumed. */
static void
import_warnf(struct reader *r, struct conf_pos pos, const char *fmt, ...)
{
	va_list	ap;

	if (r->warn->n == IMPORT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	fill(&r->warn->w[r->warn->n++], pos, fmt, ap);
	va_end(ap);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static struct word
line_word(const struct line *ln)
{
	struct word	w = { ln->s, ln->len, { ln->no, 1 } };

	return w;
}

static void
trim(struct word *w)
{
	while (w->len > 0 && is_blank(w->s[0])) {
		w->s++;
		w->len--;
		w->pos.col++;
	}
	while (w->len > 0 && is_blank(w->s[w->len - 1]))
		w->len--;
}

/* Drop the leading comment marks of a VyOS file ("! IPSec Tunnel #1"). */
static void
strip_bang(struct word *w)
{
	while (w->len > 0 && w->s[0] == '!') {
		w->s++;
		w->len--;
		w->pos.col++;
	}
	trim(w);
}

/* The next word of w, skipping blanks; w keeps the rest.  len 0: none. */
static struct word
next_word(struct word *w)
{
	struct word	r;

	trim(w);
	r = *w;
	r.len = 0;
	while (r.len < w->len && !is_blank(w->s[r.len]))
		r.len++;
	w->s += r.len;
	w->len -= r.len;
	w->pos.col += (int)r.len;
	return r;
}

/* w in lower case with each run of blanks made one space; false: too long. */
static bool
normalize(const struct word *w, char *buf, size_t size)
{
	size_t	i, n = 0;
	bool	space = false;

	for (i = 0; i < w->len; i++) {
		if (is_blank(w->s[i])) {
			space = n > 0;
			continue;
		}
		if (n + 2 >= size)
			return false;
		if (space)
			buf[n++] = ' ';
		space = false;
		buf[n++] = (char)tolower((unsigned char)w->s[i]);
	}
	buf[n] = '\0';
	return true;
}

/* w for a message: printable, at most MAX_SHOW bytes. */
static const char *
show(const struct word *w, char *buf, size_t size)
{
	size_t	i, n = w->len < MAX_SHOW ? w->len : MAX_SHOW;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)w->s[i]) ? w->s[i] : '?';
	buf[n] = '\0';
	if (n < w->len && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	return buf;
}

/* w as a C string in buf; false if it does not fit or holds a NUL. */
static bool
copy_word(const struct word *w, char *buf, size_t size)
{
	if (w->len >= size || memchr(w->s, '\0', w->len) != NULL)
		return false;
	memcpy(buf, w->s, w->len);
	buf[w->len] = '\0';
	return true;
}

/*
 * Split text into lines at LF, CRLF or a lone CR.  A UTF-8 byte order
 * mark is skipped; a NUL byte is refused (this is not a text file).
 */
static int
split_lines(struct reader *r, const char *text, size_t len)
{
	size_t	i, start, max = 1;
	int	no = 1;

	for (i = 0; i < len; i++)
		if (text[i] == '\n' || text[i] == '\r')
			max++;
	if ((r->lines = calloc(max, sizeof(*r->lines))) == NULL)
		fatal("calloc");
	start = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (i = start; i <= len; i++) {
		if (i < len && text[i] == '\0') {
			struct conf_pos p = { no, (int)(i - start) + 1 };

			return import_errorf(r->err, p,
			    "NUL byte: this is not a text file");
		}
		if (i < len && text[i] != '\n' && text[i] != '\r')
			continue;
		r->lines[r->n_lines].s = text + start;
		r->lines[r->n_lines].len = i - start;
		r->lines[r->n_lines++].no = no++;
		if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	return 0;
}

/* ---- values -------------------------------------------------------------- */

static int
read_addr(const char *s, struct in_addr *a, char *why, size_t size)
{
	uint32_t	h;

	if (conf_read_addr(s, a, why, size) == -1)
		return -1;
	h = ntohl(a->s_addr);
	if (h == 0 || h == UINT32_MAX || (h >> 28) == 0xe) {
		snprintf(why, size, "%s is not a unicast address", s);
		return -1;
	}
	return 0;
}

/* "169.254.A.B/30": a host address of a /30 in 169.254.0.0/16. */
static int
read_inside(char *s, struct in_addr *a, char *why, size_t size)
{
	char		*slash = strchr(s, '/');
	uint32_t	 h;

	if (slash == NULL) {
		snprintf(why, size, "'%s' has no /30", s);
		return -1;
	}
	*slash = '\0';
	if (read_addr(s, a, why, size) == -1)
		return -1;
	if (strcmp(slash + 1, "30") != 0) {
		snprintf(why, size, "%s/%s is not a /30", s, slash + 1);
		return -1;
	}
	h = ntohl(a->s_addr);
	if ((h >> 16) != 0xa9fe) {
		snprintf(why, size, "%s is not inside 169.254.0.0/16", s);
		return -1;
	}
	if ((h & 3) == 0 || (h & 3) == 3) {
		snprintf(why, size, "%s is the %s address of its /30", s,
		    (h & 3) == 0 ? "network" : "broadcast");
		return -1;
	}
	return 0;
}

/* w as a value of type t: one word ("30 seconds" for V_SECONDS). */
static int
read_value(enum vtype t, struct word w, struct value *v, char *why,
    size_t size)
{
	char		buf[MAX_VALUE], shown[MAX_SHOW + 1];
	struct word	val = next_word(&w), rest = next_word(&w);
	uint64_t	u;

	if (val.len == 0) {
		snprintf(why, size, "no value");
		return -1;
	}
	if (rest.len > 0 && !(t == V_SECONDS && w.len == 0 &&
	    rest.len == 7 && strncasecmp(rest.s, "seconds", 7) == 0)) {
		snprintf(why, size, "unexpected '%s' after the value",
		    show(&rest, shown, sizeof(shown)));
		return -1;
	}
	if (!copy_word(&val, buf, sizeof(buf))) {
		snprintf(why, size, "value '%s' is too long",
		    show(&val, shown, sizeof(shown)));
		return -1;
	}
	show(&val, buf, sizeof(buf));	/* printable in messages */
	switch (t) {
	case V_ADDR:
		return read_addr(buf, &v->addr, why, size);
	case V_INSIDE:
		return read_inside(buf, &v->addr, why, size);
	case V_ASN:
		return conf_read_asn(buf, &v->num, why, size);
	case V_SECONDS:
		if (conf_read_uint(buf, 65535, &u, why, size) == -1)
			return -1;
		v->num = (uint32_t)u;
		return 0;
	}
	return -1;
}

static bool
value_eq(const struct value *a, const struct value *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->num == b->num;
}

/*
 * Read w into key k of tunnel t (t->no 0: not in a tunnel yet); what names
 * it in messages.  A value given twice must be the same.
 */
static int
set_value(struct reader *r, struct tunnel *t, enum key k, enum vtype type,
    const char *what, struct word w)
{
	struct value	v;
	char		why[256], tn[24] = "";

	trim(&w);
	memset(&v, 0, sizeof(v));
	v.set = true;
	v.pos = w.pos;
	if (t->no > 0)
		snprintf(tn, sizeof(tn), "tunnel %d: ", t->no);
	if (read_value(type, w, &v, why, sizeof(why)) == -1)
		return import_errorf(r->err, w.pos, "%s%s: %s", tn, what, why);
	if (t->v[k].set && !value_eq(&t->v[k], &v))
		return import_errorf(r->err, w.pos, "%s%s given twice, "
		    "differently (first at line %d)", tn, what,
		    t->v[k].pos.line);
	if (!t->v[k].set)
		t->v[k] = v;
	return 0;
}

/* ---- sections ------------------------------------------------------------ */

/* A line of dashes or equals signs. */
static bool
is_rule(const struct line *ln, bool bang)
{
	struct word	w = line_word(ln);
	size_t		i;

	if (bang)
		strip_bang(&w);
	else
		trim(&w);
	if (w.len < RULE_MIN)
		return false;
	for (i = 0; i < w.len; i++)
		if (w.s[i] != w.s[0] || (w.s[0] != '-' && w.s[0] != '='))
			return false;
	return true;
}

/* Line i is a rule, i + 1 a title and i + 2 a rule again. */
static bool
is_banner(const struct reader *r, size_t i, bool bang)
{
	struct word	w;

	if (i + 2 >= r->n_lines || !is_rule(&r->lines[i], bang) ||
	    is_rule(&r->lines[i + 1], bang) || !is_rule(&r->lines[i + 2], bang))
		return false;
	w = line_word(&r->lines[i + 1]);
	if (bang)
		strip_bang(&w);
	trim(&w);
	return w.len > 0;
}

/*
 * "IPSec Tunnel #N" alone on line ln: returns N (1 or 2) and its position,
 * 0 if the line is something else, -1 for a tunnel number AWS never uses.
 */
static int
tunnel_header(struct reader *r, const struct line *ln, bool bang,
    struct conf_pos *pos)
{
	static const char	 hdr[] = "ipsec tunnel #";
	struct word		 w = line_word(ln);
	char			 buf[MAX_KEY];
	const char		*p;

	if (bang)
		strip_bang(&w);
	trim(&w);
	if (!normalize(&w, buf, sizeof(buf)) ||
	    strncmp(buf, hdr, sizeof(hdr) - 1) != 0)
		return 0;
	p = buf + sizeof(hdr) - 1;
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
		return 0;
	*pos = w.pos;
	if (strcmp(p, "1") != 0 && strcmp(p, "2") != 0)
		return import_errorf(r->err, w.pos, "IPSec Tunnel #%.8s: an "
		    "AWS VPN connection has tunnels #1 and #2 only", p);
	return p[0] - '0';
}

/* Start tunnel n's section at pos; a second section of it is an error. */
static struct tunnel *
tunnel_start(struct reader *r, int n, struct conf_pos pos)
{
	struct tunnel	*t = &r->f.tun[n - 1];

	if (t->no != 0) {
		import_errorf(r->err, pos, "a second IPSec Tunnel #%d section "
		    "(the first is at line %d)", n, t->pos.line);
		return NULL;
	}
	t->no = n;
	t->pos = pos;
	return t;
}

/* "Your VPN Connection ID : vpn-..." anywhere: kept for the comments. */
static void
vpn_id(struct reader *r, const struct word *key, struct word val)
{
	char	buf[MAX_KEY];
	size_t	i;

	if (!normalize(key, buf, sizeof(buf)) ||
	    strcmp(buf, "your vpn connection id") != 0)
		return;
	trim(&val);
	if (val.len == 0 || val.len >= sizeof(r->f.vpn_id))
		return;
	for (i = 0; i < val.len; i++)
		if (!isalnum((unsigned char)val.s[i]) && val.s[i] != '-')
			return;
	memcpy(r->f.vpn_id, val.s, val.len);
	r->f.vpn_id[val.len] = '\0';
}

/*
 * Split "KEY : VALUE" at its first colon; false if there is none.  Older
 * files put a colon after the key too, then the padding and the colon of
 * the column ("- Customer Gateway:        : 198.51.100.7"): a colon
 * after nothing but blanks is that second one.
 */
static bool
split_key(struct word w, struct word *key, struct word *val)
{
	const char	*colon = memchr(w.s, ':', w.len), *p;

	if (colon == NULL)
		return false;
	*key = w;
	key->len = (size_t)(colon - w.s);
	trim(key);
	for (p = colon + 1; p < w.s + w.len && is_blank(*p); p++)
		;
	if (p < w.s + w.len && *p == ':')
		colon = p;
	val->s = colon + 1;
	val->len = (size_t)(w.s + w.len - (colon + 1));
	val->pos = w.pos;
	val->pos.col += (int)(colon + 1 - w.s);
	return true;
}

/* ---- Generic format ------------------------------------------------------ */

/* "  - Key : value" lines that hold what we need, by subsection. */
static const struct gkey {
	const char	*name;		/* normalized */
	enum sub	 sub;		/* SUB_NONE: in any */
	enum key	 key;
	enum vtype	 type;
} gkeys[] = {
	{ "customer gateway", SUB_OUTSIDE, K_CGW_OUT, V_ADDR },
	{ "virtual private gateway", SUB_OUTSIDE, K_VGW_OUT, V_ADDR },
	{ "customer gateway", SUB_INSIDE, K_CGW_IN, V_INSIDE },
	{ "virtual private gateway", SUB_INSIDE, K_VGW_IN, V_INSIDE },
	{ "customer gateway asn", SUB_NONE, K_LOCAL_AS, V_ASN },
	{ "virtual private gateway asn", SUB_NONE, K_REMOTE_AS, V_ASN },
	{ "neighbor ip address", SUB_NONE, K_NEIGHBOR, V_ADDR },
	{ "neighbor hold time", SUB_NONE, K_HOLD, V_SECONDS },
	{ "neighbor keepalive", SUB_NONE, K_KEEPALIVE, V_SECONDS },
	{ "neighbor keepalive interval", SUB_NONE, K_KEEPALIVE, V_SECONDS },
};

/* Headers that open a subsection: "Inside IP Addresses", ... */
static const struct gsub {
	const char	*name;		/* normalized, without a "#N:" */
	enum sub	 sub;
} gsubs[] = {
	{ "outside ip addresses", SUB_OUTSIDE },
	{ "inside ip addresses", SUB_INSIDE },
	{ "bgp configuration options", SUB_BGP },
	{ "border gateway protocol (bgp) configuration", SUB_BGP },
};

static const struct gkey *
gkey_find(const char *name, enum sub sub)
{
	size_t	i;

	for (i = 0; i < sizeof(gkeys) / sizeof(gkeys[0]); i++)
		if (strcmp(gkeys[i].name, name) == 0 &&
		    (gkeys[i].sub == SUB_NONE || gkeys[i].sub == sub))
			return &gkeys[i];
	return NULL;
}

/* A line of prose or a header: which subsection it opens, if any. */
static enum sub
gsub_find(struct word w)
{
	char	buf[MAX_KEY], *p = buf;
	size_t	i, n;

	if (!normalize(&w, buf, sizeof(buf)))
		return SUB_NONE;
	if (buf[0] == '#' && (n = strspn(buf + 1, "0123456789")) > 0 &&
	    buf[n + 1] == ':')
		p = buf + n + 2 + (buf[n + 2] == ' ');
	n = strlen(p);
	if (n > 0 && p[n - 1] == ':')
		p[n - 1] = '\0';
	for (i = 0; i < sizeof(gsubs) / sizeof(gsubs[0]); i++)
		if (strcmp(gsubs[i].name, p) == 0)
			return gsubs[i].sub;
	return SUB_NONE;
}

/* A key of tunnel t we do not read but that names a hold time. */
static void
note_unread(struct tunnel *t, const struct word *key, const char *name)
{
	if (t->unread_hold.line == 0 && strstr(name, "hold") != NULL) {
		t->unread_hold = key->pos;
		show(key, t->unread_key, sizeof(t->unread_key));
	}
}

static int
generic_line(struct reader *r, struct tunnel *t, enum sub *sub,
    const struct line *ln)
{
	struct word		 w = line_word(ln), key, val;
	const struct gkey	*gk = NULL;
	char			 name[MAX_KEY];
	bool			 bullet;

	trim(&w);
	if (w.len == 0 || w.s[0] == '!' || (w.s[0] == '#' && (w.len == 1 ||
	    !isdigit((unsigned char)w.s[1]))))
		return 0;	/* a comment, not a "#4: ..." header */
	bullet = w.s[0] == '-' || w.s[0] == '*';
	if (split_key(w, &key, &val)) {
		vpn_id(r, &key, val);
		if (bullet) {
			key.s++;
			key.len--;
			key.pos.col++;
			trim(&key);
		}
		if (t != NULL && normalize(&key, name, sizeof(name)) &&
		    (gk = gkey_find(name, *sub)) == NULL && bullet)
			note_unread(t, &key, name);
	}
	if (gk != NULL)
		return set_value(r, t, gk->key, gk->type, key_names[gk->key],
		    val);
	if (!bullet && t != NULL) {
		*sub = gsub_find(w);
		if (*sub != SUB_NONE && t->sub_pos[*sub].line == 0)
			t->sub_pos[*sub] = w.pos;
	}
	return 0;
}

/*
 * No section of tunnel n + 1.  The file ends early if it ends in tunnel
 * 1's section, or holds nothing but AWS's first lines.
 */
static int
no_tunnel(struct reader *r, int n)
{
	import_errorf(r->err, nowhere, "no IPSec Tunnel #%d section", n + 1);
	if (n == 1 ? r->f.end_tun == 1 : import_preamble_only(&r->scan))
		return import_ends_early(&r->scan, r->err);
	return -1;
}

static int
read_generic(struct reader *r)
{
	struct tunnel	*t = NULL;
	struct conf_pos	 pos;
	enum sub	 sub = SUB_NONE;
	size_t		 i;
	int		 n;

	for (i = 0; i < r->n_lines; i++) {
		if ((n = tunnel_header(r, &r->lines[i], false, &pos)) == -1)
			return -1;
		if (n > 0) {
			if ((t = tunnel_start(r, n, pos)) == NULL)
				return -1;
			sub = SUB_NONE;
			continue;
		}
		if (is_banner(r, i, false) && tunnel_header(r,
		    &r->lines[i + 1], false, &pos) == 0) {
			t = NULL;	/* some other section */
			i += 2;
			continue;
		}
		if (generic_line(r, t, &sub, &r->lines[i]) == -1)
			return -1;
	}
	r->f.end_tun = t != NULL ? t->no : 0;
	for (n = 0; n < 2; n++) {
		if (r->f.tun[n].no == 0)
			return no_tunnel(r, n);
		snprintf(r->f.tun[n].ifname, sizeof(r->f.tun[n].ifname),
		    "vti%d", n);
	}
	return 0;
}

/* ---- VyOS format --------------------------------------------------------- */

struct vy_peer {
	struct in_addr	 addr;		/* the VGW's outside address */
	struct conf_pos	 pos;		/* of its first line */
	int		 section;	/* IPSec Tunnel #N around it, or 0 */
	struct value	 local;		/* local-address */
	char		 bind[IF_NAMESIZE];
	struct conf_pos	 bind_pos;
};

struct vy_vti {
	char		 name[IF_NAMESIZE];
	struct value	 addr;
	struct conf_pos	 pos;
};

struct vy_nbr {
	struct in_addr	 addr;
	struct conf_pos	 pos;
	struct value	 remote_as, hold, keepalive;
};

struct vyos {
	struct vy_peer	 peers[VY_MAX];
	size_t		 n_peers;
	struct vy_vti	 vtis[VY_MAX];
	size_t		 n_vtis;
	struct vy_nbr	 nbrs[VY_MAX];
	size_t		 n_nbrs;
	struct value	 local_as;
	int		 section;	/* the IPSec Tunnel #N we are in */
	struct tunnel	 scratch;	/* for set_value() outside tunnels */
};

/* The statements we read; %x is any word, captured in order. */
enum vy_stmt {
	VY_LOCAL, VY_BIND, VY_VTI_ADDR, VY_REMOTE_AS, VY_HOLD, VY_KEEPALIVE,
	VY_NETWORK, VY_SYSTEM_AS
};

static const struct vy_pattern {
	const char	*words;
	enum vy_stmt	 stmt;
	bool		 has_as;	/* the first capture is the local AS */
	bool		 more;		/* options may follow */
} vy_patterns[] = {
	{ "set vpn ipsec site-to-site peer %p local-address %v", VY_LOCAL,
	    false, false },
	{ "set vpn ipsec site-to-site peer %p vti bind %v", VY_BIND, false,
	    false },
	{ "set interfaces vti %i address %v", VY_VTI_ADDR, false, false },
	{ "set protocols bgp %a neighbor %n remote-as %v", VY_REMOTE_AS,
	    true, false },
	{ "set protocols bgp %a neighbor %n timers holdtime %v", VY_HOLD,
	    true, false },
	{ "set protocols bgp %a neighbor %n timers keepalive %v",
	    VY_KEEPALIVE, true, false },
	{ "set protocols bgp %a network %v", VY_NETWORK, true, true },
	/* VyOS 1.4 and later */
	{ "set protocols bgp system-as %v", VY_SYSTEM_AS, false, false },
	{ "set protocols bgp neighbor %n remote-as %v", VY_REMOTE_AS, false,
	    false },
	{ "set protocols bgp neighbor %n timers holdtime %v", VY_HOLD, false,
	    false },
	{ "set protocols bgp neighbor %n timers keepalive %v", VY_KEEPALIVE,
	    false, false },
	{ "set protocols bgp address-family ipv4-unicast network %v",
	    VY_NETWORK, false, true },
};

/* Split a VyOS line into words; 'quoted words' lose their quotes. */
static size_t
vy_words(const struct line *ln, struct word *words, size_t max)
{
	struct word	w = line_word(ln), q;
	size_t		n = 0;
	const char	*end;

	for (trim(&w); w.len > 0 && n < max; trim(&w)) {
		if (w.s[0] != '\'' && w.s[0] != '"') {
			words[n++] = next_word(&w);
			continue;
		}
		q = w;
		q.s++;
		q.pos.col++;
		end = memchr(q.s, w.s[0], w.len - 1);
		q.len = end != NULL ? (size_t)(end - q.s) : w.len - 1;
		words[n++] = q;
		w.len -= q.len + 1 + (end != NULL);
		w.s += q.len + 1 + (end != NULL);
		w.pos.col += (int)(q.len + 1 + (end != NULL));
	}
	return n;
}

/*
 * Match words against pattern p.  Returns 1 and the captures, 0 if the
 * line is something else, -1 (error set) if it is this statement but
 * lacks its value or has more words.
 */
static int
vy_match(struct reader *r, const struct word *words, size_t n,
    const struct vy_pattern *p, struct word *caps, size_t *n_caps)
{
	char		 shown[MAX_SHOW + 1];
	const char	*s = p->words;
	size_t		 i, len;

	*n_caps = 0;
	for (i = 0; *s != '\0'; i++, s += len + (s[len] == ' ')) {
		len = strcspn(s, " ");
		if (i >= n) {
			if (s[len] != '\0' || s[0] != '%' || i == 0)
				return 0;
			return import_errorf(r->err, words[i - 1].pos,
			    "'%s' without a value", show(&words[i - 1],
			    shown, sizeof(shown)));
		}
		if (s[0] == '%') {
			caps[(*n_caps)++] = words[i];
			continue;
		}
		if (words[i].len != len || memcmp(words[i].s, s, len) != 0)
			return 0;
	}
	if (i < n && !p->more)
		return import_errorf(r->err, words[i].pos,
		    "unexpected '%s' after the value",
		    show(&words[i], shown, sizeof(shown)));
	return 1;
}

static struct vy_peer *
vy_peer(struct reader *r, struct vyos *vy, const struct word *w)
{
	struct value	 v;
	char		 why[256];
	size_t		 i;

	memset(&v, 0, sizeof(v));
	if (read_value(V_ADDR, *w, &v, why, sizeof(why)) == -1) {
		import_errorf(r->err, w->pos, "site-to-site peer: %s", why);
		return NULL;
	}
	for (i = 0; i < vy->n_peers; i++)
		if (vy->peers[i].addr.s_addr == v.addr.s_addr)
			return &vy->peers[i];
	if (vy->n_peers == VY_MAX) {
		import_errorf(r->err, w->pos, "more than %d site-to-site peers",
		    VY_MAX);
		return NULL;
	}
	vy->peers[i].addr = v.addr;
	vy->peers[i].pos = w->pos;
	vy->peers[i].section = vy->section;
	vy->n_peers++;
	return &vy->peers[i];
}

static struct vy_nbr *
vy_nbr(struct reader *r, struct vyos *vy, const struct word *w)
{
	struct value	 v;
	char		 why[256];
	size_t		 i;

	memset(&v, 0, sizeof(v));
	if (read_value(V_ADDR, *w, &v, why, sizeof(why)) == -1) {
		import_errorf(r->err, w->pos, "BGP neighbor: %s", why);
		return NULL;
	}
	for (i = 0; i < vy->n_nbrs; i++)
		if (vy->nbrs[i].addr.s_addr == v.addr.s_addr)
			return &vy->nbrs[i];
	if (vy->n_nbrs == VY_MAX) {
		import_errorf(r->err, w->pos, "more than %d BGP neighbors",
		    VY_MAX);
		return NULL;
	}
	vy->nbrs[i].addr = v.addr;
	vy->nbrs[i].pos = w->pos;
	vy->n_nbrs++;
	return &vy->nbrs[i];
}

/* An interface name as VyOS and Linux take it. */
static int
vy_ifname(struct reader *r, const struct word *w, char *buf)
{
	char	shown[MAX_SHOW + 1];
	size_t	i;

	for (i = 0; i < w->len; i++)
		if (!isalnum((unsigned char)w->s[i]) && w->s[i] != '-' &&
		    w->s[i] != '_' && w->s[i] != '.')
			break;
	if (w->len == 0 || i < w->len || !copy_word(w, buf, IF_NAMESIZE))
		return import_errorf(r->err, w->pos,
		    "'%s' is not an interface name", show(w, shown,
		    sizeof(shown)));
	return 0;
}

static struct vy_vti *
vy_vti(struct reader *r, struct vyos *vy, const struct word *w)
{
	char	name[IF_NAMESIZE];
	size_t	i;

	if (vy_ifname(r, w, name) == -1)
		return NULL;
	for (i = 0; i < vy->n_vtis; i++)
		if (strcmp(vy->vtis[i].name, name) == 0)
			return &vy->vtis[i];
	if (vy->n_vtis == VY_MAX) {
		import_errorf(r->err, w->pos, "more than %d vti interfaces",
		    VY_MAX);
		return NULL;
	}
	memcpy(vy->vtis[i].name, name, sizeof(name));
	vy->vtis[i].pos = w->pos;
	vy->n_vtis++;
	return &vy->vtis[i];
}

/* Read w into v (VyOS: no tunnel number yet); what names it. */
static int
vy_value(struct reader *r, struct vyos *vy, struct value *v, enum vtype type,
    const char *what, const struct word *w)
{
	vy->scratch.v[0] = *v;
	if (set_value(r, &vy->scratch, 0, type, what, *w) == -1)
		return -1;
	*v = vy->scratch.v[0];
	return 0;
}

/* A network line: kept (once) for a comment, never copied. */
static int
vy_network(struct reader *r, const struct word *w)
{
	struct conf_prefix	 pfx;
	char			 buf[MAX_VALUE], why[256];
	size_t			 i;

	if (w->len >= sizeof(buf))
		return import_errorf(r->err, w->pos, "network: value too "
		    "long");
	show(w, buf, sizeof(buf));
	if (conf_read_prefix(buf, &pfx, why, sizeof(why)) == -1)
		return import_errorf(r->err, w->pos, "network: %s", why);
	for (i = 0; i < r->f.n_nets; i++)
		if (r->f.nets[i].pfx.addr.s_addr == pfx.addr.s_addr &&
		    r->f.nets[i].pfx.len == pfx.len)
			return 0;
	if (r->f.n_nets == VY_MAX_NETS)
		return 0;
	r->f.nets[i].pfx = pfx;
	r->f.nets[i].line = w->pos.line;
	r->f.n_nets++;
	return 0;
}

static int
vy_stmt(struct reader *r, struct vyos *vy, enum vy_stmt stmt,
    const struct word *c)
{
	struct vy_peer	*p;
	struct vy_vti	*vt;
	struct vy_nbr	*nb;
	char		 name[IF_NAMESIZE], a[INET_ADDRSTRLEN], what[64];

	switch (stmt) {
	case VY_LOCAL:
		if ((p = vy_peer(r, vy, &c[0])) == NULL)
			return -1;
		return vy_value(r, vy, &p->local, V_ADDR, "local-address",
		    &c[1]);
	case VY_BIND:
		if ((p = vy_peer(r, vy, &c[0])) == NULL ||
		    vy_ifname(r, &c[1], name) == -1)
			return -1;
		if (p->bind[0] != '\0' && strcmp(p->bind, name) != 0)
			return import_errorf(r->err, c[1].pos, "site-to-site "
			    "peer %s is bound to %s already (line %d)", inet_ntop(
			    AF_INET, &p->addr, a, sizeof(a)), p->bind,
			    p->bind_pos.line);
		p->bind_pos = c[1].pos;
		memcpy(p->bind, name, sizeof(name));
		return 0;
	case VY_VTI_ADDR:
		if ((vt = vy_vti(r, vy, &c[0])) == NULL)
			return -1;
		snprintf(what, sizeof(what), "%s address", vt->name);
		return vy_value(r, vy, &vt->addr, V_INSIDE, what, &c[1]);
	case VY_NETWORK:
		return vy_network(r, &c[0]);
	case VY_SYSTEM_AS:
		return vy_value(r, vy, &vy->local_as, V_ASN, "local AS",
		    &c[0]);
	default:
		break;
	}
	if ((nb = vy_nbr(r, vy, &c[0])) == NULL)
		return -1;
	snprintf(what, sizeof(what), "neighbor %s %s", inet_ntop(AF_INET,
	    &nb->addr, a, sizeof(a)), stmt == VY_REMOTE_AS ? "remote-as" :
	    stmt == VY_HOLD ? "holdtime" : "keepalive");
	if (stmt == VY_REMOTE_AS)
		return vy_value(r, vy, &nb->remote_as, V_ASN, what, &c[1]);
	if (stmt == VY_HOLD)
		return vy_value(r, vy, &nb->hold, V_SECONDS, what, &c[1]);
	return vy_value(r, vy, &nb->keepalive, V_SECONDS, what, &c[1]);
}

static int
vy_line(struct reader *r, struct vyos *vy, const struct line *ln)
{
	struct word	words[MAX_WORDS], caps[4];
	size_t		i, n, n_caps;
	int		rc;

	n = vy_words(ln, words, MAX_WORDS);
	if (n == 0 || words[0].len != 3 || strncmp(words[0].s, "set", 3) != 0)
		return 0;
	for (i = 0; i < sizeof(vy_patterns) / sizeof(vy_patterns[0]); i++) {
		rc = vy_match(r, words, n, &vy_patterns[i], caps, &n_caps);
		if (rc == -1)
			return -1;
		if (rc == 0)
			continue;
		if (vy_patterns[i].has_as && vy_value(r, vy, &vy->local_as,
		    V_ASN, "local AS", &caps[0]) == -1)
			return -1;
		return vy_stmt(r, vy, vy_patterns[i].stmt,
		    caps + vy_patterns[i].has_as);
	}
	return 0;
}

/* The neighbor in the /30 of vti address a, other than a. */
static struct vy_nbr *
vy_nbr_in(struct vyos *vy, struct in_addr a)
{
	uint32_t	h = ntohl(a.s_addr), n;
	size_t		i;

	for (i = 0; i < vy->n_nbrs; i++) {
		n = ntohl(vy->nbrs[i].addr.s_addr);
		if ((n & ~3U) == (h & ~3U) && n != h)
			return &vy->nbrs[i];
	}
	return NULL;
}

/*
 * Whether the file ends before the rest of the tunnel of peer i (which
 * may be missing): it is the last peer, and no more VTI addresses (with
 * vti) or neighbors follow than the peers before it have.  Without any
 * peer, whether it holds nothing but AWS's first lines.
 */
static bool
vy_ends_at(const struct reader *r, const struct vyos *vy, size_t i,
    bool vti)
{
	if (vy->n_peers == 0)
		return import_preamble_only(&r->scan);
	return i + 1 >= vy->n_peers && (!vti || vy->n_vtis <= i) &&
	    vy->n_nbrs <= i;
}

/* err is filled in: add that the file ends early if it does at peer i. */
static int
vy_failed(struct reader *r, const struct vyos *vy, size_t i, bool vti)
{
	if (vy_ends_at(r, vy, i, vti))
		return import_ends_early(&r->scan, r->err);
	return -1;
}

/* Tunnel t from peer p: its VTI, the neighbor in the VTI's /30. */
static int
vy_tunnel(struct reader *r, struct vyos *vy, const struct vy_peer *p,
    struct tunnel *t)
{
	struct vy_vti	*vt = NULL;
	struct vy_nbr	*nb;
	char		 a[INET_ADDRSTRLEN];
	size_t		 i;

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	for (i = 0; i < vy->n_vtis; i++)
		if (strcmp(vy->vtis[i].name, p->bind) == 0)
			vt = &vy->vtis[i];
	if (vt == NULL || !vt->addr.set) {
		import_errorf(r->err, p->bind_pos, "tunnel %d: peer %s is "
		    "bound to %s, but there is no 'set interfaces vti %s "
		    "address'", t->no, a, p->bind, p->bind);
		return vy_failed(r, vy, (size_t)(p - vy->peers), true);
	}
	if ((nb = vy_nbr_in(vy, vt->addr.addr)) == NULL) {
		import_errorf(r->err, vt->addr.pos, "tunnel %d: no BGP "
		    "neighbor in the /30 of %s", t->no, vt->name);
		return vy_failed(r, vy, (size_t)(p - vy->peers), false);
	}
	if (!nb->remote_as.set)
		return import_errorf(r->err, nb->pos, "tunnel %d: BGP neighbor "
		    "%s has no remote-as", t->no, inet_ntop(AF_INET, &nb->addr,
		    a, sizeof(a)));
	snprintf(t->ifname, sizeof(t->ifname), "%s", p->bind);
	t->ifpos = p->bind_pos;
	t->sub_pos[SUB_BGP] = nb->pos;
	t->v[K_VGW_OUT].set = true;
	t->v[K_VGW_OUT].addr = p->addr;
	t->v[K_VGW_OUT].pos = p->pos;
	t->v[K_CGW_OUT] = p->local;
	t->v[K_CGW_IN] = vt->addr;
	t->v[K_VGW_IN].set = true;
	t->v[K_VGW_IN].addr = nb->addr;
	t->v[K_VGW_IN].pos = nb->pos;
	t->v[K_LOCAL_AS] = vy->local_as;
	t->v[K_REMOTE_AS] = nb->remote_as;
	t->v[K_HOLD] = nb->hold;
	t->v[K_KEEPALIVE] = nb->keepalive;
	return 0;
}

/* Number the peers: by their IPSec Tunnel #N sections, else in order. */
static int
vy_tunnels(struct reader *r, struct vyos *vy)
{
	const struct vy_peer	*p[2];
	size_t			 i, n = 0;
	char			 a[INET_ADDRSTRLEN];
	bool			 swap;

	for (i = 0; i < vy->n_peers; i++) {
		inet_ntop(AF_INET, &vy->peers[i].addr, a, sizeof(a));
		if (vy->peers[i].bind[0] == '\0') {
			import_errorf(r->err, vy->peers[i].pos, "site-to-site "
			    "peer %s has no 'vti bind'", a);
			return vy_failed(r, vy, i, true);
		}
		if (n == 2)
			return import_errorf(r->err, vy->peers[i].pos,
			    "a third site-to-site peer (%s): an AWS VPN "
			    "connection has two tunnels", a);
		p[n++] = &vy->peers[i];
	}
	if (n < 2) {
		import_errorf(r->err, nowhere, "no IPSec Tunnel #%zu: %s "
		    "site-to-site peer with a 'vti bind'", n + 1,
		    n == 0 ? "no" : "only one");
		return vy_failed(r, vy, n, true);
	}
	swap = p[0]->section == 2 && p[1]->section == 1;
	for (i = 0; i < 2; i++) {
		r->f.tun[i].no = (int)i + 1;
		r->f.tun[i].pos = p[i ^ swap]->pos;
		if (vy_tunnel(r, vy, p[i ^ swap], &r->f.tun[i]) == -1)
			return -1;
	}
	return 0;
}

static int
read_vyos(struct reader *r)
{
	struct vyos	*vy;
	struct conf_pos	 pos;
	struct word	 w, key, val;
	size_t		 i;
	int		 n, rc = -1;

	if ((vy = calloc(1, sizeof(*vy))) == NULL)
		fatal("calloc");
	for (i = 0; i < r->n_lines; i++) {
		if ((n = tunnel_header(r, &r->lines[i], true, &pos)) == -1)
			goto out;
		if (n > 0)
			vy->section = n;
		else if (is_banner(r, i, true))
			vy->section = 0;
		w = line_word(&r->lines[i]);
		strip_bang(&w);
		if (split_key(w, &key, &val))
			vpn_id(r, &key, val);
		if (vy_line(r, vy, &r->lines[i]) == -1)
			goto out;
	}
	rc = vy_tunnels(r, vy);
out:
	free(vy);
	return rc;
}

/* ---- checks -------------------------------------------------------------- */

/* Where a missing value of t should have been. */
static struct conf_pos
missing_pos(const struct tunnel *t, enum key k)
{
	static const enum sub	where[K_MAX] = {
		[K_CGW_OUT] = SUB_OUTSIDE, [K_VGW_OUT] = SUB_OUTSIDE,
		[K_CGW_IN] = SUB_INSIDE, [K_VGW_IN] = SUB_INSIDE,
		[K_LOCAL_AS] = SUB_BGP, [K_REMOTE_AS] = SUB_BGP,
		[K_HOLD] = SUB_BGP,
	};

	if (where[k] != SUB_NONE && t->sub_pos[where[k]].line > 0)
		return t->sub_pos[where[k]];
	return t->pos;
}

/*
 * Whether a Generic file ends where value k of t should be: in t's
 * section, before any value AWS writes after k.
 */
static bool
ends_before(const struct reader *r, const struct tunnel *t, enum key k)
{
	static const int	rank[K_MAX] = {
		[K_CGW_OUT] = 1, [K_VGW_OUT] = 2, [K_CGW_IN] = 3,
		[K_VGW_IN] = 4, [K_LOCAL_AS] = 5, [K_REMOTE_AS] = 6,
		[K_NEIGHBOR] = 7, [K_HOLD] = 8, [K_KEEPALIVE] = 9,
	};
	int			j;

	if (r->fmt != IMPORT_AWS_GENERIC || r->f.end_tun != t->no)
		return false;
	for (j = 0; j < K_MAX; j++)
		if (rank[j] > rank[k] && t->v[j].set)
			return false;
	return true;
}

static int
check_inside(struct reader *r, const struct tunnel *t)
{
	const struct value	*c = &t->v[K_CGW_IN], *v = &t->v[K_VGW_IN];
	const struct value	*nb = &t->v[K_NEIGHBOR];
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint32_t		 hc = ntohl(c->addr.s_addr);
	uint32_t		 hv = ntohl(v->addr.s_addr);

	inet_ntop(AF_INET, &v->addr, a, sizeof(a));
	inet_ntop(AF_INET, &c->addr, b, sizeof(b));
	if (hc == hv)
		return import_errorf(r->err, v->pos, "tunnel %d: both inside "
		    "addresses are %s", t->no, a);
	if ((hc & ~3U) != (hv & ~3U) || (hv & 3) == 0 || (hv & 3) == 3)
		return import_errorf(r->err, v->pos, "tunnel %d: Virtual "
		    "Private Gateway inside address %s is not in the /30 of "
		    "the Customer Gateway's %s", t->no, a, b);
	if (nb->set && nb->addr.s_addr != v->addr.s_addr) {
		inet_ntop(AF_INET, &nb->addr, b, sizeof(b));
		return import_errorf(r->err, nb->pos, "tunnel %d: Neighbor IP "
		    "Address %s is not the Virtual Private Gateway inside "
		    "address %s", t->no, b, a);
	}
	return 0;
}

/* Say that t's hold time is AWS's, as the file gives none we read. */
static void
warn_hold(struct reader *r, const struct tunnel *t)
{
	if (t->unread_hold.line > 0)
		import_warnf(r, t->unread_hold, "tunnel %d: no hold time read "
		    "('%s' is not a key import knows): using %d s, what AWS "
		    "uses", t->no, t->unread_key, AWS_HOLD);
	else
		import_warnf(r, missing_pos(t, K_HOLD), "tunnel %d: no hold "
		    "time in the file: using %d s, what AWS uses", t->no,
		    AWS_HOLD);
}

static int
check_timers(struct reader *r, struct tunnel *t)
{
	struct value	*h = &t->v[K_HOLD], *k = &t->v[K_KEEPALIVE];

	if (h->set && h->num > 0 && h->num < 3)
		return import_errorf(r->err, h->pos, "tunnel %d: hold time "
		    "%us: BGP takes 0 or 3 to 65535 seconds (RFC 4271 4.2)",
		    t->no, h->num);
	if (!h->set) {
		h->num = AWS_HOLD;
		warn_hold(r, t);
	}
	if (k->set && h->num > 0 && k->num >= h->num)
		return import_errorf(r->err, k->pos, "tunnel %d: keepalive %us "
		    "is not below the hold time %us", t->no, k->num, h->num);
	if (!k->set)
		k->num = h->num / 3;
	return 0;
}

static int
check_tunnel(struct reader *r, struct tunnel *t)
{
	static const enum key	required[] = {
		K_VGW_OUT, K_CGW_IN, K_VGW_IN, K_LOCAL_AS, K_REMOTE_AS
	};
	size_t			i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (t->v[required[i]].set)
			continue;
		import_errorf(r->err, missing_pos(t, required[i]), "tunnel "
		    "%d: no %s", t->no, key_names[required[i]]);
		if (ends_before(r, t, required[i]))
			return import_ends_early(&r->scan, r->err);
		return -1;
	}
	if (check_inside(r, t) == -1)
		return -1;
	if (t->v[K_LOCAL_AS].num == t->v[K_REMOTE_AS].num)
		return import_errorf(r->err, t->v[K_REMOTE_AS].pos, "tunnel %d: "
		    "the Virtual Private Gateway ASN equals the Customer "
		    "Gateway's (%u): only eBGP is supported", t->no,
		    t->v[K_REMOTE_AS].num);
	return check_timers(r, t);
}

/* What both tunnels must share, and what they must not. */
static int
check_pair(struct reader *r)
{
	const struct tunnel	*t1 = &r->f.tun[0], *t2 = &r->f.tun[1];
	static const enum key	 same[] = { K_LOCAL_AS, K_REMOTE_AS };
	size_t			 i;
	enum key		 k;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		k = same[i];
		if (t1->v[k].num != t2->v[k].num)
			return import_errorf(r->err, t2->v[k].pos, "tunnel 2: "
			    "%s %u differs from tunnel 1's %u (line %d)",
			    key_names[k], t2->v[k].num, t1->v[k].num,
			    t1->v[k].pos.line);
	}
	if (strcmp(t1->ifname, t2->ifname) == 0)
		return import_errorf(r->err, t2->ifpos, "tunnel 2: interface "
		    "%s is also tunnel 1's", t2->ifname);
	if ((ntohl(t1->v[K_CGW_IN].addr.s_addr) & ~3U) ==
	    (ntohl(t2->v[K_CGW_IN].addr.s_addr) & ~3U))
		return import_errorf(r->err, t2->v[K_CGW_IN].pos, "tunnel 2: "
		    "its inside /30 is also tunnel 1's (line %d)",
		    t1->v[K_CGW_IN].pos.line);
	if (t1->v[K_VGW_OUT].addr.s_addr == t2->v[K_VGW_OUT].addr.s_addr)
		return import_errorf(r->err, t2->v[K_VGW_OUT].pos, "tunnel 2: "
		    "its Virtual Private Gateway outside address is also "
		    "tunnel 1's (line %d)", t1->v[K_VGW_OUT].pos.line);
	return 0;
}

/* Without this gateway's outside address, the router id is assumed. */
static void
warn_router_id(struct reader *r)
{
	const struct tunnel	*t = &r->f.tun[0];
	char			 a[INET_ADDRSTRLEN];

	if (t->v[K_CGW_OUT].set)
		return;
	inet_ntop(AF_INET, &t->v[K_CGW_IN].addr, a, sizeof(a));
	import_warnf(r, nowhere, "no Customer Gateway outside address in the "
	    "file: router-id %s (tunnel 1's inside address) assumed; set a "
	    "stable address of this gateway instead", a);
}

static int
check_opts(struct import_error *err, const struct import_opts *o)
{
	struct conf_prefix	pfx;
	char			why[256];
	size_t			i;

	for (i = 0; i < o->n_networks; i++)
		if (conf_read_prefix(o->networks[i], &pfx, why,
		    sizeof(why)) == -1)
			return import_errorf(err, nowhere, "--network: %s",
			    why);
	for (i = 0; i < o->n_allow; i++)
		if (conf_read_prefix(o->allow[i], &pfx, why, sizeof(why)) == -1)
			return import_errorf(err, nowhere, "--allow: %s", why);
	if (o->n_networks > CONF_MAX_EXPORT)
		return import_errorf(err, nowhere, "--network given %zu "
		    "times: an AWS VGW accepts at most %d prefixes",
		    o->n_networks, CONF_MAX_EXPORT);
	return 0;
}

/* ---- output -------------------------------------------------------------- */

static const char *
ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* "line N" or "not in the file": where a value came from. */
static const char *
from(const struct value *v, char *buf, size_t size)
{
	if (v->pos.line > 0)
		snprintf(buf, size, "line %d", v->pos.line);
	else
		snprintf(buf, size, "not in the file");
	return buf;
}

/* Where t's hold time came from, for its comment. */
static const char *
hold_from(const struct tunnel *t, char *buf, size_t size)
{
	if (t->v[K_HOLD].set)
		return from(&t->v[K_HOLD], buf, size);
	if (t->unread_hold.line > 0)
		snprintf(buf, size, "line %d not read: what AWS uses",
		    t->unread_hold.line);
	else
		snprintf(buf, size, "not in the file: what AWS uses");
	return buf;
}

static void
write_header(FILE *f, const struct reader *r)
{
	const struct tunnel	*t = &r->f.tun[0];
	const struct value	*rid = t->v[K_CGW_OUT].set ?
	    &t->v[K_CGW_OUT] : &t->v[K_CGW_IN];
	char			 a[INET_ADDRSTRLEN], l[32];

	fprintf(f, "# vtibgpd.conf for the AWS Site-to-Site VPN connection%s%s,"
	    "\n# written by `vtibgpctl import %s` from the file AWS offers "
	    "for\n# download.  Check it with `vtibgpd -n -f FILE`; each key "
	    "is described in\n# vtibgpd.conf(5).\n\n",
	    r->f.vpn_id[0] ? " " : "", r->f.vpn_id,
	    r->fmt == IMPORT_AWS_VYOS ? "aws-vyos" : "aws-generic");
	if (t->v[K_CGW_OUT].set)
		fprintf(f, "# The router id is this gateway's outside (public) "
		    "address (%s),\n# unique and stable.", from(rid, l,
		    sizeof(l)));
	else
		fprintf(f, "# The file gives no outside address for this "
		    "gateway, so the router id is\n# tunnel 1's inside "
		    "address (%s): better set a stable address of this\n"
		    "# gateway.", from(rid, l, sizeof(l)));
	fprintf(f, "  The inside addresses are link-local and change\n# "
	    "when AWS replaces a tunnel, which makes them a poor router "
	    "id.\n");
	fprintf(f, "router-id %s\nlocal-as %u\t\t\t# Customer Gateway ASN, "
	    "%s\n\n", ntoa(rid->addr, a), t->v[K_LOCAL_AS].num,
	    from(&t->v[K_LOCAL_AS], l, sizeof(l)));
}

static void
write_vyos_networks(FILE *f, const struct reader *r)
{
	char	p[32];
	size_t	i;

	for (i = 0; i < r->f.n_nets; i++) {
		conf_prefix_str(&r->f.nets[i].pfx, p, sizeof(p));
		if (r->f.nets[i].pfx.len == 0)
			fprintf(f, "# The AWS file announces %s (line %d), a "
			    "placeholder it asks\n# to replace with this "
			    "site's prefixes.  Not copied: a default route\n"
			    "# announced to AWS would draw the VPC's traffic "
			    "for every destination\n# to this site.\n", p,
			    r->f.nets[i].line);
		else
			fprintf(f, "# The file announces %s (line %d): not "
			    "copied; give it with --network if meant.\n", p,
			    r->f.nets[i].line);
	}
}

static void
write_networks(FILE *f, const struct reader *r, const struct import_opts *o)
{
	size_t	i;

	write_vyos_networks(f, r);
	if (o->n_networks == 0) {
		fprintf(f, "# No --network given: nothing is announced, so "
		    "AWS has no route back to\n# this site.  Add a line for "
		    "each local prefix (at most %d), such as:\n"
		    "#network 172.16.0.0/16\n\n", CONF_MAX_EXPORT);
		return;
	}
	fprintf(f, "# This site's networks, announced to AWS on both "
	    "tunnels.\n");
	for (i = 0; i < o->n_networks; i++)
		fprintf(f, "network %s\n", o->networks[i]);
	fputc('\n', f);
}

static void
write_import(FILE *f, const struct import_opts *o)
{
	size_t	i;

	fprintf(f, "import {\n");
	if (o->n_allow == 0)
		fprintf(f, "\t# No --allow given: no route learned from AWS is "
		    "installed.  Allow the\n\t# VPC's CIDRs (the VGW "
		    "announces each one as it is), such as:\n"
		    "\t#allow 10.10.0.0/16\n");
	for (i = 0; i < o->n_allow; i++)
		fprintf(f, "\tallow %s\n", o->allow[i]);
	fprintf(f, "\tmax-prefix 1000 restart 60s\t# a VGW sends at most "
	    "1,000\n}\n\n");
}

static void
write_neighbor(FILE *f, const struct reader *r, const struct tunnel *t)
{
	const struct value	*v = t->v;
	char			 a[INET_ADDRSTRLEN], l[48];

	fprintf(f, "# Tunnel %d: the Virtual Private Gateway is %s outside,\n"
	    "# %s inside.\n", t->no, ntoa(v[K_VGW_OUT].addr, a),
	    inet_ntop(AF_INET, &v[K_VGW_IN].addr, l, sizeof(l)));
	fprintf(f, "neighbor %s {\n", ntoa(v[K_VGW_IN].addr, a));
	fprintf(f, "\tdescription \"%s%stunnel %d, VGW %s\"\n", r->f.vpn_id,
	    r->f.vpn_id[0] ? " " : "", t->no, ntoa(v[K_VGW_OUT].addr, a));
	if (r->fmt == IMPORT_AWS_VYOS)
		fprintf(f, "\tinterface %s\t\t# its vti bind, line %d\n",
		    t->ifname, t->ifpos.line);
	else
		fprintf(f, "\tinterface %s\t\t# tunnel %d's VTI\n", t->ifname,
		    t->no);
	fprintf(f, "\tremote-as %u\t\t# Virtual Private Gateway ASN, %s\n",
	    v[K_REMOTE_AS].num, from(&v[K_REMOTE_AS], l, sizeof(l)));
	fprintf(f, "\tlocal-address %s\n", ntoa(v[K_CGW_IN].addr, a));
	fprintf(f, "\thold-time %u\t\t# %s\n", v[K_HOLD].num,
	    hold_from(t, l, sizeof(l)));
	fprintf(f, "\tkeepalive %u\t\t# %s\n", v[K_KEEPALIVE].num,
	    v[K_KEEPALIVE].set ? from(&v[K_KEEPALIVE], l, sizeof(l)) :
	    "not in the file: a third of the hold time");
	if (t->no == 2)
		fprintf(f, "\t# To keep both directions on tunnel 1 while it "
		    "is up (stateful\n\t# firewalls): preference 90, "
		    "prepend 2\n");
	fprintf(f, "}\n");
}

static int
write_conf(FILE *f, const struct reader *r, const struct import_opts *o)
{
	write_header(f, r);
	write_networks(f, r, o);
	write_import(f, o);
	write_neighbor(f, r, &r->f.tun[0]);
	fputc('\n', f);
	write_neighbor(f, r, &r->f.tun[1]);
	return ferror(f) ? -1 : 0;
}

/* Write the configuration to out if the config parser takes it. */
static int
emit(struct reader *r, const struct import_opts *o, FILE *out)
{
	struct conf_error	 cerr;
	struct conf		*c;
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*f;
	int			 rc = -1;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	if (write_conf(f, r, o) == -1 || fclose(f) == EOF)
		fatal("open_memstream");
	if ((c = conf_parse_buffer("import", text, len, &cerr)) == NULL)
		import_errorf(r->err, nowhere, "the configuration would be "
		    "invalid: %s", cerr.msg);
	else if (fwrite(text, 1, len, out) != len)
		import_errorf(r->err, nowhere, "cannot write the "
		    "configuration");
	else
		rc = 0;
	conf_free(c);
	free(text);
	return rc;
}

/* ---- entry point --------------------------------------------------------- */

/*
 * Split text into lines, see what it is, and read it as r->fmt if it is
 * no other vendor's file.  Returns 0, or -1 with r->err filled in.
 */
static int
read_text(struct reader *r, const char *text, size_t len)
{
	struct import_error	*err = r->err;
	size_t			 n;

	if (split_lines(r, text, len) == -1)
		return -1;
	import_scan(r->lines, r->n_lines, &r->scan);
	if (import_check_vendor(r->fmt, &r->scan, err) == -1 ||
	    import_check_static(&r->scan, err) == -1)
		return -1;
	r->reading = true;
	r->no_end = text[len - 1] != '\n' && text[len - 1] != '\r';
	if ((r->fmt == IMPORT_AWS_VYOS ? read_vyos(r) : read_generic(r)) == 0)
		return 0;
	if (err->line == 0 && (n = strlen(err->msg)) < sizeof(err->msg) - 1)
		snprintf(err->msg + n, sizeof(err->msg) - n, "%s",
		    import_format_hint(r->fmt, &r->scan));
	return -1;
}

static bool
only_blanks(const char *text, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!is_blank(text[i]) && text[i] != '\n' && text[i] != '\r')
			return false;
	return true;
}

int
import_aws(enum import_format fmt, const char *text, size_t len,
    const struct import_opts *o, FILE *out, struct import_error *err,
    struct import_warnings *warn)
{
	struct reader	r;
	int		i, rc = -1;

	memset(&r, 0, sizeof(r));
	memset(err, 0, sizeof(*err));
	memset(warn, 0, sizeof(*warn));
	r.fmt = fmt;
	r.err = err;
	r.warn = warn;
	if (check_opts(err, o) == -1)
		return -1;
	if (len > IMPORT_MAX_SIZE)
		return import_errorf(err, nowhere, "larger than %d KiB: not "
		    "a file from AWS", IMPORT_MAX_SIZE / 1024);
	if (only_blanks(text, len))
		return import_errorf(err, nowhere, "empty file");
	if (import_is_utf16(text, len))
		return import_errorf(err, first, "UTF-16 text: save the file "
		    "as UTF-8 and import it again");
	if (read_text(&r, text, len) == 0) {
		for (i = 0; i < 2 && check_tunnel(&r, &r.f.tun[i]) == 0; i++)
			;
		if (i == 2 && check_pair(&r) == 0) {
			warn_router_id(&r);
			rc = emit(&r, o, out);
		}
	}
	/* a value cut short: the error is on the last line, left open */
	if (rc == -1 && r.reading && r.no_end && err->line > 0 &&
	    err->line == r.scan.last_line)
		import_ends_early(&r.scan, err);
	free(r.lines);
	if (rc == -1)
		warn->n = 0;
	return rc;
}
