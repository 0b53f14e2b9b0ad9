#include "hv/device_events.h"

#include <algorithm>
#include <cmath>

#include "hv/hypervisor.h"

namespace vfsim::hv {

DeviceEvents::DeviceEvents(sc_core::sc_module_name name, Hypervisor& hv)
    : sc_module(name), hv_(hv), cycle_ns_(hv.machine.plat.cycle_ns()) {
  SC_HAS_PROCESS(DeviceEvents);
  SC_METHOD(fire);   // runs once at start-up: arms for what was scheduled before
  sensitive << wake_;
}

void DeviceEvents::schedule_ns(double at_ns) {
  if (!started_ || at_ns < 0 || (armed_ns_ >= 0 && at_ns >= armed_ns_)) return;
  armed_ns_ = at_ns;
  double now = now_ns();
  // An earlier notification replaces a later pending one (sc_event keeps the earliest).
  wake_.notify(at_ns > now ? sc_core::sc_time(at_ns - now, sc_core::SC_NS) : sc_core::SC_ZERO_TIME);
}

void DeviceEvents::rearm() {
  if (!started_) return;
  wake_.cancel();
  armed_ns_ = -1;
  schedule(hv_.next_device_event(uint64_t(std::llround(now_ns() / cycle_ns_))));
}

void DeviceEvents::fire() {
  started_ = true;
  armed_ns_ = -1;
  // Due cycles became SystemC times rounded to the picosecond; rounding back gives the cycle.
  const uint64_t now = uint64_t(std::llround(now_ns() / cycle_ns_)), quantum = hv_.machine.quantum_cycles;
  for (auto& gp : hv_.guests) {
    Guest& g = *gp;
    // Every instruction the guest runs before `settled` has run (its slowest running core).
    uint64_t settled = UINT64_MAX;
    for (const Vcpu& v : g.vcpus)
      if (v.runs()) settled = std::min(settled, hv_.machine.core_of(v.strand).cycles);
    if (settled == UINT64_MAX) continue;   // a stopped guest's events wait for it
    hv_.run_device_events(g, std::min(now, settled > quantum ? settled - quantum : 0));
    // Due, but the guest has not had its quantum yet: look again once its slowest core has
    // run its next quantum, which starts at SystemC time `settled` (a picosecond after it).
    uint64_t next = hv_.next_device_event(g, std::min(now, settled > quantum ? settled - quantum : 0));
    if (next <= now) schedule_ns(std::max(double(settled) * cycle_ns_, now_ns()) + 0.001);
  }
  schedule(hv_.next_device_event(now));
}

}  // namespace vfsim::hv
