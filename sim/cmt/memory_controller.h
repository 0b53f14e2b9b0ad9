// One memory controller (MCU) with its lockstep pair of FB-DIMM channels and their DDR2 banks
// (sim/platform/platform.h Dram for the numbers and their sources). Reads and writes travel
// on separate links, as FB-DIMM does: read data northbound, commands and write data
// southbound, so write-backs take the southbound link's 5.33 GB/s without stopping reads,
// but they do hold DRAM banks that reads then wait for. Every access opens a row (closed
// page) and holds its bank for a row cycle, so latency rises with load long before the
// channels' bandwidth is used up: two requests to one bank within 60 ns queue.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/cmt/occupancy.h"
#include "sim/platform/platform.h"

namespace vfsim::cmt {

class MemoryController {
 public:
  MemoryController(const platform::Platform& p, unsigned ring, double lag_ns);
  // A line read whose command reaches the MCU at now_ns: when its data has left the MCU.
  double read(double now_ns, uint64_t pa);
  // A posted line write (an L2 write-back) reaching the MCU at now_ns: when it is done.
  double write(double now_ns, uint64_t pa);
  // An idle read's time in the MCU (command, FB-DIMM path, DRAM, data frames): the part of
  // the idle memory latency that is not fixed pipeline.
  double idle_read_ns() const { return command_ns_ + fbdimm_ns_ + dram_ns_ + read_line_ns_; }
  double read_line_ns() const { return read_line_ns_; }
  double write_line_ns() const { return write_line_ns_; }

  Occupancy northbound, southbound;
  std::vector<Occupancy> banks;
  uint64_t reads = 0, writes = 0, bank_waits = 0;   // bank_waits: accesses that found their bank busy

 private:
  friend struct MachineState;
  unsigned bank_of(uint64_t pa) const;
  double command_ns_, read_line_ns_, write_line_ns_, dram_ns_, t_rc_ns_, fbdimm_ns_;
  unsigned bank_shift_, nbanks_;
};

}  // namespace vfsim::cmt
