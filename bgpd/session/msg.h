/* SPDX-License-Identifier: ISC */
/*
 * msg.h: the BGP-4 message codec (RFC 4271 section 4), with capabilities
 * (RFC 5492, 4760, 2918, 6793, 4724), RFC 7606 error handling, RFC 8203 /
 * RFC 9003 shutdown communication and ROUTE-REFRESH (RFC 2918, with the
 * subtypes of RFC 7313).
 *
 * Pure functions: no I/O, no logging, no global state.  Decoders are
 * bounds-checked readers that fill a struct msg_error (code, subcode,
 * data) instead of acting; the session decides what to send.  Decoded
 * values never point into the receive buffer.  Addresses are in network
 * byte order (struct in_addr, struct in6_addr), everything else in host
 * order.
 *
 * Two address families, unicast only: IPv4 (the classic fields, and
 * MP_REACH_NLRI / MP_UNREACH_NLRI of AFI 1) and IPv6 (those attributes
 * with AFI 2, RFC 4760 and RFC 2545).
 */
#ifndef VTB_MSG_H
#define VTB_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSG_MARKER_LEN		16
#define MSG_HEADER_LEN		19
#define MSG_MAX_LEN		4096
#define MSG_OPEN_MIN_LEN	29
#define MSG_UPDATE_MIN_LEN	23
#define MSG_NOTIFICATION_MIN_LEN 21
#define MSG_ROUTE_REFRESH_LEN	23
#define MSG_AS_TRANS		23456		/* RFC 6793 */
#define MSG_SHUTDOWN_MAX	255		/* RFC 9003 */

enum msg_type {
	MSG_OPEN = 1,
	MSG_UPDATE = 2,
	MSG_NOTIFICATION = 3,
	MSG_KEEPALIVE = 4,
	MSG_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes, RFC 4271 4.5 (and RFC 7313 for 7). */
enum msg_err_code {
	ERR_HEADER = 1,
	ERR_OPEN = 2,
	ERR_UPDATE = 3,
	ERR_HOLD = 4,
	ERR_FSM = 5,
	ERR_CEASE = 6,
	ERR_ROUTE_REFRESH = 7,
};

/* Subcodes, RFC 4271 6.1-6.3, RFC 5492, RFC 6608, RFC 4486. */
enum {
	ERR_HDR_SYNC = 1, ERR_HDR_LEN = 2, ERR_HDR_TYPE = 3,

	ERR_OPEN_VERSION = 1, ERR_OPEN_AS = 2, ERR_OPEN_BGPID = 3,
	ERR_OPEN_OPTPARAM = 4, ERR_OPEN_HOLD = 6, ERR_OPEN_CAPA = 7,

	ERR_UPD_ATTRLIST = 1, ERR_UPD_UNKNWN_WK = 2, ERR_UPD_MISSING_WK = 3,
	ERR_UPD_ATTRFLAGS = 4, ERR_UPD_ATTRLEN = 5, ERR_UPD_ORIGIN = 6,
	ERR_UPD_NEXTHOP = 8, ERR_UPD_OPTATTR = 9, ERR_UPD_NETWORK = 10,
	ERR_UPD_ASPATH = 11,

	ERR_FSM_UNSPEC = 0, ERR_FSM_OPENSENT = 1, ERR_FSM_OPENCONFIRM = 2,
	ERR_FSM_ESTABLISHED = 3,

	ERR_CEASE_MAX_PREFIX = 1, ERR_CEASE_ADMIN_DOWN = 2,
	ERR_CEASE_PEER_UNCONF = 3, ERR_CEASE_ADMIN_RESET = 4,
	ERR_CEASE_CONN_REJECT = 5, ERR_CEASE_OTHER_CHANGE = 6,
	ERR_CEASE_COLLISION = 7, ERR_CEASE_RESOURCES = 8,
	ERR_CEASE_HARD_RESET = 9,
};

/* What to send when a decoder fails: the body of a NOTIFICATION. */
struct msg_error {
	uint8_t		code;
	uint8_t		subcode;
	uint16_t	data_len;
	uint8_t		data[MSG_MAX_LEN - MSG_NOTIFICATION_MIN_LEN];
};

/* Names for logs and the control socket: "Cease", "Administrative
 * Shutdown"; never NULL ("Unknown" for values not assigned). */
const char	*msg_type_name(uint8_t type);
const char	*msg_code_name(uint8_t code);
const char	*msg_subcode_name(uint8_t code, uint8_t subcode);

/* ---- header ----------------------------------------------------------- */

/*
 * Check the header at buf (at least MSG_HEADER_LEN bytes): marker, length
 * within 19..4096 and right for the type, known type.  Returns 0 with
 * *type and *len (of the whole message), or -1 with err set (1/1, 1/2 with
 * the length as data, 1/3 with the type as data).
 */
int	msg_header_decode(const uint8_t *buf, uint8_t *type, uint16_t *len,
	    struct msg_error *err);

/* ---- address families ---------------------------------------------------- */

/* The families a session may carry, as bits of a set (RFC 4760 AFI and
 * SAFI; unicast only). */
#define MSG_AF_IPV4		0x01	/* AFI 1, SAFI 1 */
#define MSG_AF_IPV6		0x02	/* AFI 2, SAFI 1 */

/* ---- OPEN --------------------------------------------------------------- */

/*
 * Capabilities we understand; the rest is skipped (counted).  For
 * msg_open_encode() the mp_* and gr_* flags are what this session offers:
 * mp_ipv4_unicast and mp_ipv6_unicast the families it carries (one
 * Multiprotocol capability each), gr_ipv4 / gr_ipv6 the families listed
 * in graceful restart.
 */
struct msg_caps {
	bool		mp_ipv4_unicast;	/* RFC 4760, AFI 1 SAFI 1 */
	bool		mp_ipv6_unicast;	/* RFC 4760, AFI 2 SAFI 1 */
	bool		mp_other;		/* an AFI/SAFI other than IPv4
						   unicast, IPv6 unicast
						   included (decoded only) */
	bool		route_refresh;		/* RFC 2918 (code 2) */
	bool		as4;			/* RFC 6793 (code 65) */
	uint32_t	as4_asn;
	bool		gr;			/* RFC 4724 (code 64) */
	bool		gr_restarting;		/* R bit */
	uint16_t	gr_time;		/* 12 bits, seconds */
	bool		gr_ipv4;		/* IPv4 unicast listed */
	bool		gr_ipv4_forwarding;	/* its F bit */
	bool		gr_ipv6;		/* IPv6 unicast listed */
	bool		gr_ipv6_forwarding;	/* its F bit */
	unsigned	n_unknown;
};

struct msg_open {
	uint8_t		version;
	uint16_t	my_as;			/* the 2-octet field */
	uint16_t	hold_time;
	struct in_addr	bgp_id;
	struct msg_caps	caps;
};

/* Decode an OPEN body (after the header): syntax only (2/4 for a bad
 * optional parameter, 1/2-style length errors as 2/0 or 1/2). */
int	msg_open_decode(const uint8_t *body, size_t len, struct msg_open *,
	    struct msg_error *err);

/*
 * Semantic checks of a decoded OPEN against what we expect (RFC 4271 6.2,
 * RFC 6793, RFC 6286): version 4 (2/1, data: 4 as 2 octets), the peer's AS
 * (4-octet from the capability if present) equal to peer_as (2/2), hold
 * time 0 or >= 3 (2/6), BGP identifier not 0 and, for eBGP, allowed equal
 * to ours only as RFC 6286 says (2/3).  Returns 0 or -1 with err.
 */
int	msg_open_check(const struct msg_open *, uint32_t peer_as,
	    struct in_addr our_id, struct msg_error *err);

/* The peer's AS as RFC 6793 defines it: as4_asn if the capability came. */
uint32_t msg_open_peer_as(const struct msg_open *);

/*
 * Encode a whole OPEN message (header included) into buf.  my_as is the
 * 4-octet AS: the 2-octet field gets AS_TRANS when it does not fit.  caps
 * says which capabilities to advertise: mp_ipv4_unicast then
 * mp_ipv6_unicast (the families the session carries), route_refresh,
 * as4, gr with gr_time/gr_restarting and the families it lists (IPv4
 * unicast when gr_ipv4 or gr_ipv4_forwarding, then IPv6 unicast when
 * gr_ipv6 or gr_ipv6_forwarding, each with its F bit).  Without the IPv6
 * flags the bytes are those of an IPv4-only speaker.  Returns the length,
 * or 0 if size is too small.
 */
size_t	msg_open_encode(uint8_t *buf, size_t size, uint32_t my_as,
	    uint16_t hold_time, struct in_addr bgp_id,
	    const struct msg_caps *caps);

/* The MSG_AF_* families a set of capabilities offers. */
unsigned msg_caps_families(const struct msg_caps *);

/*
 * The families a session carries once both OPENs are in: those both
 * sides offered (RFC 4760 8: "each such speaker MUST advertise to the
 * other ... the capability to support that particular <AFI, SAFI>").  A
 * peer whose OPEN had no Multiprotocol capability at all is a plain RFC
 * 4271 speaker and is taken to offer IPv4 unicast, in the classic fields,
 * as BIRD does for a peer without capabilities.
 */
unsigned msg_caps_negotiate(const struct msg_caps *ours,
	    const struct msg_caps *peer);

/* ---- UPDATE ------------------------------------------------------------- */

struct msg_prefix {
	struct in_addr	addr;
	uint8_t		len;
};

struct msg_prefix6 {
	struct in6_addr	addr;
	uint8_t		len;			/* 0..128 */
};

/*
 * The next hop of IPv6 routes, from MP_REACH_NLRI (RFC 2545 3): the
 * global address (16 octets on the wire), followed by the link-local one
 * (32 octets) when the sender shares a link with the peer.  As decoded,
 * a link-local address alone (16 octets in fe80::/10, or 32 octets whose
 * first address is link-local, as JunOS and FRR send on sessions over
 * link-local addresses) is link_local with global ::, and a second
 * address that is not link-local is dropped, as BIRD does.
 */
struct msg_nexthop6 {
	struct in6_addr	global;			/* :: if none */
	struct in6_addr	link_local;		/* :: if none */
};

/* Bits of msg_attrs.present, one per attribute type we know. */
#define ATTR_BIT(type)		(1U << (type))
enum attr_type {
	ATTR_ORIGIN = 1,
	ATTR_AS_PATH = 2,
	ATTR_NEXT_HOP = 3,
	ATTR_MED = 4,
	ATTR_LOCAL_PREF = 5,
	ATTR_ATOMIC_AGGREGATE = 6,
	ATTR_AGGREGATOR = 7,
	ATTR_COMMUNITIES = 8,
	ATTR_MP_REACH = 14,
	ATTR_MP_UNREACH = 15,
	ATTR_AS4_PATH = 17,
	ATTR_AS4_AGGREGATOR = 18,
};

enum { ORIGIN_IGP = 0, ORIGIN_EGP = 1, ORIGIN_INCOMPLETE = 2 };
enum { AS_SET = 1, AS_SEQUENCE = 2, AS_CONFED_SEQUENCE = 3,
    AS_CONFED_SET = 4 };

/*
 * Path attributes as decoded.  as_path holds the segments in the 4-octet
 * encoding (type, count, count * 4 octets), after the RFC 6793 4.2.3
 * merge with AS4_PATH when the peer is not 4-octet capable; as_path_count
 * is its length for the decision process (an AS_SET counts 1).  unknown
 * holds the optional transitive attributes we do not know, as received but
 * with the Partial bit set, one after another.  Owned by the struct
 * (msg_attrs_free).
 */
struct msg_attrs {
	uint32_t	 present;		/* ATTR_BIT(type) */
	uint8_t		 origin;
	uint8_t		*as_path;
	uint16_t	 as_path_len;		/* bytes */
	uint16_t	 as_path_count;
	struct in_addr	 next_hop;
	struct msg_nexthop6 next_hop6;		/* MP_REACH_NLRI, AFI 2 */
	uint32_t	 med;
	uint32_t	 local_pref;
	uint32_t	 aggregator_as;
	struct in_addr	 aggregator_addr;
	uint32_t	*communities;
	uint16_t	 n_communities;
	uint8_t		*unknown;
	uint16_t	 unknown_len;
};

/* RFC 7606: what to do with an UPDATE, most severe last. */
enum msg_update_action {
	UPD_OK,			/* use it (some attributes may be discarded) */
	UPD_TREAT_AS_WITHDRAW,	/* withdraw every NLRI it carries */
	UPD_SESSION_RESET,	/* send NOTIFICATION err, drop the session */
};

/*
 * A decoded UPDATE.  The IPv4 lists hold the classic fields and the
 * MP attributes of AFI 1; the IPv6 lists the MP attributes of AFI 2,
 * whose next hop is attrs.next_hop6.  The action applies to both
 * families (RFC 7606 2: treat-as-withdraw withdraws nlri and nlri6).
 */
struct msg_update {
	struct msg_prefix	*withdrawn;	/* classic and MP_UNREACH */
	size_t			 n_withdrawn;
	struct msg_prefix	*nlri;		/* classic and MP_REACH */
	size_t			 n_nlri;
	struct msg_attrs	 attrs;
	enum msg_update_action	 action;
	uint32_t		 discarded;	/* ATTR_BIT of discarded ones */
	bool			 end_of_rib;	/* RFC 4724 2: empty UPDATE */
	bool			 bad_nexthop;	/* not the decoder's:
						   set by the session when
						   the NEXT_HOP is not on
						   the tunnel (RFC 4271
						   6.3): routes refused */
	struct msg_prefix6	*withdrawn6;	/* MP_UNREACH, AFI 2 SAFI 1 */
	size_t			 n_withdrawn6;
	struct msg_prefix6	*nlri6;		/* MP_REACH, AFI 2 SAFI 1 */
	size_t			 n_nlri6;
	size_t			 n_ignored6;	/* MP_REACH prefixes left out
						   of nlri6: not unicast
						   (msg_prefix6_ok) */
	bool			 end_of_rib6;	/* RFC 4724 2: only an empty
						   MP_UNREACH, AFI 2 SAFI 1 */
};

/*
 * Decode an UPDATE body.  as4 says whether both sides advertised the
 * 4-octet AS capability; ebgp whether LOCAL_PREF must be discarded.
 * Returns 0 with u filled and u->action saying what to do (with err set
 * when it is UPD_SESSION_RESET, and the reason in err for
 * UPD_TREAT_AS_WITHDRAW too, for logging), or -1 only when memory ran out.
 * The caller frees u with msg_update_free() in every case.
 */
int	msg_update_decode(const uint8_t *body, size_t len, bool as4, bool ebgp,
	    struct msg_update *u, struct msg_error *err);

/*
 * The same for a session that carries the families afs (MSG_AF_*, from
 * msg_caps_negotiate()); msg_update_decode() is this with MSG_AF_IPV4.
 * RFC 4760 and RFC 7606, as doc/security.md lists them:
 *  - MP_REACH_NLRI / MP_UNREACH_NLRI of a family not in afs, or of a
 *    SAFI other than 1, is discarded (u->discarded), once its fixed
 *    fields are there (AFI and SAFI; for MP_REACH_NLRI also the next
 *    hop length, that many octets and the Reserved octet), else 3/9;
 *  - of a family in afs: shorter than that, a next hop length that is
 *    not 4 (AFI 1) or 16 or 32 (AFI 2, RFC 2545 3), or NLRI that do not
 *    parse (a length above 32 or 128, a prefix that overruns): session
 *    reset, UPDATE Message Error / Optional Attribute Error (3/9) with
 *    the attribute as data (RFC 7606 5.3 and 7.11: "session reset" rather
 *    than "AFI/SAFI disable", RFC 4760 7's code and subcode);
 *  - ORIGIN and AS_PATH are required when either family announces
 *    something, NEXT_HOP only with classic NLRI (RFC 4760 3, RFC 7606
 *    3.d): treat-as-withdraw, 3/3;
 *  - IPv6 prefixes that are not unicast are ignored (RFC 4271 6.3):
 *    counted in n_ignored6, not in nlri6;
 *  - an UPDATE whose only attribute is an empty MP_UNREACH_NLRI of AFI 2
 *    SAFI 1 is the IPv6 End-of-RIB (end_of_rib6).
 * Classic fields are IPv4 whatever afs says; ignoring them on a session
 * without IPv4 is the caller's choice.
 */
int	msg_update_decode_af(const uint8_t *body, size_t len, bool as4,
	    bool ebgp, unsigned afs, struct msg_update *u,
	    struct msg_error *err);
void	msg_update_free(struct msg_update *);
void	msg_attrs_free(struct msg_attrs *);

/*
 * RFC 4271 6.3 semantic NEXT_HOP check for a route from an eBGP peer on a
 * point-to-point tunnel: not 0.0.0.0, not our own address, and inside the
 * tunnel's subnet (local/plen).  False means: ignore the route, no
 * NOTIFICATION.
 */
bool	msg_nexthop_ok(struct in_addr nh, struct in_addr local, uint8_t plen);

/*
 * The same for IPv6 routes (RFC 4271 6.3, RFC 2545 3), the tunnel's
 * inside address being local/plen: the global next hop serves when it is
 * a unicast address that is not link-local, not IPv4-mapped and not ours,
 * inside local/plen and, for plen up to 126, not the Subnet-Router
 * anycast address of it (RFC 4291 2.6.1); a /128 local address gives no
 * prefix, any such address passes.  Else the link-local next hop serves,
 * when there is one and it is not ours: the tunnel is its link (sessions
 * over link-local addresses send only that one).  *via (may be NULL)
 * gets the address that serves.  False means: ignore the routes, no
 * NOTIFICATION.
 */
bool	msg_nexthop6_ok(const struct msg_nexthop6 *nh,
	    const struct in6_addr *local, uint8_t plen, struct in6_addr *via);

/* RFC 4271 6.3 for an IPv6 prefix: false for one that can be no unicast
 * route (inside ff00::/8 or fe80::/10, ::/128, ::1/128). */
bool	msg_prefix6_ok(const struct msg_prefix6 *);

/* First AS of an AS_PATH (4-octet form), or 0 if it does not start with
 * an AS_SEQUENCE.  RFC 4271 6.3: from eBGP it must be the peer's AS. */
uint32_t msg_aspath_first_as(const uint8_t *as_path, uint16_t len);

/* True if asn appears anywhere in the AS_PATH (loop detection). */
bool	msg_aspath_contains(const uint8_t *as_path, uint16_t len,
	    uint32_t asn);

/*
 * Encode a whole UPDATE message: withdrawn prefixes, then, when n_nlri >
 * 0, ORIGIN, AS_PATH (4-octet if as4, else 2-octet with AS_TRANS and an
 * AS4_PATH when some AS needs it), NEXT_HOP, MED if present, COMMUNITIES
 * if present, and the NLRI.  With nothing to withdraw or announce it is
 * the End-of-RIB marker.  Returns the length, or 0 if it does not fit
 * (the caller splits).
 */
size_t	msg_update_encode(uint8_t *buf, size_t size,
	    const struct msg_prefix *withdrawn, size_t n_withdrawn,
	    const struct msg_attrs *attrs, const struct msg_prefix *nlri,
	    size_t n_nlri, bool as4);

/*
 * Encode a whole UPDATE announcing IPv6 prefixes (RFC 4760 3, RFC 2545 3):
 * no Withdrawn Routes, MP_REACH_NLRI first (RFC 7606 5.1) with AFI 2,
 * SAFI 1, attrs->next_hop6 (16 octets, or 32 when link_local is not ::,
 * the global first, :: if there is none, as BIRD sends) and nlri; then
 * ORIGIN, AS_PATH, AS4_PATH, MED and COMMUNITIES as msg_update_encode()
 * writes them, but no NEXT_HOP (RFC 4760 3: "SHOULD NOT carry the
 * NEXT_HOP attribute"), and no NLRI field.  Returns the length, or 0 if
 * it does not fit (the caller splits), n_nlri is 0, a prefix is longer
 * than 128 or both next hops are ::.
 */
size_t	msg_update6_reach_encode(uint8_t *buf, size_t size,
	    const struct msg_attrs *attrs, const struct msg_prefix6 *nlri,
	    size_t n_nlri, bool as4);

/*
 * Encode a whole UPDATE withdrawing IPv6 prefixes: its only attribute an
 * MP_UNREACH_NLRI (RFC 4760 4) of AFI 2, SAFI 1; with n_withdrawn 0 it
 * is the IPv6 End-of-RIB (RFC 4724 2).  RFC 7606 5.1 wants one kind of
 * NLRI per UPDATE: announcements go in msg_update6_reach_encode()'s.
 * Returns the length, or 0 if it does not fit or a prefix is longer than
 * 128.
 */
size_t	msg_update6_unreach_encode(uint8_t *buf, size_t size,
	    const struct msg_prefix6 *withdrawn, size_t n_withdrawn);

/* Build an AS_PATH (4-octet form) of one AS_SEQUENCE: asn repeated
 * times.  Owned by attrs; returns 0 or -1 (no memory). */
int	msg_attrs_set_aspath(struct msg_attrs *, uint32_t asn,
	    unsigned repeat);

/* ---- NOTIFICATION, KEEPALIVE, ROUTE-REFRESH ------------------------------ */

struct msg_notification {
	uint8_t		code;
	uint8_t		subcode;
	uint16_t	data_len;
	uint8_t		data[MSG_MAX_LEN - MSG_NOTIFICATION_MIN_LEN];
	/* RFC 8203/9003 shutdown communication of Cease/2 and Cease/4,
	 * made printable (control characters replaced); "" if none. */
	char		shutdown_msg[MSG_SHUTDOWN_MAX * 4 + 1];
};

int	msg_notification_decode(const uint8_t *body, size_t len,
	    struct msg_notification *, struct msg_error *err);
/* A whole NOTIFICATION message.  Returns the length, 0 if too small. */
size_t	msg_notification_encode(uint8_t *buf, size_t size, uint8_t code,
	    uint8_t subcode, const uint8_t *data, size_t data_len);
/* Cease with a shutdown communication (subcode 2 or 4), text cut to 255
 * octets on a UTF-8 character boundary. */
size_t	msg_shutdown_encode(uint8_t *buf, size_t size, uint8_t subcode,
	    const char *text);

size_t	msg_keepalive_encode(uint8_t *buf, size_t size);

/* ROUTE-REFRESH message subtypes: RFC 7313 3 (the Reserved octet of
 * RFC 2918).  Only RR_REQUEST asks for anything. */
enum msg_refresh_subtype {
	RR_REQUEST = 0,		/* normal route refresh request */
	RR_BORR = 1,		/* Beginning of Route Refresh */
	RR_EORR = 2,		/* End of Route Refresh */
};

/* Subcodes of ERR_ROUTE_REFRESH (RFC 7313 5). */
enum { ERR_RR_LEN = 1 };

struct msg_refresh {
	uint16_t	afi;
	uint8_t		subtype;	/* enum msg_refresh_subtype,
					   or any other (ignored) */
	uint8_t		safi;
};

/*
 * A ROUTE-REFRESH body: AFI (2), subtype (1), SAFI (1).  enhanced says
 * whether both sides advertised Enhanced Route Refresh (RFC 7313 3).
 * Returns 0 with rr filled, or -1 with err:
 *  - shorter than 4 octets: Bad Message Length (1/2);
 *  - a request (subtype 0) longer than 4: Bad Message Length (1/2), as
 *    RFC 2918 fixes its size (no ORF, RFC 5291, is negotiated here);
 *  - with enhanced, a BoRR or EoRR longer than 4: ROUTE-REFRESH Message
 *    Error / Invalid Message Length (7/1), the whole message as data
 *    (RFC 7313 5).
 * Other subtypes, and BoRR and EoRR without enhanced, decode whatever
 * their length: RFC 7313 5 says to ignore unknown subtypes.
 */
int	msg_route_refresh_decode(const uint8_t *body, size_t len,
	    bool enhanced, struct msg_refresh *rr, struct msg_error *err);
/* A ROUTE-REFRESH request (subtype 0) for afi/safi. */
size_t	msg_route_refresh_encode(uint8_t *buf, size_t size, uint16_t afi,
	    uint8_t safi);

/* ---- whole messages ------------------------------------------------------- */

/* Any message, header included, as the session and the fuzzer see it. */
struct msg {
	uint8_t			type;
	union {
		struct msg_open		open;
		struct msg_update	update;
		struct msg_notification	notification;
		struct msg_refresh	refresh;
	} u;
};

/*
 * Decode the message of exactly len bytes at buf (header included),
 * dispatching on the type through a table.  Returns 0 (for an UPDATE,
 * check m->u.update.action), or -1 with err set.  A ROUTE-REFRESH is
 * decoded as without Enhanced Route Refresh, which vtibgpd does not
 * advertise.  msg_free() releases
 * what an UPDATE holds; call it whenever msg_decode returned 0.
 */
int	msg_decode(const uint8_t *buf, size_t len, bool as4, bool ebgp,
	    struct msg *m, struct msg_error *err);
void	msg_free(struct msg *);

#endif
