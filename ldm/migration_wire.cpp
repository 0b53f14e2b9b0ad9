#include "ldm/migration_wire.h"

#include <zlib.h>

#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ldm/state_file.h"
#include "sim/state/codec.h"

namespace vfsim::ldm::wire {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxHello = 64 << 10;   // user, host name, password: read before authentication

// The text's nesting depth is checked before anything is built from it.
void check_depth(const std::string& text, const char* what) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) throw WireError(fmt::format("{}: nested deeper than {}", what, kMaxJsonDepth));
    } else if ((c == ']' || c == '}') && depth) {
      --depth;
    }
  }
}

json parse_json(const std::string& body, const char* what) {
  check_depth(body, what);
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw WireError(fmt::format("{}: not JSON", what));
  if (!j.is_object()) throw WireError(fmt::format("{}: not a JSON object", what));
  return j;
}

const json& member(const json& o, const char* key, const char* what) {
  auto it = o.find(key);
  if (it == o.end()) throw WireError(fmt::format("{}: no \"{}\"", what, key));
  return *it;
}
std::string string_of(const json& v, const char* key, const char* what) {
  if (!v.is_string()) throw WireError(fmt::format("{}: \"{}\" is not a string", what, key));
  return v.get<std::string>();
}
// A whole number 0..max, never a fraction or a negative number wrapped around.
uint64_t unsigned_of(const json& v, const char* key, const char* what, uint64_t max = UINT64_MAX) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max)
    throw WireError(fmt::format("{}: \"{}\" is not a whole number from 0 to {}", what, key, max));
  return v.get<uint64_t>();
}
bool bool_of(const json& v, const char* key, const char* what) {
  if (!v.is_boolean()) throw WireError(fmt::format("{}: \"{}\" is not true or false", what, key));
  return v.get<bool>();
}

// The model's JSON holds no fractions: a number with one would be converted to an integer
// field out of range (undefined behaviour) by the model's generated readers.
void check_no_fractions(const json& v, const char* what) {
  if (v.is_number_float()) throw WireError(fmt::format("{}: a number with a fraction ({})", what, v.dump()));
  if (v.is_structured())
    for (const json& x : v) check_no_fractions(x, what);   // (depth checked before parsing)
}

}  // namespace

std::string deflate(const std::string& raw) {
  uLongf n = compressBound(uLong(raw.size()));
  std::string out(size_t(n) + 4, '\0');
  state::put_be(reinterpret_cast<uint8_t*>(&out[0]), 4, raw.size());
  if (compress2(reinterpret_cast<Bytef*>(&out[4]), &n, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 1) != Z_OK)
    throw std::runtime_error("compression failed");
  out.resize(size_t(n) + 4);
  return out;
}

bool inflate(const std::string& in, std::string& out, size_t limit) {
  if (in.size() < 4) return false;
  size_t raw = size_t(state::get_be(reinterpret_cast<const uint8_t*>(in.data()), 4));
  if (raw > limit) return false;
  out.assign(raw, '\0');
  uLongf n = uLongf(raw);
  if (uncompress(reinterpret_cast<Bytef*>(&out[0]), &n, reinterpret_cast<const Bytef*>(in.data() + 4), uLong(in.size() - 4)) != Z_OK || n != raw)
    return false;
  return true;
}

std::string memory_frame(const uint64_t* ras, const uint8_t* pages, size_t k) {
  if (k == 0 || k > kPagesPerFrame) throw std::logic_error("memory_frame: 1 to 128 pages");
  std::string raw(4 + k * (8 + kPage), '\0');
  uint8_t* p = reinterpret_cast<uint8_t*>(&raw[0]);
  state::put_be(p, 4, k);
  for (size_t j = 0; j < k; ++j) state::put_be(p + 4 + 8 * j, 8, ras[j]);
  std::memcpy(p + 4 + 8 * k, pages, k * kPage);
  return deflate(raw);
}

uint64_t MemoryFrame::ra(size_t j) const {
  return state::get_be(reinterpret_cast<const uint8_t*>(raw.data()) + 4 + 8 * j, 8);
}
const uint8_t* MemoryFrame::page(size_t j) const {
  return reinterpret_cast<const uint8_t*>(raw.data()) + 4 + 8 * count + j * kPage;
}

bool parse_memory_frame(const std::string& body, MemoryFrame& f) {
  std::string raw;
  if (!inflate(body, raw, kMaxRawFrame) || raw.size() < 4) return false;
  size_t k = size_t(state::get_be(reinterpret_cast<const uint8_t*>(raw.data()), 4));
  if (k == 0 || k > kPagesPerFrame || raw.size() != 4 + k * (8 + kPage)) return false;
  f.count = k;
  f.raw = std::move(raw);
  return true;
}

Hello parse_hello(const std::string& body) {
  const char* what = "the migration request";
  if (body.size() > kMaxHello) throw WireError(fmt::format("{}: longer than {} bytes", what, kMaxHello));
  json j = parse_json(body, what);
  Hello h;
  h.user = string_of(member(j, "user", what), "user", what);
  h.source = string_of(member(j, "source", what), "source", what);
  auto pw = j.find("password");
  if (pw != j.end() && pw->is_string()) {   // (anything else: no password, as before)
    h.has_password = true;
    h.password = pw->get<std::string>();
  }
  return h;
}

Begin parse_begin(const std::string& body) {
  const char* what = "the start of the transfer";
  json j = parse_json(body, what);
  Begin b;
  b.pages = unsigned_of(member(j, "pages", what), "pages", what);
  if (j.contains("round")) b.round = unsigned(unsigned_of(member(j, "round", what), "round", what, 1u << 20));
  if (j.contains("from")) b.from_pct = unsigned(unsigned_of(member(j, "from", what), "from", what, 100));
  if (j.contains("to")) b.to_pct = unsigned(unsigned_of(member(j, "to", what), "to", what, 100));
  if (b.from_pct > b.to_pct) throw WireError(fmt::format("{}: progress from {} to {}", what, b.from_pct, b.to_pct));
  return b;
}

Scrubbed parse_scrubbed(const std::string& body) {
  const char* what = "the target's scrub";
  json j = parse_json(body, what);
  Scrubbed sc;
  sc.bytes = unsigned_of(member(j, "bytes", what), "bytes", what, 1ull << 50);
  sc.scrub_us = unsigned_of(member(j, "scrub_us", what), "scrub_us", what, 1000000000000ull);
  return sc;
}

uint32_t parse_done(const std::string& body) {
  const char* what = "the end of the transfer";
  json j = parse_json(body, what);
  return uint32_t(unsigned_of(member(j, "crc", what), "crc", what, UINT32_MAX));
}

PhaseTimes parse_phase_times(const std::string& body) {
  const char* what = "the phases' times";
  json j = parse_json(body, what);
  PhaseTimes t;
  if (!j.is_object() || !j.contains("checks_us")) return t;
  constexpr uint64_t kMax = 1000000000000000ull;   // 31 years of simulated time
  t.checks_us = unsigned_of(member(j, "checks_us", what), "checks_us", what, kMax);
  t.prepare_us = unsigned_of(member(j, "prepare_us", what), "prepare_us", what, kMax);
  t.transfer_us = unsigned_of(member(j, "transfer_us", what), "transfer_us", what, kMax);
  t.handoff_us = unsigned_of(member(j, "handoff_us", what), "handoff_us", what, kMax);
  if (j.contains("rounds")) {   // a live migration
    t.live = true;
    t.rounds = unsigned(unsigned_of(member(j, "rounds", what), "rounds", what, 1u << 20));
    t.downtime_us = unsigned_of(member(j, "downtime_us", what), "downtime_us", what, kMax);
  }
  t.present = true;
  return t;
}

Offer parse_offer(const std::string& body) {
  const char* what = "the migration request";
  json o = parse_json(body, what);
  check_no_fractions(o, what);
  Offer f;
  f.kind = string_of(member(o, "kind", what), "kind", what);
  if (f.kind != "active" && f.kind != "bound" && f.kind != "inactive")
    throw WireError(fmt::format("{}: a domain of kind '{}'", what, f.kind));
  f.dry_run = bool_of(member(o, "dry_run", what), "dry_run", what);
  const json& d = member(o, "domain", what);
  if (!d.is_object()) throw WireError(fmt::format("{}: \"domain\" is not an object", what));
  Model one = model_from_json(d.dump(), what);   // throws StateError
  if (one.domains.size() != 1) throw WireError(fmt::format("{}: {} domains, not one", what, one.domains.size()));
  f.domain = std::move(one.domains.front());
  if (auto it = o.find("source_name"); it != o.end()) f.source_name = string_of(*it, "source_name", what);
  bool active = f.kind == "active", placed = f.kind != "inactive";
  if (active || o.contains("cpu")) f.cpu = string_of(member(o, "cpu", what), "cpu", what);
  if (active || o.contains("stick_hz")) f.stick_hz = unsigned_of(member(o, "stick_hz", what), "stick_hz", what);
  if (placed || o.contains("layout")) {
    const json& l = member(o, "layout", what);
    if (!l.is_array()) throw WireError(fmt::format("{}: \"layout\" is not an array", what));
    for (const json& r : l) {
      if (!r.is_array() || r.size() != 2) throw WireError(fmt::format("{}: a \"layout\" entry is not [ra, size]", what));
      f.layout.emplace_back(unsigned_of(r[0], "layout", what), unsigned_of(r[1], "layout", what));
    }
  }
  if (placed || o.contains("channels")) {
    const json& c = member(o, "channels", what);
    if (!c.is_object()) throw WireError(fmt::format("{}: \"channels\" is not an object", what));
    for (const auto& [k, v] : c.items()) f.channels[k] = unsigned_of(v, "channels", what);
  }
  if (auto it = o.find("pages"); it != o.end()) f.pages = unsigned_of(*it, "pages", what);
  if (auto it = o.find("compat"); it != o.end()) {
    f.compat = string_of(*it, "compat", what);
    if (f.compat != "1.2" && f.compat != "2.0") throw WireError(fmt::format("{}: compat '{}'", what, f.compat));
  }
  return f;
}

}  // namespace vfsim::ldm::wire
