#include "sim/cmt/real_memory_port.h"

namespace vfsim::cmt {

using namespace isa;

Translation RealMemoryPort::translate(StrandState&, uint64_t va, Access, uint8_t) {
  Translation t;
  uint8_t* p = mem_.page(va);
  if (!p) {
    t.fault = TT_DATA_ACCESS_EXCEPTION;
    return t;
  }
  t.page = p;
  return t;
}

}  // namespace vfsim::cmt
