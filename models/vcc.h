// The virtual console concentrator (vcc) of the service domain: the end of every guest's
// console (hv/console_link.h). It keeps what each domain wrote, the last kKeep bytes of it
// (older output is dropped and counted, so a guest that prints forever costs bounded
// memory), for vntsd's TCP clients and `vfctl console` to read from any offset; and sends
// what they type to the guest as console packets.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "hv/console_link.h"

namespace vfsim::state {
class Encoder;
class Decoder;
template <class T> class Description;
}

namespace vfsim::models {

class VirtualConsoleConcentrator : public hv::ConsoleLink {
 public:
  static constexpr size_t kKeep = 1 << 20;   // bytes of output kept per console

  // The guest's console is ours from now on. A domain's output is kept across its
  // rebinding (one history per domain name).
  void attach(hv::Guest& g);
  void from_guest(hv::Hypervisor& hv, hv::Guest& g, const uint8_t pkt[64]) override;
  // Typed input for the guest, in console packets.
  void type(hv::Hypervisor& hv, hv::Guest& g, const std::string& text);

  // Output from absolute byte offset `from` (0 = the first byte the domain ever wrote):
  // what is still kept; *start says where it begins (later than from when older bytes
  // were dropped).
  std::string read(const std::string& domain, uint64_t from, uint64_t* start = nullptr) const;
  uint64_t written(const std::string& domain) const;   // bytes the domain ever wrote
  uint64_t dropped(const std::string& domain) const;   // of those, no longer kept

  // Every console's kept output and offsets, for snapshots (section "vcc").
  void save_state(state::Encoder& e) const;
  void load_state(state::Decoder& d);

 private:
  struct Console {
    std::string kept;
    uint64_t base = 0;   // absolute offset of kept[0]
  };
  std::map<std::string, Console> consoles_;
  static const state::Description<Console>& console_state();
};

}  // namespace vfsim::models
