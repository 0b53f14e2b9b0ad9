// A VfctlMachine with no machine behind it, for vfctl's commands on a Manager alone: consoles
// hold what a test puts in `console`, nothing is bound, time does not run.
#pragma once
#include <map>
#include <string>

#include "ldm/vfctl_commands.h"

namespace vfsim::ldm {

struct NoMachine : VfctlMachine {
  std::map<std::string, std::string> console;
  std::string root;
  bool bound(const std::string&) override { return false; }
  std::string console_read(const std::string& d, uint64_t from) override {
    return from < console[d].size() ? console[d].substr(from) : "";
  }
  void console_type(const std::string&, const std::string&) override {}
  void advance(const Duration&) override {}
  std::string time_stamp() override { return "0 s"; }
  void guest_clock(const std::string&, uint64_t&, uint64_t&) override {}
  uint32_t memory_checksum(const std::string&, uint64_t&) override { return 0; }
  const std::string& service_root() const override { return root; }
  std::string snapshot(const std::string&) override { return ""; }
  void shutdown() override {}
};

}  // namespace vfsim::ldm
