/* SPDX-License-Identifier: ISC */
/*
 * conf_lex.h: the tokenizer of vtibgpd.conf.  Words, "quoted strings",
 * braces; '#' starts a comment to the end of the line; any whitespace
 * separates.  Lines and columns count from 1, columns in bytes.
 */
#ifndef VTB_CONF_LEX_H
#define VTB_CONF_LEX_H

#include "bgpd/conf/conf.h"

#define LEX_MAX_TOKEN	1024

enum tok_type {
	TOK_WORD,
	TOK_STRING,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_EOF,
};

struct token {
	enum tok_type	type;
	struct conf_pos	pos;
	char		text[LEX_MAX_TOKEN + 1];
};

struct lexer {
	const char		*buf;
	size_t			 len;
	size_t			 off;
	struct conf_pos		 pos;
	struct conf_error	*err;
	struct token		 peeked;
	bool			 has_peek;
};

void	lex_init(struct lexer *, const char *buf, size_t len,
	    struct conf_error *);
/* Next token into *t; -1 with lx->err filled on a lexical error. */
int	lex_next(struct lexer *, struct token *t);
/* Like lex_next, but the token stays to be read again. */
int	lex_peek(struct lexer *, struct token *t);
/* The token as quoted in messages: 'word', '{', end of file. */
const char *lex_describe(const struct token *, char *buf, size_t len);

#endif
