// Match/mask builders for the declarative instruction tables (insn_table.def, vis_table.def).
#pragma once
#include <cstdint>

namespace vfsim::isa::enc {

constexpr uint32_t OP_MASK = 0xc0000000u;
constexpr uint32_t OP2_MASK = 0xc1c00000u;
constexpr uint32_t OP3_MASK = 0xc1f80000u;
constexpr uint32_t RD_MASK = 0x3e000000u;
constexpr uint32_t RS1_MASK = 0x0007c000u;
constexpr uint32_t I_MASK = 0x00002000u;
constexpr uint32_t X_MASK = 0x00001000u;     // shift: 64-bit form
constexpr uint32_t OPF_MASK = 0x00003fe0u;

constexpr uint32_t op2(unsigned v) { return (0u << 30) | (v << 22); }
constexpr uint32_t arith(unsigned op3) { return (2u << 30) | (op3 << 19); }
constexpr uint32_t mem(unsigned op3) { return (3u << 30) | (op3 << 19); }
constexpr uint32_t rd(unsigned v) { return v << 25; }
constexpr uint32_t rs1(unsigned v) { return v << 14; }
constexpr uint32_t opf(unsigned v) { return v << 5; }

}  // namespace vfsim::isa::enc
