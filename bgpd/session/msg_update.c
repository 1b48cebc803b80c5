/* SPDX-License-Identifier: ISC */
/*
 * msg_update.c: the UPDATE message (RFC 4271 4.3, 6.3): its three
 * fields, the IPv4 unicast NLRI in them and in MP_REACH_NLRI /
 * MP_UNREACH_NLRI (RFC 4760, AFI 1 SAFI 1 only), End-of-RIB (RFC 4724
 * 2), the RFC 7606 action, and the encoder for what we announce.  The
 * path attributes themselves are msg_attr.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/msg_impl.h"

/* ---- prefixes ---------------------------------------------------------- */

/* RFC 4271 4.3: a length in bits, then the fewest octets that hold it;
 * the trailing bits are irrelevant, and cleared here. */
static int
prefix_get(struct rbuf *rb, struct msg_prefix *p)
{
	uint8_t		plen, b[4] = { 0, 0, 0, 0 };
	uint32_t	a, mask;

	if (rb_get_u8(rb, &plen) == -1)
		return -1;
	/* RFC 7606 5.3: longer than 32 is a syntax error. */
	if (plen > 32)
		return -1;
	/* RFC 7606 5.3: so is a last prefix that overruns the field. */
	if (rb_get_bytes(rb, b, (plen + 7U) / 8) == -1)
		return -1;
	a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);
	p->addr.s_addr = htonl(a & mask);
	p->len = plen;
	return 0;
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

static void
prefix_put(struct wbuf *wb, const struct msg_prefix *p)
{
	uint8_t		b[4];
	uint32_t	a, mask;

	if (p->len > 32) {
		wb->overflow = true;
		return;
	}
	mask = p->len == 0 ? 0 : UINT32_MAX << (32 - p->len);
	a = ntohl(p->addr.s_addr) & mask;
	b[0] = (uint8_t)(a >> 24);
	b[1] = (uint8_t)(a >> 16);
	b[2] = (uint8_t)(a >> 8);
	b[3] = (uint8_t)a;
	wb_put_u8(wb, p->len);
	wb_put_bytes(wb, b, (p->len + 7U) / 8);
}

/* ---- MP_REACH_NLRI / MP_UNREACH_NLRI (attribute table rows) ------------ */

/*
 * RFC 4760 3: AFI, SAFI, next hop length and next hop, Reserved, NLRI.
 * RFC 7606 5.3 and 7.11: shorter than 5, a next hop length that is not
 * the 4 of IPv4, or bad NLRI: session reset (RFC 4760 7: 3/9).  Another
 * AFI/SAFI, which we never negotiate, is discarded.
 */
enum attr_verdict
attr_mp_reach(struct upd_ctx *c, struct attr_in *a)
{
	struct rbuf	*v = &a->val, nh;
	uint16_t	 afi;
	uint8_t		 safi, nhlen, reserved;

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
	if (afi != AFI_IPV4 || safi != SAFI_UNICAST)
		return AV_DISCARD;
	if (nhlen != 4)
		goto bad;
	if (rb_get_bytes(&nh, &c->mp_nexthop, 4) == -1)
		goto bad;
	if (prefix_count(v) == -1)
		goto bad;
	c->mp_nlri = *v;
	c->mp_reach = true;
	return AV_OK;

bad:
	return attr_error(c, a, AV_RESET, ERR_UPD_OPTATTR);
}

/* RFC 4760 4: AFI, SAFI, withdrawn routes; RFC 7606 5.3: shorter than 3
 * or bad NLRI: session reset. */
enum attr_verdict
attr_mp_unreach(struct upd_ctx *c, struct attr_in *a)
{
	struct rbuf	*v = &a->val;
	uint16_t	 afi;
	uint8_t		 safi;

	if (rb_get_u16(v, &afi) == -1)
		goto bad;
	if (rb_get_u8(v, &safi) == -1)
		goto bad;
	if (afi != AFI_IPV4 || safi != SAFI_UNICAST)
		return AV_DISCARD;
	if (prefix_count(v) == -1)
		goto bad;
	c->mp_withdrawn = *v;
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

int
msg_update_decode(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg_update *u, struct msg_error *err)
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
		attrs_encode(&wb, attrs, as4);
	wb_set_u16(&wb, at, (uint16_t)(wb.len - at - 2));
	for (i = 0; i < n_nlri; i++)
		prefix_put(&wb, &nlri[i]);
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
