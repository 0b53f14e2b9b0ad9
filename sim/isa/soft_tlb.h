// Per-strand software TLB: guest virtual page -> host pointer, separately for reads and
// writes, so a hit is a tag compare plus an add (the Spike/QEMU recipe). Entries are only
// filled by MemoryPort::translate; a write entry is never filled for a page that holds
// decoded instructions, so stores to code go the slow way and invalidate it. A dirty-page
// log (hv/dirty_log.h) drops the write entries (flush_writes) when it marks pages clean, so
// the next store to each page goes the slow way again and is logged.
#pragma once
#include <cstdint>

namespace vfsim::isa {

constexpr unsigned kPageBits = 13;               // 8 KB base pages (sun4v)
constexpr uint64_t kPageSize = 1ull << kPageBits;

struct SoftTlb {
  static constexpr unsigned kEntries = 512;
  struct Entry {
    uint64_t tag = ~0ull;     // va >> kPageBits
    uint8_t* host = nullptr;  // host address of the page's first byte
  };
  Entry rd[kEntries], wr[kEntries];

  static unsigned index(uint64_t vpn) { return unsigned(vpn) & (kEntries - 1); }
  uint8_t* read(uint64_t va) const {
    const Entry& e = rd[index(va >> kPageBits)];
    return e.tag == (va >> kPageBits) ? e.host + (va & (kPageSize - 1)) : nullptr;
  }
  uint8_t* write(uint64_t va) const {
    const Entry& e = wr[index(va >> kPageBits)];
    return e.tag == (va >> kPageBits) ? e.host + (va & (kPageSize - 1)) : nullptr;
  }
  void fill_read(uint64_t va, uint8_t* page) { rd[index(va >> kPageBits)] = {va >> kPageBits, page}; }
  void fill_write(uint64_t va, uint8_t* page) { wr[index(va >> kPageBits)] = {va >> kPageBits, page}; }
  void flush_page(uint64_t va) {
    uint64_t vpn = va >> kPageBits;
    if (rd[index(vpn)].tag == vpn) rd[index(vpn)] = {};
    if (wr[index(vpn)].tag == vpn) wr[index(vpn)] = {};
  }
  void flush_write_page(uint64_t va) {
    uint64_t vpn = va >> kPageBits;
    if (wr[index(vpn)].tag == vpn) wr[index(vpn)] = {};
  }
  void flush_writes() {
    for (auto& e : wr) e = {};
  }
  void flush() {
    for (auto& e : rd) e = {};
    for (auto& e : wr) e = {};
  }
};

}  // namespace vfsim::isa
