/* SPDX-License-Identifier: ISC */
/*
 * msg_update.c: the UPDATE message (RFC 4271 4.3, 6.3): its three
 * fields, the IPv4 unicast NLRI in them, MP_REACH_NLRI and
 * MP_UNREACH_NLRI (RFC 4760) for IPv4 and IPv6 unicast with the IPv6
 * next hops of RFC 2545, End-of-RIB of both families (RFC 4724 2), the
 * RFC 7606 action, and the encoders for what we announce.  The path
 * attributes themselves are msg_attr.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/msg_impl.h"

/* ---- prefixes ---------------------------------------------------------- */

/*
 * RFC 4271 4.3, RFC 4760 5: a length in bits, then the fewest octets
 * that hold it, into b (max / 8 octets); the trailing bits are
 * irrelevant, and cleared here.  RFC 7606 5.3: a length above max (32
 * for IPv4, 128 for IPv6), or a last prefix that overruns the field, is a
 * syntax error: -1.
 */
static int
nlri_get(struct rbuf *rb, unsigned max, uint8_t *b, uint8_t *len)
{
	uint8_t	plen;
	size_t	n;

	if (rb_get_u8(rb, &plen) == -1)
		return -1;
	if (plen > max)
		return -1;
	n = (plen + 7U) / 8;
	memset(b, 0, max / 8);
	if (rb_get_bytes(rb, b, n) == -1)
		return -1;
	if (plen % 8 != 0)
		b[n - 1] &= (uint8_t)(0xff << (8 - plen % 8));
	*len = plen;
	return 0;
}

static int
prefix_get(struct rbuf *rb, struct msg_prefix *p)
{
	return nlri_get(rb, 32, (uint8_t *)&p->addr, &p->len);
}

static int
prefix6_get(struct rbuf *rb, struct msg_prefix6 *p)
{
	return nlri_get(rb, 128, p->addr.s6_addr, &p->len);
}

/* Number of prefixes in the field, or -1 if it is not well formed. */
static long
prefix_count(const struct rbuf *field)
{
	struct rbuf		rb = *field;
	struct msg_prefix	p;
	long			n = 0;

	while (rb_left(&rb) > 0) {
		if (prefix_get(&rb, &p) == -1)
			return -1;
		n++;
	}
	return n;
}

/* Append the (checked) prefixes of field to list. */
static void
prefix_fill(const struct rbuf *field, struct msg_prefix *list, size_t *n)
{
	struct rbuf	rb = *field;

	while (rb_left(&rb) > 0 && prefix_get(&rb, &list[*n]) == 0)
		(*n)++;
}

/* One array of what the classic field and the MP attribute carry;
 * sized by the message, never by a count the peer announces. */
static int
prefix_collect(const struct rbuf *classic, const struct rbuf *mp,
    struct msg_prefix **list, size_t *n)
{
	size_t	total;

	total = (size_t)prefix_count(classic) + (size_t)prefix_count(mp);

	*n = 0;
	if (total == 0)
		return 0;
	if ((*list = calloc(total, sizeof(**list))) == NULL)
		return -1;
	prefix_fill(classic, *list, n);
	prefix_fill(mp, *list, n);
	return 0;
}

/* The length, then the fewest octets of b (network order) that hold it,
 * the trailing bits cleared. */
static void
nlri_put(struct wbuf *wb, const uint8_t *b, uint8_t len, unsigned max)
{
	uint8_t	last;
	size_t	n = (len + 7U) / 8;

	if (len > max) {
		wb->overflow = true;
		return;
	}
	wb_put_u8(wb, len);
	if (n == 0)
		return;
	wb_put_bytes(wb, b, n - 1);
	last = b[n - 1];
	if (len % 8 != 0)
		last &= (uint8_t)(0xff << (8 - len % 8));
	wb_put_u8(wb, last);
}

static void
prefix_put(struct wbuf *wb, const struct msg_prefix *p)
{
	nlri_put(wb, (const uint8_t *)&p->addr, p->len, 32);
}

static void
prefix6_put(struct wbuf *wb, const struct msg_prefix6 *p)
{
	nlri_put(wb, p->addr.s6_addr, p->len, 128);
}

/* ---- IPv6 prefixes --------------------------------------------------- */

/* Number of IPv6 prefixes in the field, or -1 if it is not well formed. */
static long
prefix6_count(const struct rbuf *field)
{
	struct rbuf		rb = *field;
	struct msg_prefix6	p;
	long			n = 0;

	while (rb_left(&rb) > 0) {
		if (prefix6_get(&rb, &p) == -1)
			return -1;
		n++;
	}
	return n;
}

static bool
in6_is_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

static bool
in6_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr	zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* ::1 */
static bool
in6_is_loopback(const struct in6_addr *a)
{
	static const struct in6_addr	one = { .s6_addr[15] = 1 };

	return memcmp(a, &one, sizeof(one)) == 0;
}

/* ::ffff:0:0/96, RFC 4291 2.5.5.2 */
static bool
in6_is_v4mapped(const struct in6_addr *a)
{
	static const uint8_t	pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

bool
msg_prefix6_ok(const struct msg_prefix6 *p)
{
	const struct in6_addr	*a = &p->addr;

	if (p->len > 128)
		return false;
	if (p->len >= 8 && a->s6_addr[0] == 0xff)
		return false;			/* multicast */
	if (p->len >= 10 && in6_is_linklocal(a))
		return false;
	if (p->len == 128 && (in6_is_zero(a) || in6_is_loopback(a)))
		return false;
	return true;
}

/* The prefixes of a checked field; with only_ok, those msg_prefix6_ok()
 * takes (*ignored counts the others).  Sized by the message. */
static int
prefix6_collect(const struct rbuf *field, bool only_ok,
    struct msg_prefix6 **list, size_t *n, size_t *ignored)
{
	struct rbuf	rb = *field;
	long		total = prefix6_count(field);

	*n = 0;
	if (total <= 0)
		return 0;
	if ((*list = calloc((size_t)total, sizeof(**list))) == NULL)
		return -1;
	while (rb_left(&rb) > 0 && prefix6_get(&rb, &(*list)[*n]) == 0) {
		if (!only_ok || msg_prefix6_ok(&(*list)[*n]))
			(*n)++;
		else
			(*ignored)++;
	}
	return 0;
}

/* ---- MP_REACH_NLRI / MP_UNREACH_NLRI (attribute table rows) ------------ */

/* The MSG_AF_* bit of an AFI/SAFI, 0 for one we do not know. */
static unsigned
mp_family(uint16_t afi, uint8_t safi)
{
	if (safi != SAFI_UNICAST)
		return 0;
	if (afi == AFI_IPV4)
		return MSG_AF_IPV4;
	if (afi == AFI_IPV6)
		return MSG_AF_IPV6;
	return 0;
}

/*
 * RFC 2545 3: the global address, then the link-local one when the
 * length is 32.  What BGP speakers send over link-local sessions is
 * made one form (msg.h): a first address that is link-local is the
 * link-local next hop; a second one that is not link-local is dropped.
 */
static void
nexthop6_get(struct rbuf *nh, struct msg_nexthop6 *out)
{
	struct in6_addr	first, second;
	bool		two = rb_left(nh) == 32;

	memset(out, 0, sizeof(*out));
	memset(&second, 0, sizeof(second));
	if (rb_get_bytes(nh, &first, sizeof(first)) == -1)
		return;
	if (two && rb_get_bytes(nh, &second, sizeof(second)) == -1)
		return;
	if (in6_is_linklocal(&first)) {
		out->link_local = first;
		return;
	}
	out->global = first;
	if (two && in6_is_linklocal(&second))
		out->link_local = second;
}

/* RFC 7606 7.11: the next hop length "inconsistent with that which was
 * expected", 4 for AFI 1 and 16 or 32 for AFI 2 (RFC 2545 3), leaves
 * the NLRI where they cannot be found: -1, a session reset. */
static int
mp_reach_family(struct upd_ctx *c, unsigned af, struct rbuf *nh,
    struct rbuf *nlri)
{
	long	n;

	if (af == MSG_AF_IPV4) {
		if (rb_left(nh) != 4)
			return -1;
		if (rb_get_bytes(nh, &c->mp_nexthop, 4) == -1)
			return -1;
		if (prefix_count(nlri) == -1)
			return -1;
		c->mp_nlri = *nlri;
		c->mp_reach = true;
		return 0;
	}
	if (rb_left(nh) != 16 && rb_left(nh) != 32)
		return -1;
	if ((n = prefix6_count(nlri)) == -1)
		return -1;
	nexthop6_get(nh, &c->u->attrs.next_hop6);
	c->mp_nlri6 = *nlri;
	c->n_reach6 = (size_t)n;
	return 0;
}

/*
 * RFC 4760 3: AFI, SAFI, next hop length and next hop, Reserved, NLRI.
 * RFC 7606 5.3 and 7.11: shorter than 5, a next hop of another length
 * than the family's, or bad NLRI: "session reset" (chosen over "AFI/SAFI
 * disable": one family per tunnel session), with RFC 4760 7's 3/9.  An
 * AFI/SAFI the session does not carry is discarded, once framed.
 */
enum attr_verdict
attr_mp_reach(struct upd_ctx *c, struct attr_in *a)
{
	struct rbuf	*v = &a->val, nh;
	uint16_t	 afi;
	uint8_t		 safi, nhlen, reserved;
	unsigned	 af;

	if (rb_left(v) < 5)
		goto bad;
	if (rb_get_u16(v, &afi) == -1)
		goto bad;
	if (rb_get_u8(v, &safi) == -1)
		goto bad;
	if (rb_get_u8(v, &nhlen) == -1)
		goto bad;
	if (rb_get_sub(v, nhlen, &nh) == -1)
		goto bad;
	if (rb_get_u8(v, &reserved) == -1)
		goto bad;
	af = mp_family(afi, safi);
	if ((af & c->afs) == 0)
		return AV_DISCARD;
	if (mp_reach_family(c, af, &nh, v) == -1)
		goto bad;
	return AV_OK;

bad:
	return attr_error(c, a, AV_RESET, ERR_UPD_OPTATTR);
}

/* RFC 4760 4: AFI, SAFI, withdrawn routes; RFC 7606 5.3: shorter than 3
 * or bad NLRI: session reset.  An AFI/SAFI not carried is discarded. */
enum attr_verdict
attr_mp_unreach(struct upd_ctx *c, struct attr_in *a)
{
	struct rbuf	*v = &a->val;
	uint16_t	 afi;
	uint8_t		 safi;
	unsigned	 af;

	if (rb_get_u16(v, &afi) == -1)
		goto bad;
	if (rb_get_u8(v, &safi) == -1)
		goto bad;
	af = mp_family(afi, safi);
	if ((af & c->afs) == 0)
		return AV_DISCARD;
	if (af == MSG_AF_IPV4) {
		if (prefix_count(v) == -1)
			goto bad;
		c->mp_withdrawn = *v;
	} else {
		if (prefix6_count(v) == -1)
			goto bad;
		c->mp_withdrawn6 = *v;
		c->mp_unreach6 = true;
	}
	return AV_OK;

bad:
	return attr_error(c, a, AV_RESET, ERR_UPD_OPTATTR);
}

/* ---- UPDATE ------------------------------------------------------------ */

static void
update_action(struct msg_update *u, enum attr_verdict worst)
{
	if (worst == AV_RESET)
		u->action = UPD_SESSION_RESET;
	else if (worst == AV_WITHDRAW)
		u->action = UPD_TREAT_AS_WITHDRAW;
	else
		u->action = UPD_OK;
}

/* The prefixes, then what depends on all attributes.  -1: no memory. */
static int
update_finish(struct upd_ctx *c, const struct rbuf *wd,
    const struct rbuf *nlri)
{
	struct msg_update	*u = c->u;

	if (prefix_collect(wd, &c->mp_withdrawn, &u->withdrawn,
	    &u->n_withdrawn) == -1)
		return -1;
	if (prefix_collect(nlri, &c->mp_nlri, &u->nlri, &u->n_nlri) == -1)
		return -1;
	if (prefix6_collect(&c->mp_withdrawn6, false, &u->withdrawn6,
	    &u->n_withdrawn6, &u->n_ignored6) == -1)
		return -1;
	/* RFC 4271 6.3: "the prefix SHOULD be ignored". */
	if (prefix6_collect(&c->mp_nlri6, true, &u->nlri6, &u->n_nlri6,
	    &u->n_ignored6) == -1)
		return -1;
	attrs_finish(c, (size_t)prefix_count(nlri));
	return c->nomem ? -1 : 0;
}

/* The three fields: Withdrawn Routes, Path Attributes, NLRI. */
static int
update_split(const uint8_t *body, size_t len, struct rbuf *wd,
    struct rbuf *attrs, struct rbuf *nlri)
{
	struct rbuf	rb;
	uint16_t	wlen, alen;

	/* Called directly, not through msg_decode: bound it the same. */
	if (len > MSG_MAX_LEN - MSG_HEADER_LEN)
		return -1;
	rb_init(&rb, body, len);
	/* RFC 4271 6.3, RFC 7606 3.b: lengths beyond the message: 3/1. */
	if (rb_get_u16(&rb, &wlen) == -1)
		return -1;
	if (rb_get_sub(&rb, wlen, wd) == -1)
		return -1;
	if (rb_get_u16(&rb, &alen) == -1)
		return -1;
	if (rb_get_sub(&rb, alen, attrs) == -1)
		return -1;
	*nlri = rb;
	return 0;
}

/*
 * RFC 4724 2: "an UPDATE message that contains the MP_UNREACH_NLRI
 * attribute with no withdrawn routes for that <AFI, SAFI>" and nothing
 * else is the End-of-RIB of that family.
 */
static bool
update_eor6(const struct upd_ctx *c, const struct rbuf *wd,
    const struct rbuf *nlri)
{
	return c->mp_unreach6 && !c->other_attrs && c->worst == AV_OK &&
	    rb_left(&c->mp_withdrawn6) == 0 && rb_left(wd) == 0 &&
	    rb_left(nlri) == 0;
}

int
msg_update_decode(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg_update *u, struct msg_error *err)
{
	return msg_update_decode_af(body, len, as4, ebgp, MSG_AF_IPV4, u,
	    err);
}

int
msg_update_decode_af(const uint8_t *body, size_t len, bool as4, bool ebgp,
    unsigned afs, struct msg_update *u, struct msg_error *err)
{
	struct upd_ctx	c;
	struct rbuf	wd, attrs, nlri;

	memset(u, 0, sizeof(*u));
	msg_err_clear(err);
	memset(&c, 0, sizeof(c));
	c.u = u;
	c.err = err;
	c.as4 = as4;
	c.ebgp = ebgp;
	c.afs = afs;
	if (update_split(body, len, &wd, &attrs, &nlri) == -1)
		goto bad_list;
	/* RFC 7606 3.i: Withdrawn Routes are checked as the NLRI field. */
	if (prefix_count(&wd) == -1)
		goto bad_network;
	/* RFC 4724 2: the minimal UPDATE is the IPv4 unicast End-of-RIB. */
	if (rb_left(&wd) == 0 && rb_left(&attrs) == 0 && rb_left(&nlri) == 0) {
		u->end_of_rib = true;
		return 0;
	}
	c.attrs_len = rb_left(&attrs);
	attrs_decode(&c, &attrs);
	if (c.nomem)
		return -1;
	if (c.worst == AV_RESET)
		goto done;
	/* RFC 4271 6.3 Invalid Network Field; RFC 7606 5.3: reset. */
	if (prefix_count(&nlri) == -1)
		goto bad_network;
	if (update_finish(&c, &wd, &nlri) == -1)
		return -1;
	u->end_of_rib6 = update_eor6(&c, &wd, &nlri);
	goto done;

bad_list:
	upd_error(&c, AV_RESET, ERR_UPD_ATTRLIST, NULL, 0);
	goto done;
bad_network:
	upd_error(&c, AV_RESET, ERR_UPD_NETWORK, NULL, 0);
done:
	update_action(u, c.worst);
	return 0;
}

void
msg_update_free(struct msg_update *u)
{
	free(u->withdrawn);
	free(u->nlri);
	free(u->withdrawn6);
	free(u->nlri6);
	msg_attrs_free(&u->attrs);
	memset(u, 0, sizeof(*u));
}

size_t
msg_update_encode(uint8_t *buf, size_t size,
    const struct msg_prefix *withdrawn, size_t n_withdrawn,
    const struct msg_attrs *attrs, const struct msg_prefix *nlri,
    size_t n_nlri, bool as4)
{
	struct wbuf	wb;
	size_t		at, i;

	if (n_nlri > 0 && attrs == NULL)
		return 0;
	msg_begin(&wb, buf, size, MSG_UPDATE);
	at = wb.len;
	wb_put_u16(&wb, 0);
	for (i = 0; i < n_withdrawn; i++)
		prefix_put(&wb, &withdrawn[i]);
	wb_set_u16(&wb, at, (uint16_t)(wb.len - at - 2));
	at = wb.len;
	wb_put_u16(&wb, 0);
	if (n_nlri > 0)
		attrs_encode(&wb, attrs, as4, 0);
	wb_set_u16(&wb, at, (uint16_t)(wb.len - at - 2));
	for (i = 0; i < n_nlri; i++)
		prefix_put(&wb, &nlri[i]);
	return msg_end(&wb);
}

/* Octets of a list of IPv6 prefixes on the wire; a length above 128
 * counts 17, and prefix6_put() then overflows. */
static size_t
prefix6_wire_len(const struct msg_prefix6 *p, size_t n)
{
	size_t	len = 0, i;

	for (i = 0; i < n; i++)
		len += 1 + (p[i].len > 128 ? 16 : (p[i].len + 7U) / 8);
	return len;
}

/* RFC 4760 3 with RFC 2545 3: AFI 2, SAFI 1, the next hop, Reserved 0,
 * the NLRI.  Optional non-transitive. */
static void
mp_reach6_put(struct wbuf *wb, const struct msg_nexthop6 *nh,
    const struct msg_prefix6 *nlri, size_t n)
{
	uint8_t	nhlen = in6_is_zero(&nh->link_local) ? 16 : 32;
	size_t	i;

	attr_put_header(wb, ATTR_F_OPTIONAL, ATTR_MP_REACH,
	    5 + nhlen + prefix6_wire_len(nlri, n));
	wb_put_u16(wb, AFI_IPV6);
	wb_put_u8(wb, SAFI_UNICAST);
	wb_put_u8(wb, nhlen);
	wb_put_bytes(wb, &nh->global, 16);
	if (nhlen == 32)
		wb_put_bytes(wb, &nh->link_local, 16);
	wb_put_u8(wb, 0);
	for (i = 0; i < n; i++)
		prefix6_put(wb, &nlri[i]);
}

size_t
msg_update6_reach_encode(uint8_t *buf, size_t size,
    const struct msg_attrs *attrs, const struct msg_prefix6 *nlri,
    size_t n_nlri, bool as4)
{
	struct wbuf	wb;
	size_t		at;

	if (attrs == NULL || n_nlri == 0 ||
	    (in6_is_zero(&attrs->next_hop6.global) &&
	    in6_is_zero(&attrs->next_hop6.link_local)))
		return 0;
	msg_begin(&wb, buf, size, MSG_UPDATE);
	wb_put_u16(&wb, 0);
	at = wb.len;
	wb_put_u16(&wb, 0);
	/* RFC 7606 5.1: "SHALL be encoded as the very first path
	 * attribute". */
	mp_reach6_put(&wb, &attrs->next_hop6, nlri, n_nlri);
	attrs_encode(&wb, attrs, as4, ATTR_BIT(ATTR_NEXT_HOP));
	wb_set_u16(&wb, at, (uint16_t)(wb.len - at - 2));
	return msg_end(&wb);
}

size_t
msg_update6_unreach_encode(uint8_t *buf, size_t size,
    const struct msg_prefix6 *withdrawn, size_t n_withdrawn)
{
	struct wbuf	wb;
	size_t		at, i;

	msg_begin(&wb, buf, size, MSG_UPDATE);
	wb_put_u16(&wb, 0);
	at = wb.len;
	wb_put_u16(&wb, 0);
	attr_put_header(&wb, ATTR_F_OPTIONAL, ATTR_MP_UNREACH,
	    3 + prefix6_wire_len(withdrawn, n_withdrawn));
	wb_put_u16(&wb, AFI_IPV6);
	wb_put_u8(&wb, SAFI_UNICAST);
	for (i = 0; i < n_withdrawn; i++)
		prefix6_put(&wb, &withdrawn[i]);
	wb_set_u16(&wb, at, (uint16_t)(wb.len - at - 2));
	return msg_end(&wb);
}

/*
 * RFC 4271 6.3 (semantics of NEXT_HOP, eBGP): not 0.0.0.0 nor another
 * address that is never a next hop (0/8, 127/8, multicast, class E), not
 * ours, and on the tunnel's subnet (not its network or broadcast address
 * for a /30 or shorter).  A /32 local address (a "peer" route) gives no
 * subnet: any other unicast address passes.
 */
bool
msg_nexthop_ok(struct in_addr nh, struct in_addr local, uint8_t plen)
{
	uint32_t	n = ntohl(nh.s_addr), l = ntohl(local.s_addr), mask;

	if (n == l || (n >> 24) == 0 || (n >> 24) == 127 || n >= 0xe0000000)
		return false;
	if (plen > 32)
		return false;
	if (plen == 32)
		return true;
	mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);
	if ((n & mask) != (l & mask))
		return false;
	if (plen <= 30 && ((n & ~mask) == 0 || (n & ~mask) == ~mask))
		return false;
	return true;
}

/* The first plen bits of a and b are the same. */
static bool
in6_same_prefix(const struct in6_addr *a, const struct in6_addr *b,
    uint8_t plen)
{
	size_t	n = plen / 8;
	uint8_t	mask;

	if (memcmp(a->s6_addr, b->s6_addr, n) != 0)
		return false;
	if (plen % 8 == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - plen % 8));
	return (a->s6_addr[n] & mask) == (b->s6_addr[n] & mask);
}

/* The bits after the first plen are all zero. */
static bool
in6_host_zero(const struct in6_addr *a, uint8_t plen)
{
	struct in6_addr	zero;

	memset(&zero, 0, sizeof(zero));
	memcpy(zero.s6_addr, a->s6_addr, plen / 8);
	if (plen % 8 != 0)
		zero.s6_addr[plen / 8] = (uint8_t)(a->s6_addr[plen / 8] &
		    (0xff << (8 - plen % 8)));
	return memcmp(&zero, a, sizeof(zero)) == 0;
}

static bool
global6_ok(const struct in6_addr *g, const struct in6_addr *local,
    uint8_t plen)
{
	if (in6_is_zero(g) || in6_is_loopback(g) || g->s6_addr[0] == 0xff ||
	    in6_is_linklocal(g) || in6_is_v4mapped(g))
		return false;
	if (memcmp(g, local, sizeof(*g)) == 0 || plen > 128)
		return false;
	if (plen == 128)
		return true;
	if (!in6_same_prefix(g, local, plen))
		return false;
	/* RFC 4291 2.6.1; a /127 has none (RFC 6164 5). */
	return plen == 127 || !in6_host_zero(g, plen);
}

bool
msg_nexthop6_ok(const struct msg_nexthop6 *nh, const struct in6_addr *local,
    uint8_t plen, struct in6_addr *via)
{
	const struct in6_addr	*use = NULL;

	if (global6_ok(&nh->global, local, plen))
		use = &nh->global;
	else if (in6_is_linklocal(&nh->link_local) &&
	    memcmp(&nh->link_local, local, sizeof(*local)) != 0)
		use = &nh->link_local;
	if (use == NULL)
		return false;
	if (via != NULL)
		*via = *use;
	return true;
}
