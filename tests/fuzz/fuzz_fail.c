/* SPDX-License-Identifier: ISC */
/*
 * fuzz_fail.c: how a fuzz target gives up when an invariant fails: the
 * reason on stderr, then abort() so that libFuzzer saves the input and
 * the replayer fails.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz.h"

void
fuzz_fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("fuzz: invariant failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
