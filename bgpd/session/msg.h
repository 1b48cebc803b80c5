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
 * byte order (struct in_addr), everything else in host order.
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

/* ---- OPEN --------------------------------------------------------------- */

/* Capabilities we understand; the rest is skipped (counted). */
struct msg_caps {
	bool		mp_ipv4_unicast;	/* RFC 4760, AFI 1 SAFI 1 */
	bool		mp_other;		/* some other AFI/SAFI */
	bool		route_refresh;		/* RFC 2918 (code 2) */
	bool		as4;			/* RFC 6793 (code 65) */
	uint32_t	as4_asn;
	bool		gr;			/* RFC 4724 (code 64) */
	bool		gr_restarting;		/* R bit */
	uint16_t	gr_time;		/* 12 bits, seconds */
	bool		gr_ipv4;		/* IPv4 unicast listed */
	bool		gr_ipv4_forwarding;	/* its F bit */
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
 * says which capabilities to advertise (mp_ipv4_unicast, route_refresh,
 * as4, gr with gr_time/gr_restarting/gr_ipv4_forwarding).  Returns the
 * length, or 0 if size is too small.
 */
size_t	msg_open_encode(uint8_t *buf, size_t size, uint32_t my_as,
	    uint16_t hold_time, struct in_addr bgp_id,
	    const struct msg_caps *caps);

/* ---- UPDATE ------------------------------------------------------------- */

struct msg_prefix {
	struct in_addr	addr;
	uint8_t		len;
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
void	msg_update_free(struct msg_update *);
void	msg_attrs_free(struct msg_attrs *);

/*
 * RFC 4271 6.3 semantic NEXT_HOP check for a route from an eBGP peer on a
 * point-to-point tunnel: not 0.0.0.0, not our own address, and inside the
 * tunnel's subnet (local/plen).  False means: ignore the route, no
 * NOTIFICATION.
 */
bool	msg_nexthop_ok(struct in_addr nh, struct in_addr local, uint8_t plen);

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
