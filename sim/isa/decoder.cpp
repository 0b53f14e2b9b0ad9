#include "sim/isa/decoder.h"

#include <algorithm>
#include <array>

#include "sim/isa/encoding.h"
#include "sim/isa/semantics.h"

namespace vfsim::isa {
namespace {

using namespace enc;

const std::vector<InsnSpec>& table() {
  static const std::vector<InsnSpec> t = {
#define INSN(id, mn, match, mask, fmt, feat, rf) {mn, match, mask, Fmt::fmt, feat, rf, exec_##id, ID_##id},
#include "sim/isa/insn_table.def"
#include "sim/isa/vis_table.def"
#undef INSN
  };
  return t;
}

// Buckets by the primary opcode fields, each sorted most-specific mask first, so a lookup
// scans a handful of candidates.
unsigned bucket_of(uint32_t w) {
  switch (f_op(w)) {
    case 0: return f_op2(w);                 // 0..7
    case 1: return 8;
    case 2: return 9 + f_op3(w);             // 9..72
    default: return 73 + f_op3(w);           // 73..136
  }
}
constexpr unsigned kBuckets = 137;

struct Index {
  std::array<std::vector<const InsnSpec*>, kBuckets> buckets;
  Index() {
    for (const InsnSpec& s : table()) {
      // Put each spec into every bucket its match/mask can reach.
      for (unsigned b = 0; b < kBuckets; ++b) {
        uint32_t probe;
        if (b < 8) probe = b << 22;
        else if (b == 8) probe = 1u << 30;
        else if (b < 73) probe = (2u << 30) | ((b - 9) << 19);
        else probe = (3u << 30) | ((b - 73) << 19);
        uint32_t keymask = b < 8 ? OP2_MASK : b == 8 ? OP_MASK : OP3_MASK;
        if (((probe ^ s.match) & s.mask & keymask) == 0) buckets[b].push_back(&s);
      }
    }
    for (auto& v : buckets)
      std::stable_sort(v.begin(), v.end(), [](const InsnSpec* a, const InsnSpec* b) {
        return __builtin_popcount(a->mask) > __builtin_popcount(b->mask);
      });
  }
};
const Index& index() {
  static const Index idx;
  return idx;
}

const InsnSpec kIllegal{"illegal", 0, 0, Fmt::None, V9, 0, exec_illegal, ID_illegal};

}  // namespace

const std::vector<InsnSpec>& all_specs() { return table(); }

const InsnSpec* lookup(uint32_t w) {
  for (const InsnSpec* s : index().buckets[bucket_of(w)])
    if ((w & s->mask) == s->match) return s;
  return nullptr;
}

void decode(uint32_t w, Insn& d) {
  const InsnSpec* s = lookup(w);
  if (!s) s = &kIllegal;
  d.spec = s;
  d.word = w;
  d.rd = uint8_t(f_rd(w));
  d.rs1 = uint8_t(f_rs1(w));
  d.rs2 = uint8_t(f_rs2(w));
  d.use_imm = uint8_t(f_i(w));
  switch (s->fmt) {
    case Fmt::Branch22: d.imm = sext(w & 0x3fffff, 22) * 4; break;
    case Fmt::Branch19: d.imm = sext(w & 0x7ffff, 19) * 4; break;
    case Fmt::BranchR: d.imm = sext(((w >> 6) & 0xc000) | (w & 0x3fff), 16) * 4; break;
    case Fmt::Call: d.imm = sext(w & 0x3fffffff, 30) * 4; break;
    case Fmt::Sethi: d.imm = int64_t(uint64_t(w & 0x3fffff) << 10); break;
    case Fmt::Shift: d.imm = (w >> 12) & 1 ? (w & 63) : (w & 31); break;
    case Fmt::Tcc: d.imm = w & 0xff; break;
    case Fmt::MovCC: d.imm = sext(w & 0x7ff, 11); break;
    case Fmt::MovR: d.imm = sext(w & 0x3ff, 10); break;
    case Fmt::Illtrap: d.imm = w & 0x3fffff; break;
    default: d.imm = sext(w & 0x1fff, 13); break;
  }
}

}  // namespace vfsim::isa
