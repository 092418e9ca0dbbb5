// SPDX-License-Identifier: GPL-2.0-only
/*
 * A recursive-descent evaluator for address and count expressions; the
 * callers supply symbols, registers and memory (struct expr_env).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/cmd/expr.h"

#define EXPR_MAX_NAME  256
#define EXPR_MAX_DEPTH 64 /* nesting of ( and unary operators */

/* gdb's architecture-neutral names for the x86-64 registers. */
const char *const expr_reg_aliases[][2] = {
	{"pc", "rip"},	  {"sp", "rsp"}, {"fp", "rbp"},
	{"ps", "eflags"}, {NULL, NULL},
};

struct expr_parser {
	const char *s;
	size_t pos;
	int depth;
	const struct expr_env *env;
	struct expr_error *err;
};

static int expr_fail(struct expr_parser *p, size_t pos, size_t len, int ret,
		     const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int expr_fail(struct expr_parser *p, size_t pos, size_t len, int ret,
		     const char *fmt, ...)
{
	va_list ap;

	p->err->pos = pos;
	p->err->len = len ? len : 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

static void expr_skip_space(struct expr_parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

static bool expr_name_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.' ||
	       (!first && (isdigit((unsigned char)c) || c == '$'));
}

/* The length of the word at pos: what an error about it underlines. */
static size_t expr_word_len(const struct expr_parser *p, size_t pos)
{
	size_t n = 0;

	while (p->s[pos + n] && !strchr(" \t+-*/()", p->s[pos + n]))
		n++;
	return n;
}

/* 0x1f, 31, 017, with an optional K, M, G or T (x 1024^n) after it. */
static int expr_number(struct expr_parser *p, uint64_t *val)
{
	static const char units[] = "KMGT";
	size_t start = p->pos;
	unsigned long long v;
	const char *u;
	char *end;

	errno = 0;
	v = strtoull(p->s + start, &end, 0);
	if (errno == ERANGE)
		return expr_fail(p, start, expr_word_len(p, start), -ERANGE,
				 "`%.*s` does not fit in 64 bits",
				 (int)expr_word_len(p, start), p->s + start);
	p->pos = (size_t)(end - p->s);
	u = *end ? strchr(units, *end) : NULL;
	if (u) {
		int shift = 10 * (int)(u - units + 1);

		if (v > (UINT64_MAX >> shift))
			return expr_fail(p, start, p->pos + 1 - start, -ERANGE,
					 "`%.*s` does not fit in 64 bits",
					 (int)(p->pos + 1 - start),
					 p->s + start);
		v <<= shift;
		p->pos++;
	}
	if (expr_name_char(p->s[p->pos], false))
		return expr_fail(p, start, expr_word_len(p, start), -EINVAL,
				 "`%.*s` is not a number",
				 (int)expr_word_len(p, start), p->s + start);
	*val = v;
	return 0;
}

/* NAME or $NAME starting at p->pos into buf; its length, or -errno. */
static int expr_name(struct expr_parser *p, char *buf, size_t *len)
{
	size_t start = p->pos, n = 0;

	if (p->s[p->pos] == '$')
		p->pos++;
	while (expr_name_char(p->s[p->pos],
			      p->pos == start || (p->pos == start + 1 &&
						  p->s[start] == '$')))
		p->pos++;
	n = p->pos - start;
	if (n == 0 || (n == 1 && p->s[start] == '$'))
		return expr_fail(p, start, expr_word_len(p, start), -EINVAL,
				 "`%.*s` is not a number, symbol or $register",
				 (int)expr_word_len(p, start), p->s + start);
	if (n >= EXPR_MAX_NAME)
		return expr_fail(p, start, n, -ENAMETOOLONG, "name too long");
	memcpy(buf, p->s + start, n);
	buf[n] = '\0';
	*len = n;
	return 0;
}

static int expr_register(struct expr_parser *p, const char *name, size_t at,
			 uint64_t *val)
{
	char why[192] = "";
	const char *canon = name + 1;
	size_t i;
	int ret;

	for (i = 0; expr_reg_aliases[i][0]; i++)
		if (!strcmp(canon, expr_reg_aliases[i][0]))
			canon = expr_reg_aliases[i][1];
	ret = p->env->reg
		      ? p->env->reg(p->env->arg, canon, val, why, sizeof(why))
		      : -ENOENT;
	if (ret == -ENOENT && !why[0])
		return expr_fail(p, at, strlen(name), ret,
				 "no register `%s` (x86-64 names: $rip $rsp $rbp $rax ... $cr3 $eflags; $pc $sp $fp)",
				 name);
	if (ret)
		return expr_fail(p, at, strlen(name), ret, "%s: %s", name,
				 why[0] ? why : strerror(-ret));
	return 0;
}

static int expr_symbol(struct expr_parser *p, const char *name, size_t at,
		       uint64_t *val)
{
	char why[192] = "";
	int ret = p->env->symbol ? p->env->symbol(p->env->arg, name, val, why,
						  sizeof(why))
				 : -ENOENT;

	if (ret)
		return expr_fail(p, at, strlen(name), ret, "%s",
				 why[0] ? why : "unknown symbol");
	return 0;
}

static int expr_sum(struct expr_parser *p, uint64_t *val);

/* A number, a name, or a parenthesised expression. */
static int expr_primary(struct expr_parser *p, uint64_t *val)
{
	char name[EXPR_MAX_NAME];
	size_t at, len;
	int ret;

	expr_skip_space(p);
	at = p->pos;
	if (p->s[at] == '(') {
		p->pos++;
		ret = expr_sum(p, val);
		if (ret)
			return ret;
		expr_skip_space(p);
		if (p->s[p->pos] != ')')
			return expr_fail(p, at, 1, -EINVAL,
					 "this `(` is not closed");
		p->pos++;
		return 0;
	}
	if (isdigit((unsigned char)p->s[at]))
		return expr_number(p, val);
	if (p->s[at] != '$' && !expr_name_char(p->s[at], true))
		return expr_fail(p, at, 1, -EINVAL,
				 "expected a number, symbol or $register here");
	ret = expr_name(p, name, &len);
	if (ret)
		return ret;
	if (name[0] == '$')
		return expr_register(p, name, at, val);
	return expr_symbol(p, name, at, val);
}

/* -X, *X (the 8 bytes at X), &symbol, or a primary. */
static int expr_unary(struct expr_parser *p, uint64_t *val)
{
	char why[192] = "";
	size_t at;
	int ret;
	char op;

	expr_skip_space(p);
	at = p->pos;
	op = p->s[at];
	if (op != '-' && op != '*' && op != '&')
		return expr_primary(p, val);
	if (++p->depth > EXPR_MAX_DEPTH)
		return expr_fail(p, at, 1, -E2BIG,
				 "expression nested too deeply");
	p->pos++;
	if (op == '&') {
		expr_skip_space(p);
		if (!expr_name_char(p->s[p->pos], true))
			return expr_fail(p, at, 1, -EINVAL,
					 "`&` takes a symbol name (&init_task)");
		ret = expr_primary(p, val); /* a symbol is its address */
	} else {
		ret = expr_unary(p, val);
	}
	p->depth--;
	if (ret || op == '&')
		return ret;
	if (op == '-') {
		*val = -*val;
		return 0;
	}
	ret = p->env->deref
		      ? p->env->deref(p->env->arg, *val, val, why, sizeof(why))
		      : -EOPNOTSUPP;
	if (ret)
		return expr_fail(p, at, p->pos - at, ret,
				 "cannot read the 8 bytes at 0x%llx: %s",
				 (unsigned long long)*val,
				 why[0] ? why : strerror(-ret));
	return 0;
}

static int expr_product(struct expr_parser *p, uint64_t *val)
{
	uint64_t rhs;
	size_t at;
	int ret = expr_unary(p, val);
	char op;

	while (!ret) {
		expr_skip_space(p);
		op = p->s[p->pos];
		if (op != '*' && op != '/')
			break;
		p->pos++;
		expr_skip_space(p);
		at = p->pos;
		ret = expr_unary(p, &rhs);
		if (ret)
			break;
		if (op == '/' && rhs == 0)
			return expr_fail(p, at, p->pos - at, -EDOM,
					 "division by zero");
		*val = op == '*' ? *val * rhs : *val / rhs;
	}
	return ret;
}

static int expr_sum(struct expr_parser *p, uint64_t *val)
{
	uint64_t rhs;
	int ret;
	char op;

	if (++p->depth > EXPR_MAX_DEPTH)
		return expr_fail(p, p->pos, 1, -E2BIG,
				 "expression nested too deeply");
	ret = expr_product(p, val);
	while (!ret) {
		expr_skip_space(p);
		op = p->s[p->pos];
		if (op != '+' && op != '-')
			break;
		p->pos++;
		ret = expr_product(p, &rhs);
		if (!ret)
			*val = op == '+' ? *val + rhs : *val - rhs;
	}
	p->depth--;
	return ret;
}

int expr_eval(const char *s, const struct expr_env *env, uint64_t *val,
	      struct expr_error *err)
{
	struct expr_parser p = {.s = s, .env = env, .err = err};
	int ret;

	memset(err, 0, sizeof(*err));
	ret = expr_sum(&p, val);
	if (ret)
		return ret;
	expr_skip_space(&p);
	if (s[p.pos] == ')')
		return expr_fail(&p, p.pos, 1, -EINVAL,
				 "this `)` has no `(` before it");
	if (s[p.pos])
		return expr_fail(&p, p.pos, expr_word_len(&p, p.pos), -EINVAL,
				 "unexpected `%.*s` (operators: + - * /)",
				 (int)expr_word_len(&p, p.pos), s + p.pos);
	return 0;
}

/* The first + or - outside parentheses that follows an operand. */
static size_t expr_range_split(const char *s)
{
	int depth = 0;
	size_t i;
	bool operand = false;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		if (depth == 0 && operand && (c == '+' || c == '-'))
			return i;
		if (c != ' ' && c != '\t')
			operand = expr_name_char(c, false) || c == ')' ||
				  c == '$';
	}
	return 0;
}

static int expr_eval_part(const char *s, size_t off, size_t len,
			  const struct expr_env *env, uint64_t *val,
			  struct expr_error *err)
{
	char *part = strndup(s + off, len);
	int ret;

	if (!part) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	ret = expr_eval(part, env, val, err);
	err->pos += off;
	free(part);
	return ret;
}

int expr_eval_range(const char *s, const struct expr_env *env, uint64_t *start,
		    uint64_t *end, struct expr_error *err)
{
	size_t split = expr_range_split(s), n = strlen(s);
	uint64_t a, b;
	int ret;

	memset(err, 0, sizeof(*err));
	if (!split) {
		err->len = n ? n : 1;
		snprintf(err->msg, sizeof(err->msg),
			 "a range is START-END or START+LEN, e.g. 0x100000+2M (arithmetic in START goes in parentheses)");
		return -EINVAL;
	}
	ret = expr_eval_part(s, 0, split, env, &a, err);
	if (!ret)
		ret = expr_eval_part(s, split + 1, n - split - 1, env, &b, err);
	if (ret)
		return ret;
	if (s[split] == '+') {
		if (b > UINT64_MAX - a) {
			err->pos = split + 1;
			err->len = n - split - 1;
			snprintf(err->msg, sizeof(err->msg),
				 "START+LEN goes past the end of the address space");
			return -ERANGE;
		}
		b += a;
	}
	if (b <= a) {
		err->pos = 0;
		err->len = n;
		snprintf(err->msg, sizeof(err->msg),
			 "empty range: END 0x%llx is not above START 0x%llx",
			 (unsigned long long)b, (unsigned long long)a);
		return -EINVAL;
	}
	*start = a;
	*end = b;
	return 0;
}
