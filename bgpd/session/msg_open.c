/* SPDX-License-Identifier: ISC */
/*
 * msg_open.c: the OPEN message (RFC 4271 4.2, 6.2) and the capabilities
 * it carries (RFC 5492): multiprotocol (RFC 4760; IPv4 and IPv6
 * unicast), route refresh (RFC 2918), graceful restart (RFC 4724) and
 * 4-octet AS numbers (RFC 6793), and which families both sides carry.
 * One table row per capability, with its decoder and encoder; other
 * capabilities are skipped and counted (RFC 5492 3: we never answer 2/7,
 * since we require no capability).
 */
#include "config.h"

#include <string.h>

#include "bgpd/session/msg_impl.h"

#define BGP_VERSION		4
#define OPT_PARAM_CAPA		2	/* RFC 5492 */
#define OPT_PARAM_EXT		255	/* RFC 9072 */
#define ERR_OPEN_UNSPEC		0

#define CAPA_MP			1
#define CAPA_ROUTE_REFRESH	2
#define CAPA_GR			64
#define CAPA_AS4		65

#define GR_F_RESTART		0x8000	/* R bit, RFC 4724 3 */
#define GR_TIME_MASK		0x0fff
#define GR_AF_F_FORWARDING	0x80	/* F bit */

typedef int	capa_decode_fn(struct rbuf *, struct msg_caps *);
typedef void	capa_encode_fn(struct wbuf *, const struct msg_caps *,
		    uint32_t my_as);

static capa_decode_fn	capa_mp_dec, capa_rr_dec, capa_gr_dec, capa_as4_dec;
static capa_encode_fn	capa_mp_enc, capa_rr_enc, capa_gr_enc, capa_as4_enc;

/* In ascending code order: the encoder writes them in this order. */
static const struct capa_def {
	uint8_t		 code;
	capa_decode_fn	*decode;
	capa_encode_fn	*encode;
} capa_table[] = {
	{ CAPA_MP, capa_mp_dec, capa_mp_enc },
	{ CAPA_ROUTE_REFRESH, capa_rr_dec, capa_rr_enc },
	{ CAPA_GR, capa_gr_dec, capa_gr_enc },
	{ CAPA_AS4, capa_as4_dec, capa_as4_enc },
};

/* ---- capabilities ------------------------------------------------------ */

/* RFC 4760 8: AFI (2), Reserved (1), SAFI (1). */
static int
capa_mp_dec(struct rbuf *v, struct msg_caps *caps)
{
	uint16_t	afi;
	uint8_t		res, safi;

	if (rb_get_u16(v, &afi) == -1)
		return -1;
	if (rb_get_u8(v, &res) == -1)
		return -1;
	if (rb_get_u8(v, &safi) == -1)
		return -1;
	if (rb_left(v) != 0)
		return -1;
	if (afi == AFI_IPV4 && safi == SAFI_UNICAST) {
		caps->mp_ipv4_unicast = true;
		return 0;
	}
	/* msg.h: mp_other is anything but IPv4 unicast. */
	caps->mp_other = true;
	if (afi == AFI_IPV6 && safi == SAFI_UNICAST)
		caps->mp_ipv6_unicast = true;
	return 0;
}

/* RFC 2918 2: no value. */
static int
capa_rr_dec(struct rbuf *v, struct msg_caps *caps)
{
	if (rb_left(v) != 0)
		return -1;
	caps->route_refresh = true;
	return 0;
}

/* RFC 4724 3: Restart Flags and Time (2), then (AFI, SAFI, flags) * n. */
static int
capa_gr_dec(struct rbuf *v, struct msg_caps *caps)
{
	uint16_t	ft, afi;
	uint8_t		safi, flags;

	if (rb_get_u16(v, &ft) == -1)
		return -1;
	if (rb_left(v) % 4 != 0)
		return -1;
	caps->gr = true;
	caps->gr_restarting = (ft & GR_F_RESTART) != 0;
	caps->gr_time = ft & GR_TIME_MASK;
	caps->gr_ipv4 = false;
	caps->gr_ipv4_forwarding = false;
	caps->gr_ipv6 = false;
	caps->gr_ipv6_forwarding = false;
	while (rb_left(v) > 0) {
		if (rb_get_u16(v, &afi) == -1)
			return -1;
		if (rb_get_u8(v, &safi) == -1)
			return -1;
		if (rb_get_u8(v, &flags) == -1)
			return -1;
		if (safi != SAFI_UNICAST)
			continue;
		if (afi == AFI_IPV4) {
			caps->gr_ipv4 = true;
			caps->gr_ipv4_forwarding =
			    (flags & GR_AF_F_FORWARDING) != 0;
		} else if (afi == AFI_IPV6) {
			caps->gr_ipv6 = true;
			caps->gr_ipv6_forwarding =
			    (flags & GR_AF_F_FORWARDING) != 0;
		}
	}
	return 0;
}

/* RFC 6793 3: the 4-octet AS number. */
static int
capa_as4_dec(struct rbuf *v, struct msg_caps *caps)
{
	if (rb_get_u32(v, &caps->as4_asn) == -1)
		return -1;
	if (rb_left(v) != 0)
		return -1;
	caps->as4 = true;
	return 0;
}

/* RFC 4760 8: one capability per AFI/SAFI, IPv4 unicast first. */
static void
capa_mp_enc(struct wbuf *wb, const struct msg_caps *caps, uint32_t my_as)
{
	if (caps->mp_ipv4_unicast) {
		wb_put_u8(wb, CAPA_MP);
		wb_put_u8(wb, 4);
		wb_put_u16(wb, AFI_IPV4);
		wb_put_u8(wb, 0);
		wb_put_u8(wb, SAFI_UNICAST);
	}
	if (caps->mp_ipv6_unicast) {
		wb_put_u8(wb, CAPA_MP);
		wb_put_u8(wb, 4);
		wb_put_u16(wb, AFI_IPV6);
		wb_put_u8(wb, 0);
		wb_put_u8(wb, SAFI_UNICAST);
	}
}

static void
capa_rr_enc(struct wbuf *wb, const struct msg_caps *caps, uint32_t my_as)
{
	if (!caps->route_refresh)
		return;
	wb_put_u8(wb, CAPA_ROUTE_REFRESH);
	wb_put_u8(wb, 0);
}

/*
 * IPv4 unicast is listed when gr_ipv4 or gr_ipv4_forwarding is set, then
 * IPv6 unicast when gr_ipv6 or gr_ipv6_forwarding is (RFC 4724 3: one
 * AFI, SAFI and Flags per family).
 */
static void
capa_gr_enc(struct wbuf *wb, const struct msg_caps *caps, uint32_t my_as)
{
	bool		v4 = caps->gr_ipv4 || caps->gr_ipv4_forwarding;
	bool		v6 = caps->gr_ipv6 || caps->gr_ipv6_forwarding;
	uint16_t	ft;

	if (!caps->gr)
		return;
	/* 12 bits: a longer time is cut to the longest one. */
	ft = caps->gr_time > GR_TIME_MASK ? GR_TIME_MASK : caps->gr_time;
	if (caps->gr_restarting)
		ft |= GR_F_RESTART;
	wb_put_u8(wb, CAPA_GR);
	wb_put_u8(wb, (uint8_t)(2 + (v4 ? 4 : 0) + (v6 ? 4 : 0)));
	wb_put_u16(wb, ft);
	if (v4) {
		wb_put_u16(wb, AFI_IPV4);
		wb_put_u8(wb, SAFI_UNICAST);
		wb_put_u8(wb, caps->gr_ipv4_forwarding ?
		    GR_AF_F_FORWARDING : 0);
	}
	if (v6) {
		wb_put_u16(wb, AFI_IPV6);
		wb_put_u8(wb, SAFI_UNICAST);
		wb_put_u8(wb, caps->gr_ipv6_forwarding ?
		    GR_AF_F_FORWARDING : 0);
	}
}

static void
capa_as4_enc(struct wbuf *wb, const struct msg_caps *caps, uint32_t my_as)
{
	if (!caps->as4)
		return;
	wb_put_u8(wb, CAPA_AS4);
	wb_put_u8(wb, 4);
	wb_put_u32(wb, my_as);
}

static const struct capa_def *
capa_lookup(uint8_t code)
{
	size_t	i;

	for (i = 0; i < nitems(capa_table); i++)
		if (capa_table[i].code == code)
			return &capa_table[i];
	return NULL;
}

/* RFC 5492 4: a list of (code, length, value) filling the parameter. */
static int
capa_list_decode(struct rbuf *pv, struct msg_caps *caps)
{
	const struct capa_def	*def;
	struct rbuf		 v;
	uint8_t			 code, len;

	while (rb_left(pv) > 0) {
		if (rb_get_u8(pv, &code) == -1)
			return -1;
		if (rb_get_u8(pv, &len) == -1)
			return -1;
		if (rb_get_sub(pv, len, &v) == -1)
			return -1;
		if ((def = capa_lookup(code)) == NULL)
			caps->n_unknown++;
		else if (def->decode(&v, caps) == -1)
			return -1;
	}
	return 0;
}

unsigned
msg_caps_families(const struct msg_caps *caps)
{
	return (caps->mp_ipv4_unicast ? MSG_AF_IPV4 : 0) |
	    (caps->mp_ipv6_unicast ? MSG_AF_IPV6 : 0);
}

unsigned
msg_caps_negotiate(const struct msg_caps *ours, const struct msg_caps *peer)
{
	unsigned	theirs = msg_caps_families(peer);

	if (!peer->mp_ipv4_unicast && !peer->mp_ipv6_unicast &&
	    !peer->mp_other)
		theirs = MSG_AF_IPV4;		/* no MP capability at all */
	return msg_caps_families(ours) & theirs;
}

/* ---- OPEN ------------------------------------------------------------ */

/*
 * Optional parameters, RFC 4271 4.2, in the RFC 9072 extended form when
 * ext is set (2-octet lengths).  Only Capabilities (2) is known: anything
 * else is 2/4.  A length that overruns is 2/0, as OpenBGPD and BIRD send.
 */
static int
open_params_decode(struct rbuf *rb, bool ext, struct msg_caps *caps,
    struct msg_error *err)
{
	struct rbuf	pv;
	uint8_t		ptype, len8;
	uint16_t	plen;

	while (rb_left(rb) > 0) {
		if (rb_get_u8(rb, &ptype) == -1)
			goto bad;
		if (ext) {
			if (rb_get_u16(rb, &plen) == -1)
				goto bad;
		} else {
			if (rb_get_u8(rb, &len8) == -1)
				goto bad;
			plen = len8;
		}
		if (rb_get_sub(rb, plen, &pv) == -1)
			goto bad;
		if (ptype != OPT_PARAM_CAPA)
			goto unsupported;
		if (capa_list_decode(&pv, caps) == -1)
			goto bad;
	}
	return 0;

bad:
	msg_err_set(err, ERR_OPEN, ERR_OPEN_UNSPEC, NULL, 0);
	return -1;
unsupported:
	/* RFC 4271 6.2: Unsupported Optional Parameters. */
	msg_err_set(err, ERR_OPEN, ERR_OPEN_OPTPARAM, NULL, 0);
	return -1;
}

int
msg_open_decode(const uint8_t *body, size_t len, struct msg_open *o,
    struct msg_error *err)
{
	struct rbuf	rb;
	uint8_t		optlen, xtype;
	uint16_t	plen;
	bool		ext = false;

	memset(o, 0, sizeof(*o));
	msg_err_clear(err);
	rb_init(&rb, body, len);
	if (rb_get_u8(&rb, &o->version) == -1)
		goto bad_len;
	if (rb_get_u16(&rb, &o->my_as) == -1)
		goto bad_len;
	if (rb_get_u16(&rb, &o->hold_time) == -1)
		goto bad_len;
	if (rb_get_bytes(&rb, &o->bgp_id, sizeof(o->bgp_id)) == -1)
		goto bad_len;
	if (rb_get_u8(&rb, &optlen) == -1)
		goto bad_len;
	/* Another version may lay out the rest differently: let
	 * msg_open_check() answer 2/1 rather than a syntax error here. */
	if (o->version != BGP_VERSION)
		return 0;
	plen = optlen;
	/* RFC 9072 2: Non-Ext OP Len 255 and Non-Ext OP Type 255. */
	if (optlen == 255 && rb_left(&rb) > 0 && rb_ptr(&rb)[0] == 255) {
		if (rb_get_u8(&rb, &xtype) == -1)
			goto bad_params;
		if (rb_get_u16(&rb, &plen) == -1)
			goto bad_params;
		ext = true;
	}
	if (plen != rb_left(&rb))
		goto bad_params;
	return open_params_decode(&rb, ext, &o->caps, err);

bad_len:
	msg_err_u16(err, ERR_HEADER, ERR_HDR_LEN,
	    (uint16_t)(len + MSG_HEADER_LEN));
	return -1;
bad_params:
	msg_err_set(err, ERR_OPEN, ERR_OPEN_UNSPEC, NULL, 0);
	return -1;
}

uint32_t
msg_open_peer_as(const struct msg_open *o)
{
	/* RFC 6793 4.1: the capability value in lieu of My AS. */
	return o->caps.as4 ? o->caps.as4_asn : o->my_as;
}

int
msg_open_check(const struct msg_open *o, uint32_t peer_as,
    struct in_addr our_id, struct msg_error *err)
{
	msg_err_clear(err);
	/* RFC 4271 6.2: 2/1, data the largest version we support. */
	if (o->version != BGP_VERSION) {
		msg_err_u16(err, ERR_OPEN, ERR_OPEN_VERSION, BGP_VERSION);
		return -1;
	}
	/* RFC 4271 6.2, RFC 6793 4.1; RFC 7607 2: AS 0 is Bad Peer AS. */
	if (o->my_as == 0 || msg_open_peer_as(o) != peer_as) {
		msg_err_set(err, ERR_OPEN, ERR_OPEN_AS, NULL, 0);
		return -1;
	}
	/* RFC 4271 6.2: reject 1 and 2 seconds. */
	if (o->hold_time == 1 || o->hold_time == 2) {
		msg_err_set(err, ERR_OPEN, ERR_OPEN_HOLD, NULL, 0);
		return -1;
	}
	/*
	 * RFC 6286 2.2: zero is bad; equal to ours is bad only from an
	 * internal peer.  vtibgpd speaks eBGP only (conf_check refuses
	 * remote-as == local-as), so an identifier equal to our_id passes.
	 */
	if (o->bgp_id.s_addr == 0) {
		msg_err_set(err, ERR_OPEN, ERR_OPEN_BGPID, NULL, 0);
		return -1;
	}
	return 0;
}

size_t
msg_open_encode(uint8_t *buf, size_t size, uint32_t my_as,
    uint16_t hold_time, struct in_addr bgp_id, const struct msg_caps *caps)
{
	struct wbuf	wb;
	size_t		optlen_at, plen_at, i;

	msg_begin(&wb, buf, size, MSG_OPEN);
	wb_put_u8(&wb, BGP_VERSION);
	/* RFC 6793 4.2.1: AS_TRANS when my_as does not fit 2 octets. */
	wb_put_u16(&wb, my_as > UINT16_MAX ? MSG_AS_TRANS : (uint16_t)my_as);
	wb_put_u16(&wb, hold_time);
	wb_put_bytes(&wb, &bgp_id, sizeof(bgp_id));
	optlen_at = wb.len;
	wb_put_u8(&wb, 0);
	/* All capabilities in one parameter (RFC 5492 4). */
	wb_put_u8(&wb, OPT_PARAM_CAPA);
	plen_at = wb.len;
	wb_put_u8(&wb, 0);
	for (i = 0; i < nitems(capa_table); i++)
		capa_table[i].encode(&wb, caps, my_as);
	if (wb.overflow || wb.len - optlen_at - 1 > 255)
		return 0;
	if (wb.len == plen_at + 1)
		wb.len = optlen_at + 1;		/* no capability: no param */
	wb_set_u8(&wb, plen_at, (uint8_t)(wb.len - plen_at - 1));
	wb_set_u8(&wb, optlen_at, (uint8_t)(wb.len - optlen_at - 1));
	return msg_end(&wb);
}
