/* SPDX-License-Identifier: ISC */
/*
 * test_mp.c: table-driven tests of MP-BGP for IPv6 unicast in the BGP
 * codec (bgpd/session/msg.h; RFC 4760, RFC 2545, RFC 4724, RFC 7606):
 * the capabilities as sent and as read, which families a session
 * carries, UPDATEs with MP_REACH_NLRI / MP_UNREACH_NLRI of AFI 2 as
 * bytes in and prefixes, next hops or errors out, the UPDATEs we build
 * byte for byte, the semantic checks, and a short mutation run.  Each
 * table row is a cmocka test of its own, named after the row.
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
#define BOTH		(MSG_AF_IPV4 | MSG_AF_IPV6)

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

static void
check_hex(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t	want[MSG_MAX_LEN];
	size_t	n = unhex(hex, want, sizeof(want));

	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

static void
check_err(const struct msg_error *e, uint8_t code, uint8_t sub,
    const char *data)
{
	assert_int_equal(e->code, code);
	assert_int_equal(e->subcode, sub);
	if (data != NULL)
		check_hex(e->data, e->data_len, data);
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr
ip6(const char *s)
{
	struct in6_addr	a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void
check_ip6(const struct in6_addr *got, const char *want)
{
	char	buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET6, got, buf, sizeof(buf)));
	assert_string_equal(buf, want);
}

static struct msg_prefix6
pfx6(const char *s)
{
	struct msg_prefix6	p;
	char			a[64];
	const char		*slash = strchr(s, '/');

	assert_non_null(slash);
	assert_true((size_t)(slash - s) < sizeof(a));
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	p.addr = ip6(a);
	p.len = (uint8_t)atoi(slash + 1);
	return p;
}

static void
check_pfx6(const struct msg_prefix6 *p, const char *want)
{
	char	buf[INET6_ADDRSTRLEN + 8];
	char	a[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET6, &p->addr, a, sizeof(a)));
	snprintf(buf, sizeof(buf), "%s/%u", a, p->len);
	assert_string_equal(buf, want);
}

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

/* Mutation corpus: every whole message a test decoded or built. */
static uint8_t	corpus[256][MSG_MAX_LEN];
static size_t	corpus_len[256];
static size_t	corpus_n;

static void
corpus_add(const uint8_t *m, size_t len)
{
	if (corpus_n < nitems(corpus) && len <= MSG_MAX_LEN) {
		memcpy(corpus[corpus_n], m, len);
		corpus_len[corpus_n++] = len;
	}
}

/* ---- OPEN: the capabilities -------------------------------------------- */

/* OPEN of AS 65000, hold 30, id 172.100.0.200, up to the optional
 * parameters length. */
#define OPEN_HEAD	"01 04 fde8 001e ac6400c8"
#define CAP_MP4		"01 04 0001 00 01"
#define CAP_MP6		"01 04 0002 00 01"
#define CAP_RR		"02 00"
#define CAP_AS4		"41 04 0000fde8"

struct open_enc_vec {
	const char	*name;
	struct msg_caps	 caps;
	const char	*want;		/* the whole message */
};

static const struct open_enc_vec open_enc_vecs[] = {
	{ "open: IPv4 unicast only, the bytes of today",
	    { .mp_ipv4_unicast = true, .route_refresh = true, .as4 = true,
	    .gr = true, .gr_time = 10, .gr_ipv4 = true,
	    .gr_ipv4_forwarding = true },
	    MARKER "0035" OPEN_HEAD "18 02 16" CAP_MP4 CAP_RR
	    "40 06 000a 0001 01 80" CAP_AS4 },
	{ "open: IPv6 unicast only",
	    { .mp_ipv6_unicast = true, .route_refresh = true, .as4 = true,
	    .gr = true, .gr_time = 10, .gr_ipv6 = true },
	    MARKER "0035" OPEN_HEAD "18 02 16" CAP_MP6 CAP_RR
	    "40 06 000a 0002 01 00" CAP_AS4 },
	{ "open: both families, GR lists both with their F bits",
	    { .mp_ipv4_unicast = true, .mp_ipv6_unicast = true,
	    .route_refresh = true, .as4 = true, .gr = true, .gr_time = 120,
	    .gr_restarting = true, .gr_ipv4 = true, .gr_ipv4_forwarding = true,
	    .gr_ipv6 = true, .gr_ipv6_forwarding = true },
	    MARKER "003f" OPEN_HEAD "22 02 20" CAP_MP4 CAP_MP6 CAP_RR
	    "40 0a 8078 0001 01 80 0002 01 80" CAP_AS4 },
	{ "open: GR of IPv6 only, F bit alone lists it",
	    { .mp_ipv6_unicast = true, .gr = true, .gr_time = 5,
	    .gr_ipv6_forwarding = true },
	    MARKER "002d" OPEN_HEAD "10 02 0e" CAP_MP6
	    "40 06 0005 0002 01 80" },
	{ "open: GR without families",
	    { .mp_ipv6_unicast = true, .gr = true, .gr_time = 5 },
	    MARKER "0029" OPEN_HEAD "0c 02 0a" CAP_MP6 "40 02 0005" },
};

static void
test_open_encode(void **state)
{
	const struct open_enc_vec	*v = *state;
	uint8_t				 buf[MSG_MAX_LEN];
	struct msg			 m;
	struct msg_error		 err;
	size_t				 len;

	len = msg_open_encode(buf, sizeof(buf), 65000, 30,
	    ip("172.100.0.200"), &v->caps);
	check_hex(buf, len, v->want);
	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
	assert_int_equal(m.u.open.caps.mp_ipv4_unicast,
	    v->caps.mp_ipv4_unicast);
	assert_int_equal(m.u.open.caps.mp_ipv6_unicast,
	    v->caps.mp_ipv6_unicast);
	assert_int_equal(m.u.open.caps.gr, v->caps.gr);
	assert_int_equal(m.u.open.caps.gr_ipv4,
	    v->caps.gr_ipv4 || v->caps.gr_ipv4_forwarding);
	assert_int_equal(m.u.open.caps.gr_ipv4_forwarding,
	    v->caps.gr_ipv4_forwarding);
	assert_int_equal(m.u.open.caps.gr_ipv6,
	    v->caps.gr_ipv6 || v->caps.gr_ipv6_forwarding);
	assert_int_equal(m.u.open.caps.gr_ipv6_forwarding,
	    v->caps.gr_ipv6_forwarding);
	assert_int_equal(msg_caps_families(&m.u.open.caps),
	    msg_caps_families(&v->caps));
	msg_free(&m);
}

struct open_dec_vec {
	const char	*name;
	const char	*params;	/* optional parameters, length first */
	bool		 mp4, mp6, other;
	bool		 gr4, gr4f, gr6, gr6f;
	unsigned	 afs;		/* msg_caps_families() */
};

static const struct open_dec_vec open_dec_vecs[] = {
	{ "open: peer offers IPv6 unicast (FRR, BIRD)",
	    "08 02 06" CAP_MP6, false, true, true, false, false, false, false,
	    MSG_AF_IPV6 },
	{ "open: peer offers both, one parameter each",
	    "10 02 06" CAP_MP4 "02 06" CAP_MP6, true, true, true,
	    false, false, false, false, BOTH },
	{ "open: IPv6 multicast is another AFI/SAFI",
	    "08 02 06 01 04 0002 00 02", false, false, true,
	    false, false, false, false, 0 },
	{ "open: GR of both, F on IPv6 only",
	    "1a 02 18" CAP_MP4 CAP_MP6 "40 0a 0078 0001 01 00 0002 01 80",
	    true, true, true, true, false, true, true, BOTH },
	{ "open: GR of IPv6 multicast is not IPv6 unicast",
	    "0a 02 08 40 06 0078 0002 02 80", false, false, false,
	    false, false, false, false, 0 },
};

static void
test_open_decode(void **state)
{
	const struct open_dec_vec	*v = *state;
	uint8_t				 body[MSG_MAX_LEN], buf[MSG_MAX_LEN];
	struct msg			 m;
	struct msg_error		 err;
	const struct msg_caps		*c = &m.u.open.caps;
	size_t				 n, len;

	n = unhex("04 fc00 001e a9fef939", body, sizeof(body));
	n += unhex(v->params, body + n, sizeof(body) - n);
	len = mkmsg(MSG_OPEN, body, n, buf);
	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
	assert_int_equal(c->mp_ipv4_unicast, v->mp4);
	assert_int_equal(c->mp_ipv6_unicast, v->mp6);
	assert_int_equal(c->mp_other, v->other);
	assert_int_equal(c->gr_ipv4, v->gr4);
	assert_int_equal(c->gr_ipv4_forwarding, v->gr4f);
	assert_int_equal(c->gr_ipv6, v->gr6);
	assert_int_equal(c->gr_ipv6_forwarding, v->gr6f);
	assert_int_equal(msg_caps_families(c), v->afs);
	assert_int_equal(c->n_unknown, 0);
	msg_free(&m);
}

/* RFC 4760 8: both sides; a peer without any MP capability speaks
 * IPv4 in the classic fields. */
static void
test_negotiate(void **state)
{
	static const struct {
		bool		our4, our6, peer4, peer6, peer_other;
		unsigned	want;
	} rows[] = {
		{ true, false, true, false, false, MSG_AF_IPV4 },
		{ true, false, true, true, true, MSG_AF_IPV4 },
		{ false, true, true, true, true, MSG_AF_IPV6 },
		{ true, true, true, true, true, BOTH },
		{ true, true, false, true, true, MSG_AF_IPV6 },
		{ false, true, true, false, false, 0 },
		{ true, true, false, false, false, MSG_AF_IPV4 },
		{ false, true, false, false, false, 0 },
		{ true, true, false, false, true, 0 },	/* multicast only */
	};
	struct msg_caps	ours, peer;
	size_t		i;

	for (i = 0; i < nitems(rows); i++) {
		memset(&ours, 0, sizeof(ours));
		memset(&peer, 0, sizeof(peer));
		ours.mp_ipv4_unicast = rows[i].our4;
		ours.mp_ipv6_unicast = rows[i].our6;
		peer.mp_ipv4_unicast = rows[i].peer4;
		peer.mp_ipv6_unicast = rows[i].peer6;
		peer.mp_other = rows[i].peer_other;
		assert_int_equal(msg_caps_negotiate(&ours, &peer),
		    rows[i].want);
	}
}

/* ---- UPDATE decoding ---------------------------------------------------- */

#define H_ORIGIN	"40 01 01 00"
#define H_ASPATH4	"40 02 06 02 01 0000fc00"	/* 64512 */
#define H_NEXTHOP	"40 03 04 a9fef939"
#define VPC		"10 0a0a"			/* 10.10.0.0/16 */
#define NH_G		"fd000001000000000000000000000001"	/* fd00:1::1 */
#define NH_G2		"fd000001000000000000000000000002"
#define NH_LL		"fe800000000000000000000000000001"	/* fe80::1 */
#define NH_ZERO		"00000000000000000000000000000000"
#define P48		"30 20010db80172"	/* 2001:db8:172::/48 */
/* MP_REACH_NLRI, AFI 2, SAFI 1, of 2001:db8:172::/48 */
#define R16(nh)		"80 0e 1c 0002 01 10" nh "00" P48
#define R32(a, b)	"80 0e 2c 0002 01 20" a b "00" P48
#define REACH6		R16(NH_G)
#define UNREACH6	"80 0f 0a 0002 01" P48
#define EOR6		"80 0f 03 0002 01"
#define P_MP6		(B(ATTR_ORIGIN) | B(ATTR_AS_PATH) | B(ATTR_MP_REACH))

struct mp_vec {
	const char		*name;
	const char		*wd, *attrs, *nlri;
	unsigned		 afs;		/* 0: IPv4 and IPv6 */
	enum msg_update_action	 action;
	uint8_t			 sub;		/* code 3, unless UPD_OK */
	const char		*data;		/* NULL: not checked */
	uint32_t		 present;	/* 0: not checked */
	uint32_t		 discarded;	/* checked unless reset */
	size_t			 n_nlri, n_wd;	/* checked unless reset */
	size_t			 n_nlri6, n_wd6, n_ignored6;
	bool			 eor6;
	const char		*nh, *ll;	/* next_hop6; NULL: "::" */
	void			(*more)(const struct msg_update *);
};

static void
upd_one48(const struct msg_update *u)
{
	check_pfx6(&u->nlri6[0], "2001:db8:172::/48");
}

static void
upd_wd48(const struct msg_update *u)
{
	check_pfx6(&u->withdrawn6[0], "2001:db8:172::/48");
}

static void
upd_host_bits(const struct msg_update *u)
{
	check_pfx6(&u->nlri6[0], "2001:db8:172:fffe::/63");
	check_pfx6(&u->nlri6[1], "2001:db8::1/128");
}

static void
upd_ignored(const struct msg_update *u)
{
	check_pfx6(&u->nlri6[0], "2001:db8:172::/48");
	check_pfx6(&u->nlri6[1], "::/0");
}

static void
upd_mixed(const struct msg_update *u)
{
	assert_int_equal(u->attrs.next_hop.s_addr, ip("169.254.249.57").s_addr);
	assert_int_equal(u->nlri[0].addr.s_addr, ip("10.10.0.0").s_addr);
	check_pfx6(&u->nlri6[0], "2001:db8:172::/48");
}

static const struct mp_vec mp_vecs[] = {
	/* accepted */
	{ .name = "mp6: MP_REACH, 16-octet next hop, no NEXT_HOP needed",
	    .attrs = REACH6 H_ORIGIN H_ASPATH4, .present = P_MP6,
	    .n_nlri6 = 1, .nh = "fd00:1::1", .more = upd_one48 },
	{ .name = "mp6: MP_REACH last, as old speakers may send it",
	    .attrs = H_ORIGIN H_ASPATH4 REACH6, .present = P_MP6,
	    .n_nlri6 = 1, .nh = "fd00:1::1" },
	{ .name = "mp6: 32-octet next hop, global and link-local",
	    .attrs = R32(NH_G, NH_LL) H_ORIGIN H_ASPATH4, .present = P_MP6,
	    .n_nlri6 = 1, .nh = "fd00:1::1", .ll = "fe80::1" },
	{ .name = "mp6: 16 octets of link-local (link-local session)",
	    .attrs = R16(NH_LL) H_ORIGIN H_ASPATH4, .present = P_MP6,
	    .n_nlri6 = 1, .ll = "fe80::1" },
	{ .name = "mp6: 32 octets, link-local twice (JunOS, FRR)",
	    .attrs = R32(NH_LL, NH_LL) H_ORIGIN H_ASPATH4, .present = P_MP6,
	    .n_nlri6 = 1, .ll = "fe80::1" },
	{ .name = "mp6: 32 octets, :: then link-local (BIRD)",
	    .attrs = R32(NH_ZERO, NH_LL) H_ORIGIN H_ASPATH4, .present = P_MP6,
	    .n_nlri6 = 1, .ll = "fe80::1" },
	{ .name = "mp6: 32 octets, a second global address is dropped",
	    .attrs = R32(NH_G, NH_G2) H_ORIGIN H_ASPATH4, .present = P_MP6,
	    .n_nlri6 = 1, .nh = "fd00:1::1" },
	{ .name = "mp6: NEXT_HOP beside MP_REACH alone is not used",
	    .attrs = REACH6 H_ORIGIN H_ASPATH4 H_NEXTHOP,
	    .present = P_MP6 | B(ATTR_NEXT_HOP), .n_nlri6 = 1,
	    .nh = "fd00:1::1" },
	{ .name = "mp6: host bits cleared, /63 and /128",
	    .attrs = "80 0e 2f 0002 01 10" NH_G "00 3f 20010db80172ffff"
	    "80 20010db8000000000000000000000001" H_ORIGIN H_ASPATH4,
	    .present = P_MP6, .n_nlri6 = 2, .nh = "fd00:1::1",
	    .more = upd_host_bits },
	{ .name = "mp6: multicast, link-local, ::1 and :: prefixes ignored",
	    .attrs = "80 0e 4a 0002 01 10" NH_G "00" P48 "08 ff"
	    "40 fe80000000000000  80 00000000000000000000000000000001"
	    "80 00000000000000000000000000000000  00" H_ORIGIN H_ASPATH4,
	    .present = P_MP6, .n_nlri6 = 2, .n_ignored6 = 4,
	    .nh = "fd00:1::1", .more = upd_ignored },
	{ .name = "mp6: MP_UNREACH alone", .attrs = UNREACH6,
	    .present = B(ATTR_MP_UNREACH), .n_wd6 = 1, .more = upd_wd48 },
	{ .name = "mp6: End-of-RIB, an empty MP_UNREACH alone",
	    .attrs = EOR6, .present = B(ATTR_MP_UNREACH), .eor6 = true },
	{ .name = "mp6: empty MP_UNREACH and ORIGIN is no End-of-RIB",
	    .attrs = EOR6 H_ORIGIN,
	    .present = B(ATTR_MP_UNREACH) | B(ATTR_ORIGIN) },
	{ .name = "mp6: empty MP_UNREACH with a classic withdrawal",
	    .wd = VPC, .attrs = EOR6, .present = B(ATTR_MP_UNREACH),
	    .n_wd = 1 },
	{ .name = "mp6: IPv4 classic NLRI and IPv6 MP_REACH together",
	    .attrs = REACH6 H_ORIGIN H_ASPATH4 H_NEXTHOP, .nlri = VPC,
	    .present = P_MP6 | B(ATTR_NEXT_HOP), .n_nlri = 1, .n_nlri6 = 1,
	    .nh = "fd00:1::1", .more = upd_mixed },
	{ .name = "mp6: IPv4 withdrawal and IPv6 MP_UNREACH together",
	    .wd = VPC, .attrs = UNREACH6, .present = B(ATTR_MP_UNREACH),
	    .n_wd = 1, .n_wd6 = 1 },
	{ .name = "mp6: MP_REACH with no NLRI is fine",
	    .attrs = "80 0e 15 0002 01 10" NH_G "00" H_ORIGIN H_ASPATH4,
	    .present = P_MP6, .nh = "fd00:1::1" },

	/* families not carried: the attribute is ignored */
	{ .name = "mp6: IPv6 not negotiated: MP_REACH discarded",
	    .afs = MSG_AF_IPV4, .attrs = REACH6 H_ORIGIN H_ASPATH4,
	    .present = B(ATTR_ORIGIN) | B(ATTR_AS_PATH),
	    .discarded = B(ATTR_MP_REACH) },
	{ .name = "mp6: IPv6 not negotiated: no IPv6 End-of-RIB",
	    .afs = MSG_AF_IPV4, .attrs = EOR6,
	    .discarded = B(ATTR_MP_UNREACH) },
	{ .name = "mp6: IPv6 not negotiated: MP_UNREACH discarded",
	    .afs = MSG_AF_IPV4, .attrs = UNREACH6,
	    .discarded = B(ATTR_MP_UNREACH) },
	{ .name = "mp6: IPv6-only session: MP_REACH of IPv4 discarded",
	    .afs = MSG_AF_IPV6, .attrs = "80 0e 0c 0001 01 04 a9fef939 00"
	    VPC H_ORIGIN H_ASPATH4, .present = B(ATTR_ORIGIN) |
	    B(ATTR_AS_PATH), .discarded = B(ATTR_MP_REACH) },
	{ .name = "mp6: SAFI 2 (multicast) discarded",
	    .attrs = "80 0e 1c 0002 02 10" NH_G "00" P48 H_ORIGIN H_ASPATH4,
	    .present = B(ATTR_ORIGIN) | B(ATTR_AS_PATH),
	    .discarded = B(ATTR_MP_REACH) },
	{ .name = "mp6: not negotiated, next hop of 4 still discarded",
	    .afs = MSG_AF_IPV4, .attrs = "80 0e 10 0002 01 04 a9fef939 00"
	    P48 H_ORIGIN H_ASPATH4, .present = B(ATTR_ORIGIN) |
	    B(ATTR_AS_PATH), .discarded = B(ATTR_MP_REACH) },

	/* treat-as-withdraw (RFC 7606 3.d, 7.1, 7.3) */
	{ .name = "mp6: missing ORIGIN (withdraw, 3/3)",
	    .attrs = REACH6 H_ASPATH4, .action = UPD_TREAT_AS_WITHDRAW,
	    .sub = 3, .data = "01", .n_nlri6 = 1, .nh = "fd00:1::1" },
	{ .name = "mp6: missing AS_PATH (withdraw, 3/3)",
	    .attrs = REACH6 H_ORIGIN, .action = UPD_TREAT_AS_WITHDRAW,
	    .sub = 3, .data = "02", .n_nlri6 = 1, .nh = "fd00:1::1" },
	{ .name = "mp6: ORIGIN value 3 (withdraw, 3/6)",
	    .attrs = REACH6 "40 01 01 03" H_ASPATH4,
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 6, .data = "40010103",
	    .n_nlri6 = 1, .nh = "fd00:1::1" },
	{ .name = "mp6: NEXT_HOP of 5 octets beside MP_REACH (withdraw)",
	    .attrs = REACH6 H_ORIGIN H_ASPATH4 "40 03 05 a9fef93900",
	    .action = UPD_TREAT_AS_WITHDRAW, .sub = 5,
	    .data = "400305a9fef93900", .n_nlri6 = 1, .nh = "fd00:1::1" },
	{ .name = "mp6: only ignored prefixes, bad ORIGIN (withdraw)",
	    .attrs = "80 0e 17 0002 01 10" NH_G "00 08 ff" "40 01 01 03"
	    H_ASPATH4, .action = UPD_TREAT_AS_WITHDRAW, .sub = 6,
	    .n_ignored6 = 1, .nh = "fd00:1::1" },

	/* session reset (RFC 7606 3.g, 5.2, 5.3, 7.11; RFC 4760 7) */
	{ .name = "mp6: next hop of 4 octets (reset, 3/9)",
	    .attrs = "80 0e 10 0002 01 04 a9fef939 00" P48 H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 9,
	    .data = "800e10 00020104a9fef939003020010db80172" },
	{ .name = "mp6: next hop of 24 octets (reset, 3/9)",
	    .attrs = "80 0e 24 0002 01 18" NH_G "0000000000000000 00" P48
	    H_ORIGIN H_ASPATH4, .action = UPD_SESSION_RESET, .sub = 9 },
	{ .name = "mp6: next hop of 0 octets (reset, 3/9)",
	    .attrs = "80 0e 0c 0002 01 00 00" P48 H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 9,
	    .data = "800e0c 0002010000 3020010db80172" },
	{ .name = "mp6: next hop length overruns the attribute (reset)",
	    .attrs = "80 0e 1c 0002 01 20" NH_G "00" P48 H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 9 },
	{ .name = "mp6: MP_REACH prefix length 129 (reset, 3/9)",
	    .attrs = "80 0e 27 0002 01 10" NH_G "00 81 20010db8"
	    "00000000000000000000000000" H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 9 },
	{ .name = "mp6: MP_REACH prefix overruns (reset, 3/9)",
	    .attrs = "80 0e 1a 0002 01 10" NH_G "00 40 20010db8" H_ORIGIN
	    H_ASPATH4, .action = UPD_SESSION_RESET, .sub = 9 },
	{ .name = "mp6: MP_UNREACH prefix length 129 (reset, 3/9)",
	    .attrs = "80 0f 15 0002 01 81 ffffffffffffffffffffffffffffffffff",
	    .action = UPD_SESSION_RESET, .sub = 9,
	    .data = "800f15 00020181ffffffffffffffffffffffffffffffffff" },
	{ .name = "mp6: MP_UNREACH prefix overruns (reset, 3/9)",
	    .attrs = "80 0f 06 0002 01 30 2001", .action = UPD_SESSION_RESET,
	    .sub = 9 },
	{ .name = "mp6: MP_UNREACH of 2 octets (reset, 3/9)",
	    .attrs = "80 0f 02 0002", .action = UPD_SESSION_RESET, .sub = 9,
	    .data = "800f02 0002" },
	{ .name = "mp6: MP_REACH flagged transitive (reset, 3/4)",
	    .attrs = "c0 0e 1c 0002 01 10" NH_G "00" P48 H_ORIGIN H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 4 },
	{ .name = "mp6: two MP_REACH, IPv4 and IPv6 (reset, 3/1)",
	    .attrs = "80 0e 0c 0001 01 04 a9fef939 00" VPC REACH6 H_ORIGIN
	    H_ASPATH4, .action = UPD_SESSION_RESET, .sub = 1, .data = "" },
	{ .name = "mp6: two MP_UNREACH (reset, 3/1)",
	    .attrs = UNREACH6 EOR6, .action = UPD_SESSION_RESET, .sub = 1 },
	{ .name = "mp6: bad ORIGIN beside MP_UNREACH (reset, 7606 5.2)",
	    .attrs = UNREACH6 "40 01 01 07" H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 6, .data = "40010107" },
	{ .name = "mp6: MP_REACH without NLRI, bad ORIGIN (reset, 5.2)",
	    .attrs = "80 0e 15 0002 01 10" NH_G "00 40 01 01 07" H_ASPATH4,
	    .action = UPD_SESSION_RESET, .sub = 6 },
	{ .name = "mp6: not negotiated yet too short to frame (reset)",
	    .afs = MSG_AF_IPV4, .attrs = "80 0e 04 0002 01 10" H_ORIGIN
	    H_ASPATH4, .action = UPD_SESSION_RESET, .sub = 9 },
};

static size_t
mp_body(const struct mp_vec *v, uint8_t *body, size_t size)
{
	size_t	n, l;

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
	const struct mp_vec	*v = *state;
	uint8_t			 body[MSG_MAX_LEN], buf[MSG_MAX_LEN];
	struct msg_update	 u;
	struct msg_error	 err;
	size_t			 n;

	n = mp_body(v, body, sizeof(body));
	corpus_add(buf, mkmsg(MSG_UPDATE, body, n, buf));
	assert_int_equal(msg_update_decode_af(body, n, true, true,
	    v->afs == 0 ? BOTH : v->afs, &u, &err), 0);
	assert_int_equal(u.action, v->action);
	check_err(&err, v->action == UPD_OK ? 0 : ERR_UPDATE, v->sub,
	    v->action == UPD_OK ? "" : v->data);
	if (v->action != UPD_SESSION_RESET) {
		assert_int_equal(u.discarded, v->discarded);
		assert_int_equal(u.n_nlri, v->n_nlri);
		assert_int_equal(u.n_withdrawn, v->n_wd);
		assert_int_equal(u.n_nlri6, v->n_nlri6);
		assert_int_equal(u.n_withdrawn6, v->n_wd6);
		assert_int_equal(u.n_ignored6, v->n_ignored6);
		assert_int_equal(u.end_of_rib6, v->eor6);
		/* the IPv4 End-of-RIB is only the empty UPDATE */
		assert_false(u.end_of_rib);
		check_ip6(&u.attrs.next_hop6.global,
		    v->nh != NULL ? v->nh : "::");
		check_ip6(&u.attrs.next_hop6.link_local,
		    v->ll != NULL ? v->ll : "::");
	}
	if (v->present != 0)
		assert_int_equal(u.attrs.present, v->present);
	if (v->more != NULL)
		v->more(&u);
	msg_update_free(&u);
}

/*
 * What today's sessions decode (msg_update_decode, IPv4 only) and hand
 * to rib_update() and gr.c: an UPDATE that carries only IPv6 is, for
 * them, one with no prefix, no error and no End-of-RIB.
 */
static void
test_ipv4_view(void **state)
{
	static const char *const	attrs[] = {
		REACH6 H_ORIGIN H_ASPATH4, R32(NH_G, NH_LL) H_ORIGIN H_ASPATH4,
		UNREACH6, EOR6, R16(NH_LL) H_ASPATH4,
	};
	uint8_t				body[MSG_MAX_LEN];
	struct msg_update		u;
	struct msg_error		err;
	size_t				i, n, l;

	for (i = 0; i < nitems(attrs); i++) {
		l = unhex(attrs[i], body + 4, sizeof(body) - 4);
		body[0] = body[1] = 0;
		body[2] = (uint8_t)(l >> 8);
		body[3] = (uint8_t)l;
		n = 4 + l;
		assert_int_equal(msg_update_decode(body, n, true, true, &u,
		    &err), 0);
		assert_int_equal(u.action, UPD_OK);
		assert_int_equal(u.n_nlri + u.n_withdrawn + u.n_nlri6 +
		    u.n_withdrawn6, 0);
		assert_false(u.end_of_rib);
		assert_false(u.end_of_rib6);
		msg_update_free(&u);
	}
}

/*
 * IPv6 sessions as three BGP speakers run them, captured on a veth pair
 * (they on fd00:1::1/126, AS 64512, exporting two or three prefixes; we
 * on fd00:1::2, sending an OPEN with IPv6 unicast only): their OPEN and
 * UPDATEs, KEEPALIVEs left out.  The same streams are the fuzz_msg seeds
 * stream-{bird,gobgp,frr}-ipv6-session.
 */
struct capture {
	const char	*name;
	const char	*msgs[4];	/* OPEN, then UPDATEs */
	const char	*nlri6;		/* every IPv6 prefix announced */
	const char	*nh, *ll;	/* the last next hop */
	bool		 eor6;		/* an IPv6 End-of-RIB came */
};

static const struct capture captures[] = {
	/* MP_REACH_NLRI first with Extended Length, a 32-octet next hop;
	 * GR without families, enhanced route refresh, LLGR */
	{ "capture: BIRD 2.0.12", {
	    "0035 01 04 fc00 001e 0a000001 18 02 16 01 04 0002 00 01 02 00"
	    "40 02 0078 41 04 0000fc00 46 00 47 00",
	    "005c 02 0000 0045 90 0e 0034 0002 01 20"
	    "fd000001000000000000000000000001"
	    "fe80000000000000c855f7fffea9c674 00"
	    "30 20010db80010 38 20010db8001100"
	    "40 01 01 00 40 02 06 02 01 0000fc00",
	    "001d 02 0000 0006 80 0f 03 0002 01" },
	    "2001:db8:10::/48 2001:db8:11::/56", "fd00:1::1",
	    "fe80::c855:f7ff:fea9:c674", true },
	/* one UPDATE per prefix, MP_REACH_NLRI last, no End-of-RIB
	 * without GR; the FQDN capability */
	{ "capture: GoBGP 3.10.0", {
	    "0033 01 04 fc00 001e 0a000002 16 02 14 02 00"
	    "49 04 02766d00 01 04 0002 00 01 41 04 0000fc00",
	    "004a 02 0000 0033 40 01 01 02 40 02 06 02 01 0000fc00"
	    "80 04 04 00000064 80 0e 1c 0002 01 10"
	    "fd000001000000000000000000000001 00 30 20010db80020",
	    "0045 02 0000 002e 40 01 01 02 40 02 06 02 01 0000fc00"
	    "80 0e 1e 0002 01 10 fd000001000000000000000000000001 00"
	    "40 20010db800210001" },
	    "2001:db8:20::/48 2001:db8:21:1::/64", "fd00:1::1", NULL,
	    false },
	/* MP_REACH_NLRI first, Extended Length on it and on AS_PATH; GR
	 * with the R and N bits, LLGR of IPv6, FQDN, one capability per
	 * parameter */
	{ "capture: FRR 8.4.4", {
	    "005f 01 04 fc00 001e 0a000003 42 02 06 01 04 0002 00 01"
	    "02 02 80 00 02 02 02 00 02 02 46 00 02 06 41 04 0000fc00"
	    "02 02 06 00 02 06 45 04 0002 01 01 02 07 49 05 03 766777 00"
	    "02 04 40 02 c078 02 09 47 07 0002 01 80 000000",
	    "0055 02 0000 003e 90 0e 0025 0002 01 10"
	    "fd000001000000000000000000000001 00 30 20010db80030"
	    "40 20010db800310005 40 01 01 00 50 02 0006 02 01 0000fc00"
	    "80 04 04 00000000" },
	    "2001:db8:30::/48 2001:db8:31:5::/64", "fd00:1::1", NULL,
	    false },
};

static void
test_capture(void **state)
{
	const struct capture	*v = *state;
	uint8_t			 buf[MSG_MAX_LEN];
	char			 got[512], one[INET6_ADDRSTRLEN + 8];
	struct msg		 m;
	struct msg_update	 u;
	struct msg_error	 err;
	size_t			 len, i, k;
	bool			 eor6 = false;

	len = unhex(MARKER, buf, sizeof(buf));
	len += unhex(v->msgs[0], buf + len, sizeof(buf) - len);
	corpus_add(buf, len);
	assert_int_equal(msg_decode(buf, len, true, true, &m, &err), 0);
	assert_int_equal(msg_caps_negotiate(&(struct msg_caps){
	    .mp_ipv6_unicast = true }, &m.u.open.caps), MSG_AF_IPV6);
	msg_free(&m);
	got[0] = '\0';
	for (i = 1; i < nitems(v->msgs) && v->msgs[i] != NULL; i++) {
		len = unhex(MARKER, buf, sizeof(buf));
		len += unhex(v->msgs[i], buf + len, sizeof(buf) - len);
		corpus_add(buf, len);
		assert_int_equal(msg_update_decode_af(buf + MSG_HEADER_LEN,
		    len - MSG_HEADER_LEN, true, true, MSG_AF_IPV6, &u, &err),
		    0);
		assert_int_equal(u.action, UPD_OK);
		eor6 |= u.end_of_rib6;
		for (k = 0; k < u.n_nlri6; k++) {
			inet_ntop(AF_INET6, &u.nlri6[k].addr, one,
			    sizeof(one));
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%s/%u", got[0] == '\0' ? "" : " ", one,
			    u.nlri6[k].len);
		}
		if (u.n_nlri6 > 0) {
			check_ip6(&u.attrs.next_hop6.global, v->nh);
			check_ip6(&u.attrs.next_hop6.link_local,
			    v->ll != NULL ? v->ll : "::");
			assert_true(u.attrs.present & B(ATTR_ORIGIN));
			assert_true(u.attrs.present & B(ATTR_AS_PATH));
			assert_int_equal(msg_aspath_first_as(u.attrs.as_path,
			    u.attrs.as_path_len), 64512);
		}
		msg_update_free(&u);
	}
	assert_string_equal(got, v->nlri6);
	assert_int_equal(eor6, v->eor6);
}

/* ---- UPDATE encoding ---------------------------------------------------- */

/* Our attributes: ORIGIN IGP, AS_PATH 65000, MED 100. */
static void
attrs_ours(struct msg_attrs *a, const char *nh, const char *ll)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(msg_attrs_set_aspath(a, 65000, 1), 0);
	a->present = B(ATTR_ORIGIN) | B(ATTR_AS_PATH) | B(ATTR_MED);
	a->origin = ORIGIN_IGP;
	a->med = 100;
	/* NEXT_HOP set and present: it must not be sent for IPv6 */
	a->next_hop = ip("169.254.249.58");
	a->present |= B(ATTR_NEXT_HOP);
	if (nh != NULL)
		a->next_hop6.global = ip6(nh);
	if (ll != NULL)
		a->next_hop6.link_local = ip6(ll);
}

static void
decode_back(const uint8_t *buf, size_t len, bool as4, struct msg_update *u)
{
	struct msg_error	err;
	uint8_t			type;
	uint16_t		mlen;

	corpus_add(buf, len);
	assert_int_equal(msg_header_decode(buf, &type, &mlen, &err), 0);
	assert_int_equal(type, MSG_UPDATE);
	assert_int_equal(mlen, len);
	assert_int_equal(msg_update_decode_af(buf + MSG_HEADER_LEN,
	    len - MSG_HEADER_LEN, as4, true, BOTH, u, &err), 0);
	assert_int_equal(u->action, UPD_OK);
}

#define OUR_ATTRS	"40 01 01 00 40 02 06 02 01 0000fde8 80 04 04 00000064"

static void
test_reach6_golden(void **state)
{
	struct msg_prefix6	nlri[] = { pfx6("2001:db8:172::/48"),
	    pfx6("2001:db8:1:2::/64"), pfx6("::/0") };
	uint8_t			buf[MSG_MAX_LEN];
	struct msg_attrs	a;
	struct msg_update	u;
	size_t			len;

	/* 16 octets: the global address alone (RFC 2545 3) */
	attrs_ours(&a, "fd00:1::2", NULL);
	len = msg_update6_reach_encode(buf, sizeof(buf), &a, nlri,
	    nitems(nlri), true);
	check_hex(buf, len, MARKER "0054 02 0000 003d"
	    "80 0e 26 0002 01 10 fd000001000000000000000000000002 00"
	    "30 20010db80172  40 20010db800010002  00" OUR_ATTRS);
	decode_back(buf, len, true, &u);
	assert_int_equal(u.n_nlri6, 3);
	check_pfx6(&u.nlri6[1], "2001:db8:1:2::/64");
	check_ip6(&u.attrs.next_hop6.global, "fd00:1::2");
	check_ip6(&u.attrs.next_hop6.link_local, "::");
	assert_int_equal(u.attrs.med, 100);
	assert_false(u.attrs.present & B(ATTR_NEXT_HOP));
	msg_update_free(&u);
	msg_attrs_free(&a);

	/* 32 octets: global then link-local */
	attrs_ours(&a, "fd00:1::2", "fe80::2");
	len = msg_update6_reach_encode(buf, sizeof(buf), &a, nlri, 1, true);
	check_hex(buf, len, MARKER "005a 02 0000 0043"
	    "80 0e 2c 0002 01 20 fd000001000000000000000000000002"
	    "fe800000000000000000000000000002 00  30 20010db80172" OUR_ATTRS);
	decode_back(buf, len, true, &u);
	check_ip6(&u.attrs.next_hop6.link_local, "fe80::2");
	msg_update_free(&u);
	msg_attrs_free(&a);

	/* link-local only: :: then the link-local address, as BIRD */
	attrs_ours(&a, NULL, "fe80::2");
	len = msg_update6_reach_encode(buf, sizeof(buf), &a, nlri, 1, false);
	check_hex(buf, len, MARKER "0058 02 0000 0041"
	    "80 0e 2c 0002 01 20 00000000000000000000000000000000"
	    "fe800000000000000000000000000002 00  30 20010db80172"
	    "40 01 01 00  40 02 04 02 01 fde8  80 04 04 00000064");
	decode_back(buf, len, false, &u);
	check_ip6(&u.attrs.next_hop6.global, "::");
	check_ip6(&u.attrs.next_hop6.link_local, "fe80::2");
	msg_update_free(&u);
	msg_attrs_free(&a);
}

static void
test_unreach6_golden(void **state)
{
	struct msg_prefix6	wd[] = { pfx6("2001:db8:172::/48"),
	    pfx6("2001:db8::1/128") };
	uint8_t			buf[MSG_MAX_LEN];
	struct msg_update	u;
	size_t			len;

	len = msg_update6_unreach_encode(buf, sizeof(buf), wd, nitems(wd));
	check_hex(buf, len, MARKER "0035 02 0000 001e"
	    "80 0f 1b 0002 01  30 20010db80172"
	    "80 20010db8000000000000000000000001");
	decode_back(buf, len, true, &u);
	assert_int_equal(u.n_withdrawn6, 2);
	check_pfx6(&u.withdrawn6[1], "2001:db8::1/128");
	assert_false(u.end_of_rib6);
	msg_update_free(&u);

	/* RFC 4724 2: the IPv6 End-of-RIB */
	len = msg_update6_unreach_encode(buf, sizeof(buf), NULL, 0);
	check_hex(buf, len, MARKER "001d 02 0000 0006 80 0f 03 0002 01");
	decode_back(buf, len, true, &u);
	assert_true(u.end_of_rib6);
	assert_false(u.end_of_rib);
	assert_int_equal(u.n_withdrawn6, 0);
	msg_update_free(&u);
}

/* What cannot be encoded gives 0; what is long uses extended lengths. */
static void
test_encode6_limits(void **state)
{
	static struct msg_prefix6	many[600];
	uint8_t				buf[MSG_MAX_LEN];
	struct msg_attrs		a;
	struct msg_update		u;
	size_t				i, len;

	for (i = 0; i < nitems(many); i++) {
		many[i] = pfx6("2001:db8::/48");
		many[i].addr.s6_addr[4] = (uint8_t)(i >> 8);
		many[i].addr.s6_addr[5] = (uint8_t)i;
	}
	attrs_ours(&a, "fd00:1::2", NULL);
	assert_int_equal(msg_update6_reach_encode(buf, sizeof(buf), &a, many,
	    nitems(many), true), 0);
	assert_int_equal(msg_update6_unreach_encode(buf, sizeof(buf), many,
	    nitems(many)), 0);
	assert_int_equal(msg_update6_reach_encode(buf, 60, &a, many, 1,
	    true), 0);
	assert_int_equal(msg_update6_reach_encode(buf, sizeof(buf), &a, many,
	    0, true), 0);
	assert_int_equal(msg_update6_reach_encode(buf, sizeof(buf), NULL,
	    many, 1, true), 0);
	/* 500 /48s fill 3500 octets: Extended Length */
	len = msg_update6_reach_encode(buf, sizeof(buf), &a, many, 500, true);
	assert_true(len > 3500);
	assert_int_equal(buf[MSG_HEADER_LEN + 4], 0x90);
	decode_back(buf, len, true, &u);
	assert_int_equal(u.n_nlri6, 500);
	for (i = 0; i < 500; i++) {	/* field by field: not the padding */
		assert_memory_equal(&u.nlri6[i].addr, &many[i].addr, 16);
		assert_int_equal(u.nlri6[i].len, many[i].len);
	}
	msg_update_free(&u);
	len = msg_update6_unreach_encode(buf, sizeof(buf), many, 500);
	assert_int_equal(buf[MSG_HEADER_LEN + 4], 0x90);
	decode_back(buf, len, true, &u);
	assert_int_equal(u.n_withdrawn6, 500);
	msg_update_free(&u);
	/* no next hop at all */
	memset(&a.next_hop6, 0, sizeof(a.next_hop6));
	assert_int_equal(msg_update6_reach_encode(buf, sizeof(buf), &a, many,
	    1, true), 0);
	/* a length above 128 */
	a.next_hop6.global = ip6("fd00:1::2");
	many[0].len = 129;
	assert_int_equal(msg_update6_reach_encode(buf, sizeof(buf), &a, many,
	    1, true), 0);
	assert_int_equal(msg_update6_unreach_encode(buf, sizeof(buf), many,
	    1), 0);
	msg_attrs_free(&a);
}

/* ---- semantic checks ---------------------------------------------------- */

static void
test_nexthop6_ok(void **state)
{
	static const struct {
		const char	*global, *ll, *local;
		uint8_t		 plen;
		const char	*via;		/* NULL: refused */
	} rows[] = {
		{ "fd00:1::1", NULL, "fd00:1::2", 126, "fd00:1::1" },
		{ "fd00:1::3", NULL, "fd00:1::2", 126, "fd00:1::3" },
		{ "fd00:1::2", NULL, "fd00:1::2", 126, NULL },	/* ours */
		{ "fd00:1::", NULL, "fd00:1::2", 126, NULL },	/* anycast */
		{ "fd00:1::", NULL, "fd00:1::1", 127, "fd00:1::" },
		{ "fd00:1::4", NULL, "fd00:1::2", 126, NULL },	/* off link */
		{ "fd00:1::4", "fe80::1", "fd00:1::2", 126, "fe80::1" },
		{ "fd00:9::1", NULL, "fd00:1::2", 128, "fd00:9::1" },
		{ "::", "fe80::1", "fe80::2", 64, "fe80::1" },
		{ "::", "fe80::2", "fe80::2", 64, NULL },	/* ours */
		{ "::", NULL, "fd00:1::2", 126, NULL },
		{ "::1", NULL, "fd00:1::2", 128, NULL },
		{ "ff02::1", NULL, "fd00:1::2", 128, NULL },
		{ "::ffff:169.254.249.57", NULL, "::ffff:169.254.249.58", 126,
		    NULL },
		{ "2001:db8::1", "fe80::1", "2001:db8::2", 64, "2001:db8::1" },
		{ "fd00:1::1", NULL, "fd00:1::2", 129, NULL },
	};
	struct msg_nexthop6	nh;
	struct in6_addr		local, via;
	size_t			i;
	bool			ok;

	for (i = 0; i < nitems(rows); i++) {
		memset(&nh, 0, sizeof(nh));
		nh.global = ip6(rows[i].global);
		if (rows[i].ll != NULL)
			nh.link_local = ip6(rows[i].ll);
		local = ip6(rows[i].local);
		memset(&via, 0, sizeof(via));
		ok = msg_nexthop6_ok(&nh, &local, rows[i].plen, &via);
		if (rows[i].via == NULL) {
			if (ok)
				fail_msg("row %zu: %s accepted", i,
				    rows[i].global);
			continue;
		}
		if (!ok)
			fail_msg("row %zu: %s refused", i, rows[i].global);
		check_ip6(&via, rows[i].via);
	}
	/* via may be NULL */
	nh.global = ip6("fd00:1::1");
	local = ip6("fd00:1::2");
	assert_true(msg_nexthop6_ok(&nh, &local, 126, NULL));
	assert_false(msg_nexthop6_ok(&nh, &nh.global, 126, NULL));
}

static void
test_prefix6_ok(void **state)
{
	static const struct {
		const char	*pfx;
		bool		 ok;
	} rows[] = {
		{ "2001:db8::/32", true }, { "::/0", true },
		{ "fd00::/8", true }, { "fc00::/7", true },
		{ "fe00::/7", true },		/* covers, is not, fe80::/10 */
		{ "ff00::/8", false }, { "ff02::1/128", false },
		{ "fe80::/10", false }, { "fe80::/64", false },
		{ "febf::/16", false }, { "fec0::/10", true },
		{ "::/128", false }, { "::1/128", false }, { "::/127", true },
	};
	struct msg_prefix6	p;
	size_t			i;

	for (i = 0; i < nitems(rows); i++) {
		p = pfx6(rows[i].pfx);
		if (msg_prefix6_ok(&p) != rows[i].ok)
			fail_msg("%s", rows[i].pfx);
	}
	p.len = 129;
	assert_false(msg_prefix6_ok(&p));
}

/* ---- mutations ----------------------------------------------------------- */

/* Any input: no crash, no leak, no read out of bounds (ASan/UBSan); what
 * decodes as UPD_OK re-encodes to the same IPv6 prefixes. */
static void
test_mutations(void **state)
{
	static uint8_t		b[MSG_MAX_LEN], out[MSG_MAX_LEN];
	struct msg_update	u, u2;
	struct msg_error	err;
	double			end = t_now_s() + 1.0;
	unsigned long		runs = 0;
	size_t			len, pick, n;
	bool			as4, ebgp;

	t_rng_seed(2545);

	assert_true(corpus_n > 40);
	while (t_now_s() < end) {
		runs++;
		pick = t_rng() % corpus_n;
		len = corpus_len[pick];
		memcpy(b, corpus[pick], len);
		t_mutate(b, &len);
		if (len <= MSG_HEADER_LEN)
			continue;
		as4 = t_rng() % 2;
		ebgp = t_rng() % 2;
		msg_update_decode_af(b + MSG_HEADER_LEN, len - MSG_HEADER_LEN,
		    as4, ebgp, t_rng() % 4, &u, &err);
		if (u.action == UPD_OK && u.n_nlri6 > 0 &&
		    (n = msg_update6_reach_encode(out, sizeof(out), &u.attrs,
		    u.nlri6, u.n_nlri6, as4)) > 0) {
			assert_int_equal(msg_update_decode_af(out +
			    MSG_HEADER_LEN, n - MSG_HEADER_LEN, as4, ebgp,
			    BOTH, &u2, &err), 0);
			assert_int_equal(u2.action, UPD_OK);
			assert_int_equal(u2.n_nlri6, u.n_nlri6);
			assert_memory_equal(u2.nlri6, u.nlri6,
			    u.n_nlri6 * sizeof(u.nlri6[0]));
			assert_memory_equal(&u2.attrs.next_hop6,
			    &u.attrs.next_hop6, sizeof(u.attrs.next_hop6));
			msg_update_free(&u2);
		}
		msg_update_free(&u);
	}
	print_message("%lu mutated messages decoded\n", runs);
}

/* ---- main ---------------------------------------------------------------- */

#define ROWS(tab, fn)	{ tab, sizeof(tab[0]), nitems(tab), fn }

int
main(void)
{
	static const struct CMUnitTest	fixed[] = {
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_ipv4_view),
		cmocka_unit_test(test_reach6_golden),
		cmocka_unit_test(test_unreach6_golden),
		cmocka_unit_test(test_encode6_limits),
		cmocka_unit_test(test_nexthop6_ok),
		cmocka_unit_test(test_prefix6_ok),
	};
	static const struct {
		const void		*rows;
		size_t			 size, n;
		CMUnitTestFunction	 fn;
	} tables[] = {
		ROWS(open_enc_vecs, test_open_encode),
		ROWS(open_dec_vecs, test_open_decode),
		ROWS(mp_vecs, test_update),
		ROWS(captures, test_capture),
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
	rc = _cmocka_run_group_tests("mp", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
