/* SPDX-License-Identifier: ISC */
/*
 * import.h: turn a configuration file downloaded from the AWS console
 * (Site-to-Site VPN, "Generic" or "Vyatta/VyOS" vendor) into a complete
 * vtibgpd.conf.  Used by `vtibgpctl import`; needs no daemon.
 */
#ifndef VTB_IMPORT_H
#define VTB_IMPORT_H

#include <stddef.h>
#include <stdio.h>

/* The largest file import_aws() takes: AWS's are a few KiB. */
#define IMPORT_MAX_SIZE	(1024 * 1024)

enum import_format {
	IMPORT_AWS_GENERIC,
	IMPORT_AWS_VYOS,
};

/* What the operator adds on the command line (--network, --allow,
 * --interfaces). */
struct import_opts {
	const char	**networks;	/* "172.100.0.0/16" */
	size_t		  n_networks;
	const char	**allow;	/* "10.10.0.0/16" */
	size_t		  n_allow;
	const char	 *ifnames[2];	/* tunnel 1's and 2's interface;
					   NULL: vti0, vti1 (Generic) or
					   the file's vti binds (VyOS) */
};

/* Why a file could not be imported: where (line 0 if nowhere) and what. */
struct import_error {
	int	line;
	int	col;
	char	msg[512];
};

/* What the importer assumed where the file says nothing (a hold time). */
#define IMPORT_MAX_WARNINGS	8

struct import_warnings {
	size_t			n;
	struct import_error	w[IMPORT_MAX_WARNINGS];
};

/*
 * Read len bytes of text in format; write a vtibgpd.conf to out.  Returns
 * 0 with what was assumed in warn (n 0: nothing), or -1 with err filled
 * in (nothing useful has been written then, and warn->n is 0).
 */
int	import_aws(enum import_format, const char *text, size_t len,
	    const struct import_opts *, FILE *out, struct import_error *err,
	    struct import_warnings *warn);

#endif
