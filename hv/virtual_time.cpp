// Per-guest virtual time: a guest's %tick/%stick are the host's core cycles plus its own
// offset, and its time of day follows them, so a guest restored from a snapshot or moved to
// another host sees its clocks continue from where they were (docs/hypervisor.md).
#include <algorithm>
#include <cmath>

#include "hv/hypervisor.h"

namespace vfsim::hv {

uint64_t Hypervisor::host_cycles(const Guest& g) const {
  // A parked core's clock lags until it wakes; SystemC time is never ahead of a running one.
  uint64_t now = uint64_t(now_seconds() * 1e9 / machine.plat.cycle_ns());
  for (const Vcpu& v : g.vcpus) now = std::max(now, machine.core_of(v.strand).cycles);
  return now;
}

void Hypervisor::set_guest_time(Guest& g, uint64_t ticks) {
  g.stick_offset = ticks - host_cycles(g);   // modulo 2^64: setting time back works the same
  for (const Vcpu& v : g.vcpus) {
    cmt::Strand& s = machine.strand(v.strand);
    s.state.stick_offset = g.stick_offset;
    // A compare value that is in the future again must be able to match again.
    if (machine.core_of(v.strand).cycles + g.stick_offset < s.state.stick_cmpr) s.stick_fired = ~0ull;
  }
}

namespace {
// The guest's clock in whole seconds: the platform clock (SystemC time, as tod_get always
// used) moved by the guest's offset, taken as signed so a guest set back keeps a sane TOD.
int64_t guest_seconds(const Hypervisor& hv, const Guest& g) {
  return int64_t(std::floor(hv.now_seconds() + double(int64_t(g.stick_offset)) / double(hv.machine.plat.stick_hz)));
}
}  // namespace

// Modulo 2^64 (unsigned): any TOD a guest sets (tod_set takes all 64 bits) reads back as set,
// and nothing overflows a signed type.
uint64_t Hypervisor::guest_tod(const Guest& g) const {
  return tod_base + uint64_t(guest_seconds(*this, g)) + uint64_t(g.tod_offset);
}

void Hypervisor::set_guest_tod(Guest& g, uint64_t seconds) {
  g.tod_offset = int64_t(seconds - tod_base - uint64_t(guest_seconds(*this, g)));
}

}  // namespace vfsim::hv
