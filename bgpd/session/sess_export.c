/* SPDX-License-Identifier: ISC */
/*
 * sess_export.c: our routes on each session: our networks announced
 * (then End-of-RIB) and withdrawn, the halves of return steering, and
 * what a reload changes in them.  A neighbor gets the networks of its
 * own family only (IPv4 networks to IPv4 neighbors, IPv6 networks in
 * MP_REACH_NLRI to IPv6 neighbors), and is sent nothing when it has
 * none.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/sess_impl.h"

static void
send_update(struct peer *p, const struct msg_prefix *wd, size_t n_wd,
    const struct msg_attrs *a, const struct msg_prefix *nlri, size_t n)
{
	uint8_t	buf[MSG_MAX_LEN];
	size_t	len, half;

	len = msg_update_encode(buf, sizeof(buf), wd, n_wd, a, nlri, n,
	    p->as4);
	if (len > 0) {
		peer_send(p, p->conn, buf, len);
		return;
	}
	if (n_wd + n <= 1)
		fatalx("%s: one prefix does not fit an UPDATE", __func__);
	/* Too big: split in halves. */
	if (n_wd > 1) {
		half = n_wd / 2;
		send_update(p, wd, half, a, NULL, 0);
		send_update(p, wd + half, n_wd - half, a, nlri, n);
	} else {
		half = n / 2;
		send_update(p, wd, n_wd, a, nlri, half);
		send_update(p, NULL, 0, a, nlri + half, n - half);
	}
}

/* The same for IPv6 prefixes: announced (a not NULL) or withdrawn. */
static void
send_update6(struct peer *p, const struct msg_attrs *a,
    const struct msg_prefix6 *pfx, size_t n)
{
	uint8_t	buf[MSG_MAX_LEN];
	size_t	len, half;

	len = a != NULL ? msg_update6_reach_encode(buf, sizeof(buf), a, pfx,
	    n, p->as4) : msg_update6_unreach_encode(buf, sizeof(buf), pfx, n);
	if (len > 0) {
		peer_send(p, p->conn, buf, len);
		return;
	}
	if (n <= 1)
		fatalx("%s: one prefix does not fit an UPDATE", __func__);
	half = n / 2;
	send_update6(p, a, pfx, half);
	send_update6(p, a, pfx + half, n - half);
}

/* The IPv6 prefixes among the n at cp, into a new array of *k. */
static struct msg_prefix6 *
to_msg_prefixes6(const struct conf_prefix *cp, size_t n, size_t *k)
{
	struct msg_prefix6	*mp;
	size_t			 i;

	if ((mp = calloc(n == 0 ? 1 : n, sizeof(*mp))) == NULL)
		fatal("calloc");
	for (*k = 0, i = 0; i < n; i++) {
		if (cp[i].af != AF_INET6)
			continue;
		mp[*k].addr = cp[i].addr6;
		mp[(*k)++].len = cp[i].len;
	}
	return mp;
}

/* How many of the n prefixes at cp are of family af. */
static size_t
count_af(const struct conf_prefix *cp, size_t n, uint8_t af)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		if (cp[i].af == af)
			k++;
	return k;
}

/* The IPv4 prefixes among the n at cp, for p (an IPv4 neighbor), into a
 * new array of *k. */
static struct msg_prefix *
to_msg_prefixes(const struct peer *p, const struct conf_prefix *cp,
    size_t n, size_t *k)
{
	struct msg_prefix	*mp;
	size_t			 i;

	if ((mp = calloc(n == 0 ? 1 : n, sizeof(*mp))) == NULL)
		fatal("calloc");
	for (*k = 0, i = 0; i < n; i++) {
		if (cp[i].af != p->conf.af)
			continue;
		mp[*k].addr = cp[i].addr;
		mp[(*k)++].len = cp[i].len;
	}
	return mp;
}

/* Our networks with our attributes (RFC 4271 5.1: ORIGIN IGP, AS_PATH of
 * our AS, 1 + prepend times, NEXT_HOP our inside address). */
static void
announce(struct peer *p, const struct conf_prefix *nets, size_t n)
{
	struct msg_attrs	 a;
	struct msg_prefix	*nlri;

	struct msg_prefix6	*nlri6;

	if (count_af(nets, n, p->conf.af) == 0)
		return;	/* nothing: an empty UPDATE is End-of-RIB */
	memset(&a, 0, sizeof(a));
	a.present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_AS_PATH) |
	    ATTR_BIT(ATTR_NEXT_HOP);
	a.origin = ORIGIN_IGP;
	a.next_hop = p->local_addr;
	if (msg_attrs_set_aspath(&a, p->eng->local_as,
	    1 + p->conf.prepend) == -1)
		fatal("msg_attrs_set_aspath");
	if (p->conf.af == AF_INET6) {
		/* RFC 2545 3: our inside address; a session over link-local
		 * addresses has only the link-local one */
		a.present &= ~ATTR_BIT(ATTR_NEXT_HOP);
		if (IN6_IS_ADDR_LINKLOCAL(&p->local_addr6))
			a.next_hop6.link_local = p->local_addr6;
		else
			a.next_hop6.global = p->local_addr6;
		nlri6 = to_msg_prefixes6(nets, n, &n);
		send_update6(p, &a, nlri6, n);
		free(nlri6);
		msg_attrs_free(&a);
		return;
	}
	nlri = to_msg_prefixes(p, nets, n, &n);
	send_update(p, NULL, 0, &a, nlri, n);
	free(nlri);
	msg_attrs_free(&a);
}

static void
withdraw(struct peer *p, const struct conf_prefix *nets, size_t n)
{
	struct msg_prefix	*wd;

	struct msg_prefix6	*wd6;

	if (count_af(nets, n, p->conf.af) == 0)
		return;
	if (p->conf.af == AF_INET6) {
		wd6 = to_msg_prefixes6(nets, n, &n);
		send_update6(p, NULL, wd6, n);
		free(wd6);
		return;
	}
	wd = to_msg_prefixes(p, nets, n, &n);
	send_update(p, wd, n, NULL, NULL, 0);
	free(wd);
}

/* All our networks; when the session just came up, then End-of-RIB
 * (RFC 4724 2).  A ROUTE-REFRESH (RFC 2918) gets them again. */
void
peer_send_routes(struct peer *p, bool eor)
{
	announce(p, p->eng->networks, p->eng->n_networks);
	if (p->steer)
		announce(p, p->eng->halves, p->eng->n_halves);
	if (eor && p->conf.af == AF_INET6)
		send_update6(p, NULL, NULL, 0);	/* RFC 4724 2, AFI 2 */
	else if (eor)
		send_update(p, NULL, 0, NULL, NULL, 0);
}

static bool
has_network(const struct conf_prefix *nets, size_t n,
    const struct conf_prefix *pfx)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (conf_prefix_eq(&nets[i], pfx))
			return true;
	return false;
}

/* Each network split in two, for return steering; none of a /32 or a
 * /128, none that is itself a network, no duplicates.  The second half
 * has bit len of the address set (bits counted from 0 at the top). */
static void
set_halves(struct sess_engine *e)
{
	struct conf_prefix	h;
	size_t			i, k;

	free(e->halves);
	if ((e->halves = calloc(2 * e->n_networks + 1, sizeof(*e->halves))) ==
	    NULL)
		fatal("calloc");
	e->n_halves = 0;
	for (i = 0; i < e->n_networks; i++) {
		if (e->networks[i].len >=
		    (e->networks[i].af == AF_INET ? 32 : 128))
			continue;
		for (k = 0; k < 2; k++) {
			h = e->networks[i];
			h.len = e->networks[i].len + 1;
			if (k == 1)
				h.addr6.s6_addr[(h.len - 1) / 8] |=
				    (uint8_t)(0x80U >> ((h.len - 1) % 8));
			if (has_network(e->networks, e->n_networks, &h) ||
			    has_network(e->halves, e->n_halves, &h))
				continue;
			e->halves[e->n_halves++] = h;
		}
	}
}

void
sess_engine_set_conf(struct sess_engine *e, const struct conf *c)
{
	e->router_id = c->router_id;
	e->local_as = c->local_as;
	e->gr_time = (uint16_t)c->gr_time_s;
	free(e->networks);
	if ((e->networks = calloc(c->n_networks + 1, sizeof(*e->networks))) ==
	    NULL)
		fatal("calloc");
	memcpy(e->networks, c->networks, c->n_networks * sizeof(*e->networks));
	e->n_networks = c->n_networks;
	set_halves(e);
}

/* Networks in a but not in b, into a new array. */
static struct conf_prefix *
networks_minus(const struct conf_prefix *a, size_t na,
    const struct conf_prefix *b, size_t nb, size_t *n)
{
	struct conf_prefix	*out;
	size_t			 i;

	if ((out = calloc(na + 1, sizeof(*out))) == NULL)
		fatal("calloc");
	for (*n = 0, i = 0; i < na; i++)
		if (!has_network(b, nb, &a[i]))
			out[(*n)++] = a[i];
	return out;
}

/* Announce and withdraw what changed in the exported networks. */
void
sess_reexport(struct sess_engine *e, const struct conf *c,
    bool *prepend_changed)
{
	struct conf_prefix	*gone, *added, *old_h, *h_gone, *h_added;
	size_t			 n_gone, n_added, n_old_h, n_h_gone, n_h_added;
	size_t			 i;
	struct peer		*p;

	gone = networks_minus(e->networks, e->n_networks, c->networks,
	    c->n_networks, &n_gone);
	added = networks_minus(c->networks, c->n_networks, e->networks,
	    e->n_networks, &n_added);
	old_h = e->halves;
	n_old_h = e->n_halves;
	e->halves = NULL;
	sess_engine_set_conf(e, c);
	h_gone = networks_minus(old_h, n_old_h, e->halves, e->n_halves,
	    &n_h_gone);
	h_added = networks_minus(e->halves, e->n_halves, old_h, n_old_h,
	    &n_h_added);
	for (i = 0; i < e->n_peers; i++) {
		p = e->peers[i];
		if (p->state != FSM_ESTABLISHED)
			continue;
		withdraw(p, gone, n_gone);
		if (p->steer)
			withdraw(p, h_gone, n_h_gone);
		if (prepend_changed[i])
			announce(p, e->networks, e->n_networks);
		else
			announce(p, added, n_added);
		if (p->steer && prepend_changed[i])
			announce(p, e->halves, e->n_halves);
		else if (p->steer)
			announce(p, h_added, n_h_added);
	}
	free(gone);
	free(added);
	free(old_h);
	free(h_gone);
	free(h_added);
}

void
sess_peer_steer(struct peer *p, bool on)
{
	if (p->steer == on)
		return;
	p->steer = on;
	log_peer_info(p->name, "return steering %s: %zu halves of our "
	    "networks %s", on ? "on" : "off",
	    count_af(p->eng->halves, p->eng->n_halves, p->conf.af),
	    on ? "announced" : "withdrawn");
	if (p->state != FSM_ESTABLISHED)
		return;
	if (on)
		announce(p, p->eng->halves, p->eng->n_halves);
	else
		withdraw(p, p->eng->halves, p->eng->n_halves);
}

size_t
sess_peer_exported(const struct peer *p)
{
	const struct sess_engine	*e = p->eng;

	if (p->state != FSM_ESTABLISHED)
		return 0;
	return count_af(e->networks, e->n_networks, p->conf.af) +
	    (p->steer ? count_af(e->halves, e->n_halves, p->conf.af) : 0);
}
