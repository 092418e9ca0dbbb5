// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the expression evaluator (gdbstub/cmd/expr.c): values,
 * precedence, registers, memory, ranges, and where each error points.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "gdbstub/cmd/expr.h"

#define STACK 0x7000

static int fake_symbol(void *arg, const char *name, uint64_t *val, char *why,
		       size_t whylen)
{
	if (!strcmp(name, "init_task")) {
		*val = 0xffffffff82a1aa40ULL;
		return 0;
	}
	if (!strcmp(name, "foo.cold")) {
		*val = 0x1000;
		return 0;
	}
	snprintf(why, whylen, "no symbol `%s`", name);
	return -ENOENT;
}

static int fake_reg(void *arg, const char *name, uint64_t *val, char *why,
		    size_t whylen)
{
	if (!strcmp(name, "rip")) {
		*val = 0xffffffff81000010ULL;
		return 0;
	}
	if (!strcmp(name, "rsp")) {
		*val = STACK;
		return 0;
	}
	if (!strcmp(name, "cr3")) {
		snprintf(why, whylen, "the guest is running");
		return -EBUSY;
	}
	return -ENOENT;
}

/* Memory: the u64 at a is a + 0x100 below 0x8000, else unmapped. */
static int fake_deref(void *arg, uint64_t a, uint64_t *val, char *why,
		      size_t whylen)
{
	int *reads = arg;

	(*reads)++;
	if (a >= 0x8000) {
		snprintf(why, whylen, "not present at level 1 (PT)");
		return -EFAULT;
	}
	*val = a + 0x100;
	return 0;
}

static int reads;
static const struct expr_env env = {
	.arg = &reads,
	.symbol = fake_symbol,
	.reg = fake_reg,
	.deref = fake_deref,
};

static uint64_t eval_ok(const char *s)
{
	struct expr_error e;
	uint64_t v = 0;
	int ret = expr_eval(s, &env, &v, &e);

	if (ret)
		fail_msg("`%s`: %d %s", s, ret, e.msg);
	return v;
}

/* The error of s: its errno, and the underlined token is at pos, len. */
static void eval_err(const char *s, int want, size_t pos, size_t len,
		     const char *msg)
{
	struct expr_error e;
	uint64_t v;
	int ret = expr_eval(s, &env, &v, &e);

	if (ret != want || e.pos != pos || e.len != len || !strstr(e.msg, msg))
		fail_msg("`%s`: got %d at %zu+%zu \"%s\", want %d at %zu+%zu \"%s\"",
			 s, ret, e.pos, e.len, e.msg, want, pos, len, msg);
}

static void test_numbers(void **state)
{
	assert_int_equal(eval_ok("0x1f"), 0x1f);
	assert_int_equal(eval_ok("31"), 31);
	assert_int_equal(eval_ok("017"), 15);
	assert_int_equal(eval_ok("4K"), 4096);
	assert_int_equal(eval_ok("2M"), 2 << 20);
	assert_int_equal(eval_ok("0x10G"), 0x10ULL << 30);
	assert_int_equal(eval_ok("  0x10  "), 0x10);
	assert_int_equal(eval_ok("0xffffffffffffffff"), UINT64_MAX);
}

static void test_arithmetic(void **state)
{
	assert_int_equal(eval_ok("1+2*3"), 7);
	assert_int_equal(eval_ok("(1+2)*3"), 9);
	assert_int_equal(eval_ok("10-2-3"), 5); /* left to right */
	assert_int_equal(eval_ok("100/10/5"), 2);
	assert_int_equal(eval_ok("-8"), (uint64_t)-8);
	assert_int_equal(eval_ok("0x10 - -0x10"), 0x20);
	assert_int_equal(eval_ok("( 1 + 2 ) * ( 3 + 4 )"), 21);
	assert_int_equal(eval_ok("0-1"), UINT64_MAX); /* 64-bit wrap */
}

static void test_names(void **state)
{
	assert_int_equal(eval_ok("init_task"), 0xffffffff82a1aa40ULL);
	assert_int_equal(eval_ok("init_task+0x10"), 0xffffffff82a1aa50ULL);
	assert_int_equal(eval_ok("&init_task"), 0xffffffff82a1aa40ULL);
	assert_int_equal(eval_ok("foo.cold+1"), 0x1001);
	assert_int_equal(eval_ok("$rip"), 0xffffffff81000010ULL);
	assert_int_equal(eval_ok("$pc"), 0xffffffff81000010ULL);
	assert_int_equal(eval_ok("$sp+8"), STACK + 8);
}

static void test_deref(void **state)
{
	reads = 0;
	assert_int_equal(eval_ok("*0x1000"), 0x1100);
	assert_int_equal(eval_ok("*($rsp+8)"), STACK + 8 + 0x100);
	assert_int_equal(eval_ok("**$sp"), STACK + 0x200);
	assert_int_equal(eval_ok("*( $sp + 8 ) + 1"), STACK + 8 + 0x101);
	assert_int_equal(eval_ok("2**$sp"), 2 * (STACK + 0x100)); /* a*(*b) */
	assert_int_equal(reads, 6);
}

static void test_errors(void **state)
{
	eval_err("foo+4", -ENOENT, 0, 3, "no symbol `foo`");
	eval_err("0x10+bar", -ENOENT, 5, 3, "no symbol `bar`");
	eval_err("$rxp", -ENOENT, 0, 4, "no register `$rxp`");
	eval_err("$cr3", -EBUSY, 0, 4, "the guest is running");
	eval_err("(1+2", -EINVAL, 0, 1, "`(` is not closed");
	eval_err("1+2)", -EINVAL, 3, 1, "`)` has no `(`");
	eval_err("8/(4-4)", -EDOM, 2, 5, "division by zero");
	eval_err("*0x9000", -EFAULT, 0, 7, "not present at level 1");
	eval_err("0x1g", -EINVAL, 0, 4, "`0x1g` is not a number");
	eval_err("1 2", -EINVAL, 2, 1, "unexpected `2`");
	eval_err("", -EINVAL, 0, 1, "expected a number");
	eval_err("1+", -EINVAL, 2, 1, "expected a number");
	eval_err("&5", -EINVAL, 0, 1, "`&` takes a symbol");
	eval_err("99999999999999999999", -ERANGE, 0, 20, "64 bits");
	eval_err("0xffffffffffffffffK", -ERANGE, 0, 19, "64 bits");
}

static void test_deep_nesting(void **state)
{
	char s[300];

	memset(s, '(', 200);
	strcpy(s + 200, "1");
	eval_err(s, -E2BIG, 64, 1, "nested too deeply");
	memset(s, '-', 200);
	strcpy(s + 200, "1");
	eval_err(s, -E2BIG, 63, 1, "nested too deeply");
}

static void test_ranges(void **state)
{
	struct expr_error e;
	uint64_t a, b;

	assert_int_equal(expr_eval_range("0x1000-0x2000", &env, &a, &b, &e), 0);
	assert_int_equal(a, 0x1000);
	assert_int_equal(b, 0x2000);
	assert_int_equal(expr_eval_range("0x100000+2M", &env, &a, &b, &e), 0);
	assert_int_equal(b, 0x300000);
	assert_int_equal(expr_eval_range("(init_task+0x100)+4K", &env, &a, &b,
					 &e),
			 0);
	assert_int_equal(a, 0xffffffff82a1ab40ULL);
	assert_int_equal(b - a, 4096);
	assert_int_equal(expr_eval_range("$sp-($sp+16)", &env, &a, &b, &e), 0);
	assert_int_equal(b - a, 16);
	/* Errors point into the whole text. */
	assert_int_equal(expr_eval_range("0x1000-nope", &env, &a, &b, &e),
			 -ENOENT);
	assert_int_equal(e.pos, 7);
	assert_int_equal(e.len, 4);
	assert_int_equal(expr_eval_range("0x2000-0x1000", &env, &a, &b, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "empty range"));
	assert_int_equal(expr_eval_range("0x5000", &env, &a, &b, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "START-END or START+LEN"));
	assert_int_equal(expr_eval_range("-1+0x10", &env, &a, &b, &e), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_deref),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
