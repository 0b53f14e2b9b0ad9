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
  // Physical page and mapping size of each entry, for the timing model only: kept apart so
  // the interpreter's hit path touches the same 16-byte entries as before.
  uint64_t rd_pa[kEntries] = {}, wr_pa[kEntries] = {};
  uint8_t rd_shift[kEntries] = {}, wr_shift[kEntries] = {};

  static unsigned index(uint64_t vpn) { return unsigned(vpn) & (kEntries - 1); }
  uint8_t* read(uint64_t va) const {
    const Entry& e = rd[index(va >> kPageBits)];
    return e.tag == (va >> kPageBits) ? e.host + (va & (kPageSize - 1)) : nullptr;
  }
  uint8_t* write(uint64_t va) const {
    const Entry& e = wr[index(va >> kPageBits)];
    return e.tag == (va >> kPageBits) ? e.host + (va & (kPageSize - 1)) : nullptr;
  }
  void fill_read(uint64_t va, uint8_t* page, uint64_t pa = 0, uint8_t shift = kPageBits) {
    unsigned i = index(va >> kPageBits);
    rd[i] = {va >> kPageBits, page};
    rd_pa[i] = pa;
    rd_shift[i] = shift;
  }
  void fill_write(uint64_t va, uint8_t* page, uint64_t pa = 0, uint8_t shift = kPageBits) {
    unsigned i = index(va >> kPageBits);
    wr[i] = {va >> kPageBits, page};
    wr_pa[i] = pa;
    wr_shift[i] = shift;
  }
  // The physical address of va and the size of its mapping, if an entry holds its page (a
  // read or a write one: both translate the same VA alike). No side effects.
  bool physical(uint64_t va, uint64_t& pa, unsigned& shift) const {
    uint64_t vpn = va >> kPageBits;
    unsigned i = index(vpn);
    if (rd[i].tag == vpn) {
      pa = rd_pa[i] | (va & (kPageSize - 1));
      shift = rd_shift[i];
      return true;
    }
    if (wr[i].tag == vpn) {
      pa = wr_pa[i] | (va & (kPageSize - 1));
      shift = wr_shift[i];
      return true;
    }
    return false;
  }
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
