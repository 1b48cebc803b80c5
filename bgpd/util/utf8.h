/* SPDX-License-Identifier: ISC */
/*
 * utf8.h: checking and escaping text that comes from someone else (a
 * peer's shutdown communication, a control client's request, anything
 * logged), so that nothing unescaped reaches the log or another client.
 */
#ifndef VTB_UTF8_H
#define VTB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (at most n octets), or 0 if it
 * is not one (overlong forms, surrogates, beyond U+10FFFF). */
size_t	utf8_seq_len(const uint8_t *s, size_t n);

/*
 * 0 when the n octets at s are valid UTF-8 without control characters
 * (C0, DEL, C1); -1 otherwise, with *bad the offset of the first octet
 * that is not.
 */
int	utf8_check_printable(const char *s, size_t n, size_t *bad);

/*
 * Copy n octets of s into out (size octets, NUL-terminated): printable
 * UTF-8 as it is, control characters and octets that are not UTF-8 as
 * \xHH, so that the text stays one line of valid UTF-8.  Cut short when
 * out is full.
 */
void	utf8_escape(const uint8_t *s, size_t n, char *out, size_t size);

#endif
