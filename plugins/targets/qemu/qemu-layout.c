// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-physical layout of a running QEMU's RAM: every memory backend
 * (NUMA nodes, DIMMs, the below/above-4G split) from QMP, and hot-plug.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/ram.h"

/* A piece of a backend in the flat view: [gpa, gpa+size) is be at off. */
struct layout_range {
	uint64_t gpa, size, off;
	size_t be;
};

struct layout {
	struct layout_range *rg;
	size_t nr;
};

/* Every memory backend QEMU has, shareable or not (query-memdev). */
static int layout_memdevs(struct qmp *q, struct qemu_ram *r, char *err,
			  size_t errlen)
{
	json_t *devs = NULL, *d;
	size_t i;
	int rc;

	rc = qmp_call(q, "query-memdev", NULL, &devs, err, errlen);
	if (rc)
		return rc;
	r->nr = 0;
	r->be = calloc(json_array_size(devs) + 1, sizeof(*r->be));
	if (!r->be) {
		json_decref(devs);
		return -ENOMEM;
	}
	json_array_foreach(devs, i, d)
	{
		struct qemu_backend *b = &r->be[r->nr++];

		snprintf(b->id, sizeof(b->id), "%s",
			 json_string_value(json_object_get(d, "id")) ?: "");
		b->size = json_integer_value(json_object_get(d, "size"));
		b->share = json_is_true(json_object_get(d, "share"));
	}
	json_decref(devs);
	return 0;
}

static int backend_by_id(const struct qemu_ram *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (r->be[i].id[0] && !strcmp(r->be[i].id, id))
			return (int)i;
	return -1;
}

/* "ram" and "rom" (RAM the chipset made read-only, PAM) hold RAM bytes. */
static bool ram_type(const char *type)
{
	return (!strncmp(type, "ram", 3) || !strncmp(type, "rom", 3)) &&
	       (!type[3] || type[3] == ',');
}

static int layout_add(struct layout *l, uint64_t gpa, uint64_t size,
		      uint64_t off, size_t be)
{
	struct layout_range *prev = l->nr ? &l->rg[l->nr - 1] : NULL, *n;

	/* PAM splits low RAM into ram/rom pieces of one contiguous run. */
	if (prev && prev->be == be && prev->gpa + prev->size == gpa &&
	    prev->off + prev->size == off) {
		prev->size += size;
		return 0;
	}
	n = realloc(l->rg, (l->nr + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	l->rg = n;
	l->rg[l->nr++] = (struct layout_range){gpa, size, off, be};
	return 0;
}

/*
 * The "memory" address space of `info mtree -f`, lines like
 *   0000000000100000-0000000007ffffff (prio 0, ram): m0 @0000000000100000
 * Ranges of a memory backend (named by its id) become layout ranges; other
 * RAM (option ROMs, VGA) is not guest RAM sevdbg serves.
 */
static int layout_parse(const char *text, const struct qemu_ram *r,
			struct layout *l)
{
	const char *p = strstr(text, "AS \"memory\"");
	const char *end, *at, *nl;
	int rc = 0, be;

	if (!p)
		return -EPROTO;
	end = strstr(p, "FlatView #");
	for (; p && (!end || p < end) && !rc; p = nl ? nl + 1 : NULL) {
		uint64_t s, e, off = 0;
		char type[16], name[64];

		nl = strchr(p, '\n');
		if (sscanf(p,
			   " %" SCNx64 "-%" SCNx64 " (prio %*d, %15[^)]): %63s",
			   &s, &e, type, name) != 4 ||
		    !ram_type(type) || (be = backend_by_id(r, name)) < 0)
			continue;
		at = strstr(p, " @");
		if (at && (!nl || at < nl))
			sscanf(at + 2, "%" SCNx64, &off);
		/* Checked without wrapping: QEMU's text is input. */
		if (e < s || off > r->be[be].size ||
		    e - s >= r->be[be].size - off ||
		    (s | (e + 1) | off) & ~PAGE_MASK)
			return -ERANGE;
		rc = layout_add(l, s, e + 1 - s, off, (size_t)be);
	}
	return rc;
}

/* A qom-get string property into buf ("" when QEMU has none). */
static void qom_get_str(struct qmp *q, const char *path, const char *prop,
			char *buf, size_t len)
{
	json_t *args = json_pack("{s:s, s:s}", "path", path, "property", prop);
	json_t *ret = NULL;
	char err[128];

	buf[0] = '\0';
	if (args && !qmp_call(q, "qom-get", args, &ret, err, sizeof(err)))
		snprintf(buf, len, "%s", json_string_value(ret) ?: "");
	json_decref(ret);
}

/* "128M" for a size QEMU's -object size= takes. */
static void size_str(uint64_t size, char *buf, size_t len)
{
	if (!(size & ((1ULL << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 "G", size >> 30);
	else if (!(size & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 "M", size >> 20);
	else
		snprintf(buf, len, "%" PRIu64, size);
}

/*
 * The domain XML that makes a libvirt backend shareable. libvirt names a
 * NUMA cell's backend ram-nodeN, a DIMM's memdimmN, plain RAM pc.ram.
 */
static void layout_fix_xml(const char *id, const char *type,
			   const char *mem_path, char *buf, size_t len)
{
	if (!strncmp(id, "memdimm", 7) || !strncmp(id, "memnvdimm", 9))
		snprintf(buf, len,
			 "give the domain's <memory model='dimm'> device of backend '%s' access='shared' (<memory model='dimm' access='shared'>) and plug it again",
			 id);
	else if (!strcmp(type, "memory-backend-file") &&
		 strstr(mem_path, "hugepages"))
		snprintf(buf, len,
			 "add <access mode='shared'/> to the domain's <memoryBacking> (beside its <hugepages/>; virsh edit) and restart the domain");
	else
		snprintf(buf, len,
			 "add <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking> to the domain's XML (virsh edit) and restart the domain");
}

/* What makes backend b shareable: QEMU options, or libvirt domain XML. */
static void layout_fix(struct qmp *q, const struct qemu_ram *r,
		       const struct qemu_backend *b, char *buf, size_t len)
{
	char path[96], type[64], mem_path[128], link[96], sz[32];

	snprintf(path, sizeof(path), "/objects/%s", b->id);
	qom_get_str(q, path, "type", type, sizeof(type));
	qom_get_str(q, "/machine", "memory-backend", link, sizeof(link));
	qom_get_str(q, path, "mem-path", mem_path, sizeof(mem_path));
	size_str(b->size, sz, sizeof(sz));
	if (r->libvirt)
		layout_fix_xml(b->id, type, mem_path, buf, len);
	else if (!strcmp(type, "memory-backend-file"))
		snprintf(buf, len,
			 "start QEMU with -object memory-backend-file,id=%s,size=%s,mem-path=%s,share=on",
			 b->id, sz, mem_path);
	else
		snprintf(buf, len,
			 "start QEMU with -object memory-backend-memfd,id=%s,size=%s,share=on%s%s",
			 b->id, sz,
			 strcmp(link, path) ? "" : " -machine memory-backend=",
			 strcmp(link, path) ? "" : b->id);
}

/* "0x8000000-0xfffffff" (and how many more ranges) of backend be. */
static void layout_where(const struct layout *l, size_t be, char *buf,
			 size_t len)
{
	size_t i, n = 0;
	int k = 0;

	buf[0] = '\0';
	for (i = 0; i < l->nr; i++) {
		if (l->rg[i].be != be)
			continue;
		if (!n++)
			k = snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64,
				     l->rg[i].gpa,
				     l->rg[i].gpa + l->rg[i].size - 1);
	}
	if (n > 1 && k > 0 && (size_t)k < len)
		snprintf(buf + k, len - (size_t)k, " and %zu more range%s",
			 n - 1, n > 2 ? "s" : "");
}

/*
 * A backend QEMU keeps private: refuse, naming it, where the guest has it
 * and the option that fixes it; with --allow-partial say what is left out.
 */
static int layout_unshared(struct qmp *q, const struct qemu_ram *r,
			   const struct layout *l, size_t be, char *err,
			   size_t errlen)
{
	char where[96], fix[320];

	layout_where(l, be, where, sizeof(where));
	layout_fix(q, r, &r->be[be], fix, sizeof(fix));
	if (r->allow_partial) {
		pr_warn("RAM backend '%s' (guest-physical %s) is not shareable: reads there fail; to read it, %s",
			r->be[be].id, where, fix);
		return 0;
	}
	snprintf(err, errlen,
		 "QEMU's RAM backend '%s' (guest-physical %s) is not shareable: %s, or pass --allow-partial to debug the rest",
		 r->be[be].id, where, fix);
	return -EPERM;
}

/* "m0", or "pc.ram@4G" for the part of a split backend above 4 GiB. */
static void layout_name(const struct layout *l, size_t i, const char *id,
			char *buf, size_t len)
{
	bool low = false;
	const char *sfx;
	size_t j;

	for (j = 0; j < l->nr; j++)
		low |= l->rg[j].be == l->rg[i].be &&
		       l->rg[j].gpa < (1ULL << 32);
	sfx = low && l->rg[i].gpa >= (1ULL << 32) ? "@4G" : "";

	/* A long id loses its tail, never the suffix. */
	snprintf(buf, len, "%.*s%s", (int)(len - 1 - strlen(sfx)), id, sfx);
}

/* Map each backend the guest sees (once), then one region per range. */
static int layout_build(struct qmp *q, int pid, struct qemu_ram *r,
			const struct layout *l, struct ram_map *m, char *err,
			size_t errlen)
{
	const struct layout_range *g;
	struct qemu_backend *b;
	char name[sizeof(m->regions->name)];
	size_t i;
	int rc = 0;

	for (i = 0; i < l->nr && !rc; i++) {
		g = &l->rg[i];
		b = &r->be[g->be];
		if (b->share && !b->map && !b->private) {
			rc = qemu_backend_map(q, pid, b, g->gpa, g->off, err,
					      errlen);
			b->private = rc == -EPERM;
			if (b->private)
				rc = 0;
		}
		if (!rc && !b->map && !b->reported) {
			b->reported = true;
			rc = layout_unshared(q, r, l, g->be, err, errlen);
		}
		if (rc)
			break;
		layout_name(l, i, b->id, name, sizeof(name));
		rc = b->map ? ram_add(m, g->gpa, g->size, b->map + g->off, name)
			    : ram_add_unreachable(m, g->gpa, g->size, name);
		if (rc)
			snprintf(err, errlen,
				 "QEMU's RAM layout does not add up: backend '%s' at 0x%" PRIx64
				 " (0x%" PRIx64 " bytes): %s",
				 b->id, g->gpa, g->size, strerror(-rc));
	}
	return rc;
}

/* query-memory-devices as text: what a hot-plug or unplug changes. */
static int layout_devices(struct qmp *q, char **out, char *err, size_t errlen)
{
	json_t *ret = NULL;
	int rc;

	rc = qmp_call(q, "query-memory-devices", NULL, &ret, err, errlen);
	if (rc)
		return rc;
	*out = json_dumps(ret, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(ret);
	return *out ? 0 : -ENOMEM;
}

/* Can memory come and go (-m ...,slots=N)? Then note what is plugged. */
static int layout_hotplug(struct qmp *q, struct qemu_ram *r, char *err,
			  size_t errlen)
{
	json_t *args = json_pack("{s:s, s:s}", "path", "/machine", "property",
				 "memory");
	json_t *ret = NULL;
	int rc;

	if (!args)
		return -ENOMEM;
	rc = qmp_call(q, "qom-get", args, &ret, err, errlen);
	if (rc == -EREMOTEIO) { /* a QEMU without the property: no slots */
		pr_debug("qemu: no hot-plug slots known: %s", err);
		return 0;
	}
	if (rc)
		return rc;
	r->hotplug = json_integer_value(json_object_get(ret, "slots")) > 0;
	json_decref(ret);
	return r->hotplug ? layout_devices(q, &r->devices, err, errlen) : 0;
}

int qemu_map_ram(struct qmp *q, int pid, struct qemu_ram *r, struct ram_map *m,
		 char *err, size_t errlen)
{
	struct layout l = {0};
	char *mtree = NULL;
	int rc;

	rc = layout_memdevs(q, r, err, errlen)
		     ?: qmp_hmp(q, "info mtree -f", &mtree, err, errlen);
	if (rc)
		goto out;
	rc = layout_parse(mtree, r, &l);
	if (!rc && !l.nr)
		rc = -ENOENT;
	if (rc) {
		snprintf(err, errlen,
			 "cannot find QEMU's RAM backends in 'info mtree -f' (give QEMU its RAM as -object memory-backend-memfd,id=ram0,size=...,share=on -machine memory-backend=ram0)");
		goto out;
	}
	rc = layout_build(q, pid, r, &l, m, err, errlen)
		     ?: layout_hotplug(q, r, err, errlen);
out:
	if (rc) {
		ram_free(m);
		qemu_unmap_ram(r);
	}
	free(l.rg);
	free(mtree);
	return rc;
}

int qemu_follow_ram(struct qmp *q, int pid, struct qemu_ram *r,
		    struct ram_map *m, char *err, size_t errlen)
{
	/* A backend plugged unshared is left out with a warning: the
	 * session is open already, refusing it now would help nobody. */
	struct qemu_ram nr = {.allow_partial = true}, old;
	struct ram_map nm = {0};
	char *dev = NULL;
	int rc;

	if (!r->hotplug)
		return 0;
	rc = layout_devices(q, &dev, err, errlen);
	if (rc)
		return rc;
	if (r->devices && !strcmp(dev, r->devices)) {
		free(dev);
		return 0;
	}
	free(dev);
	rc = qemu_map_ram(q, pid, &nr, &nm, err, errlen);
	if (rc)
		return rc;
	nr.allow_partial = r->allow_partial;
	ram_replace(m, &nm);
	old = *r;
	*r = nr;
	qemu_unmap_ram(&old);
	return 1;
}
