/* SPDX-License-Identifier: ISC */
/*
 * mutate.h: the mutation tests of the BGP codec (test_msg, test_mp): a
 * small seeded generator, a clock, and the mutation of one message.
 */
#ifndef VTB_TESTS_MUTATE_H
#define VTB_TESTS_MUTATE_H

#include <stddef.h>
#include <stdint.h>

void		 t_rng_seed(uint32_t);
uint32_t	 t_rng(void);		/* xorshift32 */
double		 t_now_s(void);		/* CLOCK_MONOTONIC, in seconds */
/*
 * Mutate the message b of *len octets (a buffer of MSG_MAX_LEN) in 1 to
 * 4 places: a bit flipped, a byte replaced, the message cut short or
 * grown with random bytes, a byte set to 0 or 0xff; half the time the
 * header's length is made to match again, to get deeper.
 */
void		 t_mutate(uint8_t *b, size_t *len);

#endif
