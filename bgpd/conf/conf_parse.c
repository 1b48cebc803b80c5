/* SPDX-License-Identifier: ISC */
/*
 * conf_parse.c: the grammar of vtibgpd.conf.
 *
 * Keyword driven: every block has a table of the keys it takes, each with
 * a handler that reads the key's values (conf_keys.c).  Newlines carry no
 * meaning, so `neighbor A { interface vti1 remote-as 64512 }` fits on one
 * line.  The first error stops the parse; conf_check() then does what
 * needs the whole file (required keys, timers against defaults, limits).
 *
 * This file: the blocks read key by key, the readers of a key's values
 * (on the lexer's tokens), the file read and trusted.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgpd/conf/conf_impl.h"

#define CONF_MAX_FILE	(4 * 1024 * 1024)

/* Read the next token; it must be a word (or a string if allowed). */
int
conf_want_value(struct parser *p, const struct token *key, const char *what,
    bool string_ok, struct token *t)
{
	char	desc[80];

	if (lex_next(&p->lx, t) == -1)
		return -1;
	if (t->type == TOK_WORD || (string_ok && t->type == TOK_STRING))
		return 0;
	return conf_errorf(p->err, t->pos, "expected %s after '%s', got %s",
	    what, key->text, lex_describe(t, desc, sizeof(desc)));
}

int
conf_want_lbrace(struct parser *p, const struct token *key, struct token *t)
{
	char	desc[80];

	if (lex_next(&p->lx, t) == -1)
		return -1;
	if (t->type == TOK_LBRACE)
		return 0;
	return conf_errorf(p->err, t->pos, "expected '{' after '%s', got %s",
	    key->text, lex_describe(t, desc, sizeof(desc)));
}

/* A number in [min, max] after key. */
int
conf_get_uint(struct parser *p, const struct token *key, uint64_t min,
    uint64_t max, uint64_t *v, struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (conf_want_value(p, key, "a number", false, &t) == -1)
		return -1;
	if (conf_read_uint(t.text, max, v, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	if (*v < min)
		return conf_errorf(p->err, t.pos, "%s: %s is below %llu",
		    key->text, t.text, (unsigned long long)min);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

int
conf_get_duration(struct parser *p, const struct token *key, uint64_t *ms,
    struct token *t)
{
	char	why[256];

	if (conf_want_value(p, key, "a duration", false, t) == -1)
		return -1;
	if (conf_read_duration(t->text, ms, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t->pos, "%s: %s", key->text, why);
	return 0;
}

/* A duration in whole seconds within [min, max]. */
int
conf_get_seconds(struct parser *p, const struct token *key, uint32_t min,
    uint32_t max, uint32_t *s, struct conf_pos *pos)
{
	struct token	t;
	uint64_t	ms;

	if (conf_get_duration(p, key, &ms, &t) == -1)
		return -1;
	if (ms % 1000 != 0)
		return conf_errorf(p->err, t.pos,
		    "%s must be whole seconds, got '%s'", key->text, t.text);
	if (ms / 1000 < min || ms / 1000 > max)
		return conf_errorf(p->err, t.pos,
		    "%s must be %us to %us, got '%s'", key->text, min, max,
		    t.text);
	*s = (uint32_t)(ms / 1000);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

int
conf_get_bool(struct parser *p, const struct token *key, bool *b)
{
	struct token	t;
	char		why[256];

	if (conf_want_value(p, key, "on or off", false, &t) == -1)
		return -1;
	if (conf_read_bool(t.text, b, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	return 0;
}

int
conf_get_asn(struct parser *p, const struct token *key, uint32_t *asn,
    struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (conf_want_value(p, key, "an AS number", false, &t) == -1)
		return -1;
	if (conf_read_asn(t.text, asn, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

int
conf_get_addr(struct parser *p, const struct token *key, struct in_addr *a,
    struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (conf_want_value(p, key, "an IPv4 address", false, &t) == -1)
		return -1;
	if (conf_read_addr(t.text, a, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

/* An IPv6 address a session cannot use: unspecified, multicast, or an
 * IPv4-mapped one. */
static bool
not_unicast6(const struct in6_addr *a)
{
	return IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_MULTICAST(a) ||
	    IN6_IS_ADDR_V4MAPPED(a);
}

/*
 * An address a session can use: not 0.0.0.0, broadcast or multicast;
 * for IPv6 not ::, multicast or IPv4-mapped.
 */
int
conf_get_unicast(struct parser *p, const struct token *key, uint8_t *af,
    struct in6_addr *a, struct conf_pos *pos)
{
	struct token	t;
	uint32_t	h;
	char		why[256];

	if (conf_want_value(p, key, "an IPv4 or IPv6 address", false,
	    &t) == -1)
		return -1;
	if (conf_read_inet(t.text, af, a, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	*pos = t.pos;
	memcpy(&h, a, sizeof(h));
	h = ntohl(h);
	if (*af == AF_INET ? (h == 0 || h == 0xffffffffU ||
	    (h & 0xf0000000U) == 0xe0000000U) : not_unicast6(a))
		return conf_errorf(p->err, *pos,
		    "%s: %s is not a unicast address", key->text, t.text);
	return 0;
}

int
conf_get_prefix(struct parser *p, const struct token *key,
    struct conf_prefix *pfx, struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (conf_want_value(p, key, "a prefix", false, &t) == -1)
		return -1;
	if (conf_read_prefix(t.text, pfx, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	*pos = t.pos;
	return 0;
}

/*
 * A quoted string or a word, 1..max bytes, printable.  Returns a new
 * string in *out (freeing what was there).
 */
int
conf_get_string(struct parser *p, const struct token *key, size_t max,
    char **out)
{
	struct token	t;
	size_t		len;

	if (conf_want_value(p, key, "a string", true, &t) == -1)
		return -1;
	len = strlen(t.text);
	if (len == 0)
		return conf_errorf(p->err, t.pos, "%s must not be empty",
		    key->text);
	if (len > max)
		return conf_errorf(p->err, t.pos,
		    "%s is %zu bytes long, at most %zu are allowed",
		    key->text, len, max);
	free(*out);
	if ((*out = strdup(t.text)) == NULL)
		fatal("strdup");
	return 0;
}

/* A user or group name: what useradd accepts, [a-z_][a-z0-9_-]*[$]. */
int
conf_get_name(struct parser *p, const struct token *key, char **out)
{
	struct token	t;
	const char	*s;

	if (conf_want_value(p, key, "a name", false, &t) == -1)
		return -1;
	for (s = t.text; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' ||
		    (s > t.text && ((*s >= '0' && *s <= '9') || *s == '-' ||
		    (*s == '$' && s[1] == '\0')))))
			return conf_errorf(p->err, t.pos,
			    "%s: invalid name '%s'", key->text, t.text);
	if (strlen(t.text) > 32)
		return conf_errorf(p->err, t.pos,
		    "%s: name '%s' is longer than 32 bytes", key->text, t.text);
	free(*out);
	if ((*out = strdup(t.text)) == NULL)
		fatal("strdup");
	return 0;
}

void *
conf_grow(void *arr, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(arr, n + 1, size)) == NULL)
		fatal("reallocarray");
	memset((char *)p + n * size, 0, size);
	return p;
}

/* Levenshtein distance, for "did you mean" on unknown keys. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev, tmp, best;
	size_t	row[64];

	if (la >= 64 || lb >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static int
unknown_key(struct parser *p, const struct block *b, const struct token *t)
{
	const char	*hint = NULL;
	char		 where[40] = "";
	size_t		 i, d, best = 3;

	for (i = 0; i < b->nkeys; i++)
		if ((d = edit_distance(t->text, b->keys[i].name)) < best) {
			best = d;
			hint = b->keys[i].name;
		}
	if (b->name != NULL)
		snprintf(where, sizeof(where), " in %s block", b->name);
	if (hint != NULL)
		return conf_errorf(p->err, t->pos,
		    "unknown key '%.60s'%s (did you mean '%s'?)", t->text,
		    where, hint);
	return conf_errorf(p->err, t->pos, "unknown key '%.60s'%s", t->text,
	    where);
}

/*
 * Keys of block b until its closing brace (or the end of the file at the
 * top level).  Non-repeatable keys may appear once.
 */
int
conf_parse_body(struct parser *p, const struct block *b,
    const struct token *open)
{
	struct conf_pos	 seen[16];
	struct token	 t;
	char		 desc[80];
	size_t		 i;

	if (b->nkeys > sizeof(seen) / sizeof(seen[0]))
		fatalx("%s: block has too many keys", __func__);
	memset(seen, 0, sizeof(seen));
	for (;;) {
		if (lex_next(&p->lx, &t) == -1)
			return -1;
		if (t.type == TOK_EOF && b->name == NULL) {
			p->where.eof = t.pos;
			return 0;
		}
		if (t.type == TOK_EOF)
			return conf_errorf(p->err, t.pos,
			    "missing '}' to close the %s block opened at "
			    "line %d", b->name, open->pos.line);
		if (t.type == TOK_RBRACE && b->name != NULL)
			return 0;
		if (t.type != TOK_WORD)
			return conf_errorf(p->err, t.pos, "expected a key%s, "
			    "got %s", b->name != NULL ? " or '}'" : "",
			    lex_describe(&t, desc, sizeof(desc)));
		for (i = 0; i < b->nkeys; i++)
			if (strcmp(t.text, b->keys[i].name) == 0)
				break;
		if (i == b->nkeys)
			return unknown_key(p, b, &t);
		if (!b->keys[i].repeatable && seen[i].line != 0)
			return conf_errorf(p->err, t.pos,
			    "duplicate '%s' (first at line %d)", t.text,
			    seen[i].line);
		seen[i] = t.pos;
		if (b->keys[i].fn(p, &t) == -1)
			return -1;
	}
}

struct conf *
conf_parse_buffer(const char *name, const char *text, size_t len,
    struct conf_error *err)
{
	struct parser	p;
	struct conf	*c;
	int		 rv;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	conf_set_defaults(c);
	memset(&p, 0, sizeof(p));
	lex_init(&p.lx, text, len, err);
	p.conf = c;
	p.err = err;
	p.timers = &c->defaults;
	rv = conf_parse_body(&p, &conf_top_block, NULL);
	if (rv == 0)
		rv = conf_check(c, &p.where, err);
	free(p.where.networks);
	free(p.where.nbrs);
	if (rv == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_parse_file(const char *path, struct conf_error *err)
{
	struct conf	*c;
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;
	struct conf_pos	 none = { 0, 0 };

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return conf_errorf(err, none, "%s", strerror(errno)), NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return conf_errorf(err, none, "not a regular file"), NULL;
	}
	if (st.st_size > CONF_MAX_FILE) {
		close(fd);
		return conf_errorf(err, none, "larger than %d bytes",
		    CONF_MAX_FILE), NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		fatal("malloc");
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			conf_errorf(err, none, "read: %s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	c = conf_parse_buffer(path, buf, off, err);
	free(buf);
	/* Trust before syntax: an untrusted file is refused whatever it
	 * says (the configured user it names may own it). */
	if (conf_trust_check(path, &st, c != NULL ? c->user : NULL,
	    err) == -1 || (c != NULL && conf_check_runnable(c, err) == -1)) {
		conf_free(c);
		return NULL;
	}
	return c;
}
