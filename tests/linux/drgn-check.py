# SPDX-License-Identifier: GPL-2.0-only
# Run by tests/linux/check-linux as `drgn -c DUMP -s VMLINUX` this script:
# what a kernel debugger needs from a dump: the release, the task list
# reaching init (pid 1), and jiffies.
from drgn.helpers.linux.pid import for_each_task

release = prog["UTS_RELEASE"].string_().decode()
pids = {int(t.pid): t.comm.string_().decode() for t in for_each_task(prog)}
jiffies = prog["jiffies_64"].value_()
print(f"release {release} tasks {len(pids)} init {pids.get(1)} "
      f"jiffies {jiffies}")
assert 1 in pids and jiffies > 0
