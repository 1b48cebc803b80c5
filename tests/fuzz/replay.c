/* SPDX-License-Identifier: ISC */
/*
 * replay.c: a main() for the fuzz targets without libFuzzer.  It calls
 * LLVMFuzzerTestOneInput() once on each file named on the command line,
 * or in each directory named (its regular files, in name order).  With
 * no argument it replays the target's seed corpus,
 * $top_srcdir/tests/fuzz/corpus/<program name>/, which is how `make check`
 * runs it (with ASan and UBSan when configured with --enable-sanitizers).
 *
 * Each input is copied into a buffer of exactly its size, so that a read
 * past the end is caught as it would be under libFuzzer.  Exit status 0
 * when every input ran (a failed invariant aborts), 1 when an input could
 * not be read or there was none.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int
replay_file(const char *path)
{
	FILE	*f;
	uint8_t	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fprintf(stderr, "replay: %s: cannot size it\n", path);
		fclose(f);
		return -1;
	}
	/* malloc(0) may return NULL: keep one byte, pass the real size. */
	if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "replay: %s: cannot read it\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replay every regular file in dir; the count, or -1. */
static int
replay_dir(const char *dir)
{
	struct dirent	**ents;
	struct stat	  st;
	char		  path[PATH_MAX];
	int		  n, i, count = 0, rv = 0;

	if ((n = scandir(dir, &ents, NULL, by_name)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (replay_file(path) == -1)
				rv = -1;
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	return rv == -1 ? -1 : count;
}

static int
replay_arg(const char *arg)
{
	struct stat	st;

	if (stat(arg, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(arg);
	return replay_file(arg) == -1 ? -1 : 1;
}

int
main(int argc, char *argv[])
{
	const char	*name, *top;
	char		 dflt[PATH_MAX];
	int		 i, n, total = 0, failed = 0;

	if (argc < 2) {
		name = strrchr(argv[0], '/');
		name = name != NULL ? name + 1 : argv[0];
		if ((top = getenv("top_srcdir")) == NULL)
			top = ".";
		snprintf(dflt, sizeof(dflt), "%s/tests/fuzz/corpus/%s", top,
		    name);
		n = replay_arg(dflt);
		total = n > 0 ? n : 0;
		failed = n == -1;
	}
	for (i = 1; i < argc; i++) {
		if ((n = replay_arg(argv[i])) == -1)
			failed = 1;
		else
			total += n;
	}
	printf("replayed %d inputs%s\n", total, failed ? ", some unreadable" :
	    "");
	return failed || total == 0 ? 1 : 0;
}
