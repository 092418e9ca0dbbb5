# qCRC as gdb checks it: compare-sections computes gdb's own CRC of an ELF
# section and asks the stub for the CRC of the same guest memory.
set pagination off
set confirm off
python
import struct
with open("@TMP@/mem.bin", "wb") as f:
    for a in range(0x1000, 0x3000, 8):
        f.write(struct.pack("<Q", 0x5345564400000000 | a))
end
shell objcopy -I binary -O elf64-x86-64 --rename-section .data=.guest,alloc,load,contents --change-section-address .data=0x1000 @TMP@/mem.bin @TMP@/mem.elf
file @TMP@/mem.elf
target remote | @SEVDBG_TEST@ serve --listen stdio test:
set debug remote 1
compare-sections
set debug remote 0
# expect: Sending packet: \$qCRC:1000,2000#
# expect: ^Section \.guest, range 0x1000 -- 0x3000: matched\.
set {char}0x2000 = 0x55
compare-sections
# expect: ^Section \.guest, range 0x1000 -- 0x3000: MIS-MATCHED!
# reject: Remote failure reply
