/* SPDX-License-Identifier: ISC */
/*
 * import_generic.c: the reader of the "Generic" file: "IPSec Tunnel #N"
 * sections whose subsections ("Outside IP Addresses", "Inside IP
 * Addresses", "BGP Configuration Options") hold "- Key : value" lines.
 * A connection whose tunnels carry IPv6 adds "Inside IPv6 Addresses"
 * with each end's address in the tunnel's /126, and its Neighbor IP
 * Address is the gateway's inside IPv6 address.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "bgpctl/import_impl.h"

/* "  - Key : value" lines that hold what we need, by subsection. */
static const struct gkey {
	const char	*name;		/* normalized */
	enum sub	 sub;		/* SUB_NONE: in any */
	enum key	 key;
	enum vtype	 type;
} gkeys[] = {
	{ "customer gateway", SUB_OUTSIDE, K_CGW_OUT, V_INET },
	{ "virtual private gateway", SUB_OUTSIDE, K_VGW_OUT, V_INET },
	{ "customer gateway", SUB_INSIDE, K_CGW_IN, V_INSIDE },
	{ "virtual private gateway", SUB_INSIDE, K_VGW_IN, V_INSIDE },
	{ "customer gateway asn", SUB_NONE, K_LOCAL_AS, V_ASN },
	{ "virtual private gateway asn", SUB_NONE, K_REMOTE_AS, V_ASN },
	{ "neighbor ip address", SUB_NONE, K_NEIGHBOR, V_ADDR },
	{ "neighbor hold time", SUB_NONE, K_HOLD, V_SECONDS },
	{ "neighbor keepalive", SUB_NONE, K_KEEPALIVE, V_SECONDS },
	{ "neighbor keepalive interval", SUB_NONE, K_KEEPALIVE, V_SECONDS },
	{ "customer gateway", SUB_INSIDE6, K_CGW_IN6, V_INSIDE6 },
	{ "virtual private gateway", SUB_INSIDE6, K_VGW_IN6, V_INSIDE6 },
	/* the same template, should it name the transit gateway */
	{ "transit gateway", SUB_OUTSIDE, K_VGW_OUT, V_INET },
	{ "transit gateway", SUB_INSIDE, K_VGW_IN, V_INSIDE },
	{ "transit gateway", SUB_INSIDE6, K_VGW_IN6, V_INSIDE6 },
	{ "transit gateway asn", SUB_NONE, K_REMOTE_AS, V_ASN },
	{ "neighbor ipv6 address", SUB_NONE, K_NEIGHBOR6, V_ADDR6 },
};

/* Headers that open a subsection: "Inside IP Addresses", ... */
static const struct gsub {
	const char	*name;		/* normalized, without a "#N:" */
	enum sub	 sub;
} gsubs[] = {
	{ "outside ip addresses", SUB_OUTSIDE },
	{ "inside ip addresses", SUB_INSIDE },
	{ "inside ipv4 addresses", SUB_INSIDE },
	{ "inside ipv6 addresses", SUB_INSIDE6 },
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

	if (!import_normalize(&w, buf, sizeof(buf)))
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
		import_show(key, t->unread_key, sizeof(t->unread_key));
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

	import_trim(&w);
	if (w.len == 0 || w.s[0] == '!' || (w.s[0] == '#' && (w.len == 1 ||
	    !isdigit((unsigned char)w.s[1]))))
		return 0;	/* a comment, not a "#4: ..." header */
	bullet = w.s[0] == '-' || w.s[0] == '*';
	if (import_split_key(w, &key, &val)) {
		import_header_id(r, &key, val);
		if (bullet) {
			key.s++;
			key.len--;
			key.pos.col++;
			import_trim(&key);
		}
		if (t != NULL && import_normalize(&key, name, sizeof(name)) &&
		    (gk = gkey_find(name, *sub)) == NULL && bullet)
			note_unread(t, &key, name);
	}
	if (gk != NULL && gk->key == K_NEIGHBOR &&
	    memchr(val.s, ':', val.len) != NULL)
		gk = gkey_find("neighbor ipv6 address", SUB_NONE);
	if (gk != NULL)
		return import_set_value(r, t, gk->key, gk->type,
		    import_key_names[gk->key], val);
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

int
import_read_generic(struct reader *r)
{
	struct tunnel	*t = NULL;
	struct conf_pos	 pos;
	enum sub	 sub = SUB_NONE;
	size_t		 i;
	int		 n;

	for (i = 0; i < r->n_lines; i++) {
		if ((n = import_tunnel_header(r, &r->lines[i], false,
		    &pos)) == -1)
			return -1;
		if (n > 0) {
			if ((t = import_tunnel_start(r, n, pos)) == NULL)
				return -1;
			sub = SUB_NONE;
			continue;
		}
		if (import_is_banner(r, i, false) && import_tunnel_header(r,
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
