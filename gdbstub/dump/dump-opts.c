// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the dump writer is asked and what it answers: option values (format,
 * codec, dump level) and the result as JSON for scripts and bench/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/dump/kdump-codec.h"

_Static_assert(DUMP_FILTER_KINDS == FILTER_NR,
	       "struct dump_result counts every filter kind");

int dump_parse_format(const char *name, enum dump_format *f)
{
	if (!strcmp(name, "elf"))
		*f = DUMP_FMT_ELF;
	else if (!strcmp(name, "kdump"))
		*f = DUMP_FMT_KDUMP;
	else if (!strcmp(name, "raw"))
		*f = DUMP_FMT_RAW;
	else
		return -EINVAL;
	return 0;
}

int dump_parse_codec(const char *name, enum dump_codec *c)
{
	static const char *const names[] = {"zlib", "lzo", "snappy", "zstd"};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i]))
			continue;
		*c = (enum dump_codec)i;
		return kdump_codec_available(*c) ? 0 : -ENOTSUP;
	}
	return -EINVAL;
}

int dump_parse_filter(const char *s, unsigned int *level)
{
	uint64_t v;

	if (parse_u64(s, 10, &v) || v > DL_MAX)
		return -EINVAL;
	*level = (unsigned int)v;
	return 0;
}

/* The first line is zero and every byte equals the one 64 bytes before it:
 * glibc's vector memcmp then scans the page at cache speed. */
bool dump_page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[64];

	return !memcmp(p, zero, sizeof(zero)) &&
	       !memcmp(p, p + sizeof(zero), PAGE_SIZE - sizeof(zero));
}

static json_t *filter_json(const struct dump_result *res)
{
	static const char *const kinds[DUMP_FILTER_KINDS] = {
		"zero", "cache",    "cache_private", "user",
		"free", "hwpoison", "offline",
	};
	json_t *j = json_object();
	unsigned int i;

	for (i = 0; j && i < DUMP_FILTER_KINDS; i++)
		json_object_set_new(j, kinds[i],
				    json_integer(
					    (json_int_t)res->pages_filtered[i]));
	return j;
}

void dump_result_json(const struct dump_result *res, const char *error,
		      struct strbuf *out)
{
	json_t *j;
	char *txt;

	j = json_pack("{sIsIsIsIsIsIsIsfsf}", "pages_encrypted",
		      (json_int_t)res->pages_encrypted, "pages_shared",
		      (json_int_t)res->pages_shared, "pages_missing",
		      (json_int_t)res->pages_missing, "pages_zero",
		      (json_int_t)res->pages_zero, "bytes",
		      (json_int_t)res->bytes_written, "platform_calls",
		      (json_int_t)res->platform_calls, "decrypt_calls",
		      (json_int_t)res->decrypt_calls, "firmware_seconds",
		      res->firmware_seconds, "seconds", res->seconds);
	if (!j)
		return;
	if (res->pages_dropped || res->vmci_scan_pages) {
		json_object_set_new(j, "pages_dropped",
				    json_integer(
					    (json_int_t)res->pages_dropped));
		json_object_set_new(j, "dropped", filter_json(res));
		json_object_set_new(j, "vmcoreinfo_scan_pages",
				    json_integer(
					    (json_int_t)res->vmci_scan_pages));
	}
	if (error && error[0])
		json_object_set_new(j, "error", json_string(error));
	txt = json_dumps(j, JSON_COMPACT);
	if (txt)
		sb_puts(out, txt);
	free(txt);
	json_decref(j);
}
