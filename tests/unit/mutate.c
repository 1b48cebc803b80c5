/* SPDX-License-Identifier: ISC */
/* mutate.c: the mutation of BGP messages for the codec's tests (mutate.h). */
#include "config.h"

#include <time.h>

#include "bgpd/session/msg.h"
#include "tests/unit/mutate.h"

static uint32_t	rng_state = 0x2545f491;

void
t_rng_seed(uint32_t seed)
{
	rng_state = seed != 0 ? seed : 1;
}

uint32_t
t_rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

double
t_now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
t_mutate(uint8_t *b, size_t *len)
{
	unsigned	i, k = 1 + t_rng() % 4;
	size_t		at;

	for (i = 0; i < k; i++) {
		at = *len == 0 ? 0 : t_rng() % *len;
		switch (t_rng() % 5) {
		case 0:
			b[at] ^= (uint8_t)(1U << (t_rng() % 8));
			break;
		case 1:
			b[at] = (uint8_t)t_rng();
			break;
		case 2:
			if (*len > MSG_HEADER_LEN)
				*len -= 1 + t_rng() % (*len - MSG_HEADER_LEN);
			break;
		case 3:
			while (*len < MSG_MAX_LEN && t_rng() % 8 != 0)
				b[(*len)++] = (uint8_t)t_rng();
			break;
		default:
			b[at] = (uint8_t)(t_rng() % 2 ? 0 : 0xff);
			break;
		}
	}
	if (t_rng() % 2 == 0 && *len >= MSG_HEADER_LEN) {
		b[16] = (uint8_t)(*len >> 8);
		b[17] = (uint8_t)*len;
	}
}
