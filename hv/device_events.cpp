#include "hv/device_events.h"

#include <cmath>

#include "hv/hypervisor.h"

namespace vfsim::hv {

DeviceEvents::DeviceEvents(sc_core::sc_module_name name, Hypervisor& hv) : sc_module(name), hv_(hv) {
  SC_HAS_PROCESS(DeviceEvents);
  SC_METHOD(fire);   // runs once at start-up: arms for what was scheduled before
  sensitive << wake_;
}

uint64_t DeviceEvents::now_cycles() const {
  // Due cycles become SystemC times rounded to the picosecond; rounding back gives the cycle.
  return uint64_t(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e9 / hv_.machine.plat.cycle_ns()));
}

void DeviceEvents::schedule(uint64_t due) {
  if (!started_ || due == UINT64_MAX || due >= armed_) return;
  armed_ = due;
  double now_ns = sc_core::sc_time_stamp().to_seconds() * 1e9, at_ns = double(due) * hv_.machine.plat.cycle_ns();
  // An earlier notification replaces a later pending one (sc_event keeps the earliest).
  wake_.notify(at_ns > now_ns ? sc_core::sc_time(at_ns - now_ns, sc_core::SC_NS) : sc_core::SC_ZERO_TIME);
}

void DeviceEvents::rearm() {
  if (!started_) return;
  wake_.cancel();
  armed_ = UINT64_MAX;
  schedule(hv_.next_device_event(now_cycles()));
}

void DeviceEvents::fire() {
  started_ = true;
  armed_ = UINT64_MAX;
  uint64_t now = now_cycles();
  hv_.run_device_events(now);
  schedule(hv_.next_device_event(now));
}

}  // namespace vfsim::hv
