/* SPDX-License-Identifier: ISC */
/*
 * import_aws.c: `vtibgpctl import`: read the configuration file that AWS
 * offers for download for a Site-to-Site VPN connection ("Generic" or
 * "Vyatta/VyOS" vendor) and write a complete vtibgpd.conf for its two
 * tunnels.
 *
 * Those files are written for people: banners, prose, and the few values
 * we need (addresses, ASNs, timers) in between.  import_detect.c first
 * tells what a file is; a reader per format (import_generic.c,
 * import_vyos.c) fills one struct tunnel per tunnel from the lines and
 * words of import_text.c; the checks here and the writer
 * (import_write.c) are shared.  Every value keeps its line and column, so
 * a bad value is reported where it is and a missing one where it should
 * be.
 *
 * The text may be anything (it is fuzzed): it is read only within len,
 * never modified, nothing is copied without a bound, and there is no
 * recursion.  The result is parsed with the config parser before a byte
 * of it is written.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpctl/import_impl.h"

#define AWS_HOLD	30	/* what AWS uses when the file says nothing */

static const struct conf_pos first = { 1, 1 };

/* Where a missing value of t should have been. */
static struct conf_pos
missing_pos(const struct tunnel *t, enum key k)
{
	static const enum sub	where[K_MAX] = {
		[K_CGW_OUT] = SUB_OUTSIDE, [K_VGW_OUT] = SUB_OUTSIDE,
		[K_CGW_IN] = SUB_INSIDE, [K_VGW_IN] = SUB_INSIDE,
		[K_LOCAL_AS] = SUB_BGP, [K_REMOTE_AS] = SUB_BGP,
		[K_HOLD] = SUB_BGP,
		[K_CGW_IN6] = SUB_INSIDE6, [K_VGW_IN6] = SUB_INSIDE6,
	};

	if (where[k] != SUB_NONE && t->sub_pos[where[k]].line > 0)
		return t->sub_pos[where[k]];
	/* no IPv6 subsection: where it belongs, after the IPv4 one */
	if (where[k] == SUB_INSIDE6 && t->sub_pos[SUB_INSIDE].line > 0)
		return t->sub_pos[SUB_INSIDE];
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
		[K_VGW_IN] = 4, [K_CGW_IN6] = 5, [K_VGW_IN6] = 6,
		[K_LOCAL_AS] = 7, [K_REMOTE_AS] = 8, [K_NEIGHBOR] = 9,
		[K_NEIGHBOR6] = 9, [K_HOLD] = 10, [K_KEEPALIVE] = 11,
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

/* t's inside IPv6 addresses: two ends of one /126, the neighbor the
 * gateway's. */
static int
check_inside6(struct reader *r, const struct tunnel *t)
{
	const struct value	*c = &t->v[K_CGW_IN6], *v = &t->v[K_VGW_IN6];
	const struct value	*nb = &t->v[K_NEIGHBOR6];
	char			 a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &v->addr6, a, sizeof(a));
	inet_ntop(AF_INET6, &c->addr6, b, sizeof(b));
	if (memcmp(&c->addr6, &v->addr6, sizeof(c->addr6)) == 0)
		return import_errorf(r->err, v->pos, "tunnel %d: both inside "
		    "IPv6 addresses are %s", t->no, a);
	if (memcmp(&c->addr6, &v->addr6, 15) != 0 ||
	    (c->addr6.s6_addr[15] & ~3) != (v->addr6.s6_addr[15] & ~3))
		return import_errorf(r->err, v->pos, "tunnel %d: Virtual "
		    "Private Gateway inside IPv6 address %s is not in the /126 "
		    "of the Customer Gateway's %s", t->no, a, b);
	if (nb->set && memcmp(&nb->addr6, &v->addr6, sizeof(v->addr6))) {
		inet_ntop(AF_INET6, &nb->addr6, b, sizeof(b));
		return import_errorf(r->err, nb->pos, "tunnel %d: Neighbor IP "
		    "Address %s is not the Virtual Private Gateway inside "
		    "IPv6 address %s", t->no, b, a);
	}
	return 0;
}

/* The first IPv6 value of the file's tunnels, if any. */
static const struct value *
first_v6(const struct reader *r)
{
	static const enum key	keys[] = { K_CGW_IN6, K_VGW_IN6, K_NEIGHBOR6 };
	const struct value	*best = NULL, *v;
	size_t			 i, n;

	for (n = 0; n < 2; n++)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			v = &r->f.tun[n].v[keys[i]];
			if (v->set && (best == NULL ||
			    v->pos.line < best->pos.line))
				best = v;
		}
	return best;
}

/*
 * Whether the tunnels carry IPv6: the file says so ("Tunnel Inside IP
 * Version : IPv6"), or gives an inside IPv6 address.  A file that says
 * IPv4 and gives one contradicts itself.
 */
static int
find_family(struct reader *r)
{
	const struct value	*v6 = first_v6(r);

	if (r->f.inside_ver == 4 && v6 != NULL)
		return import_errorf(r->err, v6->pos, "an IPv6 address, but "
		    "the file says the tunnels carry IPv4 (Tunnel Inside IP "
		    "Version, line %d)", r->f.ver_pos.line);
	r->f.v6 = r->f.inside_ver == 6 || v6 != NULL;
	return 0;
}

/*
 * Tunnel t of an IPv6 connection has no inside IPv6 address: say why we
 * expected some, what the file has instead, and where to find them.
 */
static int
no_inside6(struct reader *r, const struct tunnel *t)
{
	const struct value	*v6 = first_v6(r), *in4 = &t->v[K_CGW_IN];
	char			 why[96], has[96], a[INET_ADDRSTRLEN];

	if (r->f.inside_ver == 6)
		snprintf(why, sizeof(why), "the file says its tunnels carry "
		    "IPv6 (line %d)", r->f.ver_pos.line);
	else
		snprintf(why, sizeof(why), "the file has an IPv6 address "
		    "(line %d)", v6 != NULL ? v6->pos.line : 0);
	if (in4->set)
		snprintf(has, sizeof(has), ": it gives only the inside "
		    "IPv4 /30 (%s, line %d)", inet_ntop(AF_INET, &in4->addr,
		    a, sizeof(a)), in4->pos.line);
	else
		has[0] = '\0';
	return import_errorf(r->err, missing_pos(t, K_CGW_IN6), "tunnel %d: "
	    "no inside IPv6 addresses, though %s%s; download the \"Generic\" "
	    "configuration of this connection again (it lists \"Inside IPv6 "
	    "Addresses\" per tunnel), or see each tunnel's Inside IPv6 CIDR "
	    "in the console or in `aws ec2 describe-vpn-connections`", t->no,
	    why, has);
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
	static const enum key	req4[] = {
		K_VGW_OUT, K_CGW_IN, K_VGW_IN, K_LOCAL_AS, K_REMOTE_AS
	};
	static const enum key	req6[] = {
		K_VGW_OUT, K_CGW_IN6, K_VGW_IN6, K_LOCAL_AS, K_REMOTE_AS
	};
	const enum key		*req = r->f.v6 ? req6 : req4;
	size_t			 i;

	if (r->f.v6 && !t->v[K_CGW_IN6].set && !t->v[K_VGW_IN6].set &&
	    !ends_before(r, t, K_CGW_IN6))
		return no_inside6(r, t);
	for (i = 0; i < sizeof(req4) / sizeof(req4[0]); i++) {
		if (t->v[req[i]].set)
			continue;
		import_errorf(r->err, missing_pos(t, req[i]), "tunnel "
		    "%d: no %s", t->no, import_key_names[req[i]]);
		if (ends_before(r, t, req[i]))
			return import_ends_early(&r->scan, r->err);
		return -1;
	}
	/* an IPv6 connection's tunnels have a /30 too: checked if given */
	if ((!r->f.v6 || (t->v[K_CGW_IN].set && t->v[K_VGW_IN].set)) &&
	    check_inside(r, t) == -1)
		return -1;
	if (r->f.v6 && check_inside6(r, t) == -1)
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
			    import_key_names[k], t2->v[k].num, t1->v[k].num,
			    t1->v[k].pos.line);
	}
	if (strcmp(t1->ifname, t2->ifname) == 0)
		return import_errorf(r->err, t2->ifpos, "tunnel 2: interface "
		    "%s is also tunnel 1's", t2->ifname);
	if (t1->v[K_CGW_IN].set && t2->v[K_CGW_IN].set &&
	    (ntohl(t1->v[K_CGW_IN].addr.s_addr) & ~3U) ==
	    (ntohl(t2->v[K_CGW_IN].addr.s_addr) & ~3U))
		return import_errorf(r->err, t2->v[K_CGW_IN].pos, "tunnel 2: "
		    "its inside /30 is also tunnel 1's (line %d)",
		    t1->v[K_CGW_IN].pos.line);
	if (r->f.v6 && memcmp(&t1->v[K_CGW_IN6].addr6,
	    &t2->v[K_CGW_IN6].addr6, 15) == 0 &&
	    (t1->v[K_CGW_IN6].addr6.s6_addr[15] & ~3) ==
	    (t2->v[K_CGW_IN6].addr6.s6_addr[15] & ~3))
		return import_errorf(r->err, t2->v[K_CGW_IN6].pos, "tunnel 2: "
		    "its inside /126 is also tunnel 1's (line %d)",
		    t1->v[K_CGW_IN6].pos.line);
	if (t1->v[K_VGW_OUT].af == t2->v[K_VGW_OUT].af &&
	    t1->v[K_VGW_OUT].addr.s_addr == t2->v[K_VGW_OUT].addr.s_addr &&
	    memcmp(&t1->v[K_VGW_OUT].addr6, &t2->v[K_VGW_OUT].addr6,
	    sizeof(struct in6_addr)) == 0)
		return import_errorf(r->err, t2->v[K_VGW_OUT].pos, "tunnel 2: "
		    "its Virtual Private Gateway outside address is also "
		    "tunnel 1's (line %d)", t1->v[K_VGW_OUT].pos.line);
	return 0;
}

/*
 * Without this gateway's IPv4 outside address, the router id is assumed;
 * with no IPv4 address at all, there is none to assume.
 */
static int
warn_router_id(struct reader *r)
{
	const struct tunnel	*t = &r->f.tun[0];
	const struct value	*rid = import_rid(t), *out = &t->v[K_CGW_OUT];
	char			 a[INET_ADDRSTRLEN], why[64];

	if (rid == out)
		return 0;
	if (out->set)
		snprintf(why, sizeof(why), "the Customer Gateway outside "
		    "address is IPv6 (line %d)", out->pos.line);
	else
		snprintf(why, sizeof(why), "no Customer Gateway outside "
		    "address in the file");
	if (rid == NULL)
		return import_errorf(r->err, out->set ? out->pos :
		    missing_pos(t, K_CGW_OUT), "tunnel 1: %s and no inside "
		    "IPv4 address: no IPv4 address to take the router-id "
		    "from", why);
	inet_ntop(AF_INET, &rid->addr, a, sizeof(a));
	import_warnf(r, nowhere, "%s: router-id %s (tunnel 1's inside "
	    "address) assumed; set a stable address of this gateway "
	    "instead", why, a);
	return 0;
}

/* Without a gateway ID, the limit that fits both kinds is written. */
static void
warn_gateway(struct reader *r)
{
	if (r->f.gw != GW_UNKNOWN)
		return;
	import_warnf(r, nowhere, "no gateway ID (vgw-... or tgw-...) in the "
	    "file: max-prefix %d, what a transit gateway may send (a virtual "
	    "private gateway sends at most 1,000)", CONF_MAX_PREFIX_TGW);
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
	if (o->ifnames[0] == NULL && o->ifnames[1] == NULL)
		return 0;
	for (i = 0; i < 2; i++)
		if (o->ifnames[i] == NULL || o->ifnames[i][0] == '\0' ||
		    strlen(o->ifnames[i]) >= IF_NAMESIZE)
			return import_errorf(err, nowhere, "--interfaces: "
			    "two interface names of at most %d characters, "
			    "tunnel 1's and tunnel 2's", IF_NAMESIZE - 1);
	if (strcmp(o->ifnames[0], o->ifnames[1]) == 0)
		return import_errorf(err, nowhere, "--interfaces: tunnel 1 "
		    "and tunnel 2 both on %s", o->ifnames[0]);
	return 0;
}

/* --interfaces: the names of the tunnels' interfaces, not the file's. */
static void
set_ifnames(struct reader *r, const struct import_opts *o)
{
	int	i;

	if (o->ifnames[0] == NULL)
		return;
	for (i = 0; i < 2; i++) {
		snprintf(r->f.tun[i].ifname, sizeof(r->f.tun[i].ifname), "%s",
		    o->ifnames[i]);
		r->f.tun[i].ifpos = nowhere;
	}
	r->f.if_opt = true;
}

/*
 * Split text into lines, see what it is, and read it as r->fmt if it is
 * no other vendor's file.  Returns 0, or -1 with r->err filled in.
 */
static int
read_text(struct reader *r, const char *text, size_t len)
{
	struct import_error	*err = r->err;
	size_t			 n;

	if (import_split_lines(r, text, len) == -1)
		return -1;
	import_scan(r->lines, r->n_lines, &r->scan);
	if (import_check_vendor(r->fmt, &r->scan, err) == -1 ||
	    import_check_static(&r->scan, err) == -1)
		return -1;
	r->reading = true;
	r->no_end = text[len - 1] != '\n' && text[len - 1] != '\r';
	if ((r->fmt == IMPORT_AWS_VYOS ? import_read_vyos(r) :
	    import_read_generic(r)) == 0)
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
	if (read_text(&r, text, len) == 0 && find_family(&r) == 0) {
		set_ifnames(&r, o);
		for (i = 0; i < 2 && check_tunnel(&r, &r.f.tun[i]) == 0; i++)
			;
		if (i == 2 && check_pair(&r) == 0 &&
		    warn_router_id(&r) == 0) {
			warn_gateway(&r);
			rc = import_emit(&r, o, out);
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
