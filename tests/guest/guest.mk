# guest.mk - builds tests/guest/guest.elf, the freestanding x86-64 test guest.
# Included by the top-level Makefile; every path is relative to the repo root.

ifeq ($(origin Q),undefined)
  ifeq ($(V),1)
    Q :=
  else
    Q := @
  endif
endif

GUEST_DIR := tests/guest
GUEST_ELF := $(GUEST_DIR)/guest.elf
GUEST_CC ?= gcc
GUEST_OBJS := $(addprefix $(GUEST_DIR)/,boot.o console.o paging.o hc.o smp.o main.o leak.o vmcoreinfo.o)
GUEST_CFLAGS := -g -Og -std=gnu11 -Wall -Wextra $(if $(filter 0,$(WERROR)),,-Werror) \
	-ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mno-sse -mno-mmx -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -nostdlib \
	-Iinclude -I$(GUEST_DIR) -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(GUEST_DIR)/guest.ld \
	-Wl,-z,max-page-size=4096 -Wl,--build-id=none -Wl,-z,noexecstack
GUEST_SAY = $(if $(filter 1,$(V)),@true,@printf '  %-7s %s\n')

$(GUEST_DIR)/%.o: $(GUEST_DIR)/%.c $(GUEST_DIR)/guest.mk
	$(GUEST_SAY) GUESTCC $@
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_DIR)/%.o: $(GUEST_DIR)/%.S $(GUEST_DIR)/guest.mk
	$(GUEST_SAY) GUESTAS $@
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_DIR)/guest.ld
	$(GUEST_SAY) GUESTLD $@
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)

-include $(GUEST_OBJS:.o=.d)

ALL_TARGETS += $(GUEST_ELF)
CLEAN_FILES += $(GUEST_ELF) $(GUEST_OBJS) $(GUEST_OBJS:.o=.d)
CHECK_DEPS += $(GUEST_ELF)
CHECK_SCRIPTS += $(GUEST_DIR)/selftest
