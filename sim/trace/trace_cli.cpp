// The trace options every program takes (vfsim-bare, vfsim-hv, ldmd): --trace SPEC and
// --trace-file FILE, both repeatable, and the older --hv-trace FILE (the "hv-trace" group).
#include <fmt/format.h>

#include "sim/trace/trace.h"

namespace vfsim::trace {

bool configure(const std::vector<std::string>& specs, const std::vector<std::string>& files, const std::string& hv_trace_file,
               std::string& err) {
  if (specs.empty() && hv_trace_file.empty() && !files.empty()) {
    err = fmt::format("--trace-file {}: nothing to trace; add --trace CATEGORIES (--trace help lists them)", files.front());
    return false;
  }
  for (const std::string& s : specs)
    if (!enable_option(s, err)) return false;
  if (!hv_trace_file.empty()) {
    if (!set("hv-trace", "", true, err) || !add_output(hv_trace_file, err)) return false;
  }
  for (const std::string& f : files)
    if (!add_output(f, err)) return false;
  if (!specs.empty() && !any_output() && !add_output("-", err)) return false;   // text on stderr
  return true;
}

}  // namespace vfsim::trace
