// Declarations of every instruction's semantic function, generated from the tables.
#pragma once
#include "sim/isa/insn.h"

namespace vfsim::isa {

#define INSN(id, mn, match, mask, fmt, feat, rf) Trap exec_##id(StrandState&, const Insn&);
#include "sim/isa/insn_table.def"
#include "sim/isa/vis_table.def"
#undef INSN

Trap exec_illegal(StrandState&, const Insn&);

}  // namespace vfsim::isa
