// vfctl's usage text: shared by the client (vfctl --help needs no ldmd) and ldmd's handler.
#pragma once
#include <string>

namespace vfsim::ldm {
std::string vfctl_usage();
}  // namespace vfsim::ldm
