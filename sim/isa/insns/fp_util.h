// Shared by FP and VIS semantics.
#pragma once
#include "sim/isa/strand_state.h"

namespace vfsim::isa {
// Record an FPop's exception bits in FSR; returns fp_exception_ieee_754 if one is enabled.
Trap fp_finish(StrandState& s, uint8_t cexc);
}  // namespace vfsim::isa
