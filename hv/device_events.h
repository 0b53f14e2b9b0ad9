// The hypervisor's clock for device events: one SystemC method that sleeps until the
// earliest core cycle at which a service's timer or packet falls due, does what is due
// (Hypervisor::run_device_events) and sleeps again. Nothing pending, nothing runs.
//
// The guest looks first: an event due at cycle N runs once every core the guest runs on has
// simulated a quantum past N. A guest that looks at its channel in that quantum (an LDC
// hypercall, or waking from cpu_yield at N) takes the event itself at its own cycle, exactly
// as without this clock; one that does not look gets it anyway, stamped with cycle N, and
// sees the packet (and takes its rx interrupt) at most two quanta (2 us) after N: cores run
// up to a quantum ahead of SystemC time.
#pragma once
#include <cstdint>

#include <systemc>

namespace vfsim::hv {

class Hypervisor;

class DeviceEvents : public sc_core::sc_module {
 public:
  DeviceEvents(sc_core::sc_module_name name, Hypervisor& hv);
  // Something falls due at this core cycle: wake then (or earlier, if already armed so).
  void schedule(uint64_t due) { schedule_ns(due == UINT64_MAX ? -1 : double(due) * cycle_ns_); }
  // Forget the armed wake-up and arm for what is still pending (a guest stopped: its events
  // must not keep the simulation alive).
  void rearm();

 private:
  void fire();
  void schedule_ns(double at_ns);   // < 0: nothing
  double now_ns() const { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
  Hypervisor& hv_;
  double cycle_ns_;
  sc_core::sc_event wake_;
  double armed_ns_ = -1;          // SystemC time of the pending wake-up (< 0: none)
  bool started_ = false;          // the method has run once: the simulation is on
};

}  // namespace vfsim::hv
