// What an OS's trap handlers do for register-window traps, done in C++: spill the oldest
// window to its stack frame, fill the caller's window from its frame, clean a window. Used
// by the user-mode runner (as Linux does it) and the bare-metal harness; the hypervisor
// layer instead delivers these traps to the guest's own handlers.
#pragma once
#include "sim/isa/strand_state.h"

namespace vfsim::isa {

// Each returns TT_NONE, or the memory trap that stopped it (state then unchanged).
// A 64-bit frame (odd %sp) is at %sp+2047; an even %sp means a 32-bit frame.
Trap spill_window_to_stack(StrandState& s);   // then SAVED
Trap fill_window_from_stack(StrandState& s);  // then RESTORED
void clean_window(StrandState& s);            // zero the next window's locals and outs
// Stack address the last spill/fill used (for error messages).
uint64_t window_trap_stack(const StrandState& s, bool spill);

}  // namespace vfsim::isa
