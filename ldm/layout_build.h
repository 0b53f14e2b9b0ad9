// The layout document (layout_doc.h) of a manager's bindings, and of a plan: ldm commands or
// a list-constraints -x document run on a scratch copy of the manager, so the picture is what
// the real binder would do, while the host stays as it is.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "ldm/layout_doc.h"
#include "ldm/manager.h"

namespace vfsim::ldm {

// domain -> "ds" / "disk NAME" / "net NAME" -> LDC channel id (HvHost::device_channels).
using DeviceChannels = std::map<std::string, std::map<std::string, uint64_t>>;

layout::Document build_layout(const Manager& m, const DeviceChannels& channels);

// Bytes of [pa, pa+size) whose home is each socket (Platform::home_socket's interleave).
std::vector<uint64_t> socket_bytes(const platform::Platform& p, uint64_t pa, uint64_t size);

// The plan in `text` (named `source` in messages) applied to a copy of m: its document in
// out, or the Reply's error: "SOURCE:LINE: the line" and ldm's own message, with code 1.
Reply plan_layout(const Manager& m, const std::string& source, const std::string& text, layout::Document& out);

}  // namespace vfsim::ldm
