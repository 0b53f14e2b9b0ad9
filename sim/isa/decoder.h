// Decoder built from the declarative tables (insn_table.def + vis_table.def).
#pragma once
#include <cstdint>
#include <vector>

#include "sim/isa/insn.h"

namespace vfsim::isa {

// The matching table entry for a word, or nullptr for an illegal instruction.
const InsnSpec* lookup(uint32_t word);
// Fill a predecoded instruction (handler, fields, immediates).
void decode(uint32_t word, Insn& out);
// Every table entry, in table order (for tests, docs and the disassembler).
const std::vector<InsnSpec>& all_specs();

}  // namespace vfsim::isa
