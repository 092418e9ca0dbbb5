// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86-64 register table of regs.h and the target description XML gdb
 * reads through qXfer:features:read (QEMU 7.2's layout plus a sys feature).
 */
#include <pthread.h>
#include <string.h>

#include "sevdbg/regs.h"

const struct reg_desc regs_desc[REGS_NR] = {
	{"rax", 64, "int64", NULL},
	{"rbx", 64, "int64", NULL},
	{"rcx", 64, "int64", NULL},
	{"rdx", 64, "int64", NULL},
	{"rsi", 64, "int64", NULL},
	{"rdi", 64, "int64", NULL},
	{"rbp", 64, "data_ptr", NULL},
	{"rsp", 64, "data_ptr", NULL},
	{"r8", 64, "int64", NULL},
	{"r9", 64, "int64", NULL},
	{"r10", 64, "int64", NULL},
	{"r11", 64, "int64", NULL},
	{"r12", 64, "int64", NULL},
	{"r13", 64, "int64", NULL},
	{"r14", 64, "int64", NULL},
	{"r15", 64, "int64", NULL},
	{"rip", 64, "code_ptr", NULL},
	{"eflags", 32, "x64_eflags", NULL},
	{"cs", 32, "int32", NULL},
	{"ss", 32, "int32", NULL},
	{"ds", 32, "int32", NULL},
	{"es", 32, "int32", NULL},
	{"fs", 32, "int32", NULL},
	{"gs", 32, "int32", NULL},
	{"cs_base", 64, "int64", "system"},
	{"ss_base", 64, "int64", "system"},
	{"ds_base", 64, "int64", "system"},
	{"es_base", 64, "int64", "system"},
	{"fs_base", 64, "int64", "system"},
	{"gs_base", 64, "int64", "system"},
	{"k_gs_base", 64, "int64", "system"},
	{"cr0", 64, "x64_cr0", "system"},
	{"cr2", 64, "int64", "system"},
	{"cr3", 64, "x64_cr3", "system"},
	{"cr4", 64, "x64_cr4", "system"},
	{"cr8", 64, "int64", "system"},
	{"efer", 64, "x64_efer", "system"},
	{"st0", 80, "i387_ext", NULL},
	{"st1", 80, "i387_ext", NULL},
	{"st2", 80, "i387_ext", NULL},
	{"st3", 80, "i387_ext", NULL},
	{"st4", 80, "i387_ext", NULL},
	{"st5", 80, "i387_ext", NULL},
	{"st6", 80, "i387_ext", NULL},
	{"st7", 80, "i387_ext", NULL},
	{"fctrl", 32, "int", "float"},
	{"fstat", 32, "int", "float"},
	{"ftag", 32, "int", "float"},
	{"fiseg", 32, "int", "float"},
	{"fioff", 32, "int", "float"},
	{"foseg", 32, "int", "float"},
	{"fooff", 32, "int", "float"},
	{"fop", 32, "int", "float"},
	{"xmm0", 128, "vec128", NULL},
	{"xmm1", 128, "vec128", NULL},
	{"xmm2", 128, "vec128", NULL},
	{"xmm3", 128, "vec128", NULL},
	{"xmm4", 128, "vec128", NULL},
	{"xmm5", 128, "vec128", NULL},
	{"xmm6", 128, "vec128", NULL},
	{"xmm7", 128, "vec128", NULL},
	{"xmm8", 128, "vec128", NULL},
	{"xmm9", 128, "vec128", NULL},
	{"xmm10", 128, "vec128", NULL},
	{"xmm11", 128, "vec128", NULL},
	{"xmm12", 128, "vec128", NULL},
	{"xmm13", 128, "vec128", NULL},
	{"xmm14", 128, "vec128", NULL},
	{"xmm15", 128, "vec128", NULL},
	{"mxcsr", 32, "x64_mxcsr", "vector"},
};

size_t regs_size(unsigned int nr)
{
	return nr < REGS_NR ? regs_desc[nr].bits / 8 : 0;
}

/* Offsets in the raw file, summed once: regs_get() runs on every page the
 * walker translates, and g/G packets ask for each register in turn. */
static size_t regs_offsets[REGS_NR + 1];
static pthread_once_t regs_offsets_once = PTHREAD_ONCE_INIT;

static void regs_offsets_init(void)
{
	unsigned int i;

	for (i = 0; i < REGS_NR; i++)
		regs_offsets[i + 1] = regs_offsets[i] + regs_size(i);
}

size_t regs_offset(unsigned int nr)
{
	pthread_once(&regs_offsets_once, regs_offsets_init);
	return regs_offsets[nr < REGS_NR ? nr : REGS_NR];
}

/* Registers up to 64 bits; wider ones give their low 64 bits. */
uint64_t regs_get(const struct regs *r, unsigned int nr)
{
	size_t n = regs_size(nr);
	uint64_t v = 0;

	if (n > sizeof(v))
		n = sizeof(v);
	memcpy(&v, r->raw + regs_offset(nr), n); /* x86 hosts: LE */
	return v;
}

void regs_set(struct regs *r, unsigned int nr, uint64_t val)
{
	size_t n = regs_size(nr);

	if (!n)
		return;
	memset(r->raw + regs_offset(nr), 0, n);
	memcpy(r->raw + regs_offset(nr), &val,
	       n < sizeof(val) ? n : sizeof(val));
	r->valid[nr] = 1;
}

/*
 * One self-contained document (no xi:include). Registers carry explicit
 * regnums so the g packet keeps regs.h order although the sys feature
 * (segment bases, control registers) sits after the FPU and SSE ones.
 */
/* clang-format off */
static const char target_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386:x86-64</architecture>\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<flags id=\"x64_eflags\" size=\"4\">\n"
	"<field name=\"\" start=\"22\" end=\"31\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
	"<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"\" start=\"15\" end=\"15\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"IOPL\" start=\"12\" end=\"13\"/>\n"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"\" start=\"5\" end=\"5\"/>\n"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"\" start=\"3\" end=\"3\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	"</flags>\n"
	"<reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>\n"
	"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"x64_eflags\"/>\n"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\" regnum=\"37\"/>\n"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.sse\">\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	"<union id=\"vec128\">\n"
	"<field name=\"v4_float\" type=\"v4f\"/>\n"
	"<field name=\"v2_double\" type=\"v2d\"/>\n"
	"<field name=\"v16_int8\" type=\"v16i8\"/>\n"
	"<field name=\"v8_int16\" type=\"v8i16\"/>\n"
	"<field name=\"v4_int32\" type=\"v4i32\"/>\n"
	"<field name=\"v2_int64\" type=\"v2i64\"/>\n"
	"<field name=\"uint128\" type=\"uint128\"/>\n"
	"</union>\n"
	"<flags id=\"x64_mxcsr\" size=\"4\">\n"
	"<field name=\"IE\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"DE\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"OE\" start=\"3\" end=\"3\"/>\n"
	"<field name=\"UE\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"PE\" start=\"5\" end=\"5\"/>\n"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"IM\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"DM\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"ZM\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"OM\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"UM\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"PM\" start=\"12\" end=\"12\"/>\n"
	"<field name=\"FZ\" start=\"15\" end=\"15\"/>\n"
	"</flags>\n"
	"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"53\"/>\n"
	"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"mxcsr\" bitsize=\"32\" type=\"x64_mxcsr\" group=\"vector\"/>\n"
	"</feature>\n"
	"<feature name=\"org.sevdbg.x86.sys\">\n"
	"<flags id=\"x64_cr0\" size=\"8\">\n"
	"<field name=\"PG\" start=\"31\" end=\"31\"/>\n"
	"<field name=\"CD\" start=\"30\" end=\"30\"/>\n"
	"<field name=\"NW\" start=\"29\" end=\"29\"/>\n"
	"<field name=\"AM\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"WP\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"NE\" start=\"5\" end=\"5\"/>\n"
	"<field name=\"ET\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"TS\" start=\"3\" end=\"3\"/>\n"
	"<field name=\"EM\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"MP\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"PE\" start=\"0\" end=\"0\"/>\n"
	"</flags>\n"
	"<flags id=\"x64_cr3\" size=\"8\">\n"
	"<field name=\"PDBR\" start=\"12\" end=\"63\"/>\n"
	"<field name=\"PCID\" start=\"0\" end=\"11\"/>\n"
	"</flags>\n"
	"<flags id=\"x64_cr4\" size=\"8\">\n"
	"<field name=\"PKE\" start=\"22\" end=\"22\"/>\n"
	"<field name=\"SMAP\" start=\"21\" end=\"21\"/>\n"
	"<field name=\"SMEP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"OSXSAVE\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"PCIDE\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"FSGSBASE\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"SMXE\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"VMXE\" start=\"13\" end=\"13\"/>\n"
	"<field name=\"LA57\" start=\"12\" end=\"12\"/>\n"
	"<field name=\"UMIP\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"OSXMMEXCPT\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"OSFXSR\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"PCE\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"PGE\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"MCE\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"PAE\" start=\"5\" end=\"5\"/>\n"
	"<field name=\"PSE\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"DE\" start=\"3\" end=\"3\"/>\n"
	"<field name=\"TSD\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"PVI\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"VME\" start=\"0\" end=\"0\"/>\n"
	"</flags>\n"
	"<flags id=\"x64_efer\" size=\"8\">\n"
	"<field name=\"TCE\" start=\"15\" end=\"15\"/>\n"
	"<field name=\"FFXSR\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"LMSLE\" start=\"13\" end=\"13\"/>\n"
	"<field name=\"SVME\" start=\"12\" end=\"12\"/>\n"
	"<field name=\"NXE\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"LMA\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"LME\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"SCE\" start=\"0\" end=\"0\"/>\n"
	"</flags>\n"
	"<reg name=\"cs_base\" bitsize=\"64\" type=\"int64\" regnum=\"24\" group=\"system\"/>\n"
	"<reg name=\"ss_base\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"ds_base\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"es_base\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"fs_base\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"gs_base\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"k_gs_base\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"cr0\" bitsize=\"64\" type=\"x64_cr0\" group=\"system\"/>\n"
	"<reg name=\"cr2\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"cr3\" bitsize=\"64\" type=\"x64_cr3\" group=\"system\"/>\n"
	"<reg name=\"cr4\" bitsize=\"64\" type=\"x64_cr4\" group=\"system\"/>\n"
	"<reg name=\"cr8\" bitsize=\"64\" type=\"int64\" group=\"system\"/>\n"
	"<reg name=\"efer\" bitsize=\"64\" type=\"x64_efer\" group=\"system\"/>\n"
	"</feature>\n"
	"</target>\n";
/* clang-format on */

const char *regs_target_xml(void)
{
	return target_xml;
}
