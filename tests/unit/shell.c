/* SPDX-License-Identifier: ISC */
/*
 * shell.c: commands run through the shell and a network namespace of the
 * test's own, for the unit tests against the real kernel (shell.h).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/shell.h"

#define CMD_MAX	1024

void
t_sh(const char *fmt, ...)
{
	char	cmd[CMD_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static FILE *
run(const char *fmt, va_list ap)
{
	char	 cmd[CMD_MAX];
	FILE	*f;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("cannot run: %s", cmd);
	return f;
}

char *
t_sh_out(const char *fmt, ...)
{
	char	*buf = NULL;
	size_t	 len = 0, n;
	FILE	*f;
	va_list	 ap;

	va_start(ap, fmt);
	f = run(fmt, ap);
	va_end(ap);
	do {
		assert_non_null(buf = realloc(buf, len + 4097));
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	pclose(f);
	return buf;
}

const char *
t_sh_line(const char *fmt, ...)
{
	static char	 buf[4096];
	FILE		*f;
	va_list		 ap;

	va_start(ap, fmt);
	f = run(fmt, ap);
	va_end(ap);
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	pclose(f);
	return buf;
}

long
t_sh_num(const char *fmt, ...)
{
	char	 buf[256];
	FILE	*f;
	va_list	 ap;
	long	 v = 0;

	va_start(ap, fmt);
	f = run(fmt, ap);
	va_end(ap);
	if (fgets(buf, sizeof(buf), f) != NULL)
		v = strtol(buf, NULL, 10);
	pclose(f);
	return v;
}

int
t_cannot_run(const char *prog, const char *why)
{
	const char	*ci = getenv("CI");

	fprintf(stderr, "%s: %s\n", prog, why);
	return ci != NULL && strcmp(ci, "true") == 0 ? 1 : 77;
}

int
t_netns_enter(const char *prog)
{
	const char	*why = NULL;

	if (geteuid() != 0)
		why = "needs root (a network namespace)";
	else if (unshare(CLONE_NEWNET) == -1)
		why = "unshare(CLONE_NEWNET) failed";
	else if (system("ip link set lo up") != 0)
		why = "no ip(8)";
	return why == NULL ? 0 : t_cannot_run(prog, why);
}
