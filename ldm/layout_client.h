// vfctl layout [--plan FILE] [--svg FILE | --png FILE | --json] (docs/layout.md): args as
// vfctl got them, "layout" first. Returns the exit code.
#pragma once
#include <string>
#include <vector>

namespace vfsim::ldm {
int layout_main(const std::vector<std::string>& args);
}
