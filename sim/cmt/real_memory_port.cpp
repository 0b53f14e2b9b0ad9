#include "sim/cmt/real_memory_port.h"

namespace vfsim::cmt {

using namespace isa;

Translation RealMemoryPort::translate(StrandState&, uint64_t va, Access acc, uint8_t) {
  Translation t;
  uint8_t* p = mem_.page(va);
  if (!p) {
    t.fault = TT_DATA_ACCESS_EXCEPTION;
    return t;
  }
  // The strand may keep this page for stores in its SoftTlb: a dirty log counts it written
  // now (see hv/dirty_log.h for why that is enough).
  if (acc == Access::Write) mem_.note_write(va & ~(PhysicalMemory::kPageSize - 1), PhysicalMemory::kPageSize);
  t.page = p;
  t.pa = va & ~(PhysicalMemory::kPageSize - 1);
  t.page_shift = page_shift;
  return t;
}

}  // namespace vfsim::cmt
