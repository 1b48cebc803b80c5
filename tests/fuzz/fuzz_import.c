/* SPDX-License-Identifier: ISC */
/*
 * fuzz_import.c: fuzz target of the AWS configuration importer
 * (bgpctl/import_*.c, `vtibgpctl import`), which reads files downloaded
 * by an operator and writes a vtibgpd.conf.
 *
 * Each input is read in both formats, with and without the operator's
 * --network and --allow.  Invariants (abort when broken): when the import
 * succeeds, its output parses with the config parser; when it fails, the
 * error message is a terminated, non-empty string.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpctl/import.h"
#include "bgpd/conf/conf.h"
#include "tests/fuzz/fuzz.h"

static const char	*networks[] = { "172.100.0.0/16" };
static const char	*allow[] = { "10.10.0.0/16" };

static void
one(enum import_format fmt, const uint8_t *data, size_t size,
    const struct import_opts *opts)
{
	struct import_error	 err;
	struct import_warnings	 warn;
	struct conf_error	 cerr;
	struct conf		*c;
	FILE			*f;
	char			*out = NULL, buf[1024];
	size_t			 len = 0;
	int			 rc;

	if ((f = open_memstream(&out, &len)) == NULL)
		return;
	memset(&err, 0, sizeof(err));
	rc = import_aws(fmt, (const char *)data, size, opts, f, &err, &warn);
	if (fclose(f) != 0) {
		free(out);
		return;
	}
	if (rc == -1) {
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    err.msg[0] == '\0')
			fuzz_fail("import failed without a message");
		if (warn.n != 0)
			fuzz_fail("import failed with warnings");
	} else {
		c = conf_parse_buffer("imported", out, len, &cerr);
		if (c == NULL)
			fuzz_fail("imported config (format %d) does not "
			    "parse: %s\n%s", (int)fmt,
			    conf_error_str(&cerr, buf, sizeof(buf)), out);
		conf_free(c);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts	none, ours;

	memset(&none, 0, sizeof(none));
	memset(&ours, 0, sizeof(ours));
	ours.networks = networks;
	ours.n_networks = 1;
	ours.allow = allow;
	ours.n_allow = 1;
	one(IMPORT_AWS_GENERIC, data, size, &none);
	one(IMPORT_AWS_GENERIC, data, size, &ours);
	one(IMPORT_AWS_VYOS, data, size, &none);
	one(IMPORT_AWS_VYOS, data, size, &ours);
	return 0;
}
