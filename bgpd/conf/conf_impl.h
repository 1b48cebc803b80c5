/* SPDX-License-Identifier: ISC */
/*
 * conf_impl.h: what the config parser's files share: typed value readers,
 * error formatting, the positions kept for the final checks, and the
 * parser's state, blocks and readers of values.
 * Not for use outside conf/conf_*.c.
 */
#ifndef VTB_CONF_IMPL_H
#define VTB_CONF_IMPL_H

#include "bgpd/conf/conf.h"
#include "bgpd/conf/conf_lex.h"
#include "bgpd/util/log.h"

/* Where each neighbor's settings were written, for the final checks. */
struct nbr_pos {
	struct conf_pos	kw;		/* the word "neighbor" */
	struct conf_pos	addr;
	struct conf_pos	ifname;
	struct conf_pos	remote_as;
	struct conf_pos	local_addr;
	uint8_t		local_af;	/* family of local-address */
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


/* ---- the parser: conf_parse.c reads the blocks, conf_keys.c the keys ---- */

struct parser {
	struct lexer		 lx;
	struct conf		*conf;
	struct conf_where	 where;
	struct conf_error	*err;
	/* the block being read */
	struct conf_neighbor	*nbr;
	struct nbr_pos		*npos;
	struct conf_timers	*timers;
};

struct key {
	const char	*name;
	int		(*fn)(struct parser *, const struct token *key);
	bool		 repeatable;
};

struct block {
	const char		*name;	/* NULL for the top level */
	const struct key	*keys;
	size_t			 nkeys;
};

/* The keys of the top level (conf_keys.c). */
extern const struct block conf_top_block;

/*
 * Keys of block b until its closing brace (or the end of the file at the
 * top level); open is the brace's token (NULL at the top level).
 * Non-repeatable keys may appear once.  0, or -1 with p->err filled in.
 */
int	conf_parse_body(struct parser *, const struct block *b,
	    const struct token *open);

/*
 * The readers of a key's values: each reads the next token(s) after key,
 * 0 or -1 with p->err filled in (the position and the key named).
 */
/* The next token; it must be a word (or a string if string_ok); what
 * names what was expected. */
int	conf_want_value(struct parser *, const struct token *key,
	    const char *what, bool string_ok, struct token *t);
/* The next token must be '{'. */
int	conf_want_lbrace(struct parser *, const struct token *key,
	    struct token *t);
/* A number in [min, max]; pos (may be NULL): where it was. */
int	conf_get_uint(struct parser *, const struct token *key, uint64_t min,
	    uint64_t max, uint64_t *v, struct conf_pos *pos);
/* A duration ("200ms", "3s", seconds), in ms; t: its token. */
int	conf_get_duration(struct parser *, const struct token *key,
	    uint64_t *ms, struct token *t);
/* A duration in whole seconds within [min, max]; pos may be NULL. */
int	conf_get_seconds(struct parser *, const struct token *key,
	    uint32_t min, uint32_t max, uint32_t *s, struct conf_pos *pos);
/* on or off. */
int	conf_get_bool(struct parser *, const struct token *key, bool *b);
/* An AS number (conf_read_asn); pos may be NULL. */
int	conf_get_asn(struct parser *, const struct token *key, uint32_t *asn,
	    struct conf_pos *pos);
/* An IPv4 address; pos may be NULL. */
int	conf_get_addr(struct parser *, const struct token *key,
	    struct in_addr *a, struct conf_pos *pos);
/*
 * An address a session can use, of either family (*af): not 0.0.0.0,
 * broadcast or multicast; not ::, multicast or IPv4-mapped.  a gets an
 * IPv4 address in its first 4 bytes, the rest 0.  pos: where it was.
 */
int	conf_get_unicast(struct parser *, const struct token *key,
	    uint8_t *af, struct in6_addr *a, struct conf_pos *pos);
/* A prefix; pos: where it was. */
int	conf_get_prefix(struct parser *, const struct token *key,
	    struct conf_prefix *pfx, struct conf_pos *pos);
/*
 * A quoted string or a word, 1..max bytes, printable.  Returns a new
 * string in *out (freeing what was there).
 */
int	conf_get_string(struct parser *, const struct token *key, size_t max,
	    char **out);
/* A user or group name: what useradd accepts, [a-z_][a-z0-9_-]*[$]; a
 * new string in *out (freeing what was there). */
int	conf_get_name(struct parser *, const struct token *key, char **out);
/* arr of n elements of size, with one more zeroed at its end. */
void	*conf_grow(void *arr, size_t n, size_t size);

#endif
