/* SPDX-License-Identifier: ISC */
/*
 * import_text.c: what both readers of the importer use: the text split
 * into lines and words, the values read from them (addresses, ASNs,
 * seconds), each with its line and column, and the sections every AWS
 * file has (banners, "IPSec Tunnel #N").
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpctl/import_impl.h"

#define RULE_MIN	10	/* dashes of a banner rule */

const char *const import_key_names[K_MAX] = {
	[K_CGW_OUT] = "Customer Gateway outside address",
	[K_VGW_OUT] = "Virtual Private Gateway outside address",
	[K_CGW_IN] = "Customer Gateway inside address",
	[K_VGW_IN] = "Virtual Private Gateway inside address",
	[K_NEIGHBOR] = "Neighbor IP Address",
	[K_LOCAL_AS] = "Customer Gateway ASN",
	[K_REMOTE_AS] = "Virtual Private Gateway ASN",
	[K_HOLD] = "Neighbor Hold Time",
	[K_KEEPALIVE] = "keepalive",
	[K_CGW_IN6] = "Customer Gateway inside IPv6 address",
	[K_VGW_IN6] = "Virtual Private Gateway inside IPv6 address",
	[K_NEIGHBOR6] = "Neighbor IP Address",
};

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
void
import_warnf(struct reader *r, struct conf_pos pos, const char *fmt, ...)
{
	va_list	ap;

	if (r->warn->n == IMPORT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	fill(&r->warn->w[r->warn->n++], pos, fmt, ap);
	va_end(ap);
}

void
import_trim(struct word *w)
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
void
import_strip_bang(struct word *w)
{
	while (w->len > 0 && w->s[0] == '!') {
		w->s++;
		w->len--;
		w->pos.col++;
	}
	import_trim(w);
}

/* The next word of w, skipping blanks; w keeps the rest.  len 0: none. */
struct word
import_next_word(struct word *w)
{
	struct word	r;

	import_trim(w);
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
bool
import_normalize(const struct word *w, char *buf, size_t size)
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
const char *
import_show(const struct word *w, char *buf, size_t size)
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
bool
import_copy_word(const struct word *w, char *buf, size_t size)
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
int
import_split_lines(struct reader *r, const char *text, size_t len)
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

/* An IPv6 unicast address. */
static int
read_addr6(const char *s, struct in6_addr *a, char *why, size_t size)
{
	uint8_t	af;

	if (conf_read_inet(s, &af, a, why, size) == -1)
		return -1;
	if (af != AF_INET6) {
		snprintf(why, size, "%s is not an IPv6 address", s);
		return -1;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_MULTICAST(a) ||
	    IN6_IS_ADDR_LOOPBACK(a)) {
		snprintf(why, size, "%s is not a unicast address", s);
		return -1;
	}
	return 0;
}

/*
 * "fd00:...:2/126": an address of a /126 in fd00::/8, where AWS takes a
 * tunnel's inside IPv6 CIDR from.  The API's XML gives each end as a
 * /128 (tunnel_inside_ipv6_address); that is taken too, and the two ends
 * must then share a /126 (import_aws.c).  The first address of the /126
 * is its Subnet-Router anycast address (RFC 4291 2.6.1), no host's.
 */
static int
read_inside6(char *s, struct in6_addr *a, char *why, size_t size)
{
	char	*slash = strchr(s, '/');

	if (slash == NULL) {
		snprintf(why, size, "'%s' has no /126", s);
		return -1;
	}
	*slash = '\0';
	if (read_addr6(s, a, why, size) == -1)
		return -1;
	if (strcmp(slash + 1, "126") != 0 && strcmp(slash + 1, "128") != 0) {
		snprintf(why, size, "%s/%s is not a /126", s, slash + 1);
		return -1;
	}
	if (a->s6_addr[0] != 0xfd) {
		snprintf(why, size, "%s is not inside fd00::/8", s);
		return -1;
	}
	if ((a->s6_addr[15] & 3) == 0) {
		snprintf(why, size, "%s is the first address of its /126 "
		    "(the Subnet-Router anycast address)", s);
		return -1;
	}
	return 0;
}

/* w as a value of type t: one word ("30 seconds" for V_SECONDS). */
int
import_read_value(enum vtype t, struct word w, struct value *v, char *why,
    size_t size)
{
	char		buf[MAX_VALUE], shown[MAX_SHOW + 1];
	struct word	val = import_next_word(&w), rest = import_next_word(&w);
	uint64_t	u;

	if (val.len == 0) {
		snprintf(why, size, "no value");
		return -1;
	}
	if (rest.len > 0 && !(t == V_SECONDS && w.len == 0 &&
	    rest.len == 7 && strncasecmp(rest.s, "seconds", 7) == 0)) {
		snprintf(why, size, "unexpected '%s' after the value",
		    import_show(&rest, shown, sizeof(shown)));
		return -1;
	}
	if (!import_copy_word(&val, buf, sizeof(buf))) {
		snprintf(why, size, "value '%s' is too long",
		    import_show(&val, shown, sizeof(shown)));
		return -1;
	}
	import_show(&val, buf, sizeof(buf));	/* printable in messages */
	switch (t) {
	case V_ADDR:
		return read_addr(buf, &v->addr, why, size);
	case V_INSIDE:
		return read_inside(buf, &v->addr, why, size);
	case V_ADDR6:
		return read_addr6(buf, &v->addr6, why, size);
	case V_INSIDE6:
		return read_inside6(buf, &v->addr6, why, size);
	case V_INET:
		if (strchr(buf, ':') == NULL) {
			v->af = AF_INET;
			return read_addr(buf, &v->addr, why, size);
		}
		v->af = AF_INET6;
		return read_addr6(buf, &v->addr6, why, size);
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

const char *
import_addr_str(const struct value *v, char *buf, size_t size)
{
	if (v->af == AF_INET6)
		return inet_ntop(AF_INET6, &v->addr6, buf, size);
	return inet_ntop(AF_INET, &v->addr, buf, size);
}

static bool
value_eq(const struct value *a, const struct value *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->num == b->num &&
	    memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) == 0;
}

/*
 * Read w into key k of tunnel t (t->no 0: not in a tunnel yet); what names
 * it in messages.  A value given twice must be the same.
 */
int
import_set_value(struct reader *r, struct tunnel *t, enum key k,
    enum vtype type, const char *what, struct word w)
{
	struct value	v;
	char		why[256], tn[24] = "";

	import_trim(&w);
	memset(&v, 0, sizeof(v));
	v.set = true;
	v.pos = w.pos;
	if (t->no > 0)
		snprintf(tn, sizeof(tn), "tunnel %d: ", t->no);
	if (import_read_value(type, w, &v, why, sizeof(why)) == -1)
		return import_errorf(r->err, w.pos, "%s%s: %s", tn, what, why);
	if (t->v[k].set && !value_eq(&t->v[k], &v))
		return import_errorf(r->err, w.pos, "%s%s given twice, "
		    "differently (first at line %d)", tn, what,
		    t->v[k].pos.line);
	if (!t->v[k].set)
		t->v[k] = v;
	return 0;
}

/* A line of dashes or equals signs. */
static bool
is_rule(const struct line *ln, bool bang)
{
	struct word	w = line_word(ln);
	size_t		i;

	if (bang)
		import_strip_bang(&w);
	else
		import_trim(&w);
	if (w.len < RULE_MIN)
		return false;
	for (i = 0; i < w.len; i++)
		if (w.s[i] != w.s[0] || (w.s[0] != '-' && w.s[0] != '='))
			return false;
	return true;
}

/* Line i is a rule, i + 1 a title and i + 2 a rule again. */
bool
import_is_banner(const struct reader *r, size_t i, bool bang)
{
	struct word	w;

	if (i + 2 >= r->n_lines || !is_rule(&r->lines[i], bang) ||
	    is_rule(&r->lines[i + 1], bang) || !is_rule(&r->lines[i + 2], bang))
		return false;
	w = line_word(&r->lines[i + 1]);
	if (bang)
		import_strip_bang(&w);
	import_trim(&w);
	return w.len > 0;
}

/*
 * "IPSec Tunnel #N" alone on line ln: returns N (1 or 2) and its position,
 * 0 if the line is something else, -1 for a tunnel number AWS never uses.
 */
int
import_tunnel_header(struct reader *r, const struct line *ln, bool bang,
    struct conf_pos *pos)
{
	static const char	 hdr[] = "ipsec tunnel #";
	struct word		 w = line_word(ln);
	char			 buf[MAX_KEY];
	const char		*p;

	if (bang)
		import_strip_bang(&w);
	import_trim(&w);
	if (!import_normalize(&w, buf, sizeof(buf)) ||
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
struct tunnel *
import_tunnel_start(struct reader *r, int n, struct conf_pos pos)
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

/* val, an AWS ID ("vpn-0a1b..."), into buf; false if it is not one. */
static bool
aws_id(struct word val, char *buf, size_t size)
{
	size_t	i;

	import_trim(&val);
	if (val.len == 0 || val.len >= size)
		return false;
	for (i = 0; i < val.len; i++)
		if (!isalnum((unsigned char)val.s[i]) && val.s[i] != '-')
			return false;
	memcpy(buf, val.s, val.len);
	buf[val.len] = '\0';
	return true;
}

/*
 * "Tunnel Inside IP Version : IPv6" (the console's and the API's name of
 * the choice, TunnelInsideIpVersion): the tunnels carry IPv6, and the
 * file must give each one's inside IPv6 addresses.
 */
static void
inside_version(struct reader *r, struct word val)
{
	char	buf[MAX_KEY];

	import_trim(&val);
	if (!import_normalize(&val, buf, sizeof(buf)))
		return;
	if (strcmp(buf, "ipv4") == 0)
		r->f.inside_ver = 4;
	else if (strcmp(buf, "ipv6") == 0)
		r->f.inside_ver = 6;
	else
		return;
	r->f.ver_pos = val.pos;
}

/*
 * "Your VPN Connection ID : vpn-..." anywhere: kept for the comments.
 * "Your Virtual Private Gateway ID : vgw-..." tells a VGW; a transit
 * gateway's ID is "tgw-..." (under that key, as AWS fills one template
 * for both, or "Your Transit Gateway ID"): the limits differ.
 */
void
import_header_id(struct reader *r, const struct word *key, struct word val)
{
	char	buf[MAX_KEY], id[sizeof(r->f.gw_id)];

	if (!import_normalize(key, buf, sizeof(buf)))
		return;
	if (strcmp(buf, "your vpn connection id") == 0) {
		(void)aws_id(val, r->f.vpn_id, sizeof(r->f.vpn_id));
		return;
	}
	if (strcmp(buf, "tunnel inside ip version") == 0) {
		inside_version(r, val);
		return;
	}
	if ((strcmp(buf, "your virtual private gateway id") != 0 &&
	    strcmp(buf, "your transit gateway id") != 0) ||
	    !aws_id(val, id, sizeof(id)))
		return;
	if (strncmp(id, "vgw-", 4) == 0)
		r->f.gw = GW_VGW;
	else if (strncmp(id, "tgw-", 4) == 0)
		r->f.gw = GW_TGW;
	else
		return;
	memcpy(r->f.gw_id, id, sizeof(id));
	r->f.gw_line = key->pos.line;
}

/*
 * Split "KEY : VALUE" at its first colon; false if there is none.  Older
 * files put a colon after the key too, then the padding and the colon of
 * the column ("- Customer Gateway:        : 198.51.100.7"): a colon
 * after nothing but blanks is that second one.
 */
bool
import_split_key(struct word w, struct word *key, struct word *val)
{
	const char	*colon = memchr(w.s, ':', w.len), *p;

	if (colon == NULL)
		return false;
	*key = w;
	key->len = (size_t)(colon - w.s);
	import_trim(key);
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
