// Names of tracks, shared by the outputs so a vCPU is called the same in Perfetto and VCD.
#pragma once
#include <string>

#include <fmt/format.h>

#include "sim/trace/trace.h"

namespace vfsim::trace {

// The group a track belongs to (Chrome's process, VCD's scope) and its own name.
inline std::string track_group(const Track& t) {
  switch (t.kind) {
    case TrackKind::Host: return "host";
    case TrackKind::Service: return "services";
    case TrackKind::Strand: return "strands";
    default: return t.owner;
  }
}
inline std::string track_name(const Track& t) {
  switch (t.kind) {
    case TrackKind::Host: return "host";
    case TrackKind::Domain: return "domain";
    case TrackKind::Vcpu: return fmt::format("vcpu{}", t.id);
    case TrackKind::Channel: return fmt::format("channel{}", t.id);
    case TrackKind::Service: return t.owner;
    case TrackKind::Strand: return fmt::format("strand{}", t.id);
  }
  return "?";
}

}  // namespace vfsim::trace
