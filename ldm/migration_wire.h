// The migration protocol's payloads (ldm/migration.cpp) as pure functions of the bytes: what
// the source writes and the target reads, with no manager, machine or link behind them, so
// unit tests (tests/unit/test_migration_wire.cpp) and a fuzz target
// (tests/fuzz/fuzz_migration_frames.cpp) reach exactly the code ldmd runs on what a peer sent.
//
// Every reader either returns what it read, fully checked, or throws WireError (the offer's
// domain: StateError from model_from_json) naming what is wrong; nothing is applied before a
// payload is read whole. docs/migration.md describes the frames.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ldm/model.h"

namespace vfsim::ldm::wire {

struct WireError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr size_t kPagesPerFrame = 128;   // 1 MB of memory per frame before compression
constexpr size_t kPage = 8192;
// A memory frame's raw size at most: u32 count, the real addresses, the pages.
constexpr size_t kMaxRawFrame = 4 + kPagesPerFrame * (8 + kPage);
// JSON payloads: deeper nesting than any payload has is refused before it is built (a 16 MB
// frame of '[' would otherwise become 16 million nested arrays, and dump() recurses).
constexpr size_t kMaxJsonDepth = 32;

// zlib's compress2 (level 1) behind a u32 big-endian raw length, and back. inflate: false
// when the input is not that, or announces more than limit bytes (nothing allocated for it).
std::string deflate(const std::string& raw);
bool inflate(const std::string& in, std::string& out, size_t limit);

// A memory frame: k pages (1..kPagesPerFrame) at the given real addresses, as the source
// sends them (compressed), and as the target reads one (false: malformed).
std::string memory_frame(const uint64_t* ras, const uint8_t* pages, size_t k);
struct MemoryFrame {
  size_t count = 0;
  std::string raw;   // u32 count, count x u64 real address, count x 8 KB pages
  uint64_t ra(size_t j) const;
  const uint8_t* page(size_t j) const;
};
bool parse_memory_frame(const std::string& body, MemoryFrame& f);

// HELLO (source -> target, before authentication).
struct Hello {
  std::string user, source;
  bool has_password = false;
  std::string password;
};
Hello parse_hello(const std::string& body);

// BEGIN: a round of memory: how many pages will come (0 when the round is empty), which
// round (live migration: 0, 1, ...), and the progress the target shows over it (percent).
struct Begin {
  uint64_t pages = 0;
  unsigned round = 0, from_pct = 5, to_pct = 98;
};
Begin parse_begin(const std::string& body);
// SCRUBBED (target -> source, after CANCEL): the memory it had received and zeroed, and the
// simulated time that took there.
struct Scrubbed {
  uint64_t bytes = 0, scrub_us = 0;
};
Scrubbed parse_scrubbed(const std::string& body);
// DONE: the CRC-32 of the memory as the source suspended it.
uint32_t parse_done(const std::string& body);
// DONE or COMMIT: the phases' simulated durations on the source, in microseconds (all four
// present, or none: then `present` is false). The target keeps them for ldm list -o status.
struct PhaseTimes {
  bool present = false;
  uint64_t checks_us = 0, prepare_us = 0, transfer_us = 0, handoff_us = 0;
  bool live = false;            // rounds and downtime_us present (a live migration)
  unsigned rounds = 0;
  uint64_t downtime_us = 0;
};
PhaseTimes parse_phase_times(const std::string& body);

// OFFER: the domain as the target must create it and what the checks need.
struct Offer {
  std::string kind;                                    // active, bound or inactive
  bool dry_run = false;
  Domain domain;                                       // exactly one, from the model's JSON
  std::string source_name;                             // (optional)
  std::string cpu;                                     // "" when absent (inactive)
  uint64_t stick_hz = 0;                               // 0 when absent (inactive)
  std::vector<std::pair<uint64_t, uint64_t>> layout;   // (real address, size)
  std::map<std::string, uint64_t> channels;            // device -> channel id
  uint64_t pages = 0;                                  // (optional)
  std::string compat = "1.2";                          // (optional) 1.2 or 2.0: see Migrator::Config
};
Offer parse_offer(const std::string& body);

}  // namespace vfsim::ldm::wire
