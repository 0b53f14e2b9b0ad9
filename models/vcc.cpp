#include "models/vcc.h"

#include <algorithm>
#include <cstring>

#include "hv/hypervisor.h"
#include "sim/state/description.h"

namespace vfsim::models {

void VirtualConsoleConcentrator::attach(hv::Guest& g) {
  g.console_link = this;
  consoles_[g.name];
}

void VirtualConsoleConcentrator::from_guest(hv::Hypervisor&, hv::Guest& g, const uint8_t pkt[64]) {
  if (pkt[0] != hv::CONS_PKT_DATA || pkt[1] > hv::kConsPayload) return;
  Console& c = consoles_[g.name];
  c.kept.append(reinterpret_cast<const char*>(pkt + 8), pkt[1]);
  if (c.kept.size() > kKeep + kKeep / 4) {   // drop in large steps, not on every packet
    size_t cut = c.kept.size() - kKeep;
    c.kept.erase(0, cut);
    c.base += cut;
  }
}

void VirtualConsoleConcentrator::type(hv::Hypervisor& hv, hv::Guest& g, const std::string& text) {
  for (size_t at = 0; at < text.size(); at += hv::kConsPayload) {
    uint8_t pkt[64] = {hv::CONS_PKT_DATA, uint8_t(std::min<size_t>(hv::kConsPayload, text.size() - at))};
    std::memcpy(pkt + 8, text.data() + at, pkt[1]);
    hv.console_packet(g, pkt);
  }
}

std::string VirtualConsoleConcentrator::read(const std::string& domain, uint64_t from, uint64_t* start) const {
  auto it = consoles_.find(domain);
  if (it == consoles_.end()) {
    if (start) *start = 0;
    return "";
  }
  const Console& c = it->second;
  uint64_t at = std::max(from, c.base);
  if (start) *start = at;
  return at - c.base < c.kept.size() ? c.kept.substr(at - c.base) : "";
}

uint64_t VirtualConsoleConcentrator::written(const std::string& domain) const {
  auto it = consoles_.find(domain);
  return it == consoles_.end() ? 0 : it->second.base + it->second.kept.size();
}

uint64_t VirtualConsoleConcentrator::dropped(const std::string& domain) const {
  auto it = consoles_.find(domain);
  return it == consoles_.end() ? 0 : it->second.base;
}

}  // namespace vfsim::models

namespace vfsim::models {

const state::Description<VirtualConsoleConcentrator::Console>& VirtualConsoleConcentrator::console_state() {
  static const auto d = state::Description<Console>("console", 1).field("kept", &Console::kept).field("base", &Console::base);
  return d;
}

void VirtualConsoleConcentrator::save_state(state::Encoder& e) const {
  e.u32(uint32_t(consoles_.size()));
  for (const auto& [name, c] : consoles_) {
    e.str(name);
    console_state().save(c, e);
  }
}

void VirtualConsoleConcentrator::load_state(state::Decoder& d) {
  std::map<std::string, Console> in;
  for (uint32_t i = 0, n = d.count(12); i < n; ++i) {
    std::string name = d.str();
    console_state().load(in[name], d);
  }
  for (auto& [name, c] : in) consoles_[name] = std::move(c);   // attached guests keep their link
}

}  // namespace vfsim::models
