// vfctl's commands (the host's side: SP power, the control domain's reboot, consoles, the
// simulated clock, mkfile, checksums, snapshots) and ldmd's handler of one request, which
// sends ldm's words to the Manager and vfctl's here. What vfctl needs of the running machine
// beyond the manager is a VfctlMachine: ldmd's is the hypervisor and SystemC's clock; the
// fuzz target (tests/fuzz/fuzz_ldm_request.cpp) runs the same parsing on a fake one.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ldm/manager.h"
#include "ldm/stats_sample.h"

namespace vfsim::ldm {

// A simulated duration as typed ("10ms"): kept in its unit, so that 10ms is exactly 10 ms.
struct Duration {
  enum class Unit { Ns, Us, Ms, S, Min } unit = Unit::S;
  double value = 0;
};
// At most this much simulated time per `vfctl clock advance`: 1e300s used to overflow
// SystemC's clock and hang ldmd (an hour is already days of host time with busy guests).
constexpr double kMaxAdvanceSeconds = 3600;
// "10ms", "2s", "500us", "1m"; nan, negative and over an hour are refused (false).
bool parse_duration(const std::string& s, Duration& d);

struct VfctlMachine {
  virtual ~VfctlMachine() = default;
  virtual bool bound(const std::string& domain) = 0;   // a guest on the hypervisor
  // The domain's console output from byte `from` (what it wrote last stays after it goes).
  virtual std::string console_read(const std::string& domain, uint64_t from) = 0;
  virtual void console_type(const std::string& domain, const std::string& text) = 0;   // bound only
  virtual void advance(const Duration& d) = 0;   // runs simulated time
  virtual std::string time_stamp() = 0;          // simulated time, as printed
  // A bound guest's %stick and time of day; its memory's checksum (pages: non-zero ones).
  virtual void guest_clock(const std::string& domain, uint64_t& stick, uint64_t& tod) = 0;
  virtual uint32_t memory_checksum(const std::string& domain, uint64_t& pages) = 0;
  virtual const std::string& service_root() const = 0;   // ldmd --service-root ("" = host paths)
  // Writes the whole host to the absolute path `file`; returns the line vfctl prints. Throws.
  virtual std::string snapshot(const std::string& file) = 0;
  virtual void shutdown() = 0;   // ldmd stops after this reply
  // The PCIe buses: owner, DMA and MSI counts, faults, the device (hv::pcie_table).
  virtual std::string pcie_status() { return "no PCIe buses\n"; }
  // vfctl stats: the simulated domains' counters now (false: this machine keeps none).
  virtual bool stats(StatsSample&) { return false; }
  // Each bound domain's LDC channels by device ("ds", "disk NAME", "net NAME"), for vfctl layout.
  virtual std::map<std::string, std::map<std::string, uint64_t>> device_channels() { return {}; }
};

class VfctlCommands {
 public:
  VfctlCommands(Manager& mgr, VfctlMachine& machine) : mgr_(mgr), m_(machine) {}
  Reply run(const std::vector<std::string>& args);

 private:
  Reply mkfile(const std::vector<std::string>& a);
  Reply trace_command(const std::vector<std::string>& a);   // vfctl_trace.cpp
  Manager& mgr_;
  VfctlMachine& m_;
};

// ldmd's handler of one decoded request (RequestServer's Handler): tool "ldm" or "vfctl".
Reply handle_request(Manager& mgr, VfctlCommands& vfctl, const std::string& tool, const std::vector<std::string>& argv);

}  // namespace vfsim::ldm
