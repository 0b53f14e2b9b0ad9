// vfctl top: the live view of `vfctl stats` (docs/top.md). Runs in the client; ncurses.
#pragma once
#include <string>
#include <vector>

namespace vfsim::ldm {

struct TopOptions {
  double delay_s = 2;      // -d: seconds between samples
  bool batch = false;      // -b: plain text frames on stdout
  unsigned count = 0;      // -n: frames before exiting (0: until q)
  bool per_vcpu = true;    // vCPU rows under each domain (key d toggles)
};

// false with the message (and usage) to print on an unknown or bad option.
bool parse_top_options(const std::vector<std::string>& args, TopOptions& o, std::string& err);
// vfctl top ARGS: the exit code.
int top_main(const std::vector<std::string>& args);

}  // namespace vfsim::ldm
