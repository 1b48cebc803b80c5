/*
 * import_impl.h: what the files of the AWS importer share.  Not for use
 * outside bgpctl/import_*.c.
 */
#ifndef VTB_IMPORT_IMPL_H
#define VTB_IMPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "bgpctl/import.h"
#include "conf/conf.h"
#include "lib/log.h"

/* A line of the text. */
struct line {
	const char	*s;
	size_t		 len;		/* without its end */
	int		 no;
};

/* Whose lines a file has: AWS's two formats, the other vendors'. */
enum import_kind {
	KIND_GENERIC, KIND_VYOS,
	KIND_CISCO, KIND_JUNIPER, KIND_FORTIGATE, KIND_PALOALTO,
	KIND_STRONGSWAN,
	KIND_MAX
};

/*
 * What import_scan() found: per kind, how many lines, the first and what
 * it starts with; how many lines of BGP values or statements, the first
 * that says static routing; the last line with more than blanks and
 * comment marks, and whether the first such names AWS.
 */
struct import_scan {
	int		 n[KIND_MAX];
	struct conf_pos	 pos[KIND_MAX];
	const char	*mark[KIND_MAX];
	int		 n_bgp;
	struct conf_pos	 static_pos;
	int		 last_line;
	bool		 aws_first;
};

/* Fill err with a message at pos (line 0: nowhere); always returns -1. */
int	import_errorf(struct import_error *, struct conf_pos, const char *,
	    ...) VTB_PRINTF(3, 4);

/*
 * Whether text is UTF-16 (Windows Notepad's "Unicode"): it starts with a
 * UTF-16 byte order mark, or its first characters each have a NUL byte
 * before or after them.
 */
bool	import_is_utf16(const char *text, size_t len);

/* Count the lines of each kind. */
void	import_scan(const struct line *, size_t n, struct import_scan *);

/*
 * A file of another vendor: more of its lines than of the format asked
 * for.  Returns 0, or -1 with err saying which vendor and what to
 * download instead.
 */
int	import_check_vendor(enum import_format, const struct import_scan *,
	    struct import_error *);

/*
 * A connection with static routing: the file says so and has no BGP.
 * Returns 0, or -1 with err saying that vtibgpd needs a BGP connection.
 */
int	import_check_static(const struct import_scan *,
	    struct import_error *);

/*
 * Whether the file has nothing but the first lines of an AWS download,
 * none of the lines of any kind: the rest was lost.
 */
bool	import_preamble_only(const struct import_scan *);

/*
 * Add to err->msg that the file seems to end early, at the last line of
 * sc, unless it says so already.  Always returns -1.
 */
int	import_ends_early(const struct import_scan *, struct import_error *);

/* " (this looks like the other format: ...)" if it does, else "". */
const char *import_format_hint(enum import_format,
	    const struct import_scan *);

#endif
