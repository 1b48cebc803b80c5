/* SPDX-License-Identifier: ISC */
/*
 * conf_value.c: readers for the typed values of vtibgpd.conf: numbers,
 * AS numbers, IPv4 and IPv6 addresses and prefixes, durations, on/off.
 * Each reader takes one word and says exactly what is wrong with it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/conf/conf_impl.h"

#define AS_TRANS	23456	/* RFC 6793 section 9 */

static int
why_set(char *why, size_t len, const char *fmt, ...) VTB_PRINTF(3, 4);

static int
why_set(char *why, size_t len, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Decimal digits only: no sign, no spaces, no hex. */
static int
read_digits(const char *s, uint64_t max, uint64_t *out, const char **end)
{
	uint64_t	v = 0;
	const char	*p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -2;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -2;
	}
	*out = v;
	*end = p;
	return 0;
}

int
conf_read_uint(const char *s, uint64_t max, uint64_t *out, char *why,
    size_t len)
{
	const char	*end;

	switch (read_digits(s, max, out, &end)) {
	case -1:
		return why_set(why, len, "'%s' is not a number", s);
	case -2:
		return why_set(why, len, "%s is above %llu", s,
		    (unsigned long long)max);
	}
	if (*end != '\0')
		return why_set(why, len, "'%s' is not a number", s);
	return 0;
}

int
conf_read_asn(const char *s, uint32_t *asn, char *why, size_t len)
{
	uint64_t	v;
	const char	*end;

	switch (read_digits(s, UINT32_MAX, &v, &end)) {
	case -1:
		return why_set(why, len, "invalid AS number '%s'", s);
	case -2:
		return why_set(why, len,
		    "AS number %s out of range (1-4294967295)", s);
	}
	if (*end != '\0')
		return why_set(why, len, "invalid AS number '%s'", s);
	if (v == 0)
		return why_set(why, len, "AS number 0 is reserved (RFC 7607)");
	if (v == AS_TRANS)
		return why_set(why, len,
		    "AS number 23456 is AS_TRANS (RFC 6793) and cannot be used");
	*asn = (uint32_t)v;
	return 0;
}

int
conf_read_addr(const char *s, struct in_addr *addr, char *why, size_t len)
{
	if (inet_pton(AF_INET, s, addr) != 1)
		return why_set(why, len, "invalid IPv4 address '%s'", s);
	return 0;
}

int
conf_read_inet(const char *s, uint8_t *af, struct in6_addr *addr, char *why,
    size_t len)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, s, addr) == 1)
		*af = AF_INET;
	else if (strchr(s, ':') != NULL && inet_pton(AF_INET6, s, addr) == 1)
		*af = AF_INET6;
	else if (strchr(s, ':') != NULL)
		return why_set(why, len, "invalid IPv6 address '%s'", s);
	else
		return why_set(why, len, "invalid IPv4 address '%s'", s);
	return 0;
}

/* Are the bits of the alen-byte address a after the first plen all 0?
 * Else clear them. */
static bool
host_bits_clear(uint8_t *a, size_t alen, unsigned plen)
{
	bool	clear = true;
	uint8_t	m;
	size_t	i;

	for (i = plen / 8; i < alen; i++) {
		m = i == plen / 8 ? (uint8_t)(0xffU >> (plen % 8)) : 0xff;
		if (a[i] & m)
			clear = false;
		a[i] &= (uint8_t)~m;
	}
	return clear;
}

int
conf_read_prefix(const char *s, struct conf_prefix *pfx, char *why,
    size_t len)
{
	char		 addr[INET6_ADDRSTRLEN];
	const char	*slash, *end;
	uint64_t	 plen;
	unsigned	 max;
	size_t		 alen;
	struct in6_addr	 a;

	memset(pfx, 0, sizeof(*pfx));
	slash = strchr(s, '/');
	if (slash == NULL)
		return why_set(why, len,
		    "invalid prefix '%s': missing /length", s);
	if ((size_t)(slash - s) >= sizeof(addr))
		return why_set(why, len, "invalid prefix '%s'", s);
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (conf_read_inet(addr, &pfx->af, &a, why, len) == -1)
		return why_set(why, len,
		    "invalid prefix '%s': bad address '%s'", s, addr);
	max = pfx->af == AF_INET ? 32 : 128;
	alen = pfx->af == AF_INET ? sizeof(pfx->addr) : sizeof(pfx->addr6);
	switch (read_digits(slash + 1, max, &plen, &end)) {
	case -1:
		return why_set(why, len,
		    "invalid prefix '%s': bad length", s);
	case -2:
		return why_set(why, len,
		    "invalid prefix '%s': length above %u", s, max);
	}
	if (*end != '\0')
		return why_set(why, len,
		    "invalid prefix '%s': bad length", s);
	pfx->len = (uint8_t)plen;
	if (!host_bits_clear(a.s6_addr, alen, (unsigned)plen)) {
		inet_ntop(pfx->af, &a, addr, sizeof(addr));
		return why_set(why, len,
		    "invalid prefix '%s': host bits set (did you mean %s/%u?)",
		    s, addr, (unsigned)plen);
	}
	pfx->addr6 = a;
	return 0;
}

int
conf_read_duration(const char *s, uint64_t *ms, char *why, size_t len)
{
	const char	*end;
	uint64_t	 v;
	uint64_t	 scale;

	switch (read_digits(s, UINT32_MAX, &v, &end)) {
	case -1:
		return why_set(why, len,
		    "invalid duration '%s': use a number of seconds, "
		    "or a number with ms or s", s);
	case -2:
		return why_set(why, len, "duration '%s' is too long", s);
	}
	if (*end == '\0' || strcmp(end, "s") == 0)
		scale = 1000;
	else if (strcmp(end, "ms") == 0)
		scale = 1;
	else
		return why_set(why, len,
		    "invalid duration '%s': use a number of seconds, "
		    "or a number with ms or s", s);
	if (v * scale > UINT32_MAX)
		return why_set(why, len, "duration '%s' is too long", s);
	*ms = v * scale;
	return 0;
}

int
conf_read_bool(const char *s, bool *b, char *why, size_t len)
{
	if (strcmp(s, "on") == 0)
		*b = true;
	else if (strcmp(s, "off") == 0)
		*b = false;
	else
		return why_set(why, len, "expected on or off, got '%s'", s);
	return 0;
}
