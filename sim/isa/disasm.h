// Disassembler driven by the same table as the decoder.
#pragma once
#include <cstdint>
#include <string>

namespace vfsim::isa {
// Text for one instruction word at pc (branch targets are printed as absolute addresses).
std::string disassemble(uint32_t word, uint64_t pc);
}  // namespace vfsim::isa
