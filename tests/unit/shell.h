/* SPDX-License-Identifier: ISC */
/*
 * shell.h: what the unit tests that run against the real kernel share:
 * commands run through the shell (ip(8), nft), their output, and the
 * network namespace of their own that they run in.  Include after
 * <cmocka.h>.
 */
#ifndef VTB_TESTS_SHELL_H
#define VTB_TESTS_SHELL_H

/* Run a command; the test fails if it does not exit 0. */
void		 t_sh(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* All its output (malloc'd). */
char		*t_sh_out(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* The first line of its output, or "" (static, until the next call). */
const char	*t_sh_line(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* The number its output starts with, 0 if none. */
long		 t_sh_num(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/*
 * The exit status of a test program that cannot run here (why on
 * stderr): 77 (skipped), or 1 under CI=true, where everything must run.
 */
int		 t_cannot_run(const char *prog, const char *why);

/*
 * Move this process into a network namespace of its own, with lo up: it
 * and everything made in it go when the process ends.  0, or when it
 * cannot, what t_cannot_run returns.
 */
int		 t_netns_enter(const char *prog);

#endif
