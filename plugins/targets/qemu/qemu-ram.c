// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding a running QEMU's guest RAM: its PID from QMP, the shareable RAM
 * backend (query-memdev), the guest-physical layout (info mtree -f), the fd.
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

/* The first shareable backend; its id and size. */
static int find_backend(struct qmp *q, char *id, size_t idlen, uint64_t *size,
			char *err, size_t errlen)
{
	json_t *devs = NULL, *d;
	size_t i;
	int rc;

	rc = qmp_call(q, "query-memdev", NULL, &devs, err, errlen);
	if (rc)
		return rc;
	rc = -ENOENT;
	json_array_foreach(devs, i, d)
	{
		if (!json_is_true(json_object_get(d, "share")))
			continue;
		snprintf(id, idlen, "%s",
			 json_string_value(json_object_get(d, "id")) ?: "");
		*size = json_integer_value(json_object_get(d, "size"));
		rc = 0;
		break;
	}
	json_decref(devs);
	if (rc)
		snprintf(err, errlen,
			 "QEMU's RAM backend is not shareable: start QEMU with -object memory-backend-memfd,id=ram0,size=...,share=on -machine memory-backend=ram0");
	return rc;
}

/*
 * Parse the "memory" address space of `info mtree -f`: lines like
 *   0000000000100000-0000000007ffffff (prio 0, ram): ram0 @0000000000100000
 * Every range of the backend becomes a region at hva base + offset.
 */
static int parse_mtree(const char *text, const char *id, uint8_t *base,
		       uint64_t bsize, struct ram_map *m)
{
	const char *p = strstr(text, "AS \"memory\"");
	const char *end;
	int rc = 0;

	if (!p)
		return -EPROTO;
	end = strstr(p, "FlatView #");
	while (p && (!end || p < end) && !rc) {
		uint64_t s, e, off = 0;
		char type[16], name[64], label[80];
		const char *at, *nl = strchr(p, '\n');

		if (sscanf(p,
			   " %" SCNx64 "-%" SCNx64 " (prio %*d, %15[^)]): %63s",
			   &s, &e, type, name) == 4 &&
		    !strcmp(type, "ram") && !strcmp(name, id)) {
			at = strstr(p, " @");
			if (at && (!nl || at < nl))
				sscanf(at + 2, "%" SCNx64, &off);
			/* Checked without wrapping: QEMU's text is input. */
			if (e < s || off > bsize || e - s >= bsize - off)
				return -ERANGE;
			snprintf(label, sizeof(label), "%s%s", id,
				 s >= (1ULL << 32) ? "@4G" : "");
			rc = ram_add(m, s, e + 1 - s, base + off, label);
		}
		p = nl ? nl + 1 : NULL;
	}
	return rc ?: (m->nr ? 0 : -ENOENT);
}

/* Is there a shared, writable mapping of inode ino in pid's maps? */
static bool mapped_shared(int pid, ino_t ino)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char perms[8];
		unsigned long long inode;

		if (sscanf(line, "%*x-%*x %7s %*x %*x:%*x %llu", perms,
			   &inode) == 2)
			found = !strcmp(perms, "rw-s") && inode == ino;
	}
	fclose(f);
	return found;
}

/* Open the backend through /proc/PID/fd: right size, mapped rw-s. */
static int open_backend_fd(int pid, uint64_t size, char *err, size_t errlen)
{
	char dir[64], path[64 + 256], link[256];
	struct dirent *de;
	int fd = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen,
			 "cannot list %s: %s (run sevdbg as QEMU's user or root)",
			 dir, strerror(errno));
		return -errno;
	}
	while (fd < 0 && (de = readdir(d))) {
		struct stat st;
		ssize_t n;
		int f;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0 || link[0] != '/' || !strncmp(link, "/dev/", 5))
			continue;
		f = open(path, O_RDWR | O_CLOEXEC);
		if (f < 0)
			continue;
		if (!fstat(f, &st) && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size == size &&
		    mapped_shared(pid, st.st_ino))
			fd = f;
		else
			close(f);
	}
	closedir(d);
	if (fd < 0)
		snprintf(err, errlen,
			 "cannot open QEMU's RAM backend through %s (need ptrace rights over QEMU: run as its user or root, or lower kernel.yama.ptrace_scope)",
			 dir);
	return fd;
}

int qemu_map_ram(struct qmp *q, int pid, struct ram_map *m, void **map,
		 size_t *map_size, char *err, size_t errlen)
{
	char id[64], *mtree = NULL;
	uint64_t size;
	void *base;
	int fd, rc;

	rc = find_backend(q, id, sizeof(id), &size, err, errlen);
	if (rc)
		return rc;
	rc = qmp_hmp(q, "info mtree -f", &mtree, err, errlen);
	if (rc)
		return rc;
	fd = open_backend_fd(pid, size, err, errlen);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		rc = -errno;
		snprintf(err, errlen, "cannot map QEMU's RAM: %s",
			 strerror(-rc));
		goto out;
	}
	rc = parse_mtree(mtree, id, base, size, m);
	if (rc) {
		snprintf(err, errlen,
			 "cannot find where QEMU maps RAM backend '%s' in 'info mtree -f' (use -machine memory-backend=%s)",
			 id, id);
		munmap(base, size);
		ram_free(m);
		goto out;
	}
	*map = base;
	*map_size = size;
out:
	free(mtree);
	return rc;
}
