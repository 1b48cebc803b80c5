/* SPDX-License-Identifier: ISC */
/*
 * clock.h: the clocks vtibgpd reads: monotonic for timers and durations,
 * real time for what operators see.
 */
#ifndef VTB_CLOCK_H
#define VTB_CLOCK_H

#include <stdint.h>

uint64_t	clock_mono_us(void);
uint64_t	clock_mono_ms(void);
/* Milliseconds since the epoch. */
uint64_t	clock_wall_ms(void);

#endif
