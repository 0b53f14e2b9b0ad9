// VIS 1 / VIS 2 semantics (see vis_table.def).
#include "sim/isa/insns/common.h"

namespace vfsim::isa {}  // namespace vfsim::isa
