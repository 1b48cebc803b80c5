/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf.c: fuzz target of the config parser (bgpd/conf/conf_*.c) on
 * arbitrary text, as `vtibgpd -n` and a reload read it.
 *
 * Invariants (abort when broken): what parses prints (conf_print) to
 * text that parses again, and that prints to the same text; a parse that
 * fails says where and why in a message that fits; every warning has a
 * message.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/conf/conf.h"
#include "tests/fuzz/fuzz.h"

/* conf_print into a new string; NULL if the output failed. */
static char *
print_conf(const struct conf *c, size_t *len)
{
	FILE	*f;
	char	*text = NULL;
	int	 rc;

	if ((f = open_memstream(&text, len)) == NULL)
		return NULL;
	rc = conf_print(f, c);
	if (fclose(f) != 0 || rc == -1) {
		free(text);
		return NULL;
	}
	return text;
}

static void
touch(const struct conf *c)
{
	struct conf_error	err;
	char			buf[600];
	size_t			i;

	for (i = 0; i < c->n_warnings; i++)
		if (c->warnings[i].msg == NULL ||
		    conf_warning_str(&c->warnings[i], "fuzz", buf,
		    sizeof(buf)) == NULL)
			fuzz_fail("a warning without a message");
	(void)conf_export_max(c);
	for (i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].af == AF_INET &&
		    conf_find_neighbor(c, c->neighbors[i].addr) == NULL)
			fuzz_fail("neighbor %zu not found by its address", i);
	if (conf_check_runnable(c, &err) == -1 && (err.pos.line == 0 ||
	    strstr(err.msg, "IPv6") == NULL))
		fuzz_fail("conf_check_runnable: no position or reason");
}

static void
roundtrip(const struct conf *c)
{
	struct conf_error	 err;
	struct conf		*c2;
	char			*t1, *t2, buf[1024];
	size_t			 l1, l2;

	if ((t1 = print_conf(c, &l1)) == NULL)
		return;
	if ((c2 = conf_parse_buffer("printed", t1, l1, &err)) == NULL)
		fuzz_fail("printed config does not parse: %s\n%s",
		    conf_error_str(&err, buf, sizeof(buf)), t1);
	if ((t2 = print_conf(c2, &l2)) == NULL)
		fuzz_fail("printing the reparsed config failed");
	if (l1 != l2 || memcmp(t1, t2, l1) != 0)
		fuzz_fail("print -> parse -> print differs:\n%s\n----\n%s",
		    t1, t2);
	free(t2);
	conf_free(c2);
	free(t1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_error	 err;
	struct conf		*c;
	char			 buf[1024];

	memset(&err, 0, sizeof(err));
	c = conf_parse_buffer("fuzz", (const char *)data, size, &err);
	if (c == NULL) {
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    err.msg[0] == '\0')
			fuzz_fail("parse failed without a message");
		(void)conf_error_str(&err, buf, sizeof(buf));
		return 0;
	}
	touch(c);
	roundtrip(c);
	conf_free(c);
	return 0;
}
