/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Address and count expressions as gdb users type them: numbers, symbols,
 * $registers, + - * /, parentheses, *ADDR (8 bytes at ADDR), &symbol.
 */
#ifndef SEVDBG_EXPR_H
#define SEVDBG_EXPR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where names and memory come from. Each callback returns 0 with *val set,
 * -ENOENT for an unknown name (the evaluator words that error), or another
 * -errno with the reason in why.
 */
struct expr_env {
	void *arg;
	int (*symbol)(void *arg, const char *name, uint64_t *val, char *why,
		      size_t whylen);
	int (*reg)(void *arg, const char *name, uint64_t *val, char *why,
		   size_t whylen);
	int (*deref)(void *arg, uint64_t addr, uint64_t *val, char *why,
		     size_t whylen);
};

/* Where in the text an expression went wrong, and why. */
struct expr_error {
	size_t pos, len; /* the bad token: offset and length in the text */
	char msg[256];
};

/* Evaluate all of s. 0, or -errno with err filled. */
int expr_eval(const char *s, const struct expr_env *env, uint64_t *val,
	      struct expr_error *err);

/*
 * "START-END" or "START+LEN" where START, END and LEN are expressions:
 * the first + or - outside parentheses splits them, so arithmetic inside
 * START goes in parentheses: (init_task+0x100)+4K. [*start, *end), end >
 * start. 0, or -errno with err filled.
 */
int expr_eval_range(const char *s, const struct expr_env *env, uint64_t *start,
		    uint64_t *end, struct expr_error *err);

/* The registers expressions know, for messages and completion. */
extern const char *const expr_reg_aliases[][2]; /* {"pc", "rip"}, ... */

#endif
