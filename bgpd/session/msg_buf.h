/* SPDX-License-Identifier: ISC */
/*
 * msg_buf.h: the bounds-checked reader and writer under the BGP codec.
 *
 * A reader is a window on bytes it does not own.  Every get fails with -1
 * when fewer bytes are left than asked for, and then consumes nothing, so
 * a decoder writes each step as `if (rb_get_u16(&rb, &v) == -1) goto
 * bad_len;`.  Numbers on the wire are big-endian.
 *
 * A writer never writes past its end: a put that does not fit sets
 * `overflow` and writes nothing; encoders check it once, at the end.
 */
#ifndef VTB_MSG_BUF_H
#define VTB_MSG_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rbuf {
	const uint8_t	*p;
	size_t		 left;
};

static inline void
rb_init(struct rbuf *rb, const uint8_t *p, size_t len)
{
	rb->p = p;
	rb->left = len;
}

static inline size_t
rb_left(const struct rbuf *rb)
{
	return rb->left;
}

/* The next unread byte; only valid while rb_left() > 0. */
static inline const uint8_t *
rb_ptr(const struct rbuf *rb)
{
	return rb->p;
}

static inline int
rb_skip(struct rbuf *rb, size_t n)
{
	if (rb->left < n)
		return -1;
	rb->p += n;
	rb->left -= n;
	return 0;
}

static inline int
rb_get_u8(struct rbuf *rb, uint8_t *v)
{
	if (rb->left < 1)
		return -1;
	*v = rb->p[0];
	return rb_skip(rb, 1);
}

static inline int
rb_get_u16(struct rbuf *rb, uint16_t *v)
{
	if (rb->left < 2)
		return -1;
	*v = (uint16_t)(rb->p[0] << 8 | rb->p[1]);
	return rb_skip(rb, 2);
}

static inline int
rb_get_u32(struct rbuf *rb, uint32_t *v)
{
	if (rb->left < 4)
		return -1;
	*v = (uint32_t)rb->p[0] << 24 | (uint32_t)rb->p[1] << 16 |
	    (uint32_t)rb->p[2] << 8 | rb->p[3];
	return rb_skip(rb, 4);
}

static inline int
rb_get_bytes(struct rbuf *rb, void *dst, size_t n)
{
	if (rb->left < n)
		return -1;
	if (n > 0)
		memcpy(dst, rb->p, n);
	return rb_skip(rb, n);
}

/* Split off the next n bytes as a reader of their own. */
static inline int
rb_get_sub(struct rbuf *rb, size_t n, struct rbuf *sub)
{
	if (rb->left < n)
		return -1;
	rb_init(sub, rb->p, n);
	return rb_skip(rb, n);
}

struct wbuf {
	uint8_t		*p;
	size_t		 size;
	size_t		 len;
	bool		 overflow;
};

static inline void
wb_init(struct wbuf *wb, uint8_t *p, size_t size)
{
	wb->p = p;
	wb->size = p == NULL ? 0 : size;
	wb->len = 0;
	wb->overflow = false;
}

static inline bool
wb_room(struct wbuf *wb, size_t n)
{
	if (wb->overflow || wb->size - wb->len < n) {
		wb->overflow = true;
		return false;
	}
	return true;
}

static inline void
wb_put_bytes(struct wbuf *wb, const void *src, size_t n)
{
	if (n == 0 || !wb_room(wb, n))
		return;
	memcpy(wb->p + wb->len, src, n);
	wb->len += n;
}

static inline void
wb_put_u8(struct wbuf *wb, uint8_t v)
{
	wb_put_bytes(wb, &v, 1);
}

static inline void
wb_put_u16(struct wbuf *wb, uint16_t v)
{
	uint8_t	b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	wb_put_bytes(wb, b, sizeof(b));
}

static inline void
wb_put_u32(struct wbuf *wb, uint32_t v)
{
	uint8_t	b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		    (uint8_t)(v >> 8), (uint8_t)v };

	wb_put_bytes(wb, b, sizeof(b));
}

/* Patch a length written earlier at offset off (back-filling). */
static inline void
wb_set_u8(struct wbuf *wb, size_t off, uint8_t v)
{
	if (!wb->overflow && off < wb->len)
		wb->p[off] = v;
}

static inline void
wb_set_u16(struct wbuf *wb, size_t off, uint16_t v)
{
	if (!wb->overflow && off + 1 < wb->len) {
		wb->p[off] = (uint8_t)(v >> 8);
		wb->p[off + 1] = (uint8_t)v;
	}
}

#endif
