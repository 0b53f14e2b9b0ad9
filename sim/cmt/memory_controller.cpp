#include "sim/cmt/memory_controller.h"

#include <algorithm>

namespace vfsim::cmt {

MemoryController::MemoryController(const platform::Platform& p, unsigned ring, double lag)
    : northbound(ring, 1, lag), southbound(ring, 1, lag) {
  const platform::Dram& d = p.dram;
  double frame_ns = 12.0 / d.lane_gbps;   // 12 bit times per frame
  unsigned ch = std::max(1u, d.channels_per_mcu), line = p.l2.line_bytes;
  read_line_ns_ = double(line) / (16.0 * ch) * frame_ns;   // 16 data bytes per northbound frame
  write_line_ns_ = double(line) / (8.0 * ch) * frame_ns;   // 8 per southbound frame
  command_ns_ = frame_ns / 3;                               // 3 commands share a frame
  dram_ns_ = d.t_rcd_ns + d.t_cl_ns;
  t_rc_ns_ = d.t_rc_ns;
  bank_shift_ = d.bank_shift;
  nbanks_ = std::max(1u, d.dimms_per_channel * d.ranks_per_dimm * d.banks_per_rank);
  banks.assign(nbanks_, Occupancy(ring, 1, lag));
  double fixed = p.lat.local_memory_ns - d.chip_request_ns - d.chip_return_ns - command_ns_ - dram_ns_ - read_line_ns_;
  fbdimm_ns_ = std::max(0.0, fixed);
}

unsigned MemoryController::bank_of(uint64_t pa) const {
  uint64_t x = pa >> bank_shift_;
  return unsigned((x ^ (x >> 8) ^ (x >> 16)) % nbanks_);   // row bits folded in: strides spread
}

double MemoryController::read(double now, uint64_t pa) {
  ++reads;
  // The read command rides a southbound frame beside any write data (a frame carries a
  // command and 8 write bytes, or 3 commands), so writes do not hold it up: only its time.
  double at_bank = now + command_ns_ + fbdimm_ns_ / 2;
  double act = banks[bank_of(pa)].reserve_queued(at_bank, t_rc_ns_);
  if (act > at_bank) ++bank_waits;
  double data = northbound.reserve_queued(act + dram_ns_, read_line_ns_);
  return data + read_line_ns_ + fbdimm_ns_ / 2;
}

double MemoryController::write(double now, uint64_t pa) {
  ++writes;
  double sent = southbound.reserve_queued(now, write_line_ns_) + write_line_ns_ + fbdimm_ns_ / 2;
  double act = banks[bank_of(pa)].reserve_queued(sent, t_rc_ns_);
  if (act > sent) ++bank_waits;
  return act + t_rc_ns_;
}

}  // namespace vfsim::cmt
