// The hypervisor's clock for device events: one SystemC method that sleeps until the
// earliest core cycle at which a service's timer or packet falls due, does what is due
// then (Hypervisor::run_device_events) and sleeps again. Nothing pending, nothing runs.
//
// Granularity: an event runs when SystemC time reaches its due cycle. Cores run up to a
// quantum (1 us) ahead of SystemC time, so a guest that computes without a hypercall sees
// the packet (and takes its rx interrupt) at its next quantum at the latest; a guest that
// makes an LDC hypercall or wakes from cpu_yield at the due cycle gets it then, as before.
#pragma once
#include <cstdint>

#include <systemc>

namespace vfsim::hv {

class Hypervisor;

class DeviceEvents : public sc_core::sc_module {
 public:
  DeviceEvents(sc_core::sc_module_name name, Hypervisor& hv);
  // Something falls due at this core cycle: wake then (or earlier, if already armed so).
  void schedule(uint64_t due);
  // Forget the armed wake-up and arm for what is still pending (a guest stopped: its events
  // must not keep the simulation alive).
  void rearm();

 private:
  void fire();
  uint64_t now_cycles() const;
  Hypervisor& hv_;
  sc_core::sc_event wake_;
  uint64_t armed_ = UINT64_MAX;   // core cycle the pending wake-up is for
  bool started_ = false;          // the method has run once: the simulation is on
};

}  // namespace vfsim::hv
