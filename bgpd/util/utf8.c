/* SPDX-License-Identifier: ISC */
/*
 * utf8.c: UTF-8 checks and escaping shared by the BGP codec (RFC 9003
 * shutdown communication), the control socket and the log.
 */
#include "config.h"

#include <stdio.h>

#include "bgpd/util/utf8.h"

size_t
utf8_seq_len(const uint8_t *s, size_t n)
{
	size_t		len, i;
	uint32_t	cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1fU;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0fU;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07U;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fU);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* The printable sequence at s (l octets from utf8_seq_len): not C0, not
 * DEL, not C1 (U+0080..U+009F, 0xc2 0x80..0x9f). */
static int
printable(const uint8_t *s, size_t l)
{
	if (l == 1)
		return s[0] >= 0x20 && s[0] != 0x7f;
	return l > 1 && !(s[0] == 0xc2 && s[1] < 0xa0);
}

int
utf8_check_printable(const char *text, size_t n, size_t *bad)
{
	const uint8_t	*s = (const uint8_t *)text;
	size_t		 i = 0, l;

	while (i < n) {
		l = utf8_seq_len(&s[i], n - i);
		if (!printable(&s[i], l)) {
			*bad = i;
			return -1;
		}
		i += l;
	}
	return 0;
}

void
utf8_escape(const uint8_t *s, size_t n, char *out, size_t size)
{
	size_t	i = 0, o = 0, l, k;

	while (i < n && o + 5 <= size) {
		l = utf8_seq_len(&s[i], n - i);
		if (printable(&s[i], l)) {
			for (k = 0; k < l; k++)
				out[o++] = (char)s[i++];
			continue;
		}
		for (k = 0; k < (l == 0 ? 1 : l) && o + 5 <= size; k++)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x",
			    s[i++]);
	}
	out[o] = '\0';
}
