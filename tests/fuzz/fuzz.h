/* SPDX-License-Identifier: ISC */
/*
 * fuzz.h: what every fuzz target in tests/fuzz/ provides.  Each target is
 * one file with LLVMFuzzerTestOneInput(); it is linked either with
 * libFuzzer (configure --enable-fuzzing, clang) or with replay.c, which
 * runs it once on every file of its seed corpus under `make check`.
 *
 * A target calls abort() when an invariant of the code under test does
 * not hold (a round trip that differs, an output that does not parse);
 * the sanitizers catch the rest.
 */
#ifndef VTB_FUZZ_H
#define VTB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report why an invariant failed, then abort(). */
void	fuzz_fail(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
