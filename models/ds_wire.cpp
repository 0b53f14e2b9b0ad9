#include "models/ds_wire.h"

#include "sim/state/codec.h"

namespace vfsim::models::ds {

uint64_t Reader::get(unsigned k) {
  if (!ok || left() < k) {
    ok = false;
    return 0;
  }
  uint64_t v = state::get_be(p + at, k);
  at += k;
  return v;
}

std::string Reader::cstr() {
  size_t end = at;
  while (end < n && p[end]) ++end;
  if (!ok || end == n) {
    ok = false;
    return "";
  }
  std::string s(reinterpret_cast<const char*>(p + at), end - at);
  at = end + 1;
  return s;
}

std::vector<uint8_t> message(uint32_t type, const std::vector<uint8_t>& payload) {
  return Writer().u32(type).u32(uint32_t(payload.size())).bytes(payload).b;
}

bool parse(const std::vector<uint8_t>& msg, uint32_t& type, std::vector<uint8_t>& payload, std::string& why) {
  Reader r(msg.data(), msg.size());
  type = r.u32();
  uint32_t len = r.u32();
  if (!r.ok) {
    why = "shorter than the 8-byte header";
    return false;
  }
  if (len != r.left()) {
    why = "header says " + std::to_string(len) + " payload bytes, " + std::to_string(r.left()) + " came";
    return false;
  }
  payload.assign(msg.begin() + 8, msg.end());
  return true;
}

bool parse_reg_req(const std::vector<uint8_t>& payload, RegReq& q) {
  Reader r(payload.data(), payload.size());
  q.handle = r.u64();
  q.major = r.u16();
  q.minor = r.u16();
  q.id = r.cstr();
  return r.ok && !q.id.empty();
}

std::vector<uint8_t> dr_cpu_request(uint32_t type, const std::vector<uint32_t>& cpus) {
  Writer w;
  w.u32(type).u32(uint32_t(cpus.size()));
  for (uint32_t c : cpus) w.u32(c);
  return w.b;
}

bool parse_dr_cpu_reply(const std::vector<uint8_t>& data, DrCpuReply& out) {
  Reader r(data.data(), data.size());
  out.type = r.u32();
  uint32_t n = r.u32();
  if (!r.ok || r.left() < uint64_t(n) * 16) return false;
  out.records.clear();
  for (uint32_t i = 0; i < n; ++i) {
    DrCpuRecord rec;
    rec.cpu = r.u32();
    rec.result = r.u32();
    rec.status = r.u32();
    rec.str_off = r.u32();
    out.records.push_back(rec);
  }
  return r.ok;
}

const char* dr_cpu_result_name(uint32_t result) {
  switch (result) {
    case DRCPU_OK: return "ok";
    case DRCPU_FAILURE: return "failure";
    case DRCPU_BLOCKED: return "blocked";
    case DRCPU_NOT_RESPONDING: return "not responding";
    case DRCPU_NOT_IN_MD: return "not in the MD";
  }
  return "unknown result";
}

}  // namespace vfsim::models::ds
