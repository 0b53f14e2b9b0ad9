// The NVMe controller: identity, registers, queues and doorbells, completions in time,
// interrupts and declared state. The commands themselves: models/nvme_commands.cpp.
#include "models/nvme.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/state/codec.h"

namespace vfsim::models {

namespace {

// CAP (NVMe 1.4 §3.1.1): MQES 15:0 (0-based), CQR 16, TO 31:24 (500 ms units), DSTRD 35:32,
// CSS 44:37 (bit 37: NVM command set), MPSMIN 51:48, MPSMAX 55:52.
constexpr uint64_t kCapReset = uint64_t(kNvmeMaxEntries - 1) | 1ull << 16 | 1ull << 24 | 0ull << 32 | 1ull << 37 |
                               0ull << 48 | 1ull << 52;
constexpr uint32_t kCsRdy = 1, kCsCfs = 2, kCsShstComplete = 2 << 2;
constexpr uint16_t kMsixEnable = 0x8000, kMsixFunctionMask = 0x4000;

dev::PciIdentity nvme_identity() {
  dev::PciIdentity id;
  id.vendor = 0x108e;    // [our own ids]
  id.device = 0x0a0e;
  id.subsystem_vendor = 0x108e;
  id.subsystem = 0x0a0e;
  id.class_code = 0x010802;
  id.interrupt_pin = 1;
  return id;
}

}  // namespace

Nvme::Nvme(const std::string& image, const NvmeTiming& timing)
    : PciFunction("nvme", nvme_identity(), {{16384, true}, {0, false}}), path_(image), timing_(timing) {
  fd_ = ::open(image.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(fmt::format("nvme: cannot open the image {}: {}", image, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size % 512) {
    std::string why = st.st_size <= 0 ? "is empty or not a regular file" : fmt::format("is {} bytes, not a multiple of 512", st.st_size);
    ::close(fd_);
    throw std::runtime_error(fmt::format("nvme: the image {} {}", image, why));
  }
  blocks_ = uint64_t(st.st_size) >> kNvmeBlockShift;

  using A = dev::RegAccess;
  // The controller registers, one line each in nvme_registers.def.
#define NVME_REG(name, off, width, access, reset, writable, count, stride, hook)                             \
  name##_id = regs_.add({#name, off, width, A::access, reset, writable, count, stride},                      \
                        nullptr, make_hook(hook));
  auto make_hook = [this](void (Nvme::*h)(unsigned, uint64_t, uint64_t)) -> dev::RegisterBank::WriteHook {
    if (!h) return nullptr;
    return [this, h](unsigned i, uint64_t old, uint64_t now) { (this->*h)(i, old, now); };
  };
  unsigned CAP_id, VS_id, INTMS_id, INTMC_id, CC_id, CSTS_id, AQA_id, ASQ_id, ACQ_id, DOORBELL_id;
#include "models/nvme_registers.def"
#undef NVME_REG
  (void)VS_id;
  cap_ = CAP_id, intms_ = INTMS_id, intmc_ = INTMC_id, cc_ = CC_id, csts_ = CSTS_id, aqa_ = AQA_id, asq_ = ASQ_id,
  acq_ = ACQ_id, db_ = DOORBELL_id;

  // The MSI-X table (PCI 3.0 §6.8.2.6-9): each vector starts masked; and its PBA.
  auto vc = [this](unsigned i, uint64_t old, uint64_t now) { on_vector_control(i, old, now); };
  vaddr_lo_ = msix_.add({"MSG_ADDR_LO", 0x0, 4, A::RW, 0, 0xfffffffc, kNvmeVectors, 16});
  vaddr_hi_ = msix_.add({"MSG_ADDR_HI", 0x4, 4, A::RW, 0, 0xffffffff, kNvmeVectors, 16});
  vdata_ = msix_.add({"MSG_DATA", 0x8, 4, A::RW, 0, 0xffffffff, kNvmeVectors, 16});
  vctrl_ = msix_.add({"VECTOR_CONTROL", 0xc, 4, A::RW, 1, 1, kNvmeVectors, 16}, nullptr, vc);
  pba_ = msix_.add({"PBA", 0x1000, 8, A::RO, 0, 0});

  // MSI-X capability: message control (table size N-1; enable 15, function mask 14), table
  // and PBA offsets with BIR 0.
  std::vector<unsigned> cap_ids;
  add_capability(0x11, 12,
                 {{"MSIX_CONTROL", 2, 2, A::RW, kNvmeVectors - 1, kMsixEnable | kMsixFunctionMask},
                  {"MSIX_TABLE", 4, 4, A::RO, 0x2000, 0},
                  {"MSIX_PBA", 8, 4, A::RO, 0x3000, 0}},
                 &cap_ids, {[this](unsigned i, uint64_t old, uint64_t now) { on_msix_control(i, old, now); }});
  msix_ctl_ = cap_ids[0];
  // PCI Express capability (PCIe Base 3.0 §7.8), version 2, endpoint; link x8 at 2.5 GT/s.
  add_capability(0x10, 0x3c,
                 {{"PCIE_CAPS", 0x02, 2, A::RO, 0x0002, 0},
                  {"DEV_CAPS", 0x04, 4, A::RO, 0x00008001, 0},          // MPS 256, role-based errors
                  {"DEV_CTL", 0x08, 2, A::RW, 0x2810, 0x7fff},         // MRRS 512, RO and no-snoop on
                  {"DEV_STATUS", 0x0a, 2, A::RW1C, 0, 0x000f},
                  {"LINK_CAPS", 0x0c, 4, A::RO, 0x00000081, 0},        // max speed 2.5 GT/s, max width x8
                  {"LINK_CTL", 0x10, 2, A::RW, 0, 0x0ffb},
                  {"LINK_STATUS", 0x12, 2, A::RO, 0x1081, 0},          // x8 at 2.5 GT/s, common clock
                  {"DEV_CAPS2", 0x24, 4, A::RO, 0, 0},
                  {"DEV_CTL2", 0x28, 2, A::RW, 0, 0x041f},
                  {"LINK_CAPS2", 0x2c, 4, A::RO, 0x2, 0},              // supports 2.5 GT/s
                  {"LINK_CTL2", 0x30, 2, A::RW, 0x1, 0x000f},
                  {"LINK_STATUS2", 0x32, 2, A::RO, 0, 0}});
}

Nvme::~Nvme() {
  if (fd_ >= 0) ::close(fd_);
}

// --- registers -----------------------------------------------------------------------------

// Inside the BAR every access completes, as on the hardware: reserved offsets read 0 and
// ignore writes (NVMe 1.4 §3.1: reserved registers). Past the BAR: nothing (false).
bool Nvme::bar_read(unsigned bar, uint64_t offset, unsigned size, uint64_t& v) {
  v = 0;
  if (bar != 0 || offset >= 0x4000 || size > 0x4000 - offset) return false;
  if (offset < 0x2000) regs_.read(offset, size, v);
  else msix_.read(offset - 0x2000, size, v);
  return true;
}

bool Nvme::bar_write(unsigned bar, uint64_t offset, unsigned size, uint64_t v) {
  if (bar != 0 || offset >= 0x4000 || size > 0x4000 - offset) return false;
  if (offset < 0x2000) regs_.write(offset, size, v);
  else msix_.write(offset - 0x2000, size, v);
  return true;
}

// INTMS and INTMC both read the interrupt mask (§3.1.3-4): INTMS sets the bits written 1
// (old | now, whatever bytes the write covered), INTMC clears them (RW1C).
void Nvme::on_intms(unsigned, uint64_t old, uint64_t now) {
  regs_.set(intms_, old | now);
  regs_.set(intmc_, old | now);
  update_intx();
}

void Nvme::on_intmc(unsigned, uint64_t, uint64_t now) {
  regs_.set(intms_, now);
  update_intx();
}

void Nvme::on_cc(unsigned, uint64_t old, uint64_t now) {
  bool was = old & 1, is = now & 1;
  if (!was && is) enable();
  if (was && !is) controller_reset();
  // Shutdown notification (SHN 15:14 becomes non-zero): nothing is cached, so it is complete
  // at once (SHST = 10b).
  if ((now >> 14 & 3) && !(old >> 14 & 3)) {
    regs_.set(csts_, (regs_.get(csts_) & ~0xcull) | kCsShstComplete);
  }
}

void Nvme::enable() {
  uint64_t cc = regs_.get(cc_), aqa = regs_.get(aqa_);
  uint32_t sqs = uint32_t(aqa & 0xfff) + 1, cqs = uint32_t(aqa >> 16 & 0xfff) + 1;
  unsigned mps = unsigned(cc >> 7 & 0xf), css = unsigned(cc >> 4 & 7);
  regs_.set(csts_, regs_.get(csts_) & ~0xcull);   // a new enable ends the shutdown state
  // An admin queue of one entry or more than CAP.MQES + 1, a page size beyond MPSMAX or a
  // command set other than NVM cannot run: controller fatal status, not ready.
  if (sqs < 2 || cqs < 2 || sqs > kNvmeMaxEntries || cqs > kNvmeMaxEntries || mps > 1 || css != 0) {
    regs_.set_bits(csts_, kCsCfs, true);
    return;
  }
  sq_[0] = Queue{};
  sq_[0].valid = true, sq_[0].base = regs_.get(asq_), sq_[0].size = sqs, sq_[0].cqid = 0;
  cq_[0] = Queue{};
  cq_[0].valid = true, cq_[0].base = regs_.get(acq_), cq_[0].size = cqs, cq_[0].vector = 0, cq_[0].ien = true;
  regs_.set_bits(csts_, kCsRdy, true);
}

void Nvme::controller_reset() {
  for (unsigned q = 0; q < kNvmeQueues; ++q) sq_[q] = Queue{}, cq_[q] = Queue{};
  pending_.clear();
  recount();
  regs_.set(intms_, 0);
  regs_.set(intmc_, 0);
  regs_.set(csts_, regs_.get(csts_) & kCsShstComplete);   // RDY and CFS clear
  msix_.set(pba_, 0);
  update_intx();
}

void Nvme::reset() {
  PciFunction::reset();
  regs_.reset();
  msix_.reset();
  controller_reset();
  regs_.set(csts_, 0);
}

uint64_t Nvme::page_size() const { return 4096ull << (regs_.get(cc_) >> 7 & 0xf); }

// --- doorbells and queues ------------------------------------------------------------------

void Nvme::on_doorbell(unsigned index, uint64_t, uint64_t now) {
  regs_.set(db_, 0, index);
  unsigned q = index / 2;
  bool is_cq = index & 1;
  Queue& queue = is_cq ? cq_[q] : sq_[q];
  if (!(regs_.get(csts_) & kCsRdy) || !queue.valid || now >= queue.size) {
    ++counters_.async_errors;   // the spec's "Invalid Doorbell Write" asynchronous event
    return;
  }
  if (is_cq) {
    queue.head = uint32_t(now);
    if (bus_) post_due(bus_->now());   // completions held back by a full queue
    update_intx();
    for (unsigned s = 0; s < kNvmeQueues; ++s)   // commands held back by it
      if (sq_[s].valid && sq_[s].cqid == q) fetch(uint16_t(s));
  } else {
    queue.tail = uint32_t(now);
    fetch(uint16_t(q));
  }
}

// Entries of CQ q taken: posted and not yet consumed by the host, or promised to commands
// already fetched.
unsigned Nvme::cq_taken(uint16_t q) const {
  const Queue& cq = cq_[q];
  unsigned n = (cq.tail + cq.size - cq.head) % cq.size;
  return n + promised_[q];
}

void Nvme::recount() {
  std::fill(std::begin(promised_), std::end(promised_), 0u);
  for (const Completion& c : pending_) ++promised_[c.cqid];
}

void Nvme::fetch(uint16_t sqid) {
  Queue& sq = sq_[sqid];
  while (sq.valid && sq.head != sq.tail && bus_ && bus_master() && (regs_.get(csts_) & (kCsRdy | kCsCfs)) == kCsRdy) {
    // A command is fetched only when its completion will have room: what waits for the host
    // stays in guest memory, and the device's own list stays bounded by the CQ sizes.
    if (cq_taken(sq.cqid) + 1 >= cq_[sq.cqid].size) return;
    uint8_t sqe[64];
    if (bus_->dma_read(sq.base + uint64_t(sq.head) * 64, sqe, 64) != dev::DmaStatus::Ok) {
      regs_.set_bits(csts_, kCsCfs, true);   // the controller cannot go on (§3.1.6 CFS)
      return;
    }
    sq.head = (sq.head + 1) % sq.size;
    Completion c = execute(sqid, sqe);
    if (bus_->tracing()) trace_command(sqid, sqe, c);
    c.sqid = sqid;
    c.sq_head = uint16_t(sq.head);
    if (!sq_[sqid].valid) return;   // it deleted its own queue
    c.cqid = sq.cqid;
    schedule(c);
  }
}

// A deleted queue's completions not yet posted: the host has given them up (the data moved
// already), and a queue created later under the same id must not receive them.
void Nvme::forget(uint16_t qid, bool cq) {
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const Completion& c) { return (cq ? c.cqid : c.sqid) == qid; }),
                 pending_.end());
  recount();
}

void Nvme::schedule(const Completion& c) {
  // Due cycles never decrease (the device serves one command at a time), so appending keeps
  // the list in order.
  pending_.push_back(c);
  ++promised_[c.cqid];
  device_free_ = std::max(device_free_, c.due);
  if (bus_) bus_->wake_at(c.due);
}

uint64_t Nvme::next_due() const {
  // A completion waiting for room in a full CQ waits for a doorbell, not for time.
  for (const Completion& c : pending_) {
    const Queue& cq = cq_[c.cqid];
    if (!cq.valid || (cq.tail + 1) % cq.size != cq.head) return c.due;
  }
  return UINT64_MAX;
}

void Nvme::run(uint64_t now) { post_due(now); }

void Nvme::post_due(uint64_t now) {
  bool fired[kNvmeQueues] = {}, held[kNvmeQueues] = {};
  std::vector<Completion> left;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const Completion& c = pending_[i];
    if (c.due > now) {
      left.insert(left.end(), pending_.begin() + long(i), pending_.end());
      break;
    }
    // A queue that is full (or a completion behind one held for it) waits: one CQ's entries
    // stay in order.
    if (held[c.cqid] || !post(c)) {
      held[c.cqid] = true;
      left.push_back(c);
      continue;
    }
    fired[c.cqid] = true;
  }
  pending_ = std::move(left);
  recount();
  for (unsigned q = 0; q < kNvmeQueues; ++q)
    if (fired[q]) interrupt(uint16_t(q));
}

bool Nvme::post(const Completion& c) {
  Queue& cq = cq_[c.cqid];
  if (!cq.valid) return true;   // its CQ was deleted (or the controller reset): dropped
  if ((cq.tail + 1) % cq.size == cq.head) return false;
  if (!bus_ || !bus_master()) {   // the device may not write memory now: the entry is lost
    ++counters_.lost;
    return true;
  }
  // The completion entry (§4.6): DW0 result, DW2 SQ head | SQ id << 16, DW3 command id |
  // phase << 16 | status << 17; little-endian.
  uint8_t e[16] = {};
  auto put32 = [&](unsigned at, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) e[at + i] = uint8_t(v >> (8 * i));
  };
  put32(0, c.dw0);
  put32(8, uint32_t(c.sq_head) | uint32_t(c.sqid) << 16);
  put32(12, uint32_t(c.cid) | uint32_t(cq.phase & 1) << 16 | uint32_t(c.status & 0x7fff) << 17);
  if (bus_->dma_write(cq.base + uint64_t(cq.tail) * 16, e, 16) != dev::DmaStatus::Ok) {
    regs_.set_bits(csts_, kCsCfs, true);
    return true;   // lost: the controller is fatal now
  }
  if (bus_->tracing())
    bus_->trace(fmt::format("nvme: CQ{} entry {} <- cid {} status {:#x} phase {} (SQ{} head {})", c.cqid, cq.tail, c.cid,
                            c.status, cq.phase & 1, c.sqid, c.sq_head));
  if (++cq.tail == cq.size) cq.tail = 0, cq.phase ^= 1;
  if (c.status) ++counters_.errors;
  return true;
}

// --- interrupts ----------------------------------------------------------------------------

bool Nvme::msix_enabled() const { return config_.get(msix_ctl_) & kMsixEnable; }

void Nvme::interrupt(uint16_t cqid) {
  const Queue& cq = cq_[cqid];
  if (!cq.valid || !cq.ien) return;
  if (msix_enabled()) send_msix(cq.vector);
  else update_intx();
}

void Nvme::send_msix(unsigned v) {
  if (v >= kNvmeVectors) return;
  bool masked = (config_.get(msix_ctl_) & kMsixFunctionMask) || (msix_.get(vctrl_, v) & 1) || !bus_ || !bus_master();
  if (masked) {
    msix_.set_bits(pba_, 1ull << v, true);
    return;
  }
  msix_.set_bits(pba_, 1ull << v, false);
  ++counters_.interrupts;
  bus_->msi(msix_.get(vaddr_hi_, v) << 32 | msix_.get(vaddr_lo_, v), uint32_t(msix_.get(vdata_, v)));
}

void Nvme::deliver_pending_msix() {
  if (!msix_enabled()) return;
  for (unsigned v = 0; v < kNvmeVectors; ++v)
    if (msix_.get(pba_) >> v & 1) send_msix(v);
}

void Nvme::on_vector_control(unsigned, uint64_t old, uint64_t now) {
  if ((old & 1) && !(now & 1)) deliver_pending_msix();
}

void Nvme::on_msix_control(unsigned, uint64_t, uint64_t) {
  deliver_pending_msix();
  update_intx();
}

void Nvme::update_intx() {
  bool level = false;
  uint64_t cmd = 0;
  config_.read(0x04, 2, cmd);
  if (!msix_enabled() && !(cmd & dev::kPciCmdIntxDisable) && !(regs_.get(intms_) & 1))
    for (const Queue& cq : cq_)
      level |= cq.valid && cq.ien && cq.head != cq.tail;
  if (level != intx_ && bus_) {
    intx_ = level;
    bus_->intx(1, level);
  }
}

uint64_t Nvme::cycles(double ns) const {
  return bus_ ? uint64_t(std::llround(ns * bus_->cycles_per_ns())) : uint64_t(std::llround(ns));
}

// --- declared state ------------------------------------------------------------------------

}  // namespace vfsim::models

namespace {
const vfsim::state::Description<vfsim::models::Nvme::Queue>& queue_state() {
  using Q = vfsim::models::Nvme::Queue;
  static const auto d = vfsim::state::Description<Q>("nvme queue", 1)
                            .field("valid", &Q::valid)
                            .field("base", &Q::base)
                            .field("size", &Q::size)
                            .field("head", &Q::head)
                            .field("tail", &Q::tail)
                            .field("phase", &Q::phase)
                            .field("cqid", &Q::cqid)
                            .field("vector", &Q::vector)
                            .field("ien", &Q::ien);
  return d;
}
const vfsim::state::Description<vfsim::models::Nvme::Completion>& completion_state() {
  using C = vfsim::models::Nvme::Completion;
  static const auto d = vfsim::state::Description<C>("nvme completion", 1)
                            .field("due", &C::due)
                            .field("dw0", &C::dw0)
                            .field("sqid", &C::sqid)
                            .field("cqid", &C::cqid)
                            .field("sq_head", &C::sq_head)
                            .field("cid", &C::cid)
                            .field("status", &C::status);
  return d;
}
const vfsim::state::Description<vfsim::models::Nvme::Counters>& counters_state() {
  using C = vfsim::models::Nvme::Counters;
  static const auto d = vfsim::state::Description<C>("nvme counters", 1)
                            .field("reads", &C::reads)
                            .field("writes", &C::writes)
                            .field("flushes", &C::flushes)
                            .field("admin", &C::admin)
                            .field("errors", &C::errors)
                            .field("bytes_read", &C::bytes_read)
                            .field("bytes_written", &C::bytes_written)
                            .field("async_errors", &C::async_errors)
                            .field("interrupts", &C::interrupts)
                            .field("lost", &C::lost);
  return d;
}
}  // namespace
VFSIM_DESCRIBED(vfsim::models::Nvme::Queue, queue_state);
VFSIM_DESCRIBED(vfsim::models::Nvme::Completion, completion_state);
VFSIM_DESCRIBED(vfsim::models::Nvme::Counters, counters_state);

namespace vfsim::models {

const state::Description<Nvme>& Nvme::state_description() {
  static const auto d =
      state::Description<Nvme>("nvme", 1)
          .computed(
              "blocks", [](const Nvme& n, state::Encoder& e) { e.u64(n.blocks_); },
              [](Nvme& n, state::Decoder& d) {
                uint64_t b = d.u64();
                if (b != n.blocks_)
                  d.fail(fmt::format("nvme: {} blocks were saved, the image {} has {}", b, n.path_, n.blocks_));
              })
          .computed(
              "regs", [](const Nvme& n, state::Encoder& e) { n.regs_.save(e); },
              [](Nvme& n, state::Decoder& d) { n.regs_.load(d); })
          .computed(
              "msix", [](const Nvme& n, state::Encoder& e) { n.msix_.save(e); },
              [](Nvme& n, state::Decoder& d) { n.msix_.load(d); })
          .field("sq", &Nvme::sq_)
          .field("cq", &Nvme::cq_)
          .field("pending", &Nvme::pending_)
          .field("device_free", &Nvme::device_free_)
          .field("intx", &Nvme::intx_)
          .field("counters", &Nvme::counters_);
  return d;
}

void Nvme::save(state::Encoder& e) const {
  PciFunction::save(e);
  state_description().save(*this, e);
}

void Nvme::load(state::Decoder& d) {
  PciFunction::load(d);
  state_description().load(*this, d);
  // A stream is input: refuse queues this controller could not have made, rather than index
  // past them later.
  for (unsigned q = 0; q < kNvmeQueues; ++q) {
    for (const Queue* p : {&sq_[q], &cq_[q]}) {
      if (!p->valid) continue;
      if (p->size < 2 || p->size > kNvmeMaxEntries || p->head >= p->size || p->tail >= p->size ||
          p->cqid >= kNvmeQueues || p->vector >= kNvmeVectors)
        d.fail(fmt::format("nvme: queue {} saved with size {} head {} tail {}", q, p->size, p->head, p->tail));
    }
    if (sq_[q].valid && !cq_[sq_[q].cqid].valid) d.fail(fmt::format("nvme: SQ {} completes to a missing CQ", q));
  }
  uint64_t last = 0;
  for (const Completion& c : pending_) {
    if (c.cqid >= kNvmeQueues || c.sqid >= kNvmeQueues || c.due < last)
      d.fail("nvme: a pending completion names no queue or is out of order");
    last = c.due;
  }
  recount();
  if (bus_ && !pending_.empty()) bus_->wake_at(pending_.front().due);
}

std::string Nvme::describe() const {
  unsigned queues = 0;
  for (unsigned q = 0; q < kNvmeQueues; ++q) queues += sq_[q].valid + cq_[q].valid;
  return fmt::format("nvme: {} blocks of 512 bytes ({}), {} queues, {} reads, {} writes", blocks_, path_, queues,
                     counters_.reads, counters_.writes);
}

}  // namespace vfsim::models
