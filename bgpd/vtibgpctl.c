/*
 * vtibgpctl.c: main() of the command-line client.  It checks the command
 * line against the command table of vtibgpctl(8) and talks to the daemon
 * over its control socket.
 *
 * Exit status: 0 success, 1 the request failed, 2 usage error, 3 the
 * daemon is not reachable.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCK	RUNSTATEDIR "/vtibgpd.sock"

enum {
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

/* One command: the words that name it and how many more words it takes. */
struct command {
	const char	*words[3];
	int		 min_args;
	int		 max_args;
	bool		 needs_daemon;
};

static const struct command commands[] = {
	{ { "show", "summary" }, 0, 0, true },
	{ { "show", "neighbor" }, 0, 1, true },
	{ { "show", "routes" }, 0, 1, true },
	{ { "show", "drills" }, 0, 0, true },
	{ { "watch" }, 0, 0, true },
	{ { "neighbor" }, 2, 3, true },
	{ { "drill", "failover" }, 0, 6, true },
	{ { "metrics" }, 0, 0, true },
	{ { "reload" }, 0, 0, true },
	{ { "import" }, 2, 32, false },
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vtibgpctl [-s SOCKET] [-j] COMMAND\n"
	    "commands:\n"
	    "  show summary | show neighbor [ADDR|IFACE] | show routes [PREFIX]\n"
	    "  watch\n"
	    "  neighbor ADDR|IFACE shutdown [MESSAGE] | enable | reset | refresh\n"
	    "  drill failover [--from IFACE] [--probe ADDR] [--hold SECONDS]\n"
	    "  show drills | metrics | reload\n"
	    "  import aws-generic|aws-vyos FILE\n");
	exit(EXIT_USAGE);
}

static const struct command *
match(int argc, char *argv[], int *nwords)
{
	size_t	i;
	int	n, args;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		for (n = 0; n < 3 && commands[i].words[n] != NULL; n++)
			if (n >= argc || strcmp(argv[n], commands[i].words[n]))
				break;
		if (n == 3 || commands[i].words[n] != NULL)
			continue;
		args = argc - n;
		if (args < commands[i].min_args || args > commands[i].max_args)
			return NULL;
		*nwords = n;
		return &commands[i];
	}
	return NULL;
}

static int
connect_daemon(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "vtibgpctl: socket path too long: %s\n", path);
		exit(EXIT_USAGE);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "vtibgpctl: vtibgpd is not reachable at %s: "
		    "%s\n", path, strerror(errno));
		exit(EXIT_UNREACHABLE);
	}
	return fd;
}

int
main(int argc, char *argv[])
{
	const char		*sock_path = DEFAULT_SOCK;
	const struct command	*cmd;
	int			 ch, nwords, fd;

	while ((ch = getopt(argc, argv, "+s:j")) != -1) {
		switch (ch) {
		case 's':
			sock_path = optarg;
			break;
		case 'j':
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (cmd = match(argc, argv, &nwords)) == NULL)
		usage();
	if (!cmd->needs_daemon) {
		fprintf(stderr, "vtibgpctl: %s: not available in this version\n",
		    argv[0]);
		return EXIT_FAILED;
	}
	fd = connect_daemon(sock_path);
	fprintf(stderr, "vtibgpctl: %s: this vtibgpd does not serve the "
	    "control protocol yet\n", argv[0]);
	close(fd);
	return EXIT_FAILED;
}
