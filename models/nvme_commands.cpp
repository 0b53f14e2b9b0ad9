// The NVMe controller's commands: admin (queues, Identify, features, logs) and NVM (Read,
// Write, Flush), their data through PRPs, and when each completes.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "models/nvme.h"

#include <fmt/format.h>

namespace vfsim::models {

namespace st = nvme_status;

namespace {

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }
void put_le(uint8_t* p, unsigned n, uint64_t v) {
  for (unsigned i = 0; i < n; ++i) p[i] = uint8_t(v >> (8 * i));
}
void put_text(uint8_t* p, unsigned n, const char* s) {   // ASCII, space padded (Identify strings)
  std::memset(p, ' ', n);
  std::memcpy(p, s, std::min<size_t>(n, std::strlen(s)));
}

// The submission entry (§4.2): opcode 0, flags 1, command id 2-3, NSID 4-7, PRP1 24, PRP2 32,
// CDW10-15 at 40.
struct Sqe {
  const uint8_t* p;
  uint8_t opcode() const { return p[0]; }
  uint8_t flags() const { return p[1]; }
  uint16_t cid() const { return uint16_t(p[2] | p[3] << 8); }
  uint32_t nsid() const { return le32(p + 4); }
  uint64_t prp1() const { return le64(p + 24); }
  uint64_t prp2() const { return le64(p + 32); }
  uint32_t cdw(unsigned n) const { return le32(p + 4 * n); }   // n = 10..15
};

bool image_io(int fd, bool write, uint8_t* buf, size_t len, uint64_t off) {
  while (len) {
    ssize_t n = write ? ::pwrite(fd, buf, len, off_t(off)) : ::pread(fd, buf, len, off_t(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf += n, len -= size_t(n), off += uint64_t(n);
  }
  return true;
}

}  // namespace

// One line per command for --hv-trace: what it asked, its status, when it completes.
void Nvme::trace_command(uint16_t sqid, const uint8_t* sqe, const Completion& c) const {
  Sqe s{sqe};
  static const char* const kIo[] = {"flush", "write", "read"}, *const kAdmin[] = {
      "delete-sq", "create-sq", "get-log-page", "?", "delete-cq", "create-cq", "identify", "?", "abort",
      "set-features", "get-features"};
  const char* op = sqid ? (s.opcode() < 3 ? kIo[s.opcode()] : "?") : (s.opcode() < 11 ? kAdmin[s.opcode()] : "?");
  std::string what = sqid && (s.opcode() == 1 || s.opcode() == 2)
                         ? fmt::format(" lba {} blocks {} prp1 {:#x} prp2 {:#x}", uint64_t(s.cdw(11)) << 32 | s.cdw(10),
                                       (s.cdw(12) & 0xffff) + 1, s.prp1(), s.prp2())
                         : fmt::format(" cdw10 {:#x}", s.cdw(10));
  bus_->trace(fmt::format("nvme: SQ{} cid {} {}{} -> status {:#x}, completion in {:.3f} us", sqid, s.cid(), op, what,
                          c.status, double(c.due - bus_->now()) / bus_->cycles_per_ns() / 1000));
}

Nvme::Completion Nvme::execute(uint16_t sqid, const uint8_t* sqe) {
  Sqe s{sqe};
  uint64_t begin = std::max(bus_->now(), device_free_);
  Completion c;
  if (s.flags() & 0xc3) {   // fused operations and SGLs (PSDT) are not supported
    c.status = st::kInvalidField;
    c.due = begin + cycles((sqid ? timing_.write_latency_us : timing_.admin_latency_us) * 1000);
  } else if (sqid == 0) {
    uint64_t ignored = 0;
    c = admin(sqe, ignored);
    ++counters_.admin;
    c.due = begin + cycles(timing_.admin_latency_us * 1000);
  } else {
    uint64_t end = 0;
    c = io(sqe, begin, end);
    c.due = end;
  }
  c.cid = s.cid();
  return c;
}

// --- data: PRPs (§4.3) ---------------------------------------------------------------------

uint16_t Nvme::prp_segments(uint64_t prp1, uint64_t prp2, uint32_t len, std::vector<std::pair<uint64_t, uint32_t>>& out) {
  const uint64_t ps = page_size();
  out.clear();
  if (prp1 & 3) return st::kInvalidField;   // dword aligned
  uint64_t first = std::min<uint64_t>(len, ps - (prp1 & (ps - 1)));
  out.push_back({prp1, uint32_t(first)});
  uint64_t left = len - first;
  if (!left) return st::kSuccess;
  if (left <= ps) {   // PRP2 is the second (and last) page
    if (prp2 & (ps - 1)) return st::kInvalidField;
    out.push_back({prp2, uint32_t(left)});
    return st::kSuccess;
  }
  // PRP2 points to a list of page addresses; the last entry of a list page points to the next
  // list page when more entries are needed.
  if (prp2 & 7) return st::kInvalidField;
  uint64_t at = prp2;
  for (unsigned hops = 0; left; ++hops) {
    if (hops > 2 * kNvmeMaxTransfer / 4096 + 2) return st::kInvalidField;   // a looping list
    uint8_t e[8];
    if (bus_->dma_read(at, e, 8) != dev::DmaStatus::Ok) return st::kDataTransfer | st::kDnr;
    uint64_t v = le64(e);
    bool last_in_page = ((at & (ps - 1)) + 8) == ps;
    if (last_in_page && left > ps) {   // a pointer to the next list page
      if (v & (ps - 1)) return st::kInvalidField;
      at = v;
      continue;
    }
    if (v & (ps - 1)) return st::kInvalidField;
    uint64_t n = std::min(left, ps);
    out.push_back({v, uint32_t(n)});
    left -= n;
    at += 8;
  }
  return st::kSuccess;
}

uint16_t Nvme::dma_to_guest(uint64_t prp1, uint64_t prp2, const void* src, uint32_t len) {
  std::vector<std::pair<uint64_t, uint32_t>> segs;
  if (uint16_t e = prp_segments(prp1, prp2, len, segs)) return e;
  const uint8_t* p = static_cast<const uint8_t*>(src);
  for (auto [addr, n] : segs) {
    if (bus_->dma_write(addr, p, n) != dev::DmaStatus::Ok) return st::kDataTransfer | st::kDnr;
    p += n;
  }
  return st::kSuccess;
}

uint16_t Nvme::dma_from_guest(uint64_t prp1, uint64_t prp2, void* dst, uint32_t len) {
  std::vector<std::pair<uint64_t, uint32_t>> segs;
  if (uint16_t e = prp_segments(prp1, prp2, len, segs)) return e;
  uint8_t* p = static_cast<uint8_t*>(dst);
  for (auto [addr, n] : segs) {
    if (bus_->dma_read(addr, p, n) != dev::DmaStatus::Ok) return st::kDataTransfer | st::kDnr;
    p += n;
  }
  return st::kSuccess;
}

// --- admin commands (§5) -------------------------------------------------------------------

Nvme::Completion Nvme::admin(const uint8_t* sqe, uint64_t&) {
  Sqe s{sqe};
  Completion c;
  const uint32_t cdw10 = s.cdw(10), cdw11 = s.cdw(11);
  const uint16_t qid = uint16_t(cdw10), max_io = kNvmeQueues - 1;
  const uint32_t qsize = (cdw10 >> 16) + 1;
  switch (s.opcode()) {
    case 0x00:   // Delete I/O Submission Queue
      if (qid == 0 || qid > max_io || !sq_[qid].valid) c.status = st::kInvalidQid | st::kDnr;
      else sq_[qid] = Queue{}, forget(qid, false);
      break;
    case 0x01:   // Create I/O Submission Queue: CDW11 = CQID << 16 | QPRIO 2:1 | PC 0
      if (qid == 0 || qid > max_io || sq_[qid].valid) c.status = st::kInvalidQid | st::kDnr;
      else if (qsize < 2 || qsize > kNvmeMaxEntries) c.status = st::kInvalidQsize | st::kDnr;
      else if ((cdw11 >> 16) == 0 || (cdw11 >> 16) > max_io || !cq_[cdw11 >> 16].valid) c.status = st::kCqInvalid | st::kDnr;
      else if (!(cdw11 & 1) || (s.prp1() & (page_size() - 1))) c.status = st::kInvalidField | st::kDnr;   // CAP.CQR
      else {
        Queue& q = sq_[qid];
        q = Queue{};
        q.valid = true, q.base = s.prp1(), q.size = qsize, q.cqid = uint16_t(cdw11 >> 16);
      }
      break;
    case 0x04:   // Delete I/O Completion Queue: refused while an SQ still completes to it
      if (qid == 0 || qid > max_io || !cq_[qid].valid) c.status = st::kInvalidQid | st::kDnr;
      else if (std::any_of(sq_ + 1, sq_ + kNvmeQueues, [&](const Queue& q) { return q.valid && q.cqid == qid; }))
        c.status = st::kInvalidQueueDeletion | st::kDnr;
      else cq_[qid] = Queue{}, forget(qid, true), update_intx();
      break;
    case 0x05:   // Create I/O Completion Queue: CDW11 = IV << 16 | IEN 1 | PC 0
      if (qid == 0 || qid > max_io || cq_[qid].valid) c.status = st::kInvalidQid | st::kDnr;
      else if (qsize < 2 || qsize > kNvmeMaxEntries) c.status = st::kInvalidQsize | st::kDnr;
      else if ((cdw11 >> 16) >= kNvmeVectors) c.status = st::kInvalidVector | st::kDnr;
      else if (!(cdw11 & 1) || (s.prp1() & (page_size() - 1))) c.status = st::kInvalidField | st::kDnr;
      else {
        Queue& q = cq_[qid];
        q = Queue{};
        q.valid = true, q.base = s.prp1(), q.size = qsize, q.vector = uint16_t(cdw11 >> 16), q.ien = cdw11 >> 1 & 1;
      }
      break;
    case 0x06: {   // Identify: CNS 7:0
      uint8_t d[4096] = {};
      unsigned cns = cdw10 & 0xff;
      if (cns == 0) {   // namespace (NVM Command Set §5.x "Identify Namespace data structure")
        if (s.nsid() != 1) {
          c.status = st::kInvalidNamespace | st::kDnr;
          break;
        }
        put_le(d + 0, 8, blocks_);    // NSZE
        put_le(d + 8, 8, blocks_);    // NCAP
        put_le(d + 16, 8, blocks_);   // NUSE
        d[25] = 0;                    // NLBAF: one format (0-based)
        d[26] = 0;                    // FLBAS: format 0, no metadata
        put_le(d + 128, 4, uint32_t(kNvmeBlockShift) << 16);   // LBAF0: LBADS 9, MS 0
      } else if (cns == 1) {   // controller
        put_le(d + 0, 2, identity().vendor);             // VID
        put_le(d + 2, 2, identity().subsystem_vendor);   // SSVID
        put_text(d + 4, 20, "VFSIM00000001");            // SN
        put_text(d + 24, 40, "vfsim NVMe controller");   // MN
        put_text(d + 64, 8, "1.0");                      // FR
        d[77] = 5;                                       // MDTS: 2^5 pages of CAP.MPSMIN
        put_le(d + 78, 2, 1);                            // CNTLID
        put_le(d + 80, 4, 0x00010400);                   // VER 1.4
        d[258] = 0;                                      // ACL: one Abort at a time
        d[260] = 0x03;                                   // FRMW: one slot, read-only
        d[512] = 0x66;                                   // SQES: 64 bytes
        d[513] = 0x44;                                   // CQES: 16 bytes
        put_le(d + 516, 4, 1);                           // NN: one namespace
      } else if (cns == 2) {   // active namespace ids above NSID
        if (s.nsid() < 1) put_le(d, 4, 1);
      } else {
        c.status = st::kInvalidField | st::kDnr;
        break;
      }
      c.status = dma_to_guest(s.prp1(), s.prp2(), d, sizeof d);
      break;
    }
    case 0x02: {   // Get Log Page: LID 7:0, NUMDL 31:16 (+ NUMDU 15:0 of CDW11), dwords 0-based
      uint8_t lid = cdw10 & 0xff;
      uint64_t len = ((uint64_t(cdw11 & 0xffff) << 16 | cdw10 >> 16) + 1) * 4;
      if (lid < 1 || lid > 3) c.status = st::kInvalidLogPage | st::kDnr;
      else if (len > kNvmeMaxTransfer) c.status = st::kInvalidField | st::kDnr;
      else {   // no errors logged, no health data, one firmware slot: all zeros
        std::vector<uint8_t> d(len, 0);
        c.status = dma_to_guest(s.prp1(), s.prp2(), d.data(), uint32_t(len));
      }
      break;
    }
    case 0x08:   // Abort: commands complete in order at once, nothing is left to abort
      c.dw0 = 1;   // bit 0: not aborted
      break;
    case 0x09:   // Set Features
    case 0x0a:   // Get Features
      if ((cdw10 & 0xff) != 0x07) c.status = st::kInvalidField | st::kDnr;
      else if (s.opcode() == 0x09 && ((cdw11 & 0xffff) == 0xffff || (cdw11 >> 16) == 0xffff))
        c.status = st::kInvalidField | st::kDnr;
      else c.dw0 = uint32_t(max_io - 1) << 16 | (max_io - 1);   // 8 SQs and 8 CQs, 0-based
      break;
    default: c.status = st::kInvalidOpcode | st::kDnr;
  }
  return c;
}

// --- NVM commands --------------------------------------------------------------------------

Nvme::Completion Nvme::io(const uint8_t* sqe, uint64_t begin, uint64_t& due) {
  Sqe s{sqe};
  Completion c;
  const uint8_t op = s.opcode();
  double latency_us = op == 0x02 ? timing_.read_latency_us : op == 0x00 ? timing_.flush_latency_us : timing_.write_latency_us;
  const uint64_t start = begin + cycles(latency_us * 1000);
  due = start;   // errors: the command's latency, no transfer
  if (op > 0x02) {
    c.status = st::kInvalidOpcode | st::kDnr;
    return c;
  }
  if (s.nsid() != 1) {
    c.status = st::kInvalidNamespace | st::kDnr;
    return c;
  }
  if (op == 0x00) {   // Flush: writes are in the file already (pwrite); the time is the model
    ++counters_.flushes;
    return c;
  }
  const uint64_t slba = uint64_t(s.cdw(11)) << 32 | s.cdw(10);
  const uint32_t nlb = (s.cdw(12) & 0xffff) + 1;
  const uint64_t len = uint64_t(nlb) << kNvmeBlockShift;
  if (slba >= blocks_ || nlb > blocks_ - slba) {
    c.status = st::kLbaRange | st::kDnr;
    return c;
  }
  if (len > kNvmeMaxTransfer) {
    c.status = st::kInvalidField | st::kDnr;
    return c;
  }
  if (scratch_.size() < len) scratch_.resize(len);   // grows to the largest command, then stays
  uint8_t* buf = scratch_.data();
  const bool read = op == 0x02;
  if (read) {
    if (!image_io(fd_, false, buf, len, slba << kNvmeBlockShift)) c.status = st::kInternal;
    else c.status = dma_to_guest(s.prp1(), s.prp2(), buf, uint32_t(len));
  } else {
    c.status = dma_from_guest(s.prp1(), s.prp2(), buf, uint32_t(len));
    if (!c.status && !image_io(fd_, true, buf, len, slba << kNvmeBlockShift)) c.status = st::kInternal;
  }
  if (c.status) return c;
  if (read) ++counters_.reads, counters_.bytes_read += len;
  else ++counters_.writes, counters_.bytes_written += len;
  // The data crosses the media and the link at the same time: the slower one decides.
  // 1 GB/s = 1 byte/ns.
  double media_ns = double(len) / (read ? timing_.media_read_gbps : timing_.media_write_gbps);
  uint64_t media_end = start + cycles(media_ns);
  uint64_t link_end = bus_->link_transfer(start, len, read);
  due = std::max(media_end, link_end);
  return c;
}

}  // namespace vfsim::models
