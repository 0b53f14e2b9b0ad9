// SPARC V9 / UA2007 trap types (TT values) used by the instruction set.
#pragma once
#include <cstdint>

namespace vfsim::isa {

using Trap = uint16_t;   // 0 = no trap

inline constexpr Trap TT_NONE = 0x000;
inline constexpr Trap TT_INSTRUCTION_ACCESS_EXCEPTION = 0x008;
inline constexpr Trap TT_ILLEGAL_INSTRUCTION = 0x010;
inline constexpr Trap TT_PRIVILEGED_OPCODE = 0x011;
inline constexpr Trap TT_FP_DISABLED = 0x020;
inline constexpr Trap TT_FP_EXCEPTION_IEEE_754 = 0x021;
inline constexpr Trap TT_FP_EXCEPTION_OTHER = 0x022;
inline constexpr Trap TT_TAG_OVERFLOW = 0x023;
inline constexpr Trap TT_CLEAN_WINDOW = 0x024;
inline constexpr Trap TT_DIVISION_BY_ZERO = 0x028;
inline constexpr Trap TT_DATA_ACCESS_EXCEPTION = 0x030;
inline constexpr Trap TT_MEM_ADDRESS_NOT_ALIGNED = 0x034;
inline constexpr Trap TT_LDDF_MEM_ADDRESS_NOT_ALIGNED = 0x035;
inline constexpr Trap TT_STDF_MEM_ADDRESS_NOT_ALIGNED = 0x036;
inline constexpr Trap TT_PRIVILEGED_ACTION = 0x037;
inline constexpr Trap TT_FAST_INSTRUCTION_ACCESS_MMU_MISS = 0x064;
inline constexpr Trap TT_FAST_DATA_ACCESS_MMU_MISS = 0x068;
inline constexpr Trap TT_FAST_DATA_ACCESS_PROTECTION = 0x06c;
inline constexpr Trap TT_SPILL_0_NORMAL = 0x080;   // + 4 * WSTATE.NORMAL
inline constexpr Trap TT_SPILL_0_OTHER = 0x0a0;    // + 4 * WSTATE.OTHER
inline constexpr Trap TT_FILL_0_NORMAL = 0x0c0;
inline constexpr Trap TT_FILL_0_OTHER = 0x0e0;
inline constexpr Trap TT_TRAP_INSTRUCTION = 0x100; // + software trap number
  // Not a trap: a semantic function returns it after setting next_pc/next_npc (taken
  // branches, annulled delay slots, DONE/RETRY). Keeps the fall-through path free of them.
inline constexpr Trap TT_FLOW = 0xffff;


inline bool is_spill(Trap t) { return t >= 0x080 && t < 0x0c0; }
inline bool is_fill(Trap t) { return t >= 0x0c0 && t < 0x100; }

const char* trap_name(Trap t);

}  // namespace vfsim::isa
