// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reaching a running QEMU's guest RAM: its PID from QMP, and for each memory
 * backend where QEMU maps it (gpa2hva), the file behind that, and our mapping.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/target.h"

/* The Tgid of a vCPU thread is QEMU's PID (DESIGN.md §3). */
int qemu_find_pid(struct qmp *q, int *pid, int *nr_vcpus, char *err,
		  size_t errlen)
{
	json_t *cpus = NULL, *cpu;
	char path[64], line[128];
	size_t i;
	FILE *f;
	int rc;

	rc = qmp_call(q, "query-cpus-fast", NULL, &cpus, err, errlen);
	if (rc)
		return rc;
	*pid = -1;
	*nr_vcpus = (int)json_array_size(cpus);
	json_array_foreach(cpus, i, cpu)
	{
		json_int_t tid =
			json_integer_value(json_object_get(cpu, "thread-id"));

		if (i || tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%lld/status",
			 (long long)tid);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Tgid: %d", pid) == 1)
				break;
		fclose(f);
	}
	json_decref(cpus);
	if (*pid <= 0) {
		snprintf(err, errlen,
			 "cannot find QEMU's process from its vCPU threads (is QEMU running on this host, in this PID namespace?)");
		return -ESRCH;
	}
	return 0;
}

/* One line of /proc/PID/maps: the mapping that holds an address. */
struct qemu_vma {
	unsigned long long start, end, pgoff, inode;
	unsigned int major, minor;
	char perms[8];
};

static int find_vma(int pid, uint64_t hva, struct qemu_vma *v)
{
	char path[64], line[512];
	int rc = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (rc && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &v->start,
			   &v->end, v->perms, &v->pgoff, &v->major, &v->minor,
			   &v->inode) == 7 &&
		    hva >= v->start && hva < v->end)
			rc = 0;
	}
	fclose(f);
	return rc;
}

/*
 * The file QEMU mapped, opened read-write: an fd of QEMU's on the same
 * inode (memfd, a file on tmpfs or hugetlbfs), else the mapping itself
 * through map_files (an anonymous shared mapping has no fd; root only).
 */
static int open_vma_file(int pid, const struct qemu_vma *v)
{
	char dir[64], path[64 + 256];
	struct dirent *de;
	struct stat st;
	int fd = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (fd < 0 && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) ||
		    st.st_ino != v->inode || major(st.st_dev) != v->major ||
		    minor(st.st_dev) != v->minor)
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	closedir(d);
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", pid,
		 v->start, v->end);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Where QEMU itself maps guest-physical gpa (HMP gpa2hva). */
static int qemu_gpa2hva(struct qmp *q, uint64_t gpa, uint64_t *hva, char *err,
			size_t errlen)
{
	char line[64], *out = NULL;
	const char *p;
	int rc;

	snprintf(line, sizeof(line), "gpa2hva 0x%" PRIx64, gpa);
	rc = qmp_hmp(q, line, &out, err, errlen);
	if (rc)
		return rc;
	p = strstr(out, " is 0x");
	if (p)
		*hva = strtoull(p + 4, NULL, 16);
	else
		snprintf(err, errlen, "QEMU's gpa2hva 0x%" PRIx64 " said: %s",
			 gpa, out);
	free(out);
	return p ? 0 : -EPROTO;
}

int qemu_backend_map(struct qmp *q, int pid, struct qemu_backend *b,
		     uint64_t gpa, uint64_t off, char *err, size_t errlen)
{
	struct qemu_vma v;
	uint64_t hva, base;
	void *map;
	int fd, rc;

	rc = qemu_gpa2hva(q, gpa, &hva, err, errlen);
	if (rc)
		return rc;
	base = hva - off; /* where QEMU maps the backend's first byte */
	rc = hva < off ? -ERANGE : find_vma(pid, base, &v);
	if (rc || base + b->size > v.end) {
		snprintf(err, errlen,
			 "cannot find QEMU's mapping of RAM backend '%s' in /proc/%d/maps (run sevdbg as QEMU's user or root)",
			 b->id, pid);
		return rc ?: -ERANGE;
	}
	if (v.perms[3] != 's')
		return -EPERM; /* private: QEMU did not share it after all */
	fd = open_vma_file(pid, &v);
	if (fd < 0) {
		snprintf(err, errlen,
			 "cannot open QEMU's RAM backend '%s' through /proc/%d (need ptrace rights over QEMU: run as its user or root, or lower kernel.yama.ptrace_scope)",
			 b->id, pid);
		return fd;
	}
	map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)(v.pgoff + (base - v.start)));
	rc = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (rc) {
		snprintf(err, errlen, "cannot map QEMU's RAM backend '%s': %s",
			 b->id, strerror(-rc));
		return rc;
	}
	b->map = map;
	return 0;
}

void qemu_unmap_ram(struct qemu_ram *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (r->be[i].map)
			munmap(r->be[i].map, r->be[i].size);
	free(r->be);
	free(r->devices);
	r->be = NULL;
	r->nr = 0;
	r->devices = NULL;
}
