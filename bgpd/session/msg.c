/* SPDX-License-Identifier: ISC */
/*
 * msg.c: the frame of every BGP message (RFC 4271 4.1), the table that
 * dispatches on the message type, the names of types and error codes,
 * and the small messages: KEEPALIVE (4.4), NOTIFICATION (4.5) with the
 * shutdown communication of RFC 8203 / RFC 9003, ROUTE-REFRESH (RFC
 * 2918).  OPEN lives in msg_open.c, UPDATE in msg_update.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bgpd/session/msg_impl.h"
#include "bgpd/util/utf8.h"

/* ---- names ---------------------------------------------------------- */

static const char *const code_names[] = {
	[ERR_HEADER] = "Message Header Error",
	[ERR_OPEN] = "OPEN Message Error",
	[ERR_UPDATE] = "UPDATE Message Error",
	[ERR_HOLD] = "Hold Timer Expired",
	[ERR_FSM] = "Finite State Machine Error",
	[ERR_CEASE] = "Cease",
	[ERR_ROUTE_REFRESH] = "ROUTE-REFRESH Message Error",
};

static const char *const header_names[] = {
	[0] = "Unspecific",
	[ERR_HDR_SYNC] = "Connection Not Synchronized",
	[ERR_HDR_LEN] = "Bad Message Length",
	[ERR_HDR_TYPE] = "Bad Message Type",
};

/* RFC 4271 6.2, RFC 5492, RFC 9234 (11). */
static const char *const open_names[] = {
	[0] = "Unspecific",
	[ERR_OPEN_VERSION] = "Unsupported Version Number",
	[ERR_OPEN_AS] = "Bad Peer AS",
	[ERR_OPEN_BGPID] = "Bad BGP Identifier",
	[ERR_OPEN_OPTPARAM] = "Unsupported Optional Parameter",
	[5] = "Authentication Failure (deprecated)",
	[ERR_OPEN_HOLD] = "Unacceptable Hold Time",
	[ERR_OPEN_CAPA] = "Unsupported Capability",
	[11] = "Role Mismatch",
};

static const char *const update_names[] = {
	[0] = "Unspecific",
	[ERR_UPD_ATTRLIST] = "Malformed Attribute List",
	[ERR_UPD_UNKNWN_WK] = "Unrecognized Well-known Attribute",
	[ERR_UPD_MISSING_WK] = "Missing Well-known Attribute",
	[ERR_UPD_ATTRFLAGS] = "Attribute Flags Error",
	[ERR_UPD_ATTRLEN] = "Attribute Length Error",
	[ERR_UPD_ORIGIN] = "Invalid ORIGIN Attribute",
	[7] = "AS Routing Loop (deprecated)",
	[ERR_UPD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[ERR_UPD_OPTATTR] = "Optional Attribute Error",
	[ERR_UPD_NETWORK] = "Invalid Network Field",
	[ERR_UPD_ASPATH] = "Malformed AS_PATH",
};

static const char *const hold_names[] = {
	[0] = "Unspecific",
};

/* RFC 6608. */
static const char *const fsm_names[] = {
	[ERR_FSM_UNSPEC] = "Unspecified Error",
	[ERR_FSM_OPENSENT] = "Receive Unexpected Message in OpenSent State",
	[ERR_FSM_OPENCONFIRM] =
	    "Receive Unexpected Message in OpenConfirm State",
	[ERR_FSM_ESTABLISHED] =
	    "Receive Unexpected Message in Established State",
};

/* RFC 4486, RFC 8538 (9), RFC 9384 (10). */
static const char *const cease_names[] = {
	[0] = "Unspecific",
	[ERR_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
	[ERR_CEASE_ADMIN_DOWN] = "Administrative Shutdown",
	[ERR_CEASE_PEER_UNCONF] = "Peer De-configured",
	[ERR_CEASE_ADMIN_RESET] = "Administrative Reset",
	[ERR_CEASE_CONN_REJECT] = "Connection Rejected",
	[ERR_CEASE_OTHER_CHANGE] = "Other Configuration Change",
	[ERR_CEASE_COLLISION] = "Connection Collision Resolution",
	[ERR_CEASE_RESOURCES] = "Out of Resources",
	[ERR_CEASE_HARD_RESET] = "Hard Reset",
	[10] = "BFD Down",
};

/* RFC 7313. */
static const char *const refresh_names[] = {
	[0] = "Reserved",
	[1] = "Invalid Message Length",
};

struct name_list {
	const char *const	*names;
	size_t			 n;
};

static const struct name_list subcode_names[] = {
	[ERR_HEADER] = { header_names, nitems(header_names) },
	[ERR_OPEN] = { open_names, nitems(open_names) },
	[ERR_UPDATE] = { update_names, nitems(update_names) },
	[ERR_HOLD] = { hold_names, nitems(hold_names) },
	[ERR_FSM] = { fsm_names, nitems(fsm_names) },
	[ERR_CEASE] = { cease_names, nitems(cease_names) },
	[ERR_ROUTE_REFRESH] = { refresh_names, nitems(refresh_names) },
};

static const char *
name_at(const char *const *names, size_t n, size_t i)
{
	if (i >= n || names[i] == NULL)
		return "Unknown";
	return names[i];
}

const char *
msg_code_name(uint8_t code)
{
	return name_at(code_names, nitems(code_names), code);
}

const char *
msg_subcode_name(uint8_t code, uint8_t subcode)
{
	if (code >= nitems(subcode_names) || subcode_names[code].names == NULL)
		return "Unknown";
	return name_at(subcode_names[code].names, subcode_names[code].n,
	    subcode);
}

/* ---- errors and framing ------------------------------------------------ */

void
msg_err_clear(struct msg_error *err)
{
	err->code = 0;
	err->subcode = 0;
	err->data_len = 0;
}

void
msg_err_set(struct msg_error *err, uint8_t code, uint8_t subcode,
    const void *data, size_t len)
{
	err->code = code;
	err->subcode = subcode;
	if (len > sizeof(err->data))
		len = sizeof(err->data);
	if (len > 0)
		memcpy(err->data, data, len);
	err->data_len = (uint16_t)len;
}

void
msg_err_u16(struct msg_error *err, uint8_t code, uint8_t subcode,
    uint16_t v)
{
	uint8_t	b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	msg_err_set(err, code, subcode, b, sizeof(b));
}

void
msg_begin(struct wbuf *wb, uint8_t *buf, size_t size, uint8_t type)
{
	static const uint8_t	marker[MSG_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	wb_init(wb, buf, size < MSG_MAX_LEN ? size : MSG_MAX_LEN);
	wb_put_bytes(wb, marker, sizeof(marker));
	wb_put_u16(wb, 0);
	wb_put_u8(wb, type);
}

size_t
msg_end(struct wbuf *wb)
{
	if (wb->overflow)
		return 0;
	wb_set_u16(wb, MSG_MARKER_LEN, (uint16_t)wb->len);
	return wb->len;
}

/* ---- the message table ------------------------------------------------- */

typedef int	msg_decode_fn(const uint8_t *, size_t, bool, bool,
		    struct msg *, struct msg_error *);

static msg_decode_fn	dec_open, dec_update, dec_notification;
static msg_decode_fn	dec_keepalive, dec_refresh;

/* RFC 4271 4.1-4.5 and RFC 2918 3: name and length bounds per type. */
static const struct msg_type_def {
	const char	*name;
	uint16_t	 min_len;
	uint16_t	 max_len;
	msg_decode_fn	*decode;
} msg_types[] = {
	[MSG_OPEN] = { "OPEN", MSG_OPEN_MIN_LEN, MSG_MAX_LEN, dec_open },
	[MSG_UPDATE] = { "UPDATE", MSG_UPDATE_MIN_LEN, MSG_MAX_LEN,
	    dec_update },
	[MSG_NOTIFICATION] = { "NOTIFICATION", MSG_NOTIFICATION_MIN_LEN,
	    MSG_MAX_LEN, dec_notification },
	[MSG_KEEPALIVE] = { "KEEPALIVE", MSG_HEADER_LEN, MSG_HEADER_LEN,
	    dec_keepalive },
	/* its length depends on the subtype: msg_route_refresh_decode */
	[MSG_ROUTE_REFRESH] = { "ROUTE-REFRESH", MSG_ROUTE_REFRESH_LEN,
	    MSG_MAX_LEN, dec_refresh },
};

static const struct msg_type_def *
msg_type_def(uint8_t type)
{
	if (type >= nitems(msg_types) || msg_types[type].name == NULL)
		return NULL;
	return &msg_types[type];
}

const char *
msg_type_name(uint8_t type)
{
	const struct msg_type_def	*def = msg_type_def(type);

	return def == NULL ? "Unknown" : def->name;
}

int
msg_header_decode(const uint8_t *buf, uint8_t *type, uint16_t *len,
    struct msg_error *err)
{
	const struct msg_type_def	*def;
	uint16_t			 l;
	size_t				 i;

	msg_err_clear(err);
	/* RFC 4271 6.1: the marker is all ones, else 1/1 without data. */
	for (i = 0; i < MSG_MARKER_LEN; i++)
		if (buf[i] != 0xff)
			goto bad_sync;
	l = (uint16_t)(buf[MSG_MARKER_LEN] << 8 | buf[MSG_MARKER_LEN + 1]);
	/* RFC 4271 6.1: 1/2 with the erroneous Length field as data. */
	if (l < MSG_HEADER_LEN || l > MSG_MAX_LEN)
		goto bad_len;
	/* RFC 4271 6.1: 1/3 with the erroneous Type field as data. */
	if ((def = msg_type_def(buf[MSG_MARKER_LEN + 2])) == NULL)
		goto bad_type;
	if (l < def->min_len || l > def->max_len)
		goto bad_len;
	*type = buf[MSG_MARKER_LEN + 2];
	*len = l;
	return 0;

bad_sync:
	msg_err_set(err, ERR_HEADER, ERR_HDR_SYNC, NULL, 0);
	return -1;
bad_len:
	msg_err_u16(err, ERR_HEADER, ERR_HDR_LEN, l);
	return -1;
bad_type:
	msg_err_set(err, ERR_HEADER, ERR_HDR_TYPE, &buf[MSG_MARKER_LEN + 2], 1);
	return -1;
}

int
msg_decode(const uint8_t *buf, size_t len, bool as4, bool ebgp,
    struct msg *m, struct msg_error *err)
{
	uint8_t		type;
	uint16_t	mlen;

	memset(m, 0, sizeof(*m));
	msg_err_clear(err);
	if (len < MSG_HEADER_LEN) {
		msg_err_u16(err, ERR_HEADER, ERR_HDR_LEN, (uint16_t)len);
		return -1;
	}
	if (msg_header_decode(buf, &type, &mlen, err) == -1)
		return -1;
	/* The caller hands over exactly one message: the header says. */
	if (mlen != len) {
		msg_err_u16(err, ERR_HEADER, ERR_HDR_LEN, mlen);
		return -1;
	}
	m->type = type;
	return msg_types[type].decode(buf + MSG_HEADER_LEN,
	    len - MSG_HEADER_LEN, as4, ebgp, m, err);
}

void
msg_free(struct msg *m)
{
	if (m->type == MSG_UPDATE)
		msg_update_free(&m->u.update);
}

static int
dec_open(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg *m, struct msg_error *err)
{
	return msg_open_decode(body, len, &m->u.open, err);
}

static int
dec_update(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg *m, struct msg_error *err)
{
	if (msg_update_decode(body, len, as4, ebgp, &m->u.update, err) == 0)
		return 0;
	msg_update_free(&m->u.update);
	msg_err_set(err, ERR_CEASE, ERR_CEASE_RESOURCES, NULL, 0);
	return -1;
}

static int
dec_notification(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg *m, struct msg_error *err)
{
	return msg_notification_decode(body, len, &m->u.notification, err);
}

static int
dec_keepalive(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg *m, struct msg_error *err)
{
	return 0;
}

static int
dec_refresh(const uint8_t *body, size_t len, bool as4, bool ebgp,
    struct msg *m, struct msg_error *err)
{
	return msg_route_refresh_decode(body, len, false, &m->u.refresh,
	    err);
}

/* ---- KEEPALIVE ------------------------------------------------------- */

size_t
msg_keepalive_encode(uint8_t *buf, size_t size)
{
	struct wbuf	wb;

	msg_begin(&wb, buf, size, MSG_KEEPALIVE);
	return msg_end(&wb);
}

/* ---- ROUTE-REFRESH --------------------------------------------------- */

int
msg_route_refresh_decode(const uint8_t *body, size_t len, bool enhanced,
    struct msg_refresh *rr, struct msg_error *err)
{
	struct rbuf	rb;
	uint8_t		whole[MSG_MAX_LEN];
	struct wbuf	wb;

	msg_err_clear(err);
	rb_init(&rb, body, len);
	/* RFC 2918 3, RFC 7313 3: AFI (2), Message Subtype (1), SAFI (1). */
	if (rb_get_u16(&rb, &rr->afi) == -1)
		goto bad_len;
	if (rb_get_u8(&rb, &rr->subtype) == -1)
		goto bad_len;
	if (rb_get_u8(&rb, &rr->safi) == -1)
		goto bad_len;
	if (rb_left(&rb) == 0)
		return 0;
	if (rr->subtype == RR_REQUEST)
		goto bad_len;
	if ((rr->subtype != RR_BORR && rr->subtype != RR_EORR) || !enhanced)
		return 0;	/* RFC 7313 5: to be ignored */
	/*
	 * RFC 7313 5: "If the length, excluding the fixed-size message
	 * header, of the received ROUTE-REFRESH message with Message
	 * Subtype 1 and 2 is not 4, then the BGP speaker MUST send a
	 * NOTIFICATION message with the Error Code of "ROUTE-REFRESH
	 * Message Error" and the subcode of "Invalid Message Length".  The
	 * Data field of the NOTIFICATION message MUST contain the complete
	 * ROUTE-REFRESH message."
	 */
	msg_begin(&wb, whole, sizeof(whole), MSG_ROUTE_REFRESH);
	wb_put_bytes(&wb, body, len);
	msg_err_set(err, ERR_ROUTE_REFRESH, ERR_RR_LEN, whole,
	    msg_end(&wb));
	return -1;

bad_len:
	msg_err_u16(err, ERR_HEADER, ERR_HDR_LEN,
	    (uint16_t)(len + MSG_HEADER_LEN));
	return -1;
}

size_t
msg_route_refresh_encode(uint8_t *buf, size_t size, uint16_t afi,
    uint8_t safi)
{
	struct wbuf	wb;

	msg_begin(&wb, buf, size, MSG_ROUTE_REFRESH);
	wb_put_u16(&wb, afi);
	wb_put_u8(&wb, 0);
	wb_put_u8(&wb, safi);
	return msg_end(&wb);
}

/* ---- NOTIFICATION ------------------------------------------------------ */

int
msg_notification_decode(const uint8_t *body, size_t len,
    struct msg_notification *n, struct msg_error *err)
{
	struct rbuf	rb;
	uint8_t		slen;

	msg_err_clear(err);
	n->shutdown_msg[0] = '\0';
	rb_init(&rb, body, len);
	if (rb_get_u8(&rb, &n->code) == -1)
		goto bad_len;
	if (rb_get_u8(&rb, &n->subcode) == -1)
		goto bad_len;
	if (rb_left(&rb) > sizeof(n->data))
		goto bad_len;
	n->data_len = (uint16_t)rb_left(&rb);
	if (rb_get_bytes(&rb, n->data, n->data_len) == -1)
		goto bad_len;
	if (n->code != ERR_CEASE || (n->subcode != ERR_CEASE_ADMIN_DOWN &&
	    n->subcode != ERR_CEASE_ADMIN_RESET) || n->data_len == 0)
		return 0;
	/*
	 * RFC 8203 2 / RFC 9003 2: a length octet then that many octets of
	 * UTF-8.  A length beyond the data is logged by the caller (the
	 * raw data stays in n->data); it is not an error to answer.
	 */
	slen = n->data[0];
	if ((size_t)slen + 1 <= n->data_len)
		/* RFC 9003 2: UTF-8 that may hold anything: made one
		 * printable line. */
		utf8_escape(&n->data[1], slen, n->shutdown_msg,
		    sizeof(n->shutdown_msg));
	return 0;

bad_len:
	/* Never answered (RFC 4271 6.4); the header check prevents it. */
	msg_err_u16(err, ERR_HEADER, ERR_HDR_LEN, len > MSG_MAX_LEN ?
	    UINT16_MAX : (uint16_t)(len + MSG_HEADER_LEN));
	return -1;
}

size_t
msg_notification_encode(uint8_t *buf, size_t size, uint8_t code,
    uint8_t subcode, const uint8_t *data, size_t data_len)
{
	struct wbuf	wb;

	if (data_len > MSG_MAX_LEN - MSG_NOTIFICATION_MIN_LEN)
		return 0;
	msg_begin(&wb, buf, size, MSG_NOTIFICATION);
	wb_put_u8(&wb, code);
	wb_put_u8(&wb, subcode);
	wb_put_bytes(&wb, data, data_len);
	return msg_end(&wb);
}

/* Cut text to at most max octets without splitting a UTF-8 character. */
static size_t
utf8_cut(const char *text, size_t max)
{
	const uint8_t	*s = (const uint8_t *)text;
	size_t		 n = strlen(text), back = 0;

	if (n <= max)
		return n;
	/* s[max] is the first octet left out: if it continues a character,
	 * that character started at most 3 octets before. */
	n = max;
	while (n > 0 && back < 3 && (s[n] & 0xc0) == 0x80) {
		n--;
		back++;
	}
	return n;
}

size_t
msg_shutdown_encode(uint8_t *buf, size_t size, uint8_t subcode,
    const char *text)
{
	uint8_t	data[1 + MSG_SHUTDOWN_MAX];
	size_t	n;

	if (subcode != ERR_CEASE_ADMIN_DOWN && subcode != ERR_CEASE_ADMIN_RESET)
		return msg_notification_encode(buf, size, ERR_CEASE, subcode,
		    NULL, 0);
	/* RFC 9003 2: length octet, then at most 255 octets of UTF-8. */
	n = text == NULL ? 0 : utf8_cut(text, MSG_SHUTDOWN_MAX);
	data[0] = (uint8_t)n;
	if (n > 0)
		memcpy(&data[1], text, n);
	return msg_notification_encode(buf, size, ERR_CEASE, subcode, data,
	    n + 1);
}
