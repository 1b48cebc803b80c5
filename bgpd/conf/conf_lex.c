/* SPDX-License-Identifier: ISC */
/*
 * conf_lex.c: the tokenizer of vtibgpd.conf (see conf_lex.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bgpd/conf/conf_impl.h"
#include "bgpd/conf/conf_lex.h"

void
lex_init(struct lexer *lx, const char *buf, size_t len,
    struct conf_error *err)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf;
	lx->len = len;
	lx->pos.line = 1;
	lx->pos.col = 1;
	lx->err = err;
}

static int
lex_getc(const struct lexer *lx)
{
	return lx->off < lx->len ? (unsigned char)lx->buf[lx->off] : -1;
}

static void
lex_advance(struct lexer *lx)
{
	if (lx->buf[lx->off] == '\n') {
		lx->pos.line++;
		lx->pos.col = 1;
	} else
		lx->pos.col++;
	lx->off++;
}

/* Tab, CR and LF are the only control characters a file may hold. */
static int
lex_check_char(struct lexer *lx, int c)
{
	if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
	    c == 0x7f)
		return conf_errorf(lx->err, lx->pos,
		    "control character 0x%02x in file", (unsigned)c);
	return 0;
}

static int
lex_skip_space(struct lexer *lx)
{
	int	c;

	while ((c = lex_getc(lx)) != -1) {
		if (lex_check_char(lx, c) == -1)
			return -1;
		if (c == '#') {
			while ((c = lex_getc(lx)) != -1 && c != '\n') {
				if (lex_check_char(lx, c) == -1)
					return -1;
				lex_advance(lx);
			}
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			lex_advance(lx);
		else
			break;
	}
	return 0;
}

static int
lex_string(struct lexer *lx, struct token *t)
{
	size_t	n = 0;
	int	c;

	lex_advance(lx);	/* opening quote */
	for (;;) {
		c = lex_getc(lx);
		if (c == -1 || c == '\n' || c == '\r')
			return conf_errorf(lx->err, t->pos,
			    "unterminated string");
		if (lex_check_char(lx, c) == -1)
			return -1;
		lex_advance(lx);
		if (c == '"')
			break;
		if (c == '\\') {
			c = lex_getc(lx);
			if (c == -1 || c == '\n' || c == '\r')
				return conf_errorf(lx->err, t->pos,
				    "unterminated string");
			if (c != '"' && c != '\\')
				return conf_errorf(lx->err, lx->pos,
				    "unknown escape in string: "
				    "only \\\" and \\\\ are allowed");
			lex_advance(lx);
		}
		if (n == LEX_MAX_TOKEN)
			return conf_errorf(lx->err, t->pos,
			    "string longer than %d bytes", LEX_MAX_TOKEN);
		t->text[n++] = (char)c;
	}
	t->text[n] = '\0';
	t->type = TOK_STRING;
	return 0;
}

static int
lex_word(struct lexer *lx, struct token *t)
{
	size_t	n = 0;
	int	c;

	while ((c = lex_getc(lx)) != -1 && c != ' ' && c != '\t' &&
	    c != '\n' && c != '\r' && c != '{' && c != '}' && c != '#' &&
	    c != '"') {
		if (lex_check_char(lx, c) == -1)
			return -1;
		if (n == LEX_MAX_TOKEN)
			return conf_errorf(lx->err, t->pos,
			    "word longer than %d bytes", LEX_MAX_TOKEN);
		t->text[n++] = (char)c;
		lex_advance(lx);
	}
	t->text[n] = '\0';
	t->type = TOK_WORD;
	return 0;
}

static int
lex_scan(struct lexer *lx, struct token *t)
{
	int	c;

	if (lex_skip_space(lx) == -1)
		return -1;
	t->pos = lx->pos;
	t->text[0] = '\0';
	c = lex_getc(lx);
	switch (c) {
	case -1:
		t->type = TOK_EOF;
		return 0;
	case '{':
	case '}':
		t->type = c == '{' ? TOK_LBRACE : TOK_RBRACE;
		t->text[0] = (char)c;
		t->text[1] = '\0';
		lex_advance(lx);
		return 0;
	case '"':
		return lex_string(lx, t);
	default:
		return lex_word(lx, t);
	}
}

int
lex_next(struct lexer *lx, struct token *t)
{
	if (lx->has_peek) {
		*t = lx->peeked;
		lx->has_peek = false;
		return 0;
	}
	return lex_scan(lx, t);
}

int
lex_peek(struct lexer *lx, struct token *t)
{
	if (!lx->has_peek) {
		if (lex_scan(lx, &lx->peeked) == -1)
			return -1;
		lx->has_peek = true;
	}
	*t = lx->peeked;
	return 0;
}

const char *
lex_describe(const struct token *t, char *buf, size_t len)
{
	switch (t->type) {
	case TOK_EOF:
		snprintf(buf, len, "end of file");
		break;
	case TOK_STRING:
		snprintf(buf, len, "\"%.60s\"", t->text);
		break;
	default:
		snprintf(buf, len, "'%.60s'", t->text);
		break;
	}
	return buf;
}
