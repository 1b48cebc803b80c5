/* SPDX-License-Identifier: ISC */
/*
 * msg_impl.h: what the files of the BGP codec share and nobody else sees:
 * error filling, message framing, and the UPDATE decoding context that
 * the attribute table (msg_attr.c), the AS_PATH helpers (msg_aspath.c)
 * and the NLRI code (msg_update.c) work on.
 */
#ifndef VTB_MSG_IMPL_H
#define VTB_MSG_IMPL_H

#include "bgpd/session/msg.h"
#include "bgpd/session/msg_buf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Attribute Flags, RFC 4271 4.3. */
#define ATTR_F_OPTIONAL		0x80
#define ATTR_F_TRANSITIVE	0x40
#define ATTR_F_PARTIAL		0x20
#define ATTR_F_EXTLEN		0x10

#define AFI_IPV4		1
#define AFI_IPV6		2
#define SAFI_UNICAST		1

/* ---- msg.c ---------------------------------------------------------- */

void	msg_err_clear(struct msg_error *);
/* Fill err; data is cut to what the struct holds. */
void	msg_err_set(struct msg_error *, uint8_t code, uint8_t subcode,
	    const void *data, size_t len);
/* Fill err with a 2-octet number as data (1/2, 2/1). */
void	msg_err_u16(struct msg_error *, uint8_t code, uint8_t subcode,
	    uint16_t v);

/* Start a message of type in buf (at most MSG_MAX_LEN of size is used):
 * marker, a length to patch, type.  msg_end() patches the length and
 * returns it, or 0 when the message did not fit. */
void	msg_begin(struct wbuf *, uint8_t *buf, size_t size, uint8_t type);
size_t	msg_end(struct wbuf *);

/* ---- UPDATE decoding --------------------------------------------------- */

/* RFC 7606 2: what an attribute error asks for, weakest first. */
enum attr_verdict {
	AV_OK,
	AV_DISCARD,		/* attribute discard */
	AV_WITHDRAW,		/* treat-as-withdraw */
	AV_RESET,		/* session reset */
};

/* One path attribute as found in the UPDATE. */
struct attr_in {
	uint8_t		 flags;
	uint8_t		 type;
	const uint8_t	*raw;		/* flags, type, length, value */
	size_t		 raw_len;
	struct rbuf	 val;		/* the value */
};

/*
 * The state of one UPDATE decode.  The rbufs and pointers below point
 * into the message being decoded and die with the decode.
 */
struct upd_ctx {
	struct msg_update	*u;
	struct msg_error	*err;
	bool			 as4;
	bool			 ebgp;
	unsigned		 afs;		/* MSG_AF_*: MP attributes of
						   other families discarded */
	bool			 nomem;
	bool			 other_attrs;	/* not MP_UNREACH */
	enum attr_verdict	 worst;
	uint8_t			 seen[256 / 8];
	size_t			 attrs_len;	/* bounds the unknown ones */

	bool			 mp_reach;	/* IPv4 unicast MP_REACH */
	struct in_addr		 mp_nexthop;
	struct rbuf		 mp_nlri;
	struct rbuf		 mp_withdrawn;

	bool			 mp_unreach6;	/* IPv6 unicast MP_UNREACH */
	struct rbuf		 mp_nlri6;	/* next hop: attrs.next_hop6 */
	struct rbuf		 mp_withdrawn6;
	size_t			 n_reach6;	/* prefixes in mp_nlri6 */

	/* RFC 6793 4.2.3 inputs, used once every attribute is read */
	const uint8_t		*as4_path;
	uint16_t		 as4_path_len;
	bool			 as4_aggr;
	uint32_t		 as4_aggr_as;
	struct in_addr		 as4_aggr_addr;
};

/* Record an error of the given weight (data: the whole attribute, or
 * none when a is NULL) and return the verdict. */
enum attr_verdict attr_error(struct upd_ctx *, const struct attr_in *a,
	    enum attr_verdict, uint8_t subcode);
/* The same with data of its own (3/3 carries the missing type). */
enum attr_verdict upd_error(struct upd_ctx *, enum attr_verdict,
	    uint8_t subcode, const void *data, size_t len);

/* msg_attr.c: read the path attributes; then settle what depends on
 * all of them (RFC 6793 merge, missing attributes, RFC 7606 5.2). */
void	attrs_decode(struct upd_ctx *, struct rbuf *attrs);
void	attrs_finish(struct upd_ctx *, size_t n_classic_nlri);
/* Write ORIGIN, AS_PATH, NEXT_HOP, ... through the attribute table, but
 * none of the types in skip (ATTR_BIT). */
void	attrs_encode(struct wbuf *, const struct msg_attrs *, bool as4,
	    uint32_t skip);
/* Write one attribute header for a value of len bytes. */
void	attr_put_header(struct wbuf *, uint8_t flags, uint8_t type,
	    size_t len);

/* msg_update.c: the MP_REACH_NLRI and MP_UNREACH_NLRI rows. */
enum attr_verdict attr_mp_reach(struct upd_ctx *, struct attr_in *);
enum attr_verdict attr_mp_unreach(struct upd_ctx *, struct attr_in *);

/* ---- AS_PATH (msg_aspath.c) ---------------------------------------------- */

struct aspath_info {
	bool		has_confed;
	bool		has_zero;	/* AS 0, RFC 7607 */
};

/* RFC 4271 4.3 / RFC 7606 7.2 syntax of an AS_PATH whose ASNs are
 * asn_size (2 or 4) octets.  0, or -1 if malformed. */
int	aspath_check(const struct rbuf *, size_t asn_size,
	    struct aspath_info *);
/* Copy a checked AS_PATH into the 4-octet form, allocated. */
int	aspath_import(const struct rbuf *, size_t asn_size, uint8_t **out,
	    uint16_t *out_len);
/* Path length for the decision process: a SET counts 1, CONFED 0. */
uint16_t aspath_count(const uint8_t *, uint16_t len);
/* RFC 6793 4.2.3: rebuild *path from AS_PATH and AS4_PATH.  Returns 1
 * when AS4_PATH had to be ignored, 0 when merged, -1 (no memory). */
int	aspath_merge_as4(uint8_t **path, uint16_t *len, const uint8_t *as4,
	    uint16_t as4_len);
/* Encoded size and encoding of a 4-octet-form path with asn_size octets
 * per ASN; as4_path leaves out CONFED segments (RFC 6793 4.2.2). */
size_t	aspath_wire_len(const uint8_t *, uint16_t len, size_t asn_size,
	    bool as4_path);
void	aspath_put(struct wbuf *, const uint8_t *, uint16_t len,
	    size_t asn_size, bool as4_path);
/* True if some ASN does not fit in 2 octets. */
bool	aspath_needs_as4(const uint8_t *, uint16_t len);

#endif
