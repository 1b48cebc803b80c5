/*
 * import_detect.c: what a file given to `vtibgpctl import` is, before it
 * is read as the format the operator named: its encoding.
 *
 * Like the readers, it takes any bytes (it is fuzzed) and reads only
 * within len.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include "bgpd/import_impl.h"

#define UTF16_PAIRS	32	/* characters looked at for NUL bytes */

bool
import_is_utf16(const char *text, size_t len)
{
	size_t	i, n = len / 2 < UTF16_PAIRS ? len / 2 : UTF16_PAIRS;
	bool	le = true, be = true;

	if (len >= 2 && ((text[0] == '\xff' && text[1] == '\xfe') ||
	    (text[0] == '\xfe' && text[1] == '\xff')))
		return true;
	for (i = 0; i < n; i++) {
		le = le && text[2 * i] != '\0' && text[2 * i + 1] == '\0';
		be = be && text[2 * i] == '\0' && text[2 * i + 1] != '\0';
	}
	return n >= 2 && (le || be);
}
