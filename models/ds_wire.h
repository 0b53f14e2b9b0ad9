// The Domain Services wire format (reference §5.7): every message is u32 msg_type, u32 length
// of what follows, then the payload, all big-endian; DATA carries a u64 service handle and
// the service's own bytes. Shared by the manager's end (ds.h) and the unit tests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vfsim::models::ds {

enum MsgType : uint32_t {
  INIT_REQ = 0x0, INIT_ACK = 0x1, INIT_NACK = 0x2, REG_REQ = 0x3, REG_ACK = 0x4, REG_NACK = 0x5,
  UNREG = 0x6, UNREG_ACK = 0x7, UNREG_NACK = 0x8, DATA = 0x9, NACK = 0xa,
};
enum Result : uint64_t { OK = 0, REG_VER_NACK = 1, REG_DUP = 2, INV_HDL = 3, TYPE_UNKNOWN = 4 };

// dr-cpu (reference §5.7): request and reply types, per-cpu results and states.
enum DrCpuType : uint32_t { DR_CONFIGURE = 'C', DR_UNCONFIGURE = 'U', DR_FORCE_UNCONFIG = 'F', DR_STATUS = 'S',
                            DR_OK = 'o', DR_ERROR = 'e' };
enum DrCpuResult : uint32_t { DRCPU_OK = 0, DRCPU_FAILURE = 1, DRCPU_BLOCKED = 2, DRCPU_NOT_RESPONDING = 3,
                              DRCPU_NOT_IN_MD = 4 };
enum DrCpuStatus : uint32_t { DRCPU_NOT_PRESENT = 0, DRCPU_UNCONFIGURED = 1, DRCPU_CONFIGURED = 2 };
// domain-suspend (illumos platsvc.h): request {u64 type, 0 = suspend}; reply {u32 result, u32
// rec_result, reason}, the first with a PRE result, the second (same req_num) with POST or FAILURE.
enum SuspendResult : uint32_t { SUSPEND_PRE_OK = 0, SUSPEND_PRE_FAILURE = 1, SUSPEND_INVALID = 2,
                                SUSPEND_IN_PROGRESS = 3, SUSPEND_FAILURE = 4, SUSPEND_POST_OK = 5,
                                SUSPEND_POST_FAILURE = 6 };

// Appends big-endian fields.
struct Writer {
  std::vector<uint8_t> b;
  Writer& u16(uint16_t v) { return put(v, 2); }
  Writer& u32(uint32_t v) { return put(v, 4); }
  Writer& u64(uint64_t v) { return put(v, 8); }
  Writer& str(const std::string& s) {   // NUL-terminated
    b.insert(b.end(), s.begin(), s.end());
    b.push_back(0);
    return *this;
  }
  Writer& bytes(const std::vector<uint8_t>& v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  Writer& put(uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * (n - 1 - i))));
    return *this;
  }
};

// Reads big-endian fields; reading past the end sets ok = false and yields 0.
struct Reader {
  const uint8_t* p;
  size_t n, at = 0;
  bool ok = true;
  Reader(const uint8_t* data, size_t size) : p(data), n(size) {}
  uint16_t u16() { return uint16_t(get(2)); }
  uint32_t u32() { return uint32_t(get(4)); }
  uint64_t u64() { return get(8); }
  std::string cstr();   // up to the NUL (required)
  size_t left() const { return n - at; }
  uint64_t get(unsigned k);
};

// A whole message: header + payload.
std::vector<uint8_t> message(uint32_t type, const std::vector<uint8_t>& payload);
// Splits a message; false (and why) when the header's length disagrees with the size.
bool parse(const std::vector<uint8_t>& msg, uint32_t& type, std::vector<uint8_t>& payload, std::string& why);

struct RegReq { uint64_t handle = 0; uint16_t major = 0, minor = 0; std::string id; };
bool parse_reg_req(const std::vector<uint8_t>& payload, RegReq& r);

struct DrCpuRecord { uint32_t cpu = 0, result = 0, status = 0, str_off = 0; };
struct DrCpuReply { uint32_t type = 0; std::vector<DrCpuRecord> records; };
// dr-cpu data after req_num: u32 type, u32 count, u32 cpu ids.
std::vector<uint8_t> dr_cpu_request(uint32_t type, const std::vector<uint32_t>& cpus);
// The reply's data after req_num: u32 type, u32 count, then 16-byte records.
bool parse_dr_cpu_reply(const std::vector<uint8_t>& data, DrCpuReply& r);
const char* dr_cpu_result_name(uint32_t result);

}  // namespace vfsim::models::ds
