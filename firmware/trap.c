/* The end of trap_unexpected: a report of the trap, then mach_exit(1). Runs at TL=0 on
 * the fatal stack; the trap state was saved into the vCPU's struct by the assembly. */
#include "console.h"
#include "format.h"
#include "percpu.h"
#include "sun4v.h"

static const char *fixed_name(uint64_t tt) {
  switch (tt) {
    case 0x001: return "power_on_reset";
    case 0x008: return "instruction_access_exception";
    case 0x010: return "illegal_instruction";
    case 0x011: return "privileged_opcode";
    case 0x020: return "fp_disabled";
    case 0x021: return "fp_exception_ieee_754";
    case 0x022: return "fp_exception_other";
    case 0x028: return "division_by_zero";
    case 0x030: return "data_access_exception";
    case 0x034: return "mem_address_not_aligned";
    case 0x035: return "lddf_mem_address_not_aligned";
    case 0x036: return "stdf_mem_address_not_aligned";
    case 0x037: return "privileged_action";
    case 0x064: return "fast_instruction_access_MMU_miss";
    case 0x068: return "fast_data_access_MMU_miss";
    case 0x06c: return "fast_data_access_protection";
    case 0x07c: return "cpu_mondo";
    case 0x07d: return "dev_mondo";
    case 0x07e: return "resumable_error";
    case 0x07f: return "nonresumable_error";
    default: return "?";
  }
}

/* names for the numbered families, e.g. spill_2_other, interrupt_level_9, ta 0x10 */
static const char *trap_name(uint64_t tt, char *buf, size_t size) {
  static const char *const window[] = {"spill_%lu_normal", "spill_%lu_other", "fill_%lu_normal",
                                       "fill_%lu_other"};
  if (tt >= 0x41 && tt <= 0x4f) fmt_format(buf, size, "interrupt_level_%lu", tt - 0x40);
  else if (tt >= 0x80 && tt < 0x100) fmt_format(buf, size, window[(tt - 0x80) >> 5], (tt >> 2) & 7);
  else if (tt >= 0x100 && tt < 0x180) fmt_format(buf, size, "trap_instruction (ta 0x%lx)", tt - 0x100);
  else return fixed_name(tt);
  return buf;
}

static int is_mmu_trap(uint64_t tt) {
  return tt == TT_INSTRUCTION_ACCESS_EXCEPTION || tt == TT_DATA_ACCESS_EXCEPTION ||
         tt == TT_MEM_ADDRESS_NOT_ALIGNED || tt == TT_FAST_INSTRUCTION_MMU_MISS ||
         tt == TT_FAST_DATA_MMU_MISS || tt == TT_FAST_DATA_PROTECTION;
}

void trap_fatal(struct cpu *c) __attribute__((noreturn));
void trap_fatal(struct cpu *c) {
  unsigned tl = c->trap_tl >= 2 ? 2 : 1, i = tl - 1;
  char name[40];
  printf("vfsim-runtime: unexpected trap 0x%03lx %s at tl %u on vcpu %lu: tpc 0x%lx tnpc 0x%lx tstate 0x%lx\n",
         c->trap_tt[i], trap_name(c->trap_tt[i], name, sizeof name), tl, c->id, c->trap_tpc[i],
         c->trap_tnpc[i], c->trap_tstate[i]);
  if (tl == 2)
    printf("vfsim-runtime:   while handling trap 0x%03lx %s from tpc 0x%lx\n", c->trap_tt[0],
           trap_name(c->trap_tt[0], name, sizeof name), c->trap_tpc[0]);
  if (is_mmu_trap(c->trap_tt[i]) || (tl == 2 && is_mmu_trap(c->trap_tt[0]))) {
    const uint64_t *f = c->fault_area;
    printf("vfsim-runtime:   fault area: d-side type %lu addr 0x%lx ctx %lu, i-side type %lu addr 0x%lx ctx %lu\n",
           f[FAULT_D_TYPE / 8], f[FAULT_D_ADDR / 8], f[FAULT_D_CTX / 8], f[FAULT_I_TYPE / 8],
           f[FAULT_I_ADDR / 8], f[FAULT_I_CTX / 8]);
  }
  fw_exit(1);
}
