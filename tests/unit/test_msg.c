/* SPDX-License-Identifier: ISC */
/*
 * test_msg.c: table-driven tests of the BGP message codec (bgpd/session/msg.h):
 * bytes in, expected result or error out; round trips of everything we
 * send; and a short mutation run over all vectors under the sanitizers.
 * Each table row is a cmocka test of its own, named after the row.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bgpd/session/msg.h"
#include "tests/unit/mutate.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define B(t)		ATTR_BIT(t)
#define MARKER		"ffffffffffffffffffffffffffffffff"

/* ---- helpers ----------------------------------------------------------- */

/* Hex digits to bytes; blanks are ignored. */
static size_t
unhex(const char *s, uint8_t *out, size_t size)
{
	size_t	n = 0;
	int	hi = -1, v = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			fail_msg("bad hex digit '%c'", *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < size);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

/* A whole message of type around body. */
static size_t
mkmsg(uint8_t type, const uint8_t *body, size_t blen, uint8_t *out)
{
	size_t	len = MSG_HEADER_LEN + blen;

	memset(out, 0xff, MSG_MARKER_LEN);
	out[16] = (uint8_t)(len >> 8);
	out[17] = (uint8_t)len;
	out[18] = type;
	memcpy(out + MSG_HEADER_LEN, body, blen);
	return len;
}

static void
check_err(const struct msg_error *e, uint8_t code, uint8_t sub,
    const char *data)
{
	uint8_t	want[MSG_MAX_LEN];
	size_t	n;

	assert_int_equal(e->code, code);
	assert_int_equal(e->subcode, sub);
	if (data == NULL)
		return;
	n = unhex(data, want, sizeof(want));
	assert_int_equal(e->data_len, n);
	if (n > 0)
		assert_memory_equal(e->data, want, n);
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* Mutation corpus: every whole message a test decoded. */
static uint8_t	corpus[512][MSG_MAX_LEN];
static size_t	corpus_len[512];
static size_t	corpus_n;

static void
corpus_add(const uint8_t *m, size_t len)
{
	if (corpus_n < nitems(corpus) && len <= MSG_MAX_LEN) {
		memcpy(corpus[corpus_n], m, len);
		corpus_len[corpus_n++] = len;
	}
}

/* ---- message header and framing ----------------------------------- */

struct hdr_vec {
	const char	*name;
	const char	*msg;		/* whole message, hex */
	int		 cut;		/* hand over this many bytes less */
	uint8_t		 code, sub;
	const char	*data;
	uint8_t		 type;		/* when it decodes */
};

static const struct hdr_vec hdr_vecs[] = {
	{ "hdr: keepalive", MARKER "0013 04", 0, 0, 0, "", MSG_KEEPALIVE },
	{ "hdr: marker not all ones (1/1)",
	    "ffffffffffffffffffffffffffffff7f 0013 04", 0, 1, 1, "", 0 },
	{ "hdr: length 18 (1/2)", MARKER "0012 04", 0, 1, 2, "0012", 0 },
	{ "hdr: length 4097 (1/2)", MARKER "1001 04", 0, 1, 2, "1001", 0 },
	{ "hdr: keepalive of 20 (1/2)", MARKER "0014 04 00", 0, 1, 2,
	    "0014", 0 },
	{ "hdr: open of 28 (1/2)", MARKER "001c 01 04fc00001ea9fef939", 0,
	    1, 2, "001c", 0 },
	{ "hdr: update of 22 (1/2)", MARKER "0016 02 000000", 0, 1, 2,
	    "0016", 0 },
	{ "hdr: notification of 20 (1/2)", MARKER "0014 03 06", 0, 1, 2,
	    "0014", 0 },
	{ "hdr: route-refresh of 24 (1/2)", MARKER "0018 05 0001000100", 0,
	    1, 2, "0018", 0 },
	{ "hdr: type 6 (1/3)", MARKER "0013 06", 0, 1, 3, "06", 0 },
	{ "hdr: type 0 (1/3)", MARKER "0013 00", 0, 1, 3, "00", 0 },
	{ "hdr: bad length beats bad type", MARKER "0010 09", 0, 1, 2,
	    "0010", 0 },
	{ "hdr: buffer shorter than its length", MARKER "0017 05 00010001",
	    1, 1, 2, "0017", 0 },
	{ "hdr: buffer shorter than a header", MARKER "0013", 0, 1, 2,
	    "0012", 0 },
	{ "hdr: route-refresh ipv4 unicast", MARKER "0017 05 00010001", 0,
	    0, 0, "", MSG_ROUTE_REFRESH },
};

static void
test_hdr(void **state)
{
	const struct hdr_vec	*v = *state;
	uint8_t			 buf[MSG_MAX_LEN];
	struct msg		 m;
	struct msg_error	 err;
	size_t			 n;
	int			 rc;

	n = unhex(v->msg, buf, sizeof(buf));
	corpus_add(buf, n);
	rc = msg_decode(buf, n - (size_t)v->cut, true, true, &m, &err);
	assert_int_equal(rc, v->code == 0 ? 0 : -1);
	check_err(&err, v->code, v->sub, v->data);
	if (rc == 0) {
		assert_int_equal(m.type, v->type);
		msg_free(&m);
	}
}

/* ---- OPEN --------------------------------------------------------------- */

#define OPEN_AWS	"04 fc00 001e a9fef939"		/* AS 64512, hold 30 */

struct open_vec {
	const char	*name;
	const char	*body;
	bool		 direct;	/* msg_open_decode, not msg_decode */
	uint8_t		 code, sub;	/* decoding */
	const char	*data;
	uint32_t	 peer_as;	/* msg_open_check */
	uint8_t		 ccode, csub;
	const char	*cdata;
	void		(*more)(const struct msg_open *);
};

static void
open_bird(const struct msg_open *o)
{
	assert_true(o->caps.mp_ipv4_unicast);
	assert_false(o->caps.mp_other);
	assert_true(o->caps.route_refresh);
	assert_true(o->caps.as4);
	assert_int_equal(o->caps.as4_asn, 64512);
	assert_true(o->caps.gr);
	assert_false(o->caps.gr_restarting);
	assert_int_equal(o->caps.gr_time, 120);
	assert_true(o->caps.gr_ipv4);
	assert_false(o->caps.gr_ipv4_forwarding);
	assert_int_equal(o->caps.n_unknown, 2);		/* 70, 69 */
	assert_int_equal(o->hold_time, 30);
	assert_int_equal(o->bgp_id.s_addr, ip("169.254.249.57").s_addr);
}

static void
open_unknown2(const struct msg_open *o)
{
	assert_int_equal(o->caps.n_unknown, 2);
	assert_false(o->caps.as4);
}

static void
open_as4_big(const struct msg_open *o)
{
	assert_int_equal(o->my_as, MSG_AS_TRANS);
	assert_int_equal(msg_open_peer_as(o), 4200000000U);
}

static void
open_ext(const struct msg_open *o)
{
	assert_true(o->caps.as4);
	assert_int_equal(o->caps.as4_asn, 64512);
}

static void
open_gr_restart(const struct msg_open *o)
{
	assert_true(o->caps.gr);
	assert_true(o->caps.gr_restarting);
	assert_int_equal(o->caps.gr_time, 4095);
	assert_true(o->caps.gr_ipv4);
	assert_true(o->caps.gr_ipv4_forwarding);
	assert_true(o->caps.mp_other);
}

static const struct open_vec open_vecs[] = {
	{ "open: no optional parameters", OPEN_AWS "00", false, 0, 0, "",
	    64512, 0, 0, "", NULL },
	{ "open: BIRD-like (MP RR eRR GR AS4 ADD-PATH)", OPEN_AWS "20"
	    "02 1e  01 04 0001 00 01  02 00  46 00  40 06 0078 0001 01 00"
	    "  41 04 0000fc00  45 04 0001 01 01", false, 0, 0, "",
	    64512, 0, 0, "", open_bird },
	{ "open: GR restarting, F bit, other AFI", OPEN_AWS "14"
	    "02 12  40 0a 8fff 0001 01 80 0002 01 00  01 04 0002 00 01", false,
	    0, 0, "", 64512, 0, 0, "", open_gr_restart },
	{ "open: unknown capabilities are skipped", OPEN_AWS "0a"
	    "02 08  46 00  45 04 00010101", false, 0, 0, "", 64512, 0, 0, "",
	    open_unknown2 },
	{ "open: 4-octet AS with AS_TRANS", "04 5ba0 001e a9fef939 08"
	    "02 06 41 04 fa56ea00", false, 0, 0, "", 4200000000U, 0, 0, "",
	    open_as4_big },
	{ "open: RFC 9072 extended parameters", OPEN_AWS "ff ff 0009"
	    "02 0006 41 04 0000fc00", false, 0, 0, "", 64512, 0, 0, "",
	    open_ext },
	{ "open: version 3 (2/1 data 0004)", "03 fc00 001e a9fef939 00",
	    false, 0, 0, "", 64512, 2, 1, "0004", NULL },
	{ "open: bad peer AS (2/2)", OPEN_AWS "00", false, 0, 0, "", 64513,
	    2, 2, "", NULL },
	{ "open: My AS 0 (2/2, RFC 7607)", "04 0000 001e a9fef939 08"
	    "02 06 41 04 0000fc00", false, 0, 0, "", 64512, 2, 2, "", NULL },
	{ "open: AS4 capability differs (2/2)", OPEN_AWS "08"
	    "02 06 41 04 0000fc01", false, 0, 0, "", 64512, 2, 2, "", NULL },
	{ "open: hold time 1 (2/6)", "04 fc00 0001 a9fef939 00", false, 0, 0,
	    "", 64512, 2, 6, "", NULL },
	{ "open: hold time 2 (2/6)", "04 fc00 0002 a9fef939 00", false, 0, 0,
	    "", 64512, 2, 6, "", NULL },
	{ "open: hold time 0 is fine", "04 fc00 0000 a9fef939 00", false, 0,
	    0, "", 64512, 0, 0, "", NULL },
	{ "open: hold time 3 is fine", "04 fc00 0003 a9fef939 00", false, 0,
	    0, "", 64512, 0, 0, "", NULL },
	{ "open: BGP identifier 0 (2/3)", "04 fc00 001e 00000000 00", false,
	    0, 0, "", 64512, 2, 3, "", NULL },
	{ "open: BGP identifier equal to ours (eBGP: fine)",
	    "04 fc00 001e a9fef93a 00", false, 0, 0, "", 64512, 0, 0, "",
	    NULL },
	{ "open: short body (1/2)", "04 fc00 001e a9fef9", true, 1, 2,
	    "001b", 0, 0, 0, NULL, NULL },
	{ "open: optional parameters length too long (2/0)", OPEN_AWS "05"
	    "02 02 02 00", false, 2, 0, "", 0, 0, 0, NULL, NULL },
	{ "open: optional parameters length too short (2/0)", OPEN_AWS "02"
	    "02 02 02 00", false, 2, 0, "", 0, 0, 0, NULL, NULL },
	{ "open: parameter overruns (2/0)", OPEN_AWS "04 02 05 02 00", false,
	    2, 0, "", 0, 0, 0, NULL, NULL },
	{ "open: capability overruns its parameter (2/0)", OPEN_AWS "04"
	    "02 02 41 04", false, 2, 0, "", 0, 0, 0, NULL, NULL },
	{ "open: unsupported optional parameter (2/4)", OPEN_AWS "04"
	    "01 02 00 00", false, 2, 4, "", 0, 0, 0, NULL, NULL },
	{ "open: MP capability of 3 octets (2/0)", OPEN_AWS "07"
	    "02 05 01 03 000101", false, 2, 0, "", 0, 0, 0, NULL, NULL },
	{ "open: GR capability of 3 octets (2/0)", OPEN_AWS "07"
	    "02 05 40 03 007800", false, 2, 0, "", 0, 0, 0, NULL, NULL },
	{ "open: version 5 skips the parameters, then 2/1",
	    "05 fc00 001e a9fef939 09 ffffffff", false, 0, 0, "", 64512, 2, 1,
	    "0004", NULL },
};

static void
test_open(void **state)
{
	const struct open_vec	*v = *state;
	uint8_t			 body[MSG_MAX_LEN], buf[MSG_MAX_LEN];
	struct msg_open		 o;
	struct msg		 m;
	struct msg_error	 err;
	size_t			 n, len;
	int			 rc;

	n = unhex(v->body, body, sizeof(body));
	if (v->direct) {
		rc = msg_open_decode(body, n, &o, &err);
	} else {
		len = mkmsg(MSG_OPEN, body, n, buf);
		corpus_add(buf, len);
		rc = msg_decode(buf, len, false, true, &m, &err);
		if (rc == 0) {
			assert_int_equal(m.type, MSG_OPEN);
			o = m.u.open;
		}
	}
	assert_int_equal(rc, v->code == 0 ? 0 : -1);
	check_err(&err, v->code, v->sub, v->data);
	if (rc != 0)
		return;
	rc = msg_open_check(&o, v->peer_as, ip("169.254.249.58"), &err);
	assert_int_equal(rc, v->ccode == 0 ? 0 : -1);
	check_err(&err, v->ccode, v->csub, v->cdata);
	if (v->more != NULL)
		v->more(&o);
}

/* ---- UPDATE ------------------------------------------------------------- */

#define H_ORIGIN	"40 01 01 00"
#define H_ASPATH4		"40 02 06 02 01 0000fc00"	/* 64512 */
#define H_ASPATH2		"40 02 04 02 01 fc00"
#define H_NEXTHOP		"40 03 04 a9fef939"		/* the VGW */
#define H_MED100		"80 04 04 00000064"
#define BASE4		H_ORIGIN H_ASPATH4 H_NEXTHOP
#define BASE2		H_ORIGIN H_ASPATH2 H_NEXTHOP
#define VPC		"10 0a0a"			/* 10.10.0.0/16 */
#define P_BASE		(B(ATTR_ORIGIN) | B(ATTR_AS_PATH) | B(ATTR_NEXT_HOP))
#define MP_REACH	"80 0e 10 0001 01 04 a9fef939 00 10 0a0a 18 0a0b0c"
#define MP_UNREACH	"80 0f 06 0001 01 10 0a0a"

struct upd_vec {
	const char		*name;
	const char		*wd, *attrs, *nlri;
	const char		*raw;		/* the body, if set */
	bool			 old;		/* peer not 4-octet capable */
	bool			 ibgp;
	enum msg_update_action	 action;
	uint8_t			 sub;		/* code 3, unless UPD_OK */
	const char		*data;		/* NULL: not checked */
	uint32_t		 present;	/* 0: not checked */
	uint32_t		 discarded;	/* checked unless reset */
	size_t			 n_nlri, n_wd;	/* checked unless reset */
	void			(*more)(const struct msg_update *);
};

static void
upd_aws(const struct msg_update *u)
{
	assert_int_equal(u->attrs.med, 100);
	assert_int_equal(u->attrs.origin, ORIGIN_IGP);
	assert_int_equal(u->attrs.next_hop.s_addr,
	    ip("169.254.249.57").s_addr);
	assert_int_equal(msg_aspath_first_as(u->attrs.as_path,
	    u->attrs.as_path_len), 64512);
	assert_int_equal(u->attrs.as_path_count, 1);
	assert_int_equal(u->nlri[0].addr.s_addr, ip("10.10.0.0").s_addr);
	assert_int_equal(u->nlri[0].len, 16);
	assert_false(u->end_of_rib);
}

static void
upd_eor(const struct msg_update *u)
{
	assert_true(u->end_of_rib);
}

static void
upd_first_origin(const struct msg_update *u)
{
	assert_int_equal(u->attrs.origin, ORIGIN_IGP);
}

static void
upd_unknown_kept(const struct msg_update *u)
{
	static const uint8_t	want[] = { 0xe0, 0x20, 0x0c, 0, 0, 0xfc, 0,
		0, 0, 0, 1, 0, 0, 0, 2 };

	assert_int_equal(u->attrs.unknown_len, sizeof(want));
	assert_memory_equal(u->attrs.unknown, want, sizeof(want));
}

static void
upd_unknown_dropped(const struct msg_update *u)
{
	assert_int_equal(u->attrs.unknown_len, 0);
}

static void
upd_lp(const struct msg_update *u)
{
	assert_int_equal(u->attrs.local_pref, 200);
}

static void
upd_communities(const struct msg_update *u)
{
	assert_int_equal(u->attrs.n_communities, 2);
	assert_int_equal(u->attrs.communities[0], 0xfc000064);
	assert_int_equal(u->attrs.communities[1], 0xffffff01);
}

static void
check_path(const struct msg_update *u, const char *hex, uint16_t count)
{
	uint8_t	want[256];
	size_t	n = unhex(hex, want, sizeof(want));

	assert_int_equal(u->attrs.as_path_len, n);
	assert_memory_equal(u->attrs.as_path, want, n);
	assert_int_equal(u->attrs.as_path_count, count);
}

static void
upd_as2(const struct msg_update *u)
{
	check_path(u, "0201 0000fc00", 1);
}

static void
upd_merge_fewer(const struct msg_update *u)
{
	check_path(u, "0201 0000fde9  0202 fa56ea00 fa56ea01", 3);
}

static void
upd_merge_more(const struct msg_update *u)
{
	check_path(u, "0201 00005ba0", 1);
}

static void
upd_merge_set(const struct msg_update *u)
{
	check_path(u, "0201 0000fde9  0102 fa56ea00 0000fdeb", 2);
}

static void
upd_merge_confed(const struct msg_update *u)
{
	check_path(u, "0201 0000fde9  0201 fa56ea00", 2);
}

static void
upd_aggr_as4(const struct msg_update *u)
{
	assert_int_equal(u->attrs.aggregator_as, 4200000000U);
	assert_int_equal(u->attrs.aggregator_addr.s_addr,
	    ip("10.0.0.1").s_addr);
	check_path(u, "0201 0000fde9  0201 fa56ea00", 2);
}

static void
upd_aggr_old(const struct msg_update *u)
{
	assert_int_equal(u->attrs.aggregator_as, 65001);
	check_path(u, "0202 0000fde9 00005ba0", 2);
}

static void
upd_mp(const struct msg_update *u)
{
	assert_int_equal(u->attrs.next_hop.s_addr,
	    ip("169.254.249.57").s_addr);
	assert_int_equal(u->nlri[1].addr.s_addr, ip("10.11.12.0").s_addr);
	assert_int_equal(u->nlri[1].len, 24);
}

static void
upd_masked(const struct msg_update *u)
{
	assert_int_equal(u->nlri[0].addr.s_addr, ip("10.10.0.0").s_addr);
	assert_int_equal(u->nlri[1].addr.s_addr, 0);
	assert_int_equal(u->nlri[1].len, 0);
}

static const struct upd_vec upd_vecs[] = {
	/* accepted */
	{ .name = "update: AWS route, MED 100", .attrs = BASE4 H_MED100,
	    .nlri = VPC, .present = P_BASE | B(ATTR_MED), .n_nlri = 1,
	    .more = upd_aws },
	{ .name = "update: End-of-RIB", .raw = "0000 0000", .more = upd_eor },
	{ .name = "update: withdrawal only", .wd = VPC " 18 0a0b0c",
	    .n_wd = 2 },
	{ .name = "update: 2-octet AS_PATH from an OLD peer", .attrs = BASE2,
	    .nlri = VPC, .old = true, .present = P_BASE, .n_nlri = 1,
	    .more = upd_as2 },
	{ .name = "update: communities", .attrs = BASE4
	    "c0 08 08 fc000064 ffffff01", .nlri = VPC,
	    .present = P_BASE | B(ATTR_COMMUNITIES), .n_nlri = 1,
	    .more = upd_communities },
	{ .name = "update: extended length ORIGIN",
	    .attrs = "50 01 0001 00" H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .present = P_BASE, .n_nlri = 1 },
	{ .name = "update: Partial bit on a well-known attribute is ignored",
	    .attrs = "60 01 01 00" H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .present = P_BASE, .n_nlri = 1 },
	{ .name = "update: host bits masked, default route", .attrs = BASE4,
	    .nlri = "0f 0a0b 00", .present = P_BASE,
	    .n_nlri = 2, .more = upd_masked },
	{ .name = "update: missing ORIGIN without NLRI is fine",
	    .wd = VPC, .attrs = H_ASPATH4 H_NEXTHOP, .n_wd = 1,
	    .present = B(ATTR_AS_PATH) | B(ATTR_NEXT_HOP) },
	{ .name = "update: unknown optional transitive kept, Partial set",
	    .attrs = BASE4 "c0 20 0c 0000fc00 00000001 00000002", .nlri = VPC,
	    .present = P_BASE, .n_nlri = 1, .more = upd_unknown_kept },
	{ .name = "update: unknown optional non-transitive dropped",
	    .attrs = BASE4 "80 63 02 abcd", .nlri = VPC, .present = P_BASE,
	    .n_nlri = 1, .more = upd_unknown_dropped },
	{ .name = "update: duplicate ORIGIN, the first counts",
	    .attrs = BASE4 "40 01 01 02", .nlri = VPC, .present = P_BASE,
	    .n_nlri = 1, .more = upd_first_origin },
	{ .name = "update: LOCAL_PREF from eBGP discarded",
	    .attrs = BASE4 "40 05 04 000000c8", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_LOCAL_PREF), .n_nlri = 1 },
	{ .name = "update: LOCAL_PREF from iBGP kept", .ibgp = true,
	    .attrs = BASE4 "40 05 04 000000c8", .nlri = VPC,
	    .present = P_BASE | B(ATTR_LOCAL_PREF), .n_nlri = 1,
	    .more = upd_lp },
	{ .name = "update: MP_REACH IPv4 unicast, no NEXT_HOP",
	    .attrs = MP_REACH H_ORIGIN H_ASPATH4,
	    .present = P_BASE | B(ATTR_MP_REACH), .n_nlri = 2,
	    .more = upd_mp },
	{ .name = "update: MP_UNREACH IPv4 unicast", .attrs = MP_UNREACH,
	    .present = B(ATTR_MP_UNREACH), .n_wd = 1 },
	{ .name = "update: MP_REACH of another AFI discarded",
	    .attrs = "80 0e 16 0002 01 10 20010db8000000000000000000000001 00"
	    "00" H_ORIGIN H_ASPATH4, .present = B(ATTR_ORIGIN) |
	    B(ATTR_AS_PATH), .discarded = B(ATTR_MP_REACH) },

	/* treat-as-withdraw, RFC 7606 */
	{ .name = "update: missing ORIGIN with NLRI (withdraw, 3/3)",
	    .attrs = H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 3, .data = "01",
	    .n_nlri = 1 },
	{ .name = "update: missing AS_PATH with NLRI (withdraw, 3/3)",
	    .attrs = H_ORIGIN H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 3, .data = "02",
	    .n_nlri = 1 },
	{ .name = "update: missing NEXT_HOP with NLRI (withdraw, 3/3)",
	    .attrs = H_ORIGIN H_ASPATH4, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 3, .data = "03",
	    .n_nlri = 1 },
	{ .name = "update: ORIGIN value 3 (withdraw, 3/6)",
	    .attrs = "40 01 01 03" H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 6, .data = "40010103",
	    .n_nlri = 1 },
	{ .name = "update: ORIGIN of 2 octets (withdraw, 3/5)",
	    .attrs = "40 01 02 0000" H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5, .data = "4001020000",
	    .n_nlri = 1 },
	{ .name = "update: ORIGIN flagged optional (withdraw, 3/4)",
	    .attrs = "c0 01 01 00" H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 4, .data = "c0010100",
	    .n_nlri = 1 },
	{ .name = "update: AS_PATH not transitive (withdraw, 3/4)",
	    .attrs = H_ORIGIN "00 02 06 02 01 0000fc00" H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 4,
	    .data = "000206020100 00fc00", .n_nlri = 1 },
	{ .name = "update: NEXT_HOP flagged optional (withdraw, 3/4)",
	    .attrs = H_ORIGIN H_ASPATH4 "c0 03 04 a9fef939", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 4, .data = "c00304a9fef939",
	    .n_nlri = 1 },
	{ .name = "update: MED flagged well-known (withdraw, 3/4)",
	    .attrs = BASE4 "40 04 04 00000064", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 4, .data = "40040400000064",
	    .n_nlri = 1 },
	{ .name = "update: LOCAL_PREF flagged optional, iBGP (withdraw, 3/4)",
	    .ibgp = true, .attrs = BASE4 "c0 05 04 000000c8", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 4, .data = "c00504000000c8",
	    .n_nlri = 1 },
	{ .name = "update: COMMUNITIES not transitive (withdraw, 3/4)",
	    .attrs = BASE4 "80 08 04 fc000064", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 4, .data = "800804fc000064",
	    .n_nlri = 1 },
	{ .name = "update: AS_PATH segment type 5 (withdraw, 3/11)",
	    .attrs = H_ORIGIN "40 02 06 05 01 0000fc00" H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 11,
	    .data = "4002060501 0000fc00", .n_nlri = 1 },
	{ .name = "update: AS_PATH segment overrun (withdraw, 3/11)",
	    .attrs = H_ORIGIN "40 02 06 02 02 0000fc00" H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 11, .n_nlri = 1 },
	{ .name = "update: AS_PATH segment of 0 ASNs (withdraw, 3/11)",
	    .attrs = H_ORIGIN "40 02 02 02 00" H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 11, .n_nlri = 1 },
	{ .name = "update: AS_PATH one octet left (withdraw, 3/11)",
	    .attrs = H_ORIGIN "40 02 07 02 01 0000fc00 02" H_NEXTHOP,
	    .nlri = VPC, .action = UPD_TREAT_AS_WITHDRAW, .sub = 11,
	    .n_nlri = 1 },
	{ .name = "update: AS_PATH CONFED from eBGP (withdraw, 3/11)",
	    .attrs = H_ORIGIN "40 02 0c 03 01 0000fde8 02 01 0000fc00"
	    H_NEXTHOP, .nlri = VPC, .action = UPD_TREAT_AS_WITHDRAW, .sub = 11,
	    .n_nlri = 1 },
	{ .name = "update: AS_PATH with AS 0 (withdraw, RFC 7607)",
	    .attrs = H_ORIGIN "40 02 06 02 01 00000000" H_NEXTHOP, .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 11, .n_nlri = 1 },
	{ .name = "update: NEXT_HOP of 5 octets (withdraw, 3/5)",
	    .attrs = H_ORIGIN H_ASPATH4 "40 03 05 a9fef93900", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5,
	    .data = "400305a9fef93900", .n_nlri = 1 },
	{ .name = "update: MED of 2 octets (withdraw, 3/5)",
	    .attrs = BASE4 "80 04 02 0064", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5, .data = "8004020064",
	    .n_nlri = 1 },
	{ .name = "update: LOCAL_PREF of 3 octets, iBGP (withdraw, 3/5)",
	    .ibgp = true, .attrs = BASE4 "40 05 03 0000c8", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5, .n_nlri = 1 },
	{ .name = "update: COMMUNITIES of 6 octets (withdraw, 3/5)",
	    .attrs = BASE4 "c0 08 06 fc0000640000", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5, .n_nlri = 1 },
	{ .name = "update: empty COMMUNITIES (withdraw)",
	    .attrs = BASE4 "c0 08 00", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5, .data = "c00800",
	    .n_nlri = 1 },
	{ .name = "update: attribute overruns the attributes (withdraw)",
	    .attrs = BASE4 "80 04 08 00000064", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 1, .data = "",
	    .present = P_BASE, .n_nlri = 1 },
	{ .name = "update: half an attribute header left (withdraw)",
	    .attrs = BASE4 "80 04", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 1, .n_nlri = 1 },
	{ .name = "update: strongest of discard and withdraw wins",
	    .attrs = BASE4 "40 06 01 00  80 04 02 0064", .nlri = VPC,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5, .data = "8004020064",
	    .discarded = B(ATTR_ATOMIC_AGGREGATE), .n_nlri = 1 },
	{ .name = "update: NEXT_HOP and MP_REACH next hop differ (withdraw)",
	    .attrs = MP_REACH H_ORIGIN H_ASPATH4 "40 03 04 a9fef93d",
	    .nlri = VPC, .action = UPD_TREAT_AS_WITHDRAW, .sub = 8,
	    .n_nlri = 3 },

	/* attribute discard */
	{ .name = "update: ATOMIC_AGGREGATE of 1 octet (discard)",
	    .attrs = BASE4 "40 06 01 00", .nlri = VPC, .present = P_BASE,
	    .discarded = B(ATTR_ATOMIC_AGGREGATE), .n_nlri = 1 },
	{ .name = "update: ATOMIC_AGGREGATE flagged optional (discard)",
	    .attrs = BASE4 "c0 06 00", .nlri = VPC, .present = P_BASE,
	    .discarded = B(ATTR_ATOMIC_AGGREGATE), .n_nlri = 1 },
	{ .name = "update: AGGREGATOR of 7 octets (discard)",
	    .attrs = BASE4 "c0 07 07 0000fc00 0a0000", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_AGGREGATOR), .n_nlri = 1 },
	{ .name = "update: AGGREGATOR of 8 octets from an OLD peer (discard)",
	    .old = true, .attrs = BASE2 "c0 07 08 0000fc00 0a000001",
	    .nlri = VPC, .present = P_BASE,
	    .discarded = B(ATTR_AGGREGATOR), .n_nlri = 1 },
	{ .name = "update: AGGREGATOR not transitive (discard)",
	    .attrs = BASE4 "80 07 08 0000fc00 0a000001", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_AGGREGATOR), .n_nlri = 1 },
	{ .name = "update: AS4_PATH from a NEW peer (discard)",
	    .attrs = BASE4 "c0 11 06 0201 fa56ea00", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_AS4_PATH), .n_nlri = 1 },
	{ .name = "update: AS4_AGGREGATOR from a NEW peer (discard)",
	    .attrs = BASE4 "c0 12 08 fa56ea00 0a000001", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_AS4_AGGREGATOR),
	    .n_nlri = 1 },

	/* RFC 6793 4.2.3 */
	{ .name = "update: AS4_PATH merge, fewer ASNs than AS_PATH",
	    .old = true, .attrs = H_ORIGIN "40 02 08 0203 fde9 5ba0 5ba0"
	    H_NEXTHOP "c0 11 0a 0202 fa56ea00 fa56ea01", .nlri = VPC,
	    .present = P_BASE | B(ATTR_AS4_PATH), .n_nlri = 1,
	    .more = upd_merge_fewer },
	{ .name = "update: AS4_PATH with more ASNs than AS_PATH is ignored",
	    .old = true, .attrs = H_ORIGIN "40 02 04 0201 5ba0" H_NEXTHOP
	    "c0 11 0a 0202 fa56ea00 fa56ea01", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_AS4_PATH), .n_nlri = 1,
	    .more = upd_merge_more },
	{ .name = "update: AS4_PATH merge keeps an AS_SET",
	    .old = true, .attrs = H_ORIGIN "40 02 0a 0201 fde9 0102 5ba0 fdeb"
	    H_NEXTHOP "c0 11 0a 0102 fa56ea00 0000fdeb", .nlri = VPC,
	    .present = P_BASE | B(ATTR_AS4_PATH), .n_nlri = 1,
	    .more = upd_merge_set },
	{ .name = "update: AS4_PATH CONFED segment dropped",
	    .old = true, .attrs = H_ORIGIN "40 02 06 0202 fde9 5ba0" H_NEXTHOP
	    "c0 11 0c 0301 0000fde8 0201 fa56ea00", .nlri = VPC,
	    .present = P_BASE | B(ATTR_AS4_PATH), .n_nlri = 1,
	    .more = upd_merge_confed },
	{ .name = "update: malformed AS4_PATH from an OLD peer (discard)",
	    .old = true, .attrs = BASE2 "c0 11 06 0202 fa56ea00", .nlri = VPC,
	    .present = P_BASE, .discarded = B(ATTR_AS4_PATH), .n_nlri = 1,
	    .more = upd_as2 },
	{ .name = "update: AGGREGATOR AS_TRANS takes AS4_AGGREGATOR",
	    .old = true, .attrs = H_ORIGIN "40 02 06 0202 fde9 5ba0" H_NEXTHOP
	    "c0 07 06 5ba0 0a000001 c0 11 06 0201 fa56ea00"
	    "c0 12 08 fa56ea00 0a000001", .nlri = VPC,
	    .present = P_BASE | B(ATTR_AGGREGATOR) | B(ATTR_AS4_PATH) |
	    B(ATTR_AS4_AGGREGATOR), .n_nlri = 1, .more = upd_aggr_as4 },
	{ .name = "update: AGGREGATOR not AS_TRANS: AS4_* ignored",
	    .old = true, .attrs = H_ORIGIN "40 02 06 0202 fde9 5ba0" H_NEXTHOP
	    "c0 07 06 fde9 0a000001 c0 11 06 0201 fa56ea00"
	    "c0 12 08 fa56ea00 0a000001", .nlri = VPC,
	    .present = P_BASE | B(ATTR_AGGREGATOR),
	    .discarded = B(ATTR_AS4_PATH) | B(ATTR_AS4_AGGREGATOR),
	    .n_nlri = 1, .more = upd_aggr_old },

	/* session reset */
	{ .name = "update: withdrawn length overruns (reset, 3/1)",
	    .raw = "0010 0000 100a0a", .action = UPD_SESSION_RESET, .sub = 1,
	    .data = "" },
	{ .name = "update: total attribute length overruns (reset, 3/1)",
	    .raw = "0000 0050 40010100", .action = UPD_SESSION_RESET, .sub = 1,
	    .data = "" },
	{ .name = "update: NLRI prefix length 33 (reset, 3/10)",
	    .attrs = BASE4, .nlri = "21 0a0a0a0a00",
	    .action = UPD_SESSION_RESET, .sub = 10, .data = "" },
	{ .name = "update: NLRI truncated (reset, 3/10)", .attrs = BASE4,
	    .nlri = VPC " 18 0a0a", .action = UPD_SESSION_RESET, .sub = 10,
	    .data = "" },
	{ .name = "update: withdrawn prefix length 33 (reset, 3/10)",
	    .wd = "21 0a0a0a0a00", .action = UPD_SESSION_RESET, .sub = 10 },
	{ .name = "update: duplicate MP_REACH (reset, 3/1)",
	    .attrs = MP_REACH MP_REACH H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 1, .data = "" },
	{ .name = "update: duplicate MP_UNREACH (reset, 3/1)",
	    .attrs = MP_UNREACH MP_UNREACH, .action = UPD_SESSION_RESET,
	    .sub = 1, .data = "" },
	{ .name = "update: unrecognized well-known attribute (reset, 3/2)",
	    .attrs = BASE4 "40 63 02 abcd", .nlri = VPC,
	    .action = UPD_SESSION_RESET, .sub = 2, .data = "406302abcd" },
	{ .name = "update: MP_REACH next hop of 16 (reset, 3/9)",
	    .attrs = "80 0e 18 0001 01 10 20010db8000000000000000000000001 00"
	    "10 0a0a" H_ORIGIN H_ASPATH4, .action = UPD_SESSION_RESET,
	    .sub = 9 },
	{ .name = "update: MP_REACH NLRI /40 (reset, 3/9)",
	    .attrs = "80 0e 0f 0001 01 04 a9fef939 00 28 0a0a0a0a0a"
	    H_ORIGIN H_ASPATH4, .action = UPD_SESSION_RESET, .sub = 9,
	    .data = "800e0f000101 04a9fef939 00 28 0a0a0a0a0a" },
	{ .name = "update: MP_REACH of 4 octets (reset, 3/9)",
	    .attrs = "80 0e 04 0001 01 04" H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 9 },
	{ .name = "update: MP_UNREACH truncated NLRI (reset, 3/9)",
	    .attrs = "80 0f 05 0001 01 18 0a", .action = UPD_SESSION_RESET,
	    .sub = 9 },
	{ .name = "update: MP_UNREACH flagged transitive (reset, 3/4)",
	    .attrs = "c0 0f 06 0001 01 10 0a0a", .action = UPD_SESSION_RESET,
	    .sub = 4 },
	{ .name = "update: bad ORIGIN and no NLRI (reset, RFC 7606 5.2)",
	    .wd = VPC, .attrs = "40 01 01 07" H_ASPATH4 H_NEXTHOP,
	    .action = UPD_SESSION_RESET, .sub = 6, .data = "40010107" },
	{ .name = "update: attribute overrun and no NLRI (reset, 5.2)",
	    .attrs = BASE4 "80 04 08 00000064", .action = UPD_SESSION_RESET,
	    .sub = 1 },
	{ .name = "update: withdraw, then duplicate MP_REACH: reset wins",
	    .attrs = "40 01 01 07" MP_REACH MP_REACH H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 1, .data = "" },
};

static size_t
upd_body(const struct upd_vec *v, uint8_t *body, size_t size)
{
	size_t	n = 0, l;

	if (v->raw != NULL)
		return unhex(v->raw, body, size);
	l = v->wd == NULL ? 0 : unhex(v->wd, body + 2, size - 2);
	body[0] = (uint8_t)(l >> 8);
	body[1] = (uint8_t)l;
	n = 2 + l;
	l = v->attrs == NULL ? 0 : unhex(v->attrs, body + n + 2, size - n - 2);
	body[n] = (uint8_t)(l >> 8);
	body[n + 1] = (uint8_t)l;
	n += 2 + l;
	if (v->nlri != NULL)
		n += unhex(v->nlri, body + n, size - n);
	return n;
}

static void
test_update(void **state)
{
	const struct upd_vec	*v = *state;
	uint8_t			 body[MSG_MAX_LEN], buf[MSG_MAX_LEN];
	struct msg		 m;
	struct msg_error	 err;
	struct msg_update	*u = &m.u.update;
	size_t			 n, len;

	n = upd_body(v, body, sizeof(body));
	len = mkmsg(MSG_UPDATE, body, n, buf);
	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, !v->old, !v->ibgp, &m, &err), 0);
	assert_int_equal(m.type, MSG_UPDATE);
	assert_int_equal(u->action, v->action);
	check_err(&err, v->action == UPD_OK ? 0 : ERR_UPDATE, v->sub,
	    v->action == UPD_OK ? "" : v->data);
	if (v->action != UPD_SESSION_RESET) {
		assert_int_equal(u->discarded, v->discarded);
		assert_int_equal(u->n_nlri, v->n_nlri);
		assert_int_equal(u->n_withdrawn, v->n_wd);
	}
	if (v->present != 0)
		assert_int_equal(u->attrs.present, v->present);
	if (v->more != NULL)
		v->more(u);
	msg_free(&m);
}

/* ---- round trips -------------------------------------------------------- */

/* OPEN with every combination of the capabilities we send, both with a
 * 2-octet and a 4-octet AS. */
static void
test_open_roundtrip(void **state)
{
	uint8_t			buf[MSG_MAX_LEN];
	struct msg_caps		caps;
	struct msg		m;
	struct msg_error	err;
	uint32_t		asns[] = { 65000, 4200000000U };
	unsigned		mask, a;
	size_t			len;

	for (a = 0; a < nitems(asns); a++)
		for (mask = 0; mask < 64; mask++) {
			memset(&caps, 0, sizeof(caps));
			caps.mp_ipv4_unicast = mask & 1;
			caps.route_refresh = mask & 2;
			caps.as4 = mask & 4;
			caps.gr = mask & 8;
			caps.gr_restarting = mask & 16;
			caps.gr_ipv4_forwarding = mask & 32;
			caps.gr_time = 10;
			len = msg_open_encode(buf, sizeof(buf), asns[a], 30,
			    ip("169.254.249.58"), &caps);
			assert_true(len >= MSG_OPEN_MIN_LEN);
			corpus_add(buf, len);
			assert_int_equal(msg_decode(buf, len, false, true, &m,
			    &err), 0);
			assert_int_equal(m.type, MSG_OPEN);
			assert_int_equal(m.u.open.version, 4);
			assert_int_equal(m.u.open.my_as, asns[a] > 65535 ?
			    MSG_AS_TRANS : asns[a]);
			assert_int_equal(m.u.open.hold_time, 30);
			assert_int_equal(m.u.open.caps.mp_ipv4_unicast,
			    caps.mp_ipv4_unicast);
			assert_int_equal(m.u.open.caps.route_refresh,
			    caps.route_refresh);
			assert_int_equal(m.u.open.caps.as4, caps.as4);
			if (caps.as4)
				assert_int_equal(m.u.open.caps.as4_asn,
				    asns[a]);
			assert_int_equal(m.u.open.caps.gr, caps.gr);
			if (caps.gr) {
				assert_int_equal(m.u.open.caps.gr_time, 10);
				assert_int_equal(m.u.open.caps.gr_restarting,
				    caps.gr_restarting);
				assert_int_equal(m.u.open.caps.gr_ipv4,
				    caps.gr_ipv4_forwarding);
				assert_int_equal(
				    m.u.open.caps.gr_ipv4_forwarding,
				    caps.gr_ipv4_forwarding);
			}
			assert_int_equal(m.u.open.caps.n_unknown, 0);
			msg_free(&m);
		}
	assert_int_equal(msg_open_encode(buf, 28, 65000, 30,
	    ip("1.2.3.4"), &caps), 0);
}

/* The exact bytes of our usual OPEN. */
static void
test_open_golden(void **state)
{
	uint8_t		buf[MSG_MAX_LEN], want[MSG_MAX_LEN];
	struct msg_caps	caps = { .mp_ipv4_unicast = true,
	    .route_refresh = true, .as4 = true, .gr = true, .gr_time = 10,
	    .gr_ipv4_forwarding = true };
	size_t		len, n;

	len = msg_open_encode(buf, sizeof(buf), 65000, 30,
	    ip("172.100.0.200"), &caps);
	n = unhex(MARKER "0035 01 04 fde8 001e ac6400c8 18"
	    "02 16  01 04 0001 00 01  02 00  40 06 000a 0001 01 80"
	    "  41 04 0000fde8", want, sizeof(want));
	assert_int_equal(len, n);
	assert_memory_equal(buf, want, n);
	memset(&caps, 0, sizeof(caps));
	len = msg_open_encode(buf, sizeof(buf), 65000, 30,
	    ip("172.100.0.200"), &caps);
	assert_int_equal(len, MSG_OPEN_MIN_LEN);
	assert_int_equal(buf[MSG_OPEN_MIN_LEN - 1], 0);
}

static void
test_keepalive(void **state)
{
	uint8_t			buf[64], want[32];
	struct msg		m;
	struct msg_error	err;
	size_t			n = unhex(MARKER "0013 04", want, sizeof(want));

	assert_int_equal(msg_keepalive_encode(buf, sizeof(buf)), n);
	assert_memory_equal(buf, want, n);
	assert_int_equal(msg_decode(buf, n, true, true, &m, &err), 0);
	assert_int_equal(m.type, MSG_KEEPALIVE);
	msg_free(&m);
	assert_int_equal(msg_keepalive_encode(buf, 18), 0);
}

static void
test_notification_roundtrip(void **state)
{
	uint8_t			buf[MSG_MAX_LEN], data[] = { 0x00, 0x16 };
	struct msg		m;
	struct msg_error	err;
	size_t			len;

	len = msg_notification_encode(buf, sizeof(buf), ERR_HEADER,
	    ERR_HDR_LEN, data, sizeof(data));
	assert_int_equal(len, 23);
	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
	assert_int_equal(m.type, MSG_NOTIFICATION);
	assert_int_equal(m.u.notification.code, ERR_HEADER);
	assert_int_equal(m.u.notification.subcode, ERR_HDR_LEN);
	assert_int_equal(m.u.notification.data_len, 2);
	assert_memory_equal(m.u.notification.data, data, 2);
	assert_string_equal(m.u.notification.shutdown_msg, "");
	msg_free(&m);
	assert_int_equal(msg_notification_encode(buf, sizeof(buf), 6, 2,
	    buf, MSG_MAX_LEN), 0);
	len = msg_notification_encode(buf, sizeof(buf), ERR_HOLD, 0, NULL, 0);
	assert_int_equal(len, MSG_NOTIFICATION_MIN_LEN);
}

/* RFC 9003: 255 octets at most, cut on a character boundary. */
static void
test_shutdown_utf8_cut(void **state)
{
	uint8_t			buf[MSG_MAX_LEN];
	char			text[600];
	struct msg		m;
	struct msg_error	err;
	size_t			len, i;
	static const struct {
		size_t		ascii;
		const char	*tail;
		size_t		want;		/* octets sent */
	} cases[] = {
		{ 254, "\xc3\xa9", 254 },	/* é would end at 256 */
		{ 253, "\xc3\xa9", 255 },		/* é ends at 255 */
		{ 253, "\xe2\x82\xac", 253 },		/* € split */
		{ 252, "\xf0\x9f\x98\x80", 252 },	/* emoji split */
		{ 251, "\xf0\x9f\x98\x80", 255 },	/* emoji fits */
		{ 10, "", 13 },
	};

	for (i = 0; i < nitems(cases); i++) {
		memset(text, 'a', cases[i].ascii);
		strcpy(text + cases[i].ascii, cases[i].tail);
		strcat(text, "zzz");
		len = msg_shutdown_encode(buf, sizeof(buf),
		    ERR_CEASE_ADMIN_DOWN, text);
		assert_int_equal(len, MSG_NOTIFICATION_MIN_LEN + 1 +
		    cases[i].want);
		assert_int_equal(buf[MSG_NOTIFICATION_MIN_LEN], cases[i].want);
		corpus_add(buf, len);
		assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
		assert_int_equal(m.u.notification.code, ERR_CEASE);
		assert_int_equal(m.u.notification.subcode,
		    ERR_CEASE_ADMIN_DOWN);
		assert_int_equal(strlen(m.u.notification.shutdown_msg),
		    cases[i].want);
		assert_memory_equal(m.u.notification.shutdown_msg, text,
		    cases[i].want);
		msg_free(&m);
	}
	len = msg_shutdown_encode(buf, sizeof(buf), ERR_CEASE_ADMIN_RESET,
	    NULL);
	assert_int_equal(len, MSG_NOTIFICATION_MIN_LEN + 1);
	assert_int_equal(buf[MSG_NOTIFICATION_MIN_LEN], 0);
	len = msg_shutdown_encode(buf, sizeof(buf), ERR_CEASE_PEER_UNCONF,
	    "x");
	assert_int_equal(len, MSG_NOTIFICATION_MIN_LEN);
}

struct shut_vec {
	const char	*name;
	const char	*body;
	const char	*want;
};

static const struct shut_vec shut_vecs[] = {
	{ "shutdown: RFC 8203 text", "0602 0b 6d61696e74656e616e6365",
	    "maintenance" },
	{ "shutdown: control characters escaped", "0604 04 6f6b0a07",
	    "ok\\x0a\\x07" },
	{ "shutdown: invalid UTF-8 escaped", "0602 03 41c341", "A\\xc3A" },
	{ "shutdown: UTF-8 kept", "0602 06 c3a9e282ac41", "\xc3\xa9\xe2\x82\xac"
	    "A" },
	{ "shutdown: C1 control escaped", "0602 02 c285", "\\xc2\\x85" },
	{ "shutdown: length beyond the data", "0602 09 414243", "" },
	{ "shutdown: not on other subcodes", "0603 03 414243", "" },
	{ "shutdown: empty data", "0602", "" },
};

static void
test_shutdown_decode(void **state)
{
	const struct shut_vec	*v = *state;
	uint8_t			 body[512], buf[MSG_MAX_LEN];
	struct msg		 m;
	struct msg_error	 err;
	size_t			 n, len;

	n = unhex(v->body, body, sizeof(body));
	len = mkmsg(MSG_NOTIFICATION, body, n, buf);
	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
	assert_string_equal(m.u.notification.shutdown_msg, v->want);
	assert_int_equal(m.u.notification.data_len, n - 2);
	msg_free(&m);
}

static void
test_route_refresh_roundtrip(void **state)
{
	uint8_t			buf[64];
	struct msg		m;
	struct msg_error	err;
	struct msg_refresh	rr;
	size_t			len;

	len = msg_route_refresh_encode(buf, sizeof(buf), 1, 1);
	assert_int_equal(len, MSG_ROUTE_REFRESH_LEN);
	assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
	assert_int_equal(m.type, MSG_ROUTE_REFRESH);
	assert_int_equal(m.u.refresh.afi, 1);
	assert_int_equal(m.u.refresh.subtype, RR_REQUEST);
	assert_int_equal(m.u.refresh.safi, 1);
	msg_free(&m);
	assert_int_equal(msg_route_refresh_decode(buf + MSG_HEADER_LEN, 3,
	    false, &rr, &err), -1);
	check_err(&err, ERR_HEADER, ERR_HDR_LEN, "0016");
	assert_int_equal(msg_route_refresh_encode(buf, 22, 1, 1), 0);
}

/* ---- ROUTE-REFRESH (RFC 2918, RFC 7313) ---------------------------------- */

struct rr_vec {
	const char	*name;
	const char	*body;		/* hex, after the header */
	bool		 enhanced;	/* Enhanced Route Refresh */
	uint8_t		 code, sub;
	const char	*data;
	uint8_t		 subtype;	/* when it decodes */
};

static const struct rr_vec rr_vecs[] = {
	{ "rr: request", "0001 00 01", false, 0, 0, "", RR_REQUEST },
	{ "rr: request, enhanced", "0001 00 01", true, 0, 0, "", RR_REQUEST },
	{ "rr: BoRR", "0001 01 01", false, 0, 0, "", RR_BORR },
	{ "rr: EoRR, enhanced", "0001 02 01", true, 0, 0, "", RR_EORR },
	{ "rr: unknown subtype 3", "0001 03 01", false, 0, 0, "", 3 },
	{ "rr: reserved subtype 255", "0001 ff 01", true, 0, 0, "", 255 },
	{ "rr: 3 octets (1/2)", "0001 00", false, 1, 2, "0016", 0 },
	{ "rr: request of 5 octets (1/2)", "0001 00 01 00", false, 1, 2,
	    "0018", 0 },
	{ "rr: request of 5 octets, enhanced (1/2)", "0001 00 01 00", true,
	    1, 2, "0018", 0 },
	{ "rr: BoRR of 5 octets, enhanced (7/1, the whole message)",
	    "0001 01 01 00", true, 7, 1, MARKER "0018 05 0001010100", 0 },
	{ "rr: EoRR of 6 octets, enhanced (7/1, the whole message)",
	    "0001 02 01 0000", true, 7, 1, MARKER "0019 05 000102010000", 0 },
	{ "rr: BoRR of 5 octets, not negotiated: decodes (ignored)",
	    "0001 01 01 00", false, 0, 0, "", RR_BORR },
	{ "rr: unknown subtype of 8 octets, enhanced: decodes (ignored)",
	    "0001 07 01 00000000", true, 0, 0, "", 7 },
};

static void
test_refresh(void **state)
{
	const struct rr_vec	*v = *state;
	uint8_t			 body[MSG_MAX_LEN], buf[MSG_MAX_LEN];
	struct msg_refresh	 rr;
	struct msg_error	 err;
	size_t			 n;
	int			 rc;

	n = unhex(v->body, body, sizeof(body));
	corpus_add(buf, mkmsg(MSG_ROUTE_REFRESH, body, n, buf));
	rc = msg_route_refresh_decode(body, n, v->enhanced, &rr, &err);
	assert_int_equal(rc, v->code == 0 ? 0 : -1);
	check_err(&err, v->code, v->sub, v->data);
	if (rc == 0) {
		assert_int_equal(rr.afi, 1);
		assert_int_equal(rr.subtype, v->subtype);
		assert_int_equal(rr.safi, 1);
	}
}

static void
check_prefixes(const struct msg_prefix *got, const struct msg_prefix *want,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		assert_int_equal(got[i].addr.s_addr, want[i].addr.s_addr);
		assert_int_equal(got[i].len, want[i].len);
	}
}

static void
decode_update(const uint8_t *buf, size_t len, bool as4, struct msg *m)
{
	struct msg_error	err;

	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, as4, true, m, &err), 0);
	assert_int_equal(m->type, MSG_UPDATE);
	assert_int_equal(m->u.update.action, UPD_OK);
}

static void
attrs_ours(struct msg_attrs *a, uint32_t asn, unsigned repeat)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(msg_attrs_set_aspath(a, asn, repeat), 0);
	a->present |= B(ATTR_ORIGIN) | B(ATTR_NEXT_HOP);
	a->origin = ORIGIN_IGP;
	a->next_hop = ip("169.254.249.58");
}

/* 4-octet AS_PATH between NEW speakers, MED and communities. */
static void
test_update_roundtrip_as4(void **state)
{
	uint8_t			buf[MSG_MAX_LEN];
	uint32_t		comms[] = { 0xfde80001, 0xffffff01 };
	struct msg_prefix	nlri[] = { { ip("172.100.0.0"), 16 },
	    { ip("172.101.1.0"), 24 } };
	struct msg_attrs	a;
	struct msg		m;
	size_t			len;

	attrs_ours(&a, 4200000000U, 1);
	a.present |= B(ATTR_MED) | B(ATTR_COMMUNITIES);
	a.med = 50;
	a.communities = comms;
	a.n_communities = 2;
	len = msg_update_encode(buf, sizeof(buf), NULL, 0, &a, nlri, 2, true);
	assert_true(len > MSG_UPDATE_MIN_LEN);
	decode_update(buf, len, true, &m);
	assert_int_equal(m.u.update.attrs.present, P_BASE | B(ATTR_MED) |
	    B(ATTR_COMMUNITIES));
	assert_int_equal(m.u.update.attrs.med, 50);
	assert_int_equal(m.u.update.attrs.n_communities, 2);
	assert_memory_equal(m.u.update.attrs.communities, comms, 8);
	assert_int_equal(m.u.update.attrs.as_path_len, a.as_path_len);
	assert_memory_equal(m.u.update.attrs.as_path, a.as_path,
	    a.as_path_len);
	assert_int_equal(m.u.update.n_nlri, 2);
	check_prefixes(m.u.update.nlri, nlri, 2);
	msg_free(&m);
	a.communities = NULL;
	msg_attrs_free(&a);
}

/* To an OLD speaker: AS_TRANS in AS_PATH plus AS4_PATH, and back. */
static void
test_update_roundtrip_as_trans(void **state)
{
	uint8_t			buf[MSG_MAX_LEN], want[64];
	struct msg_prefix	nlri = { ip("172.100.0.0"), 16 };
	struct msg_attrs	a;
	struct msg		m;
	size_t			len, n;

	attrs_ours(&a, 4200000000U, 2);
	len = msg_update_encode(buf, sizeof(buf), NULL, 0, &a, &nlri, 1,
	    false);
	n = unhex("40 02 06 0202 5ba0 5ba0", want, sizeof(want));
	assert_non_null(memmem(buf, len, want, n));
	n = unhex("c0 11 0a 0202 fa56ea00 fa56ea00", want, sizeof(want));
	assert_non_null(memmem(buf, len, want, n));
	decode_update(buf, len, false, &m);
	assert_int_equal(m.u.update.attrs.as_path_len, a.as_path_len);
	assert_memory_equal(m.u.update.attrs.as_path, a.as_path,
	    a.as_path_len);
	assert_int_equal(m.u.update.attrs.as_path_count, 2);
	msg_free(&m);
	msg_attrs_free(&a);

	/* A 2-octet AS needs no AS4_PATH. */
	attrs_ours(&a, 65000, 1);
	len = msg_update_encode(buf, sizeof(buf), NULL, 0, &a, &nlri, 1,
	    false);
	n = unhex(MARKER "002c 02 0000 0012 40010100 40020402 01fde8"
	    "400304a9fef93a 10ac64", want, sizeof(want));
	assert_int_equal(len, n);
	assert_memory_equal(buf, want, n);
	msg_attrs_free(&a);
}

/* Prepending: the AS repeated, over segments of 255, extended length. */
static void
test_update_prepend(void **state)
{
	uint8_t			buf[MSG_MAX_LEN];
	struct msg_prefix	nlri = { ip("172.100.0.0"), 16 };
	struct msg_attrs	a;
	struct msg		m;
	size_t			len;
	unsigned		repeats[] = { 0, 1, 3, 255, 300 }, i;

	for (i = 0; i < nitems(repeats); i++) {
		attrs_ours(&a, 65000, repeats[i]);
		assert_int_equal(a.as_path_count, repeats[i]);
		assert_int_equal(msg_aspath_first_as(a.as_path,
		    a.as_path_len), repeats[i] == 0 ? 0 : 65000);
		len = msg_update_encode(buf, sizeof(buf), NULL, 0, &a, &nlri,
		    1, true);
		assert_true(len > 0);
		decode_update(buf, len, true, &m);
		assert_int_equal(m.u.update.attrs.as_path_count, repeats[i]);
		assert_int_equal(m.u.update.attrs.as_path_len, a.as_path_len);
		if (a.as_path_len > 0)
			assert_memory_equal(m.u.update.attrs.as_path,
			    a.as_path, a.as_path_len);
		msg_free(&m);
		msg_attrs_free(&a);
	}
	assert_int_equal(msg_attrs_set_aspath(&a, 65000, 5000), -1);
}

static void
test_update_withdraw_and_eor(void **state)
{
	uint8_t			buf[MSG_MAX_LEN], want[64];
	struct msg_prefix	wd[] = { { ip("172.100.0.0"), 16 },
	    { ip("172.100.128.0"), 17 }, { ip("0.0.0.0"), 0 },
	    { ip("10.1.2.3"), 32 } };
	struct msg		m;
	size_t			len, n;

	len = msg_update_encode(buf, sizeof(buf), wd, nitems(wd), NULL, NULL,
	    0, true);
	decode_update(buf, len, true, &m);
	assert_int_equal(m.u.update.n_withdrawn, nitems(wd));
	check_prefixes(m.u.update.withdrawn, wd, nitems(wd));
	assert_int_equal(m.u.update.n_nlri, 0);
	assert_false(m.u.update.end_of_rib);
	msg_free(&m);

	len = msg_update_encode(buf, sizeof(buf), NULL, 0, NULL, NULL, 0,
	    false);
	n = unhex(MARKER "0017 02 0000 0000", want, sizeof(want));
	assert_int_equal(len, n);
	assert_memory_equal(buf, want, n);
	decode_update(buf, len, true, &m);
	assert_true(m.u.update.end_of_rib);
	msg_free(&m);
}

/* The caller splits what does not fit. */
static void
test_update_too_big(void **state)
{
	static struct msg_prefix	nlri[2000];
	uint8_t				buf[MSG_MAX_LEN];
	struct msg_attrs		a;
	size_t				i;

	for (i = 0; i < nitems(nlri); i++) {
		nlri[i].addr.s_addr = htonl(0x0a000000 | (uint32_t)i << 8);
		nlri[i].len = 24;
	}
	attrs_ours(&a, 65000, 1);
	assert_int_equal(msg_update_encode(buf, sizeof(buf), NULL, 0, &a,
	    nlri, nitems(nlri), true), 0);
	assert_int_equal(msg_update_encode(buf, 40, NULL, 0, &a, nlri, 1,
	    true), 0);
	assert_true(msg_update_encode(buf, sizeof(buf), NULL, 0, &a, nlri,
	    100, true) > 0);
	nlri[0].len = 33;
	assert_int_equal(msg_update_encode(buf, sizeof(buf), NULL, 0, &a,
	    nlri, 1, true), 0);
	msg_attrs_free(&a);
}

/* RFC 6793 4.2.2: CONFED segments stay in AS_PATH, not in AS4_PATH. */
static void
test_update_confed_as4_path(void **state)
{
	uint8_t			buf[MSG_MAX_LEN], want[64], path[32];
	struct msg_prefix	nlri = { ip("172.100.0.0"), 16 };
	struct msg_attrs	a;
	size_t			len, n;

	attrs_ours(&a, 65000, 0);
	n = unhex("0301 0000fde9 0201 fa56ea00", path, sizeof(path));
	a.as_path = path;
	a.as_path_len = (uint16_t)n;
	len = msg_update_encode(buf, sizeof(buf), NULL, 0, &a, &nlri, 1,
	    false);
	n = unhex("40 02 08 0301 fde9 0201 5ba0", want, sizeof(want));
	assert_non_null(memmem(buf, len, want, n));
	n = unhex("c0 11 06 0201 fa56ea00", want, sizeof(want));
	assert_non_null(memmem(buf, len, want, n));
	/* Only a CONFED segment needs 4 octets: no AS4_PATH at all. */
	n = unhex("0301 fa56ea00 0201 0000fde9", path, sizeof(path));
	len = msg_update_encode(buf, sizeof(buf), NULL, 0, &a, &nlri, 1,
	    false);
	n = unhex("c0 11", want, sizeof(want));
	assert_null(memmem(buf + MSG_HEADER_LEN, len - MSG_HEADER_LEN, want,
	    n));
	a.as_path = NULL;
	msg_attrs_free(&a);
}

/* The decoders called directly, as a fuzzer would, on sizes no header
 * allows; and what the encoders make of odd arguments. */
static void
test_direct_bounds(void **state)
{
	static uint8_t			big[MSG_MAX_LEN * 2];
	static struct msg_notification	n;
	uint8_t				buf[MSG_MAX_LEN];
	struct msg_update		u;
	struct msg_error		err;
	struct msg_caps			caps = { .gr = true, .gr_time = 5000 };
	struct msg			m;
	size_t				len;

	memset(big, 0, sizeof(big));
	assert_int_equal(msg_update_decode(big, sizeof(big), true, true, &u,
	    &err), 0);
	assert_int_equal(u.action, UPD_SESSION_RESET);
	check_err(&err, ERR_UPDATE, ERR_UPD_ATTRLIST, "");
	msg_update_free(&u);
	assert_int_equal(msg_notification_decode(big, sizeof(big), &n, &err),
	    -1);
	assert_int_equal(msg_notification_decode(big, 1, &n, &err), -1);
	check_err(&err, ERR_HEADER, ERR_HDR_LEN, "0014");
	assert_int_equal(msg_notification_decode(big, MSG_MAX_LEN -
	    MSG_HEADER_LEN, &n, &err), 0);
	assert_int_equal(n.data_len, MSG_MAX_LEN - MSG_NOTIFICATION_MIN_LEN);
	/* GR restart time beyond 12 bits: the longest one. */
	len = msg_open_encode(buf, sizeof(buf), 65000, 30, ip("1.2.3.4"),
	    &caps);
	assert_int_equal(msg_decode(buf, len, false, true, &m, &err), 0);
	assert_int_equal(m.u.open.caps.gr_time, 4095);
	assert_false(m.u.open.caps.gr_ipv4);
	msg_free(&m);
	assert_int_equal(msg_update_encode(buf, sizeof(buf), NULL, 0, NULL,
	    (const struct msg_prefix *)buf, 1, true), 0);
	assert_int_equal(msg_keepalive_encode(NULL, 100), 0);
}

/* ---- helpers of msg.h ---------------------------------------------------- */

struct nh_vec {
	const char	*nh, *local;
	uint8_t		 plen;
	bool		 ok;
};

static void
test_nexthop_ok(void **state)
{
	static const struct nh_vec	v[] = {
		{ "169.254.249.57", "169.254.249.58", 30, true },
		{ "169.254.249.58", "169.254.249.58", 30, false },
		{ "0.0.0.0", "169.254.249.58", 30, false },
		{ "169.254.249.61", "169.254.249.58", 30, false },
		{ "169.254.249.56", "169.254.249.58", 30, false },
		{ "169.254.249.59", "169.254.249.58", 30, false },
		{ "10.0.0.1", "169.254.249.58", 30, false },
		{ "169.254.249.59", "169.254.249.58", 31, true },
		{ "224.0.0.5", "169.254.249.58", 0, false },
		{ "127.0.0.1", "169.254.249.58", 0, false },
		{ "10.9.9.9", "169.254.249.58", 32, true },
		{ "169.254.249.57", "169.254.249.58", 33, false },
	};
	size_t				i;

	for (i = 0; i < nitems(v); i++)
		assert_int_equal(msg_nexthop_ok(ip(v[i].nh), ip(v[i].local),
		    v[i].plen), v[i].ok);
}

static void
test_aspath_queries(void **state)
{
	uint8_t	p[64];
	size_t	n;

	n = unhex("0202 0000fc00 0000fde8 0102 fa56ea00 00000001", p,
	    sizeof(p));
	assert_int_equal(msg_aspath_first_as(p, (uint16_t)n), 64512);
	assert_true(msg_aspath_contains(p, (uint16_t)n, 65000));
	assert_true(msg_aspath_contains(p, (uint16_t)n, 4200000000U));
	assert_false(msg_aspath_contains(p, (uint16_t)n, 65001));
	/* cut short: no read past the end */
	assert_false(msg_aspath_contains(p, (uint16_t)(n - 1), 1));
	assert_int_equal(msg_aspath_first_as(p, 5), 0);
	assert_int_equal(msg_aspath_first_as(NULL, 0), 0);
	assert_false(msg_aspath_contains(NULL, 0, 1));
	n = unhex("0101 0000fc00", p, sizeof(p));
	assert_int_equal(msg_aspath_first_as(p, (uint16_t)n), 0);
	assert_int_equal(msg_aspath_first_as(p, 2), 0);
	assert_true(msg_aspath_contains(p, (uint16_t)n, 64512));
}

static void
test_names(void **state)
{
	assert_string_equal(msg_type_name(MSG_OPEN), "OPEN");
	assert_string_equal(msg_type_name(MSG_ROUTE_REFRESH), "ROUTE-REFRESH");
	assert_string_equal(msg_type_name(0), "Unknown");
	assert_string_equal(msg_type_name(200), "Unknown");
	assert_string_equal(msg_code_name(ERR_CEASE), "Cease");
	assert_string_equal(msg_code_name(ERR_UPDATE), "UPDATE Message Error");
	assert_string_equal(msg_code_name(0), "Unknown");
	assert_string_equal(msg_code_name(99), "Unknown");
	assert_string_equal(msg_subcode_name(ERR_CEASE, ERR_CEASE_ADMIN_DOWN),
	    "Administrative Shutdown");
	assert_string_equal(msg_subcode_name(ERR_CEASE, ERR_CEASE_HARD_RESET),
	    "Hard Reset");
	assert_string_equal(msg_subcode_name(ERR_HEADER, ERR_HDR_SYNC),
	    "Connection Not Synchronized");
	assert_string_equal(msg_subcode_name(ERR_OPEN, ERR_OPEN_HOLD),
	    "Unacceptable Hold Time");
	assert_string_equal(msg_subcode_name(ERR_OPEN, 0), "Unspecific");
	assert_string_equal(msg_subcode_name(ERR_OPEN, 8), "Unknown");
	assert_string_equal(msg_subcode_name(ERR_UPDATE, ERR_UPD_ASPATH),
	    "Malformed AS_PATH");
	assert_string_equal(msg_subcode_name(ERR_FSM, ERR_FSM_ESTABLISHED),
	    "Receive Unexpected Message in Established State");
	assert_string_equal(msg_subcode_name(ERR_UPDATE, 12), "Unknown");
	assert_string_equal(msg_subcode_name(0, 0), "Unknown");
	assert_string_equal(msg_subcode_name(255, 1), "Unknown");
}

/* ---- mutations ---------------------------------------------------------- */

/* When the tests ran one by one (a filter), the tables alone. */
static void
corpus_from_tables(void)
{
	uint8_t	body[MSG_MAX_LEN], buf[MSG_MAX_LEN];
	size_t	i, n;

	for (i = 0; i < nitems(hdr_vecs); i++)
		corpus_add(buf, unhex(hdr_vecs[i].msg, buf, sizeof(buf)));
	for (i = 0; i < nitems(open_vecs); i++) {
		n = unhex(open_vecs[i].body, body, sizeof(body));
		corpus_add(buf, mkmsg(MSG_OPEN, body, n, buf));
	}
	for (i = 0; i < nitems(upd_vecs); i++) {
		n = upd_body(&upd_vecs[i], body, sizeof(body));
		corpus_add(buf, mkmsg(MSG_UPDATE, body, n, buf));
	}
	for (i = 0; i < nitems(shut_vecs); i++) {
		n = unhex(shut_vecs[i].body, body, sizeof(body));
		corpus_add(buf, mkmsg(MSG_NOTIFICATION, body, n, buf));
	}
	for (i = 0; i < nitems(rr_vecs); i++) {
		n = unhex(rr_vecs[i].body, body, sizeof(body));
		corpus_add(buf, mkmsg(MSG_ROUTE_REFRESH, body, n, buf));
	}
}

/* Any input: no crash, no leak, no read out of bounds (ASan/UBSan). */
static void
test_mutations(void **state)
{
	static uint8_t		b[MSG_MAX_LEN];
	struct msg		m;
	struct msg_open		o;
	struct msg_update	u;
	struct msg_error	err;
	double			end = t_now_s() + 1.0;
	unsigned long		runs = 0;
	size_t			len, i, pick;

	t_rng_seed(0x2545f491);

	if (corpus_n < 50)
		corpus_from_tables();
	assert_true(corpus_n > 50);
	while (t_now_s() < end) {
		for (i = 0; i < 64; i++, runs++) {
			pick = t_rng() % corpus_n;
			len = corpus_len[pick];
			memcpy(b, corpus[pick], len);
			t_mutate(b, &len);
			if (msg_decode(b, len, t_rng() % 2, t_rng() % 2, &m,
			    &err) == 0)
				msg_free(&m);
			if (len > MSG_HEADER_LEN) {
				msg_update_decode(b + MSG_HEADER_LEN,
				    len - MSG_HEADER_LEN, t_rng() % 2,
				    t_rng() % 2, &u, &err);
				msg_update_free(&u);
				msg_open_decode(b + MSG_HEADER_LEN,
				    len - MSG_HEADER_LEN, &o, &err);
			}
		}
	}
	print_message("%lu mutated messages decoded\n", runs);
}

/* ---- main ---------------------------------------------------------------- */

#define ROWS(tab, fn)	{ tab, sizeof(tab[0]), nitems(tab), fn }

int
main(void)
{
	static const struct CMUnitTest	fixed[] = {
		cmocka_unit_test(test_open_roundtrip),
		cmocka_unit_test(test_open_golden),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_notification_roundtrip),
		cmocka_unit_test(test_shutdown_utf8_cut),
		cmocka_unit_test(test_route_refresh_roundtrip),
		cmocka_unit_test(test_update_roundtrip_as4),
		cmocka_unit_test(test_update_roundtrip_as_trans),
		cmocka_unit_test(test_update_prepend),
		cmocka_unit_test(test_update_withdraw_and_eor),
		cmocka_unit_test(test_update_too_big),
		cmocka_unit_test(test_direct_bounds),
		cmocka_unit_test(test_update_confed_as4_path),
		cmocka_unit_test(test_nexthop_ok),
		cmocka_unit_test(test_aspath_queries),
		cmocka_unit_test(test_names),
	};
	static const struct {
		const void		*rows;
		size_t			 size, n;
		CMUnitTestFunction	 fn;
	} tables[] = {
		ROWS(hdr_vecs, test_hdr),
		ROWS(open_vecs, test_open),
		ROWS(upd_vecs, test_update),
		ROWS(shut_vecs, test_shutdown_decode),
		ROWS(rr_vecs, test_refresh),
	};
	struct CMUnitTest	*tests;
	size_t			 n = 0, i, j;
	int			 rc;

	for (i = 0; i < nitems(tables); i++)
		n += tables[i].n;
	n += nitems(fixed) + 1;
	if ((tests = calloc(n, sizeof(*tests))) == NULL)
		return 1;
	n = 0;
	for (i = 0; i < nitems(tables); i++)
		for (j = 0; j < tables[i].n; j++) {
			const char	*row = (const char *)tables[i].rows +
			    j * tables[i].size;

			/* Every row type starts with its name. */
			tests[n].name = *(const char *const *)(const void *)row;
			tests[n].test_func = tables[i].fn;
			tests[n++].initial_state = (void *)(uintptr_t)row;
		}
	for (i = 0; i < nitems(fixed); i++)
		tests[n++] = fixed[i];
	tests[n].name = "mutations: 1 s over every vector";
	tests[n++].test_func = test_mutations;
	rc = _cmocka_run_group_tests("msg", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
