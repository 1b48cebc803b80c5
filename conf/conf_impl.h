/*
 * conf_impl.h: what the config parser's files share: typed value readers,
 * error formatting and the positions kept for the final checks.
 * Not for use outside conf/conf_*.c.
 */
#ifndef VTB_CONF_IMPL_H
#define VTB_CONF_IMPL_H

#include "conf/conf.h"
#include "lib/log.h"

/* Where each neighbor's settings were written, for the final checks. */
struct nbr_pos {
	struct conf_pos	kw;		/* the word "neighbor" */
	struct conf_pos	addr;
	struct conf_pos	ifname;
	struct conf_pos	remote_as;
	struct conf_pos	local_addr;
	struct conf_pos	hold;
	struct conf_pos	keepalive;
};

/* Positions of everything conf_check() may complain about. */
struct conf_where {
	struct conf_pos	 eof;
	struct conf_pos	 defaults_hold;
	struct conf_pos	 defaults_keepalive;
	struct conf_pos	*networks;	/* one per conf->networks */
	struct nbr_pos	*nbrs;		/* one per conf->neighbors */
	bool		 has_import_block;
	bool		 has_router_id;
	bool		 has_local_as;
};

/* Fill err with a message at pos; always returns -1. */
int	conf_errorf(struct conf_error *, struct conf_pos, const char *, ...)
	    VTB_PRINTF(3, 4);
/* Add a warning to conf, with its position when pos.line > 0. */
void	conf_warnf(struct conf *, struct conf_pos, const char *, ...)
	    VTB_PRINTF(3, 4);


/* Cross-checks and defaults after the whole file was read. */
int	conf_check(struct conf *, const struct conf_where *,
	    struct conf_error *);

/*
 * conf_trust.c: may the file at path (st: its fstat) be trusted, for a
 * daemon configured to run as user (NULL: root)?  0, or -1 with err set
 * to what is wrong and the command that fixes it.
 */
struct stat;
int	conf_trust_check(const char *path, const struct stat *st,
	    const char *user, struct conf_error *err);

/* Fill conf with every default of vtibgpd.conf(5). */
void	conf_set_defaults(struct conf *);

#endif
