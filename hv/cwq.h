// The cipher/hash half of a T2 Plus SPU: its control-word queue (CWQ) entries, executed for
// real with OpenSSL's libcrypto, and what each costs in core cycles. Plain data and pure
// functions over a guest-memory accessor: the hypervisor's NCS calls (hcall_ncs.cpp) feed it
// the entries a guest queued, unit tests feed it entries built by hand.
//
// Entry layout and control-word bits: reference t2plus-microarch.md §8.3 (Linux
// drivers/crypto/n2_core.h; the OpenSPARC hypervisor's huron platform/cwq.h). A request is
// an initial entry with START_OF_BLOCK, then extension entries {len-1 [| EOB], src}, the last
// with END_OF_BLOCK (one entry may carry both). The state a request carries from one entry to
// the next (cipher IV or counter, RC4 S-box, the message being hashed) is CwqChain, so a
// request split over several ncs_settail calls goes on where it stopped.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vfsim::hv {

// Control word fields.
namespace cw {
constexpr uint64_t kLenMask = 0xffff;                   // length - 1
constexpr unsigned kHmacKeyLenShift = 16;               // HMAC key length - 1 (8 bits)
constexpr unsigned kEncTypeShift = 24;                  // cipher algorithm | chaining (8 bits)
constexpr unsigned kAuthTypeShift = 32;                 // 5 bits
constexpr unsigned kHashLenShift = 40;                  // hash (state) length - 1 (8 bits)
constexpr uint64_t kInterrupt = 1ull << 48;
constexpr uint64_t kStoreFinalAuthState = 1ull << 49;
constexpr uint64_t kDone = 1ull << 50;                  // status, written back
constexpr uint64_t kProtocolError = 1ull << 51;
constexpr uint64_t kHardwareError = 1ull << 52;
constexpr uint64_t kStatusMask = 7ull << 50;
constexpr uint64_t kEndOfBlock = 1ull << 53;
constexpr uint64_t kStartOfBlock = 1ull << 54;
constexpr uint64_t kEncrypt = 1ull << 55;
constexpr unsigned kOpcodeShift = 56;
enum Opcode : unsigned { kOpSslKeyBlock = 0x10, kOpCopy = 0x20, kOpEncrypt = 0x40, kOpAuthMac = 0x41, kOpInPlace = 0x80 };
enum Alg : unsigned { kRc4Stream = 0x00, kRc4NoStream = 0x04, kDes = 0x08, k3Des = 0x0c, kAes128 = 0x10,
                      kAes192 = 0x14, kAes256 = 0x18 };
enum Chain : unsigned { kEcb = 0, kCbc = 1, kCfb = 2, kCtr = 3 };
enum Auth : unsigned { kNoAuth = 0, kMd5 = 1, kSha1 = 2, kSha256 = 3, kCrc32 = 4, kHmacMd5 = 5, kHmacSha1 = 6,
                       kHmacSha256 = 7 };
}  // namespace cw

constexpr unsigned kCwqEntryBytes = 64;
constexpr uint64_t kCwqMaxMessage = 1u << 20;   // bytes one hash request may gather (Linux: 64 KB)

// What a request in progress carries between entries. Plain data: a snapshot keeps it.
struct CwqChain {
  bool open = false;             // an initial entry began a request that has not ended
  uint64_t control = 0;          // the initial entry's control word
  uint64_t first_ra = 0;         // the initial entry's own real address (its status goes there)
  uint64_t dest = 0;             // where the next output bytes go
  uint64_t auth_key = 0, auth_iv = 0, final_state = 0, hash_dest = 0;
  std::vector<uint8_t> key;      // cipher key (AES/DES/3DES), or RC4 state: 256 S-box bytes, x, y
  uint64_t key_ra = 0;           // where it came from (RC4 in stream mode puts its state back)
  std::array<uint8_t, 16> iv{};  // CBC/CFB IV or CTR counter, as it stands now
  std::array<uint8_t, 16> ctr_stream{};   // CTR/CFB: the keystream block in use, and how much of it is used
  unsigned ctr_used = 0;
  std::vector<uint8_t> carry;    // ECB/CBC: the bytes of a block split over two entries
  std::vector<uint8_t> message;  // hashes: what the request has gathered so far
  uint64_t bytes = 0;            // bytes of data so far (for the cost)
};

// The modelled cost of the unit's work [D] (docs/crypto.md "Timing"): a fixed cost per
// request (reading the control word and keys, loading the pipeline) and per entry, then
// cycles per byte by algorithm. Calibrated on the published aggregate: 9 GB/s of bulk
// cipher on two T2 Plus sockets (16 units) at 1.4 GHz is ~560 MB/s, 2.5 cycles/byte, per
// unit for AES-128 (reference t2-measured-figures.md §4, K1); the others scale with their
// rounds (AES-192 12/10, AES-256 14/10) or their known relative cost (DES ≈ AES-128, 3DES
// three times that; hashes by block work per byte).
struct CwqTiming {
  double request_cycles = 200;    // per request: control word, keys, IV, pipeline fill
  double entry_cycles = 20;       // per entry: its descriptor and the source's first line
  double aes128_cpb = 2.5, aes192_cpb = 3.0, aes256_cpb = 3.5;
  double des_cpb = 2.5, des3_cpb = 7.5, rc4_cpb = 1.5, copy_cpb = 0.5;
  double md5_cpb = 2.0, sha1_cpb = 2.5, sha256_cpb = 3.0, crc32_cpb = 0.5;
  double hmac_extra_cycles = 400;  // the inner and outer key blocks
};

// Reads and writes the guest's memory by real address (false: not the guest's).
struct CwqMemory {
  std::function<bool(uint64_t ra, void* dst, uint64_t len)> read;
  std::function<bool(uint64_t ra, const void* src, uint64_t len)> write;
};

// One entry: what it did. A request ends with its last entry (EOB) or an error; then the
// status goes into the initial entry's control word (kDone or kProtocolError).
struct CwqStep {
  bool request_ended = false;
  bool error = false;            // protocol error (malformed entry, bad address, bad length)
  std::string why;               // for the trace and tests
  uint64_t cycles = 0;           // the unit's time for this entry
  bool interrupt = false;        // the request asked for an interrupt on completion
  uint64_t status_ra = 0;        // whose control word gets the status
};

// Executes the entry at entry_ra (64 bytes, big-endian words) against chain and memory.
CwqStep cwq_execute(CwqChain& chain, uint64_t entry_ra, const CwqMemory& mem, const CwqTiming& t);

}  // namespace vfsim::hv
