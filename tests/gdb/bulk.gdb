# Bulk transfers at full packet size: `restore` writes with X packets
# (binary, escaped; gdb probes X support first) and `dump memory` reads with m, across encrypted and
# shared pages; the bytes must survive the round trip.
set pagination off
set confirm off
python
import os
with open("@TMP@/data.in", "wb") as f:
    f.write(os.urandom(300000))
end
target remote | @SEVDBG_TEST@ serve --listen stdio test:
restore @TMP@/data.in binary 0x20000
dump binary memory @TMP@/data.out 0x20000 0x693e0
shell cmp @TMP@/data.in @TMP@/data.out && echo round trip equal
# expect: ^round trip equal
# reject: differ
detach
# reject: Remote failure reply
