// Human-readable names of trap types (messages, traces, docs).
#include "sim/isa/traps.h"

namespace vfsim::isa {

const char* trap_name(Trap t) {
  switch (t) {
    case TT_INSTRUCTION_ACCESS_EXCEPTION: return "instruction_access_exception";
    case TT_ILLEGAL_INSTRUCTION: return "illegal_instruction";
    case TT_PRIVILEGED_OPCODE: return "privileged_opcode";
    case TT_FP_DISABLED: return "fp_disabled";
    case TT_FP_EXCEPTION_IEEE_754: return "fp_exception_ieee_754";
    case TT_FP_EXCEPTION_OTHER: return "fp_exception_other";
    case TT_TAG_OVERFLOW: return "tag_overflow";
    case TT_CLEAN_WINDOW: return "clean_window";
    case TT_DIVISION_BY_ZERO: return "division_by_zero";
    case TT_DATA_ACCESS_EXCEPTION: return "data_access_exception";
    case TT_MEM_ADDRESS_NOT_ALIGNED: return "mem_address_not_aligned";
    case TT_LDDF_MEM_ADDRESS_NOT_ALIGNED: return "LDDF_mem_address_not_aligned";
    case TT_STDF_MEM_ADDRESS_NOT_ALIGNED: return "STDF_mem_address_not_aligned";
    case TT_PRIVILEGED_ACTION: return "privileged_action";
    case TT_FAST_INSTRUCTION_ACCESS_MMU_MISS: return "fast_instruction_access_MMU_miss";
    case TT_FAST_DATA_ACCESS_MMU_MISS: return "fast_data_access_MMU_miss";
    case TT_FAST_DATA_ACCESS_PROTECTION: return "fast_data_access_protection";
    default: break;
  }
  if (is_spill(t)) return t >= TT_SPILL_0_OTHER ? "spill_n_other" : "spill_n_normal";
  if (is_fill(t)) return t >= TT_FILL_0_OTHER ? "fill_n_other" : "fill_n_normal";
  if (t >= TT_TRAP_INSTRUCTION && t < 0x200) return "trap_instruction";
  return "unknown_trap";
}

}  // namespace vfsim::isa
