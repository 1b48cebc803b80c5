/* SPDX-License-Identifier: ISC */
/*
 * import_vyos.c: the reader of the "Vyatta" (VyOS) file: `set` commands
 * for the IPsec peers, their VTIs and the BGP neighbors, matched against
 * a table of patterns, then paired into the two tunnels.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpctl/import_impl.h"

#define MAX_WORDS	16	/* words of a VyOS line we look at */
#define VY_MAX		8	/* peers, VTIs, neighbors in a VyOS file */

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
	struct tunnel	 scratch;	/* for import_set_value() outside
					   tunnels */
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

	for (import_trim(&w); w.len > 0 && n < max; import_trim(&w)) {
		if (w.s[0] != '\'' && w.s[0] != '"') {
			words[n++] = import_next_word(&w);
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
			    "'%s' without a value", import_show(&words[i - 1],
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
		    import_show(&words[i], shown, sizeof(shown)));
	return 1;
}

static struct vy_peer *
vy_peer(struct reader *r, struct vyos *vy, const struct word *w)
{
	struct value	 v;
	char		 why[256];
	size_t		 i;

	if (memchr(w->s, ':', w->len) != NULL) {
		import_errorf(r->err, w->pos, "site-to-site peer: an IPv6 "
		    "outside address: import reads a connection with IPv6 "
		    "outside addresses from the Generic download only: "
		    "download it again with vendor \"Generic\" and import it "
		    "as aws-generic");
		return NULL;
	}
	memset(&v, 0, sizeof(v));
	if (import_read_value(V_ADDR, *w, &v, why, sizeof(why)) == -1) {
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

/*
 * An IPv6 address in a VTI's address or a neighbor: a connection whose
 * tunnels carry IPv6.  import reads those from the Generic download,
 * whose layout of them is known (import_generic.c); say so rather than
 * call the address bad.
 */
static int
vy_v6(struct reader *r, const struct word *w, const char *what)
{
	if (memchr(w->s, ':', w->len) == NULL)
		return 0;
	return import_errorf(r->err, w->pos, "%s: an IPv6 address: import "
	    "reads a connection whose tunnels carry IPv6 from the Generic "
	    "download only: download it again with vendor \"Generic\" and "
	    "import it as aws-generic", what);
}

static struct vy_nbr *
vy_nbr(struct reader *r, struct vyos *vy, const struct word *w)
{
	struct value	 v;
	char		 why[256];
	size_t		 i;

	if (vy_v6(r, w, "BGP neighbor") == -1)
		return NULL;
	memset(&v, 0, sizeof(v));
	if (import_read_value(V_ADDR, *w, &v, why, sizeof(why)) == -1) {
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
	if (w->len == 0 || i < w->len || !import_copy_word(w, buf, IF_NAMESIZE))
		return import_errorf(r->err, w->pos,
		    "'%s' is not an interface name", import_show(w, shown,
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
	if (import_set_value(r, &vy->scratch, 0, type, what, *w) == -1)
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
	import_show(w, buf, sizeof(buf));
	if (conf_read_prefix(buf, &pfx, why, sizeof(why)) == -1)
		return import_errorf(r->err, w->pos, "network: %s", why);
	for (i = 0; i < r->f.n_nets; i++)
		if (conf_prefix_eq(&r->f.nets[i].pfx, &pfx))
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
		if (vy_v6(r, &c[1], what) == -1)
			return -1;
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

int
import_read_vyos(struct reader *r)
{
	struct vyos	*vy;
	struct conf_pos	 pos;
	struct word	 w, key, val;
	size_t		 i;
	int		 n, rc = -1;

	if ((vy = calloc(1, sizeof(*vy))) == NULL)
		fatal("calloc");
	for (i = 0; i < r->n_lines; i++) {
		if ((n = import_tunnel_header(r, &r->lines[i], true,
		    &pos)) == -1)
			goto out;
		if (n > 0)
			vy->section = n;
		else if (import_is_banner(r, i, true))
			vy->section = 0;
		w = line_word(&r->lines[i]);
		import_strip_bang(&w);
		if (import_split_key(w, &key, &val))
			import_header_id(r, &key, val);
		if (vy_line(r, vy, &r->lines[i]) == -1)
			goto out;
	}
	if (r->f.inside_ver == 6) {
		import_errorf(r->err, r->f.ver_pos, "the tunnels carry IPv6: "
		    "import reads such a connection from the Generic download "
		    "only: download it again with vendor \"Generic\" and "
		    "import it as aws-generic");
		goto out;
	}
	rc = vy_tunnels(r, vy);
out:
	free(vy);
	return rc;
}
