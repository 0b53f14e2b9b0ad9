// An NVMe controller on PCI Express: the endpoint of vfsim's root complexes (issue 15). One
// namespace of 512-byte blocks backed by a raw host image file.
//
// Identity [our own ids]: vendor 0x108e, device 0x0a0e, class 0x010802 (NVM Express).
// BAR0/1: one 64-bit memory BAR of 16 KB:
//   0x0000  controller registers (models/nvme_registers.def: CAP VS INTMS INTMC CC CSTS AQA
//           ASQ ACQ; NVMe Base 1.4 §3.1). CAP: MQES 1023, CQR 1 (queues must be physically
//           contiguous), TO 1 (500 ms), DSTRD 0, CSS NVM, MPSMIN 0, MPSMAX 1 (4 or 8 KB pages).
//   0x1000  doorbells: SQy tail at 0x1000 + 8y, CQy head at 0x1004 + 8y; admin + 8 I/O pairs.
//   0x2000  MSI-X table, 8 vectors of 16 bytes (addr lo, addr hi, data, vector control)
//   0x3000  MSI-X pending bit array
//   Reserved offsets inside the BAR read 0 and ignore writes.
// Config space: MSI-X capability at 0x40 (PCI 3.0 §6.8.2: 8 vectors, table BIR 0 @0x2000,
// PBA BIR 0 @0x3000), PCI Express capability at 0x4c (version 2, endpoint, x8 2.5 GT/s).
// CC.EN 0->1 takes AQA/ASQ/ACQ and sets CSTS.RDY; an admin queue below 2 or above 1024
// entries, CC.MPS > 1 or CC.CSS other than NVM sets CSTS.CFS instead. CC.EN 1->0 drops every
// queue and pending completion. CC.SHN: CSTS.SHST "complete" at once.
//
// Commands (NVMe Base 1.4 §5, NVM Command Set; opcodes as in Linux nvme.h):
//   admin: Delete I/O SQ 0x00, Create I/O SQ 0x01, Get Log Page 0x02 (error, SMART and
//   firmware logs read as zeros), Delete I/O CQ 0x04, Create I/O CQ 0x05, Identify 0x06
//   (CNS 0 namespace, 1 controller, 2 active namespace list), Abort 0x08 (completes, nothing aborted), Set/Get
//   Features 0x09/0x0a (Number of Queues 0x07 only; 8 SQs and 8 CQs granted).
//   NVM: Flush 0x00, Write 0x01, Read 0x02 on namespace 1. MDTS 5: 128 KB per command.
//   Data: PRP1/PRP2 and chained PRP lists in CC.MPS pages (§4.3). Every address is a bus
//   (DVMA) address through PciBus::dma_*, only while bus mastering is on (else a doorbell
//   fetches nothing). A failed data DMA: Data Transfer Error (0x04, DNR); a failed SQ entry
//   read or CQ entry write: CSTS.CFS. Bad doorbells (no such queue, value past its size) are
//   ignored and counted (async_errors). A command is fetched only when its CQ has room for
//   its completion (so the device's list is bounded); the rest wait in guest memory until the
//   CQ head doorbell. A completion due while bus mastering is off is lost (counted).
//
// Timing: a doorbell fetches and executes at once; the data moves at once (image <-> guest
// memory); the completion entry and its interrupt are posted at the due cycle
//   due = max(now, device free) + latency + max(media time, link time)
// (link: PciBus::link_transfer, upstream for reads). The device serves one command at a
// time, so completions post in submission order. NvmeTiming's values [U: a model device]:
// read 80 us, write 20 us, flush 200 us, admin 10 us (latency only: an admin command's data,
// at most 4 KB, is not timed); media 3.0 GB/s read, 1.5 GB/s write. A failed command costs
// its latency alone. Deleting a queue drops its completions not yet posted.
//
// Interrupts: MSI-X per CQ vector (Create I/O CQ IV; the admin CQ uses vector 0), with the
// function mask, per-vector masks and the PBA; one message per CQ for the completions one
// run() posts; with MSI-X disabled, INTx (INTA, level: any
// interrupt-enabled CQ with entries the host has not consumed, unless INTMS masks bit 0).
//
// Left out: SGLs, metadata, fused commands, Asynchronous Event Requests (Invalid Opcode),
// Format/Firmware/Namespace management, weighted round robin arbitration, NSSR, CMB/PMR,
// the interrupt coalescing feature, per-command abort, a volatile write cache (Flush only
// costs time; writes reach the file through pwrite at once), non-contiguous queues, the PCI
// status register's Interrupt Status bit, and INTx re-evaluated on a COMMAND.INTx Disable
// write (it takes effect at the next queue event).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/dev/pci_function.h"
#include "sim/state/description.h"

namespace vfsim::models {

// [U: a model device, not a measured part] values chosen to look like a datacenter NVMe SSD
// of the T5x40's era (PCIe Gen1 x8 host side).
struct NvmeTiming {
  double read_latency_us = 80;      // a Read command's fixed cost before its data moves
  double write_latency_us = 20;     // a Write's (the device acknowledges into its buffer)
  double flush_latency_us = 200;    // a Flush (draining its buffer to media)
  double admin_latency_us = 10;     // any admin command
  double media_read_gbps = 3.0;     // GB/s (1e9 bytes/s) the media delivers for reads
  double media_write_gbps = 1.5;    // GB/s it absorbs for writes
};

constexpr unsigned kNvmeQueues = 9;         // admin + 8 I/O queue pairs
constexpr unsigned kNvmeVectors = 8;        // MSI-X vectors
constexpr uint32_t kNvmeMaxEntries = 1024;  // CAP.MQES + 1
constexpr unsigned kNvmeBlockShift = 9;     // 512-byte LBAs
constexpr uint32_t kNvmeMaxTransfer = 32 * 4096;   // MDTS 5 in CAP.MPSMIN (4 KB) pages

// NVMe status (the 15 bits above the phase tag): SC 7:0, SCT 10:8, DNR 14.
namespace nvme_status {
constexpr uint16_t kSuccess = 0x00, kInvalidOpcode = 0x01, kInvalidField = 0x02, kDataTransfer = 0x04,
                   kInternal = 0x06, kInvalidNamespace = 0x0b, kLbaRange = 0x80;
constexpr uint16_t kSctCommandSpecific = 0x100;
constexpr uint16_t kCqInvalid = kSctCommandSpecific | 0x00, kInvalidQid = kSctCommandSpecific | 0x01,
                   kInvalidQsize = kSctCommandSpecific | 0x02, kInvalidLogPage = kSctCommandSpecific | 0x09,
                   kInvalidVector = kSctCommandSpecific | 0x08, kInvalidQueueDeletion = kSctCommandSpecific | 0x0c;
constexpr uint16_t kDnr = 0x4000;
}  // namespace nvme_status

class Nvme : public dev::PciFunction {
 public:
  // image: a raw image file, opened read-write; its size must be a non-zero multiple of 512
  // (std::runtime_error naming the file otherwise).
  Nvme(const std::string& image, const NvmeTiming& timing = {});
  ~Nvme() override;
  Nvme(const Nvme&) = delete;
  Nvme& operator=(const Nvme&) = delete;

  bool bar_read(unsigned bar, uint64_t offset, unsigned size, uint64_t& v) override;
  bool bar_write(unsigned bar, uint64_t offset, unsigned size, uint64_t v) override;
  uint64_t next_due() const override;
  void run(uint64_t now) override;
  void reset() override;
  void save(state::Encoder& e) const override;
  void load(state::Decoder& d) override;
  std::string describe() const override;

  struct Counters {
    uint64_t reads = 0, writes = 0, flushes = 0, admin = 0, errors = 0;   // commands completed
    uint64_t bytes_read = 0, bytes_written = 0;
    uint64_t async_errors = 0;   // doorbells ignored (no such queue, value out of range)
    uint64_t interrupts = 0;     // MSI-X messages sent
    uint64_t lost = 0;           // completions due while bus mastering was off (not written)
  };
  const Counters& counters() const { return counters_; }
  uint64_t blocks() const { return blocks_; }
  const NvmeTiming& timing() const { return timing_; }
  size_t pending() const { return pending_.size(); }

  // Plain data (declared state).
  struct Queue {
    bool valid = false;
    uint64_t base = 0;
    uint32_t size = 0;     // entries
    uint32_t head = 0, tail = 0;
    uint8_t phase = 1;     // CQ: the phase tag the next entry is written with
    uint16_t cqid = 0;     // SQ: the CQ it completes to
    uint16_t vector = 0;   // CQ: MSI-X vector
    bool ien = true;       // CQ: interrupts enabled
  };
  struct Completion {
    uint64_t due = 0;
    uint32_t dw0 = 0;
    uint16_t sqid = 0, cqid = 0, sq_head = 0, cid = 0, status = 0;
  };

 private:
  static const state::Description<Nvme>& state_description();
  // register hooks (models/nvme_registers.def)
  void on_intms(unsigned, uint64_t, uint64_t now);
  void on_intmc(unsigned, uint64_t, uint64_t now);
  void on_cc(unsigned, uint64_t old, uint64_t now);
  void on_doorbell(unsigned index, uint64_t old, uint64_t now);
  void trace_command(uint16_t sqid, const uint8_t* sqe, const Completion& c) const;   // --hv-trace
  void on_msix_control(unsigned, uint64_t old, uint64_t now);
  void on_vector_control(unsigned index, uint64_t old, uint64_t now);

  void controller_reset();          // CC.EN 1 -> 0 or PCI reset: queues and completions gone
  void enable();                    // CC.EN 0 -> 1
  void fetch(uint16_t sqid);        // commands from head to tail
  // One command: its completion's status and DW0, and when it is due.
  Completion execute(uint16_t sqid, const uint8_t* sqe);
  Completion admin(const uint8_t* sqe, uint64_t& busy_ns);
  Completion io(const uint8_t* sqe, uint64_t begin, uint64_t& due);
  // The data buffer's pieces: (bus address, length) pairs from PRP1/PRP2 and the lists.
  uint16_t prp_segments(uint64_t prp1, uint64_t prp2, uint32_t len, std::vector<std::pair<uint64_t, uint32_t>>& out);
  uint16_t dma_to_guest(uint64_t prp1, uint64_t prp2, const void* src, uint32_t len);
  uint16_t dma_from_guest(uint64_t prp1, uint64_t prp2, void* dst, uint32_t len);
  unsigned cq_taken(uint16_t q) const;
  void forget(uint16_t qid, bool cq);
  void recount();
  void schedule(const Completion& c);
  void post_due(uint64_t now);
  bool post(const Completion& c);   // false: its CQ is full (stays pending)
  void interrupt(uint16_t cqid);
  void send_msix(unsigned vector);
  void deliver_pending_msix();
  void update_intx();
  bool msix_enabled() const;
  uint64_t page_size() const;
  uint64_t cycles(double ns) const;

  std::string path_;
  int fd_ = -1;
  uint64_t blocks_ = 0;
  NvmeTiming timing_;
  dev::RegisterBank regs_{"nvme regs"};
  dev::RegisterBank msix_{"nvme msix"};   // table at 0 (BAR 0x2000), PBA at 0x1000 (BAR 0x3000)
  unsigned cap_, intms_, intmc_, cc_, csts_, aqa_, asq_, acq_, db_;
  unsigned msix_ctl_ = 0, vaddr_lo_, vaddr_hi_, vdata_, vctrl_, pba_;
  Queue sq_[kNvmeQueues], cq_[kNvmeQueues];
  std::vector<Completion> pending_;  // in due order
  std::vector<uint8_t> scratch_;          // a command's data on its way (not state)
  unsigned promised_[kNvmeQueues] = {};   // pending_ per CQ (derived, not state)
  uint64_t device_free_ = 0;         // cycle the device finishes its last command
  bool intx_ = false;                // INTA asserted
  Counters counters_;
};

}  // namespace vfsim::models
