// Dirty-page logs for pre-copy migration: which 8 KB pages of a guest's memory were written
// since the log was last read. Kept per guest (Guest::dirty_log), filled at the physical
// level, because a page of a guest can be written by many hands: its own strands (stores
// of every kind, ASI_REAL, atomics), the hypervisor (queues, fault areas, hypercall results,
// LDC queues and copies), another guest's strands through an ldc_mapin mapping, and the
// virtual I/O servers (ldc_service_copy). All of these reach memory either through
// PhysicalMemory::write, or through a page a MemoryPort translated for a store; both tell
// the PhysicalMemory's WriteObserver, which is this class while any log is on (and nothing
// at all while none is: one null test on slow paths, nothing on the SoftTlb's fast path).
//
// Stores that hit a strand's SoftTlb write entry never come back. So a page counts as
// written when it is translated for a store (the write entry is filled right then), and
// whenever pages are marked clean (start, read-and-clear) the write entries of the guest's
// strands are dropped: the next store to each page misses, is translated and logged
// again. This is the "mark at fill, flush on clean" form of QEMU's TLB_NOTDIRTY; it may
// call a page dirty whose store then did not happen (a fault after translation), never
// the other way round. Pages mapped in from a peer never enter a SoftTlb, so only the
// guest's own strands can hold write entries to its memory.
#pragma once
#include <cstdint>
#include <vector>

#include "hv/guest.h"
#include "sim/cmt/physical_memory.h"

namespace vfsim::hv {

class DirtyLogs : public cmt::PhysicalMemory::WriteObserver {
 public:
  explicit DirtyLogs(cmt::PhysicalMemory& mem) : mem_(mem) {}
  ~DirtyLogs() override;
  DirtyLogs(const DirtyLogs&) = delete;
  DirtyLogs& operator=(const DirtyLogs&) = delete;

  // Start (every page clean), stop (bitmaps freed); both idempotent. The caller drops the
  // guest's SoftTlb write entries (Hypervisor::dirty_log_start).
  void start(Guest& g);
  void stop(Guest& g);
  // Real addresses of the pages written since start or the last call, ascending; they are
  // clean again. Empty when the log is off.
  std::vector<uint64_t> take(Guest& g);

  void written(uint64_t pa, uint64_t len) override;

 private:
  cmt::PhysicalMemory& mem_;
  std::vector<Guest*> logging_;   // the guests whose log is on
};

}  // namespace vfsim::hv
