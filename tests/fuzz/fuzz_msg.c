/* SPDX-License-Identifier: ISC */
/*
 * fuzz_msg.c: fuzz target of the BGP message codec (bgpd/session/msg*.c).
 *
 * The input is what a peer sends on the TCP connection.  It is cut into
 * messages as sess_conn.c does (msg_header_decode, then wait for the
 * whole length; a bad header ends the stream, as the session then sends
 * a NOTIFICATION and closes), and each message goes to the decoder the
 * session calls for its type, followed by the checks sess_msg.c makes on
 * the result.  UPDATEs are decoded four times, with and without the
 * 4-octet AS capability, as eBGP and iBGP, on an IPv4 session; then
 * twice more on a session carrying IPv4 and IPv6 (msg_update_decode_af).
 * Each message also goes through msg_decode(), the table-driven entry
 * point, which must agree.
 *
 * Invariants (abort when broken): an OPEN that decodes re-encodes to one
 * that decodes to the same values; an UPDATE whose action is UPD_OK
 * re-encodes (when it fits) to one that decodes, also UPD_OK, to the
 * same prefixes and AS_PATH; its IPv6 prefixes and next hop, and its
 * IPv6 withdrawals, re-encode (msg_update6_reach_encode, _unreach_) to
 * the same; an IPv6 End-of-RIB re-encodes to one; IPv4 and IPv6 sessions
 * that both accept an UPDATE see the same IPv4 prefixes in it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/msg.h"
#include "tests/fuzz/fuzz.h"

#define PEER_AS		64512
#define LOCAL_AS	65000
#define LOCAL_ADDR	"169.254.249.58"
#define LOCAL_ADDR6	"fd00:1::2"
#define BOTH		(MSG_AF_IPV4 | MSG_AF_IPV6)
#define ROUTER_ID	"172.100.0.200"

static struct in_addr
addr(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a;
}

static void
names(const struct msg_error *err)
{
	if (msg_code_name(err->code) == NULL ||
	    msg_subcode_name(err->code, err->subcode) == NULL)
		fuzz_fail("a NULL name for error %u/%u", err->code,
		    err->subcode);
	if (err->data_len > sizeof(err->data))
		fuzz_fail("error data length %u", err->data_len);
}

/* ---- OPEN ------------------------------------------------------------- */

static void
open_roundtrip(const struct msg_open *o)
{
	struct msg_open		o2;
	struct msg_error	err;
	uint8_t			buf[MSG_MAX_LEN];
	uint32_t		as = msg_open_peer_as(o);
	size_t			n;

	n = msg_open_encode(buf, sizeof(buf), as, o->hold_time, o->bgp_id,
	    &o->caps);
	if (n == 0)
		fuzz_fail("OPEN: re-encoding failed");
	if (msg_open_decode(buf + MSG_HEADER_LEN, n - MSG_HEADER_LEN, &o2,
	    &err) == -1)
		fuzz_fail("OPEN: re-encoded one does not decode (%u/%u)",
		    err.code, err.subcode);
	if (o2.hold_time != o->hold_time ||
	    o2.bgp_id.s_addr != o->bgp_id.s_addr ||
	    o2.caps.as4 != o->caps.as4 ||
	    o2.caps.mp_ipv4_unicast != o->caps.mp_ipv4_unicast ||
	    o2.caps.mp_ipv6_unicast != o->caps.mp_ipv6_unicast ||
	    o2.caps.route_refresh != o->caps.route_refresh ||
	    o2.caps.gr != o->caps.gr)
		fuzz_fail("OPEN: round trip changed hold, id or capabilities");
	if ((o->caps.as4 || as <= UINT16_MAX) && msg_open_peer_as(&o2) != as)
		fuzz_fail("OPEN: round trip changed the AS %u -> %u", as,
		    msg_open_peer_as(&o2));
	if (o->caps.gr && (o2.caps.gr_time != o->caps.gr_time ||
	    o2.caps.gr_restarting != o->caps.gr_restarting ||
	    o2.caps.gr_ipv4_forwarding != o->caps.gr_ipv4_forwarding ||
	    o2.caps.gr_ipv6_forwarding != o->caps.gr_ipv6_forwarding))
		fuzz_fail("OPEN: round trip changed graceful restart");
}

static void
do_open(const uint8_t *body, size_t len)
{
	struct msg_open		o;
	struct msg_error	err;

	memset(&err, 0, sizeof(err));
	if (msg_open_decode(body, len, &o, &err) == -1) {
		names(&err);
		return;
	}
	if (msg_open_check(&o, PEER_AS, addr(ROUTER_ID), &err) == -1)
		names(&err);
	open_roundtrip(&o);
}

/* ---- UPDATE ----------------------------------------------------------- */

static bool
same_prefixes(const struct msg_prefix *a, size_t na,
    const struct msg_prefix *b, size_t nb)
{
	size_t	i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].len != b[i].len || a[i].addr.s_addr != b[i].addr.s_addr)
			return false;
	return true;
}

static void
update_roundtrip(const struct msg_update *u, bool as4, bool ebgp)
{
	struct msg		m;
	struct msg_error	err;
	const struct msg_update	*u2 = &m.u.update;
	static uint8_t		buf[2 * MSG_MAX_LEN];
	size_t			n;

	n = msg_update_encode(buf, MSG_MAX_LEN, u->withdrawn, u->n_withdrawn,
	    &u->attrs, u->nlri, u->n_nlri, as4);
	if (n == 0)
		return;		/* does not fit: the caller would split */
	if (msg_decode(buf, n, as4, ebgp, &m, &err) == -1)
		fuzz_fail("UPDATE: re-encoded one does not decode (%u/%u)",
		    err.code, err.subcode);
	if (u2->action != UPD_OK)
		fuzz_fail("UPDATE: re-encoded one decodes with action %d "
		    "(%u/%u)", (int)u2->action, err.code, err.subcode);
	if (!same_prefixes(u->nlri, u->n_nlri, u2->nlri, u2->n_nlri) ||
	    !same_prefixes(u->withdrawn, u->n_withdrawn, u2->withdrawn,
	    u2->n_withdrawn))
		fuzz_fail("UPDATE: round trip changed the prefixes");
	if (u->n_nlri > 0 && (u2->attrs.as_path_len != u->attrs.as_path_len ||
	    (u->attrs.as_path_len > 0 && memcmp(u2->attrs.as_path,
	    u->attrs.as_path, u->attrs.as_path_len) != 0) ||
	    u2->attrs.as_path_count != u->attrs.as_path_count))
		fuzz_fail("UPDATE: round trip changed the AS_PATH");
	msg_free(&m);
}

/* What sess_msg.c does with a decoded UPDATE (check_routes). */
static void
update_checks(const struct msg_update *u)
{
	const struct msg_attrs	*a = &u->attrs;

	if (u->n_nlri == 0)
		return;
	(void)msg_nexthop_ok(a->next_hop, addr(LOCAL_ADDR), 30);
	(void)msg_nexthop_ok(a->next_hop, addr(LOCAL_ADDR), 32);
	(void)msg_aspath_first_as(a->as_path, a->as_path_len);
	(void)msg_aspath_contains(a->as_path, a->as_path_len, LOCAL_AS);
}

static void
do_update(const uint8_t *msg, size_t len, bool as4, bool ebgp)
{
	struct msg_update	u;
	struct msg		m;
	struct msg_error	err, err2;
	int			rc, rc2;

	memset(&u, 0, sizeof(u));
	memset(&err, 0, sizeof(err));
	rc = msg_update_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, as4,
	    ebgp, &u, &err);
	rc2 = msg_decode(msg, len, as4, ebgp, &m, &err2);
	if (rc == -1) {		/* out of memory */
		msg_update_free(&u);
		if (rc2 == 0)
			msg_free(&m);
		return;
	}
	if (rc2 == -1 || m.u.update.action != u.action ||
	    m.u.update.n_nlri != u.n_nlri ||
	    m.u.update.n_withdrawn != u.n_withdrawn)
		fuzz_fail("UPDATE: msg_decode and msg_update_decode disagree");
	msg_free(&m);
	if (u.action != UPD_OK || u.end_of_rib)
		names(&err);
	if (u.action == UPD_OK) {
		update_checks(&u);
		update_roundtrip(&u, as4, ebgp);
	}
	msg_update_free(&u);
}

/* ---- UPDATE on a session carrying IPv6 -------------------------------- */

static bool
same_prefixes6(const struct msg_prefix6 *a, size_t na,
    const struct msg_prefix6 *b, size_t nb)
{
	size_t	i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].len != b[i].len ||
		    memcmp(&a[i].addr, &b[i].addr, sizeof(a[i].addr)) != 0)
			return false;
	return true;
}

/* Decode what an IPv6 encoder wrote; NULL if it did not fit. */
static struct msg_update *
decode6(const uint8_t *buf, size_t n, bool as4, bool ebgp,
    struct msg_update *u2)
{
	struct msg_error	err;

	if (n == 0)
		return NULL;
	if (msg_update_decode_af(buf + MSG_HEADER_LEN, n - MSG_HEADER_LEN,
	    as4, ebgp, BOTH, u2, &err) == -1)
		return NULL;
	if (u2->action != UPD_OK)
		fuzz_fail("UPDATE6: re-encoded one decodes with action %d "
		    "(%u/%u)", (int)u2->action, err.code, err.subcode);
	return u2;
}

static void
update6_roundtrip(const struct msg_update *u, bool as4, bool ebgp)
{
	static uint8_t		 buf[MSG_MAX_LEN];
	struct msg_update	 u2, *d;

	d = decode6(buf, msg_update6_reach_encode(buf, sizeof(buf),
	    &u->attrs, u->nlri6, u->n_nlri6, as4), as4, ebgp, &u2);
	if (d != NULL) {
		if (!same_prefixes6(u->nlri6, u->n_nlri6, d->nlri6,
		    d->n_nlri6) || memcmp(&u->attrs.next_hop6,
		    &d->attrs.next_hop6, sizeof(d->attrs.next_hop6)) != 0)
			fuzz_fail("UPDATE6: round trip changed the prefixes "
			    "or the next hop");
		msg_update_free(d);
	}
	d = decode6(buf, msg_update6_unreach_encode(buf, sizeof(buf),
	    u->withdrawn6, u->n_withdrawn6), as4, ebgp, &u2);
	if (d != NULL) {
		if (!same_prefixes6(u->withdrawn6, u->n_withdrawn6,
		    d->withdrawn6, d->n_withdrawn6) ||
		    d->end_of_rib6 != (u->n_withdrawn6 == 0))
			fuzz_fail("UPDATE6: round trip changed withdrawals");
		msg_update_free(d);
	}
}

/* What a session carrying IPv6 checks of the routes. */
static void
update6_checks(const struct msg_update *u)
{
	struct in6_addr	local, via;
	size_t		i;

	if (inet_pton(AF_INET6, LOCAL_ADDR6, &local) != 1)
		abort();
	if (msg_nexthop6_ok(&u->attrs.next_hop6, &local, 126, &via) &&
	    memcmp(&via, &u->attrs.next_hop6.global, sizeof(via)) != 0 &&
	    memcmp(&via, &u->attrs.next_hop6.link_local, sizeof(via)) != 0)
		fuzz_fail("UPDATE6: next hop not one of those sent");
	for (i = 0; i < u->n_nlri6; i++)
		if (!msg_prefix6_ok(&u->nlri6[i]) || u->nlri6[i].len > 128)
			fuzz_fail("UPDATE6: prefix %zu kept", i);
}

static void
do_update6(const uint8_t *msg, size_t len, bool as4, bool ebgp)
{
	struct msg_update	u, u4;
	struct msg_error	err, err4;

	if (msg_update_decode_af(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN,
	    as4, ebgp, BOTH, &u, &err) == -1) {
		msg_update_free(&u);
		return;
	}
	if (u.action != UPD_OK || u.end_of_rib6)
		names(&err);
	if (u.action == UPD_OK) {
		update6_checks(&u);
		update6_roundtrip(&u, as4, ebgp);
		if (msg_update_decode(msg + MSG_HEADER_LEN,
		    len - MSG_HEADER_LEN, as4, ebgp, &u4, &err4) == 0 &&
		    u4.action == UPD_OK && (!same_prefixes(u.nlri, u.n_nlri,
		    u4.nlri, u4.n_nlri) || !same_prefixes(u.withdrawn,
		    u.n_withdrawn, u4.withdrawn, u4.n_withdrawn)))
			fuzz_fail("UPDATE: IPv4 prefixes differ with IPv6 on");
		msg_update_free(&u4);
	}
	msg_update_free(&u);
}

/* ---- the rest --------------------------------------------------------- */

static void
do_notification(const uint8_t *msg, size_t len)
{
	struct msg_notification	*n;
	struct msg_error	 err;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return;
	if (msg_notification_decode(msg + MSG_HEADER_LEN,
	    len - MSG_HEADER_LEN, n, &err) == -1) {
		/* sess_msg.c then reads code and subcode itself */
		n->code = msg[MSG_HEADER_LEN];
		n->subcode = msg[MSG_HEADER_LEN + 1];
		names(&err);
	}
	if (strlen(n->shutdown_msg) >= sizeof(n->shutdown_msg) ||
	    n->data_len > sizeof(n->data))
		fuzz_fail("NOTIFICATION: bad shutdown message or data");
	(void)msg_code_name(n->code);
	(void)msg_subcode_name(n->code, n->subcode);
	free(n);
}

static void
do_refresh(const uint8_t *msg, size_t len)
{
	struct msg_error	err;
	struct msg_refresh	rr;
	bool			enhanced;

	/* as negotiated with Enhanced Route Refresh and without */
	for (enhanced = false; ; enhanced = true) {
		if (msg_route_refresh_decode(msg + MSG_HEADER_LEN,
		    len - MSG_HEADER_LEN, enhanced, &rr, &err) == -1) {
			names(&err);
			if (err.data_len > sizeof(err.data))
				fuzz_fail("ROUTE-REFRESH: error data too long");
		}
		if (enhanced)
			break;
	}
}

/* One whole message, header included, as sess_message() gets it. */
static void
do_message(uint8_t type, const uint8_t *msg, size_t len)
{
	struct msg		m;
	struct msg_error	err;

	(void)msg_type_name(type);
	switch (type) {
	case MSG_OPEN:
		do_open(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN);
		break;
	case MSG_UPDATE:
		do_update(msg, len, true, true);
		do_update(msg, len, false, true);
		do_update(msg, len, true, false);
		do_update(msg, len, false, false);
		do_update6(msg, len, true, true);
		do_update6(msg, len, false, true);
		return;
	case MSG_NOTIFICATION:
		do_notification(msg, len);
		break;
	case MSG_ROUTE_REFRESH:
		do_refresh(msg, len);
		break;
	default:
		break;
	}
	if (msg_decode(msg, len, true, true, &m, &err) == 0)
		msg_free(&m);
	else
		names(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_error	err;
	uint16_t		len;
	uint8_t			type, *msg;
	size_t			off = 0;

	while (size - off >= MSG_HEADER_LEN) {
		if (msg_header_decode(data + off, &type, &len, &err) == -1) {
			names(&err);
			break;
		}
		if (len < MSG_HEADER_LEN)
			fuzz_fail("header: length %u accepted", len);
		if (size - off < len)
			break;
		/* A copy of exactly len bytes: overreads show. */
		if ((msg = malloc(len)) == NULL)
			break;
		memcpy(msg, data + off, len);
		do_message(type, msg, len);
		free(msg);
		off += len;
	}
	return 0;
}
