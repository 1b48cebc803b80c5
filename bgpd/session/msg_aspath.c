/* SPDX-License-Identifier: ISC */
/*
 * msg_aspath.c: AS_PATH in its two wire forms (RFC 4271 4.3 with 2-octet
 * ASNs, RFC 6793 with 4-octet ASNs) and the one form kept in memory:
 * segments of (type, count, count * 4 octets).  Syntax checks (RFC 7606
 * 7.2), the RFC 6793 4.2.3 reconstruction from AS4_PATH, and the path
 * queries the session and the decision process use.
 */
#include "config.h"

#include <stdlib.h>

#include "bgpd/session/msg_impl.h"

#define AS_MAX_REPEAT	1000	/* 4 KB: a message could not hold more */
#define SEG_MAX		255

struct seg {
	uint8_t		 type;
	uint8_t		 count;
	struct rbuf	 asns;
};

static bool
seg_is_confed(uint8_t type)
{
	return type == AS_CONFED_SEQUENCE || type == AS_CONFED_SET;
}

/* Next segment of a path in the 4-octet form; -1 at the end or if cut. */
static int
seg_next(struct rbuf *rb, struct seg *s)
{
	if (rb_get_u8(rb, &s->type) == -1)
		return -1;
	if (rb_get_u8(rb, &s->count) == -1)
		return -1;
	return rb_get_sub(rb, (size_t)s->count * 4, &s->asns);
}

static int
get_asn(struct rbuf *rb, size_t asn_size, uint32_t *asn)
{
	uint16_t	as2;

	if (asn_size == 4)
		return rb_get_u32(rb, asn);
	if (rb_get_u16(rb, &as2) == -1)
		return -1;
	*asn = as2;
	return 0;
}

int
aspath_check(const struct rbuf *in, size_t asn_size,
    struct aspath_info *info)
{
	struct rbuf	rb = *in;
	uint8_t		type, count, i;
	uint32_t	asn;

	info->has_confed = false;
	info->has_zero = false;
	while (rb_left(&rb) > 0) {
		/* RFC 7606 7.2: a single octet left is an underrun. */
		if (rb_get_u8(&rb, &type) == -1)
			return -1;
		if (rb_get_u8(&rb, &count) == -1)
			return -1;
		/* Unrecognized segment type, or a Path Segment Length 0. */
		if (type < AS_SET || type > AS_CONFED_SET || count == 0)
			return -1;
		if (seg_is_confed(type))
			info->has_confed = true;
		for (i = 0; i < count; i++) {
			/* Overrun of the attribute length. */
			if (get_asn(&rb, asn_size, &asn) == -1)
				return -1;
			if (asn == 0)
				info->has_zero = true;
		}
	}
	return 0;
}

int
aspath_import(const struct rbuf *in, size_t asn_size, uint8_t **out,
    uint16_t *out_len)
{
	struct rbuf	rb = *in;
	struct wbuf	wb;
	uint8_t		type, count, i, *p;
	uint32_t	asn;
	size_t		size;

	*out = NULL;
	*out_len = 0;
	/* Checked before: at most twice the size in the 4-octet form. */
	size = rb_left(&rb) * (asn_size == 2 ? 2 : 1);
	if (size == 0)
		return 0;
	if ((p = malloc(size)) == NULL)
		return -1;
	wb_init(&wb, p, size);
	while (rb_get_u8(&rb, &type) == 0 && rb_get_u8(&rb, &count) == 0) {
		wb_put_u8(&wb, type);
		wb_put_u8(&wb, count);
		for (i = 0; i < count && get_asn(&rb, asn_size, &asn) == 0; i++)
			wb_put_u32(&wb, asn);
	}
	*out = p;
	*out_len = (uint16_t)wb.len;
	return 0;
}

uint16_t
aspath_count(const uint8_t *path, uint16_t len)
{
	struct rbuf	rb;
	struct seg	s;
	unsigned	n = 0;

	/* RFC 4271 9.1.2.2 a: an AS_SET counts 1; RFC 5065 5.3: the
	 * confederation segments do not count. */
	rb_init(&rb, path, len);
	while (seg_next(&rb, &s) == 0) {
		if (s.type == AS_SEQUENCE)
			n += s.count;
		else if (s.type == AS_SET)
			n += 1;
	}
	return n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

static void
seg_put(struct wbuf *wb, const struct seg *s, uint8_t count)
{
	struct rbuf	asns = s->asns;
	uint32_t	asn;
	uint8_t		i;

	wb_put_u8(wb, s->type);
	wb_put_u8(wb, count);
	for (i = 0; i < count && rb_get_u32(&asns, &asn) == 0; i++)
		wb_put_u32(wb, asn);
}

/*
 * RFC 6793 4.2.3: "take as many AS numbers and path segments as
 * necessary from the leading part of the AS_PATH attribute, and then
 * prepend them to the AS4_PATH attribute so that the AS path information
 * has a number of AS numbers identical to that of the AS_PATH".  A
 * CONFED segment is prepended if it leads or is adjacent to a prepended
 * segment; AS4_PATH's own CONFED segments are dropped (RFC 6793 6).
 */
int
aspath_merge_as4(uint8_t **path, uint16_t *len, const uint8_t *as4,
    uint16_t as4_len)
{
	uint16_t	n2 = aspath_count(*path, *len);
	uint16_t	n4 = aspath_count(as4, as4_len);
	unsigned	need, k;
	struct rbuf	rb;
	struct wbuf	wb;
	struct seg	s;
	uint8_t		*out;

	/* Fewer ASNs in AS_PATH than in AS4_PATH: ignore AS4_PATH. */
	if (n2 < n4)
		return 1;
	if ((out = malloc((size_t)*len + as4_len + 1)) == NULL)
		return -1;
	wb_init(&wb, out, (size_t)*len + as4_len + 1);
	need = n2 - n4;
	rb_init(&rb, *path, *len);
	while (seg_next(&rb, &s) == 0) {
		/* The walk stops at the first segment not prepended, so a
		 * CONFED segment reached here leads or is adjacent. */
		if (seg_is_confed(s.type)) {
			seg_put(&wb, &s, s.count);
			continue;
		}
		if (need == 0)
			break;
		k = s.type == AS_SET ? s.count : (s.count < need ? s.count :
		    need);
		seg_put(&wb, &s, (uint8_t)k);
		need -= s.type == AS_SET ? 1 : k;
	}
	rb_init(&rb, as4, as4_len);
	while (seg_next(&rb, &s) == 0)
		if (!seg_is_confed(s.type))
			seg_put(&wb, &s, s.count);
	free(*path);
	*path = out;
	*len = (uint16_t)wb.len;
	return 0;
}

size_t
aspath_wire_len(const uint8_t *path, uint16_t len, size_t asn_size,
    bool as4_path)
{
	struct rbuf	rb;
	struct seg	s;
	size_t		n = 0;

	rb_init(&rb, path, len);
	while (seg_next(&rb, &s) == 0)
		if (!as4_path || !seg_is_confed(s.type))
			n += 2 + (size_t)s.count * asn_size;
	return n;
}

/* RFC 6793 4.2.2: 2-octet form with AS_TRANS for what does not fit;
 * the AS4_PATH form leaves the CONFED segments out. */
void
aspath_put(struct wbuf *wb, const uint8_t *path, uint16_t len,
    size_t asn_size, bool as4_path)
{
	struct rbuf	rb;
	struct seg	s;
	uint32_t	asn;

	rb_init(&rb, path, len);
	while (seg_next(&rb, &s) == 0) {
		if (as4_path && seg_is_confed(s.type))
			continue;
		wb_put_u8(wb, s.type);
		wb_put_u8(wb, s.count);
		while (rb_get_u32(&s.asns, &asn) == 0) {
			if (asn_size == 4)
				wb_put_u32(wb, asn);
			else
				wb_put_u16(wb, asn > UINT16_MAX ?
				    MSG_AS_TRANS : (uint16_t)asn);
		}
	}
}

bool
aspath_needs_as4(const uint8_t *path, uint16_t len)
{
	struct rbuf	rb;
	struct seg	s;
	uint32_t	asn;

	rb_init(&rb, path, len);
	while (seg_next(&rb, &s) == 0) {
		if (seg_is_confed(s.type))
			continue;
		while (rb_get_u32(&s.asns, &asn) == 0)
			if (asn > UINT16_MAX)
				return true;
	}
	return false;
}

/* ---- exported queries ------------------------------------------------ */

uint32_t
msg_aspath_first_as(const uint8_t *as_path, uint16_t len)
{
	struct rbuf	rb;
	struct seg	s;
	uint32_t	asn;

	rb_init(&rb, as_path, len);
	if (seg_next(&rb, &s) == -1 || s.type != AS_SEQUENCE)
		return 0;
	if (rb_get_u32(&s.asns, &asn) == -1)
		return 0;
	return asn;
}

bool
msg_aspath_contains(const uint8_t *as_path, uint16_t len, uint32_t asn)
{
	struct rbuf	rb;
	struct seg	s;
	uint32_t	a;

	rb_init(&rb, as_path, len);
	while (seg_next(&rb, &s) == 0)
		while (rb_get_u32(&s.asns, &a) == 0)
			if (a == asn)
				return true;
	return false;
}

int
msg_attrs_set_aspath(struct msg_attrs *attrs, uint32_t asn, unsigned repeat)
{
	struct wbuf	wb;
	uint8_t		*p = NULL;
	size_t		size;
	unsigned	n, i;

	if (repeat > AS_MAX_REPEAT)
		return -1;
	size = (size_t)repeat * 4 + 2 * ((repeat + SEG_MAX - 1) / SEG_MAX);
	if (size > 0 && (p = malloc(size)) == NULL)
		return -1;
	wb_init(&wb, p, size);
	for (; repeat > 0; repeat -= n) {
		n = repeat < SEG_MAX ? repeat : SEG_MAX;
		wb_put_u8(&wb, AS_SEQUENCE);
		wb_put_u8(&wb, (uint8_t)n);
		for (i = 0; i < n; i++)
			wb_put_u32(&wb, asn);
	}
	free(attrs->as_path);
	attrs->as_path = p;
	attrs->as_path_len = (uint16_t)size;
	attrs->as_path_count = aspath_count(p, (uint16_t)size);
	attrs->present |= ATTR_BIT(ATTR_AS_PATH);
	return 0;
}
