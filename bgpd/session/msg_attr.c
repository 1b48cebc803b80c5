/* SPDX-License-Identifier: ISC */
/*
 * msg_attr.c: the path attributes of an UPDATE (RFC 4271 4.3, 5), one
 * table row per attribute we know with its flags, its RFC 7606 weight
 * when the flags are wrong, its decoder and its encoder.  The decoders
 * return an RFC 7606 verdict (discard, treat-as-withdraw, reset); the
 * driver keeps the strongest (RFC 7606 3.h) and the first error of that
 * weight for the NOTIFICATION or the log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bgpd/session/msg_impl.h"

#define WELL_KNOWN	ATTR_F_TRANSITIVE
#define OPT_TRANS	(ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE)
#define OPT_NONTRANS	ATTR_F_OPTIONAL

/* Where an attribute may come from; elsewhere it is discarded. */
enum attr_scope {
	SCOPE_ANY,
	SCOPE_IBGP,		/* RFC 7606 7.5: LOCAL_PREF from eBGP */
	SCOPE_OLD_PEER,		/* RFC 6793 4.1: AS4_* between NEW speakers */
};

typedef enum attr_verdict attr_decode_fn(struct upd_ctx *,
		    struct attr_in *);
typedef void	attr_encode_fn(struct wbuf *, const struct msg_attrs *,
		    bool as4);

static attr_decode_fn	dec_origin, dec_aspath, dec_nexthop, dec_med;
static attr_decode_fn	dec_local_pref, dec_atomic, dec_aggregator;
static attr_decode_fn	dec_communities, dec_as4_path, dec_as4_aggregator;
static attr_encode_fn	enc_origin, enc_aspath, enc_nexthop, enc_med;
static attr_encode_fn	enc_communities, enc_as4_path;

/*
 * RFC 7606 3.c: wrong Optional/Transitive bits are treat-as-withdraw
 * unless the attribute says otherwise: 3.f makes ATOMIC_AGGREGATE and
 * AGGREGATOR attribute discard, RFC 6793 6 does the same for AS4_*, and
 * RFC 7606 5.3 makes MP_REACH/MP_UNREACH a session reset (in any family:
 * the AFI comes after the flags).
 */
static const struct attr_def {
	const char		*name;
	uint8_t			 flags;
	enum attr_verdict	 flags_verdict;
	enum attr_scope		 scope;
	attr_decode_fn		*decode;
	attr_encode_fn		*encode;
} attr_table[] = {
	[ATTR_ORIGIN] = { "ORIGIN", WELL_KNOWN, AV_WITHDRAW, SCOPE_ANY,
	    dec_origin, enc_origin },
	[ATTR_AS_PATH] = { "AS_PATH", WELL_KNOWN, AV_WITHDRAW, SCOPE_ANY,
	    dec_aspath, enc_aspath },
	[ATTR_NEXT_HOP] = { "NEXT_HOP", WELL_KNOWN, AV_WITHDRAW, SCOPE_ANY,
	    dec_nexthop, enc_nexthop },
	[ATTR_MED] = { "MULTI_EXIT_DISC", OPT_NONTRANS, AV_WITHDRAW,
	    SCOPE_ANY, dec_med, enc_med },
	[ATTR_LOCAL_PREF] = { "LOCAL_PREF", WELL_KNOWN, AV_WITHDRAW,
	    SCOPE_IBGP, dec_local_pref, NULL },
	[ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE", WELL_KNOWN,
	    AV_DISCARD, SCOPE_ANY, dec_atomic, NULL },
	[ATTR_AGGREGATOR] = { "AGGREGATOR", OPT_TRANS, AV_DISCARD,
	    SCOPE_ANY, dec_aggregator, NULL },
	[ATTR_COMMUNITIES] = { "COMMUNITIES", OPT_TRANS, AV_WITHDRAW,
	    SCOPE_ANY, dec_communities, enc_communities },
	[ATTR_MP_REACH] = { "MP_REACH_NLRI", OPT_NONTRANS, AV_RESET,
	    SCOPE_ANY, attr_mp_reach, NULL },
	[ATTR_MP_UNREACH] = { "MP_UNREACH_NLRI", OPT_NONTRANS, AV_RESET,
	    SCOPE_ANY, attr_mp_unreach, NULL },
	[ATTR_AS4_PATH] = { "AS4_PATH", OPT_TRANS, AV_DISCARD,
	    SCOPE_OLD_PEER, dec_as4_path, enc_as4_path },
	[ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", OPT_TRANS, AV_DISCARD,
	    SCOPE_OLD_PEER, dec_as4_aggregator, NULL },
};

static const struct attr_def *
attr_lookup(uint8_t type)
{
	if (type >= nitems(attr_table) || attr_table[type].decode == NULL)
		return NULL;
	return &attr_table[type];
}

/* ---- errors ------------------------------------------------------------ */

enum attr_verdict
upd_error(struct upd_ctx *c, enum attr_verdict v, uint8_t subcode,
    const void *data, size_t len)
{
	/* RFC 7606 3.h: the strongest action wins; its first error is the
	 * one reported.  Discards are no error to report. */
	if (v >= AV_WITHDRAW && v > c->worst)
		msg_err_set(c->err, ERR_UPDATE, subcode, data, len);
	if (v > c->worst)
		c->worst = v;
	return v;
}

/* RFC 4271 6.3: the Data field is the attribute (type, length, value). */
enum attr_verdict
attr_error(struct upd_ctx *c, const struct attr_in *a, enum attr_verdict v,
    uint8_t subcode)
{
	if (a == NULL)
		return upd_error(c, v, subcode, NULL, 0);
	return upd_error(c, v, subcode, a->raw, a->raw_len);
}

static enum attr_verdict
attr_nomem(struct upd_ctx *c)
{
	c->nomem = true;
	return AV_RESET;
}

/* ---- decoders ---------------------------------------------------------- */

static enum attr_verdict
dec_origin(struct upd_ctx *c, struct attr_in *a)
{
	uint8_t	v;

	if (rb_get_u8(&a->val, &v) == -1 || rb_left(&a->val) != 0)
		goto bad_len;
	if (v > ORIGIN_INCOMPLETE)
		goto bad_value;
	c->u->attrs.origin = v;
	return AV_OK;

bad_len:
	/* RFC 7606 7.1: length not 1: treat-as-withdraw. */
	return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ATTRLEN);
bad_value:
	/* RFC 7606 7.1: undefined value: treat-as-withdraw. */
	return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ORIGIN);
}

static enum attr_verdict
dec_aspath(struct upd_ctx *c, struct attr_in *a)
{
	struct msg_attrs	*at = &c->u->attrs;
	struct aspath_info	 info;
	size_t			 asn_size = c->as4 ? 4 : 2;

	/* RFC 7606 7.2: bad segment type, overrun, underrun, count 0. */
	if (aspath_check(&a->val, asn_size, &info) == -1)
		goto malformed;
	/* RFC 7607 2: AS 0 in AS_PATH is malformed. */
	if (info.has_zero)
		goto malformed;
	/* RFC 5065 5: CONFED segments from outside our confederation. */
	if (c->ebgp && info.has_confed)
		goto malformed;
	if (aspath_import(&a->val, asn_size, &at->as_path,
	    &at->as_path_len) == -1)
		return attr_nomem(c);
	return AV_OK;

malformed:
	/* RFC 4271 6.3 Malformed AS_PATH; RFC 7606 3.e: treat-as-withdraw */
	return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ASPATH);
}

static enum attr_verdict
dec_nexthop(struct upd_ctx *c, struct attr_in *a)
{
	/* RFC 7606 7.3: length not 4: treat-as-withdraw.  The semantic
	 * checks of RFC 4271 6.3 are msg_nexthop_ok(), for the session. */
	if (rb_left(&a->val) != 4)
		goto bad_len;
	if (rb_get_bytes(&a->val, &c->u->attrs.next_hop, 4) == -1)
		goto bad_len;
	return AV_OK;

bad_len:
	return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ATTRLEN);
}

static enum attr_verdict
dec_med(struct upd_ctx *c, struct attr_in *a)
{
	/* RFC 7606 7.4: length not 4: treat-as-withdraw. */
	if (rb_left(&a->val) != 4)
		goto bad_len;
	if (rb_get_u32(&a->val, &c->u->attrs.med) == -1)
		goto bad_len;
	return AV_OK;

bad_len:
	return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ATTRLEN);
}

static enum attr_verdict
dec_local_pref(struct upd_ctx *c, struct attr_in *a)
{
	/* RFC 7606 7.5: from an internal peer, length not 4: withdraw. */
	if (rb_left(&a->val) != 4)
		goto bad_len;
	if (rb_get_u32(&a->val, &c->u->attrs.local_pref) == -1)
		goto bad_len;
	return AV_OK;

bad_len:
	return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ATTRLEN);
}

static enum attr_verdict
dec_atomic(struct upd_ctx *c, struct attr_in *a)
{
	/* RFC 7606 7.6: length not 0: attribute discard. */
	if (rb_left(&a->val) != 0)
		return attr_error(c, a, AV_DISCARD, ERR_UPD_ATTRLEN);
	return AV_OK;
}

/* AS (2 or 4 octets) and IPv4 address, as AGGREGATOR and AS4_AGGREGATOR
 * carry them.  -1 unless exactly that long or with AS 0 (RFC 7607 2). */
static int
aggregator_read(struct rbuf *v, size_t asn_size, uint32_t *asn,
    struct in_addr *addr)
{
	uint16_t	as2;

	if (rb_left(v) != asn_size + 4)
		return -1;
	if (asn_size == 2) {
		if (rb_get_u16(v, &as2) == -1)
			return -1;
		*asn = as2;
	} else if (rb_get_u32(v, asn) == -1)
		return -1;
	if (rb_get_bytes(v, addr, 4) == -1)
		return -1;
	return *asn == 0 ? -1 : 0;
}

static enum attr_verdict
dec_aggregator(struct upd_ctx *c, struct attr_in *a)
{
	struct msg_attrs	*at = &c->u->attrs;
	struct in_addr		 addr;
	uint32_t		 asn;

	/* RFC 7606 7.7: length not 6 (or 8 between NEW speakers): attribute
	 * discard. */
	if (aggregator_read(&a->val, c->as4 ? 4 : 2, &asn, &addr) == -1)
		return attr_error(c, a, AV_DISCARD, ERR_UPD_ATTRLEN);
	at->aggregator_as = asn;
	at->aggregator_addr = addr;
	return AV_OK;
}

static enum attr_verdict
dec_communities(struct upd_ctx *c, struct attr_in *a)
{
	struct msg_attrs	*at = &c->u->attrs;
	size_t			 n = rb_left(&a->val) / 4, i;

	/* RFC 7606 7.8: not a non-zero multiple of 4: treat-as-withdraw. */
	if (n == 0 || rb_left(&a->val) % 4 != 0)
		return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ATTRLEN);
	/* n is bounded by the message: at most 1023. */
	if ((at->communities = calloc(n, sizeof(uint32_t))) == NULL)
		return attr_nomem(c);
	for (i = 0; i < n; i++)
		if (rb_get_u32(&a->val, &at->communities[i]) == -1)
			return attr_error(c, a, AV_WITHDRAW, ERR_UPD_ATTRLEN);
	at->n_communities = (uint16_t)n;
	return AV_OK;
}

static enum attr_verdict
dec_as4_path(struct upd_ctx *c, struct attr_in *a)
{
	struct aspath_info	info;

	/* RFC 6793 6 and RFC 7607 2: malformed, or AS 0: discard.  Empty
	 * is a syntax error too (RFC 7606 4).  Its CONFED segments are
	 * dropped at the merge (RFC 6793 6). */
	if (rb_left(&a->val) == 0)
		return attr_error(c, a, AV_DISCARD, ERR_UPD_OPTATTR);
	if (aspath_check(&a->val, 4, &info) == -1 || info.has_zero)
		return attr_error(c, a, AV_DISCARD, ERR_UPD_OPTATTR);
	c->as4_path = rb_ptr(&a->val);
	c->as4_path_len = (uint16_t)rb_left(&a->val);
	return AV_OK;
}

static enum attr_verdict
dec_as4_aggregator(struct upd_ctx *c, struct attr_in *a)
{
	/* RFC 6793 6: length not 8: discard; RFC 7607 2: AS 0 too. */
	if (aggregator_read(&a->val, 4, &c->as4_aggr_as,
	    &c->as4_aggr_addr) == -1)
		return attr_error(c, a, AV_DISCARD, ERR_UPD_OPTATTR);
	c->as4_aggr = true;
	return AV_OK;
}

/*
 * RFC 4271 5 and 6.3: an unrecognized well-known attribute is 3/2 (RFC
 * 7606 leaves it a session reset); an unrecognized optional non-transitive
 * one is quietly ignored; an optional transitive one is kept, with the
 * Partial bit set, to be passed along.
 */
static void
attr_unknown(struct upd_ctx *c, const struct attr_in *a)
{
	struct msg_attrs	*at = &c->u->attrs;

	if (!(a->flags & ATTR_F_OPTIONAL)) {
		attr_error(c, a, AV_RESET, ERR_UPD_UNKNWN_WK);
		return;
	}
	if (!(a->flags & ATTR_F_TRANSITIVE))
		return;
	/* Bounded by the attribute section of this message. */
	if (at->unknown == NULL &&
	    (at->unknown = malloc(c->attrs_len)) == NULL) {
		attr_nomem(c);
		return;
	}
	if (at->unknown_len + a->raw_len > c->attrs_len)
		return;
	memcpy(at->unknown + at->unknown_len, a->raw, a->raw_len);
	at->unknown[at->unknown_len] |= ATTR_F_PARTIAL;
	at->unknown_len += (uint16_t)a->raw_len;
}

/* ---- the driver -------------------------------------------------------- */

/* RFC 4271 4.3: flags, type, length (2 octets with Extended Length). */
static int
attr_read(struct rbuf *rb, struct attr_in *a)
{
	uint8_t		len8;
	uint16_t	len;

	a->raw = rb_ptr(rb);
	a->raw_len = rb_left(rb);
	if (rb_get_u8(rb, &a->flags) == -1)
		return -1;
	if (rb_get_u8(rb, &a->type) == -1)
		return -1;
	if (a->flags & ATTR_F_EXTLEN) {
		if (rb_get_u16(rb, &len) == -1)
			return -1;
	} else {
		if (rb_get_u8(rb, &len8) == -1)
			return -1;
		len = len8;
	}
	if (rb_get_sub(rb, len, &a->val) == -1)
		return -1;
	a->raw_len -= rb_left(rb);
	return 0;
}

static bool
attr_seen(struct upd_ctx *c, uint8_t type)
{
	bool	seen = (c->seen[type / 8] & (1U << (type % 8))) != 0;

	c->seen[type / 8] |= (uint8_t)(1U << (type % 8));
	return seen;
}

static bool
attr_in_scope(const struct upd_ctx *c, const struct attr_def *def)
{
	switch (def->scope) {
	case SCOPE_IBGP:
		return !c->ebgp;
	case SCOPE_OLD_PEER:
		return !c->as4;
	case SCOPE_ANY:
		break;
	}
	return true;
}

static void
attr_one(struct upd_ctx *c, struct attr_in *a)
{
	struct msg_update	*u = c->u;
	const struct attr_def	*def;
	enum attr_verdict	 v;

	if (a->type != ATTR_MP_UNREACH)
		c->other_attrs = true;
	/* RFC 7606 3.g: a second MP_REACH/MP_UNREACH is 3/1; a second
	 * anything else is discarded. */
	if (attr_seen(c, a->type)) {
		if (a->type == ATTR_MP_REACH || a->type == ATTR_MP_UNREACH)
			upd_error(c, AV_RESET, ERR_UPD_ATTRLIST, NULL, 0);
		return;
	}
	if ((def = attr_lookup(a->type)) == NULL) {
		attr_unknown(c, a);
		return;
	}
	if (!attr_in_scope(c, def))
		v = AV_DISCARD;
	else if ((a->flags & OPT_TRANS) != def->flags)
		v = attr_error(c, a, def->flags_verdict, ERR_UPD_ATTRFLAGS);
	else
		v = def->decode(c, a);
	if (v == AV_OK)
		u->attrs.present |= ATTR_BIT(a->type);
	else if (v == AV_DISCARD)
		u->discarded |= ATTR_BIT(a->type);
}

void
attrs_decode(struct upd_ctx *c, struct rbuf *attrs)
{
	struct attr_in	a;

	while (rb_left(attrs) > 0 && c->worst < AV_RESET && !c->nomem) {
		if (attr_read(attrs, &a) == -1) {
			/*
			 * RFC 7606 4: an attribute running past the Total
			 * Attribute Length, or fewer octets left than a
			 * header: treat-as-withdraw; the Total Attribute
			 * Length still says where the NLRI start.
			 */
			c->other_attrs = true;
			upd_error(c, AV_WITHDRAW, ERR_UPD_ATTRLIST, NULL, 0);
			return;
		}
		attr_one(c, &a);
	}
}

/* ---- after the last attribute ----------------------------------------- */

static void
as4_ignore(struct msg_update *u, uint8_t type)
{
	u->attrs.present &= ~ATTR_BIT(type);
	u->discarded |= ATTR_BIT(type);
}

/* RFC 6793 4.2.3: an OLD speaker's AS4_AGGREGATOR and AS4_PATH. */
static void
attrs_as4_merge(struct upd_ctx *c)
{
	struct msg_update	*u = c->u;
	struct msg_attrs	*at = &u->attrs;
	int			 r;

	if (c->as4_aggr) {
		if (!(at->present & ATTR_BIT(ATTR_AGGREGATOR))) {
			as4_ignore(u, ATTR_AS4_AGGREGATOR);
		} else if (at->aggregator_as != MSG_AS_TRANS) {
			/* "the AS4_AGGREGATOR attribute and the AS4_PATH
			 * attribute SHALL be ignored" */
			as4_ignore(u, ATTR_AS4_AGGREGATOR);
			if (c->as4_path != NULL)
				as4_ignore(u, ATTR_AS4_PATH);
			return;
		} else {
			at->aggregator_as = c->as4_aggr_as;
			at->aggregator_addr = c->as4_aggr_addr;
		}
	}
	if (c->as4_path == NULL)
		return;
	if (!(at->present & ATTR_BIT(ATTR_AS_PATH))) {
		as4_ignore(u, ATTR_AS4_PATH);
		return;
	}
	r = aspath_merge_as4(&at->as_path, &at->as_path_len, c->as4_path,
	    c->as4_path_len);
	if (r == -1)
		c->nomem = true;
	else if (r == 1)
		as4_ignore(u, ATTR_AS4_PATH);
}

/* RFC 4271 6.3 and RFC 7606 3.d: missing well-known mandatory attributes
 * of an UPDATE that announces something, in either family: treat-as-
 * withdraw (3/3, data the type).  RFC 4760 3 makes NEXT_HOP needed by the
 * classic NLRI only. */
static void
attrs_check_missing(struct upd_ctx *c, size_t n_classic)
{
	static const uint8_t	 mandatory[] = {
		ATTR_ORIGIN, ATTR_AS_PATH, ATTR_NEXT_HOP,
	};
	uint32_t		 present = c->u->attrs.present;
	size_t			 i;

	if (c->u->n_nlri == 0 && c->n_reach6 == 0)
		return;
	for (i = 0; i < nitems(mandatory); i++) {
		if (mandatory[i] == ATTR_NEXT_HOP && n_classic == 0)
			continue;
		if (!(present & ATTR_BIT(mandatory[i])))
			upd_error(c, AV_WITHDRAW, ERR_UPD_MISSING_WK,
			    &mandatory[i], 1);
	}
}

/*
 * The next hop of MP_REACH_NLRI serves its NLRI (RFC 4760 3).  With no
 * classic NLRI a NEXT_HOP attribute is ignored; with both kinds and two
 * different next hops the one msg_attrs.next_hop cannot tell which
 * route uses which: treat-as-withdraw (vtibgpd's choice).
 */
static void
attrs_mp_nexthop(struct upd_ctx *c, size_t n_classic)
{
	struct msg_attrs	*at = &c->u->attrs;

	if (!c->mp_reach || c->u->n_nlri == n_classic)
		return;
	if ((at->present & ATTR_BIT(ATTR_NEXT_HOP)) && n_classic > 0 &&
	    at->next_hop.s_addr != c->mp_nexthop.s_addr) {
		upd_error(c, AV_WITHDRAW, ERR_UPD_NEXTHOP, NULL, 0);
		return;
	}
	at->next_hop = c->mp_nexthop;
	at->present |= ATTR_BIT(ATTR_NEXT_HOP);
}

void
attrs_finish(struct upd_ctx *c, size_t n_classic)
{
	struct msg_update	*u = c->u;
	struct msg_attrs	*at = &u->attrs;

	if (!c->as4 && c->worst < AV_WITHDRAW)
		attrs_as4_merge(c);
	attrs_check_missing(c, n_classic);
	attrs_mp_nexthop(c, n_classic);
	/*
	 * RFC 7606 5.2: attributes other than MP_UNREACH_NLRI but nothing
	 * reachable in either family: the NLRI may not have been parsed
	 * right, so any error stronger than attribute discard is a session
	 * reset.
	 */
	if (c->worst == AV_WITHDRAW && u->n_nlri == 0 && c->n_reach6 == 0 &&
	    c->other_attrs)
		c->worst = AV_RESET;
	at->as_path_count = aspath_count(at->as_path, at->as_path_len);
}

/* ---- encoders ---------------------------------------------------------- */

void
attr_put_header(struct wbuf *wb, uint8_t flags, uint8_t type, size_t len)
{
	if (len > UINT16_MAX) {
		wb->overflow = true;
		return;
	}
	if (len > UINT8_MAX)
		flags |= ATTR_F_EXTLEN;
	wb_put_u8(wb, flags);
	wb_put_u8(wb, type);
	if (flags & ATTR_F_EXTLEN)
		wb_put_u16(wb, (uint16_t)len);
	else
		wb_put_u8(wb, (uint8_t)len);
}

static void
enc_origin(struct wbuf *wb, const struct msg_attrs *at, bool as4)
{
	attr_put_header(wb, WELL_KNOWN, ATTR_ORIGIN, 1);
	wb_put_u8(wb, at->origin);
}

/* RFC 6793 4.1 / 4.2.2: 4-octet ASNs to a NEW speaker, else 2 octets
 * with AS_TRANS (and AS4_PATH, below). */
static void
enc_aspath(struct wbuf *wb, const struct msg_attrs *at, bool as4)
{
	size_t	asn_size = as4 ? 4 : 2;

	attr_put_header(wb, WELL_KNOWN, ATTR_AS_PATH,
	    aspath_wire_len(at->as_path, at->as_path_len, asn_size, false));
	aspath_put(wb, at->as_path, at->as_path_len, asn_size, false);
}

static void
enc_nexthop(struct wbuf *wb, const struct msg_attrs *at, bool as4)
{
	attr_put_header(wb, WELL_KNOWN, ATTR_NEXT_HOP, 4);
	wb_put_bytes(wb, &at->next_hop, 4);
}

static void
enc_med(struct wbuf *wb, const struct msg_attrs *at, bool as4)
{
	if (!(at->present & ATTR_BIT(ATTR_MED)))
		return;
	attr_put_header(wb, OPT_NONTRANS, ATTR_MED, 4);
	wb_put_u32(wb, at->med);
}

static void
enc_communities(struct wbuf *wb, const struct msg_attrs *at, bool as4)
{
	uint16_t	i;

	if (!(at->present & ATTR_BIT(ATTR_COMMUNITIES)) ||
	    at->n_communities == 0)
		return;
	attr_put_header(wb, OPT_TRANS, ATTR_COMMUNITIES,
	    (size_t)at->n_communities * 4);
	for (i = 0; i < at->n_communities; i++)
		wb_put_u32(wb, at->communities[i]);
}

/* RFC 6793 4.2.2: to an OLD speaker, only when some ASN needs it. */
static void
enc_as4_path(struct wbuf *wb, const struct msg_attrs *at, bool as4)
{
	if (as4 || !aspath_needs_as4(at->as_path, at->as_path_len))
		return;
	attr_put_header(wb, OPT_TRANS, ATTR_AS4_PATH,
	    aspath_wire_len(at->as_path, at->as_path_len, 4, true));
	aspath_put(wb, at->as_path, at->as_path_len, 4, true);
}

/* RFC 4271 5: in ascending type order, the order of the table. */
void
attrs_encode(struct wbuf *wb, const struct msg_attrs *at, bool as4,
    uint32_t skip)
{
	size_t	i;

	for (i = 0; i < nitems(attr_table); i++)
		if (attr_table[i].encode != NULL && !(skip & ATTR_BIT(i)))
			attr_table[i].encode(wb, at, as4);
}

void
msg_attrs_free(struct msg_attrs *at)
{
	free(at->as_path);
	free(at->communities);
	free(at->unknown);
	memset(at, 0, sizeof(*at));
}
