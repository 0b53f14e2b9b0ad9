#include "sim/user/address_space.h"

#include <algorithm>
#include <cstring>

#include "sim/isa/strand_state.h"

namespace vfsim::user {

static uint64_t page_down(uint64_t v) { return v & ~(AddressSpace::kPage - 1); }
static uint64_t page_up(uint64_t v) { return (v + AddressSpace::kPage - 1) & ~(AddressSpace::kPage - 1); }

const AddressSpace::Vma* AddressSpace::find(uint64_t va, uint64_t* start) const {
  auto it = vmas_.upper_bound(va);
  if (it == vmas_.begin()) return nullptr;
  --it;
  if (va >= it->second.end) return nullptr;
  if (start) *start = it->first;
  return &it->second;
}

void AddressSpace::carve(uint64_t start, uint64_t end) {
  auto it = vmas_.lower_bound(start);
  if (it != vmas_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > start) {
      Vma tail = prev->second;
      prev->second.end = start;
      if (tail.end > end) vmas_[end] = {tail.end, tail.prot};
    }
  }
  it = vmas_.lower_bound(start);
  while (it != vmas_.end() && it->first < end) {
    if (it->second.end > end) {
      Vma rest = it->second;
      vmas_.erase(it);
      vmas_[end] = rest;
      break;
    }
    it = vmas_.erase(it);
  }
}

std::vector<uint64_t> AddressSpace::resident_in(uint64_t s, uint64_t e) const {
  std::vector<uint64_t> out;
  if ((e - s) / kPage <= pages_.size()) {
    for (uint64_t p = s; p < e; p += kPage)
      if (pages_.count(p / kPage)) out.push_back(p / kPage);
  } else {
    for (const auto& [vpn, pg] : pages_)
      if (vpn >= s / kPage && vpn < e / kPage) out.push_back(vpn);
  }
  return out;
}

void AddressSpace::map(uint64_t va, uint64_t len, uint8_t prot) {
  uint64_t s = page_down(va), e = page_up(va + len);
  carve(s, e);
  vmas_[s] = {e, prot};
  // Only resident pages can be cached by the strand or hold code.
  for (uint64_t vpn : resident_in(s, e)) {
    uint64_t p = vpn * kPage;
    if (on_unmap_page) on_unmap_page(p);
    auto it = pages_.find(vpn);
    if (it->second.has_code && on_code_change) on_code_change(p);
    pages_.erase(it);   // a new mapping starts zero-filled
  }
}

void AddressSpace::unmap(uint64_t va, uint64_t len) {
  uint64_t s = page_down(va), e = page_up(va + len);
  carve(s, e);
  for (uint64_t vpn : resident_in(s, e)) {
    uint64_t p = vpn * kPage;
    auto it = pages_.find(vpn);
    if (it->second.has_code && on_code_change) on_code_change(p);
    if (on_unmap_page) on_unmap_page(p);
    pages_.erase(it);
  }
}

bool AddressSpace::protect(uint64_t va, uint64_t len, uint8_t prot) {
  uint64_t s = page_down(va), e = page_up(va + len);
  if (!is_mapped(s, e - s)) return false;
  // Re-split and re-insert with the new protection, keeping page contents.
  carve(s, e);
  vmas_[s] = {e, prot};
  for (uint64_t vpn : resident_in(s, e))
    if (on_unmap_page) on_unmap_page(vpn * kPage);
  return true;
}

bool AddressSpace::is_mapped(uint64_t va, uint64_t len) const {
  uint64_t p = page_down(va), e = page_up(va + len);
  while (p < e) {
    uint64_t start;
    const Vma* v = find(p, &start);
    if (!v) return false;
    p = v->end;
  }
  return true;
}

uint64_t AddressSpace::find_free(uint64_t len, uint64_t below) const {
  len = page_up(len);
  uint64_t top = page_down(below);
  // Walk mappings downward from `below`, returning the first gap that fits.
  auto it = vmas_.lower_bound(top);
  while (true) {
    uint64_t gap_end = top;
    uint64_t gap_start = 0;
    if (it != vmas_.begin()) {
      auto prev = std::prev(it);
      gap_start = prev->second.end;
      if (gap_start > gap_end) gap_start = gap_end;
      if (gap_end - gap_start >= len) return gap_end - len;
      top = prev->first;
      it = prev;
    } else {
      return gap_end >= len ? gap_end - len : 0;
    }
  }
}

uint8_t* AddressSpace::host(uint64_t va, uint8_t need) {
  const Vma* v = find(va);
  if (!v || (v->prot & need) != need) return nullptr;
  Page& pg = pages_[va / kPage];
  if (!pg.data) {
    pg.data.reset(new uint8_t[kPage]);
    std::memset(pg.data.get(), 0, kPage);
  }
  return pg.data.get() + (va & (kPage - 1));
}

bool AddressSpace::read(uint64_t va, void* dst, uint64_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  while (n) {
    uint64_t chunk = std::min<uint64_t>(n, kPage - (va & (kPage - 1)));
    uint8_t* h = host(va, PROT_R);
    if (!h) return false;
    std::memcpy(d, h, chunk);
    d += chunk; va += chunk; n -= chunk;
  }
  return true;
}

bool AddressSpace::write(uint64_t va, const void* src, uint64_t n) {
  auto* s = static_cast<const uint8_t*>(src);
  while (n) {
    uint64_t chunk = std::min<uint64_t>(n, kPage - (va & (kPage - 1)));
    uint8_t* h = host(va, PROT_W);
    if (!h) return false;
    Page& pg = pages_[va / kPage];
    if (pg.has_code) {
      pg.has_code = false;
      if (on_code_change) on_code_change(va);
    }
    std::memcpy(h, s, chunk);
    s += chunk; va += chunk; n -= chunk;
  }
  return true;
}

bool AddressSpace::poke(uint64_t va, const void* src, uint64_t n) {
  auto* s = static_cast<const uint8_t*>(src);
  while (n) {
    uint64_t chunk = std::min<uint64_t>(n, kPage - (va & (kPage - 1)));
    uint8_t* h = host(va, 0);
    if (!h) return false;
    std::memcpy(h, s, chunk);
    s += chunk; va += chunk; n -= chunk;
  }
  return true;
}

bool AddressSpace::read_string(uint64_t va, std::string& out, size_t max) {
  out.clear();
  while (out.size() < max) {
    uint8_t* h = host(va, PROT_R);
    if (!h) return false;
    if (*h == 0) return true;
    out.push_back(char(*h));
    ++va;
  }
  return false;
}

isa::Translation AddressSpace::translate(isa::StrandState&, uint64_t va, isa::Access acc, uint8_t) {
  uint8_t need = acc == isa::Access::Write ? PROT_W : acc == isa::Access::Fetch ? PROT_X : PROT_R;
  uint8_t* h = host(va, need);
  isa::Translation t;
  if (!h) {
    t.fault = acc == isa::Access::Fetch ? isa::TT_INSTRUCTION_ACCESS_EXCEPTION
                                        : isa::TT_DATA_ACCESS_EXCEPTION;
    return t;
  }
  t.page = h - (va & (kPage - 1));
  Page& pg = pages_[va / kPage];
  if (acc == isa::Access::Fetch) {
    pg.has_code = true;
  } else if (acc == isa::Access::Write && pg.has_code) {
    // First store to a page we decoded from: drop the decoded copy.
    pg.has_code = false;
    if (on_code_change) on_code_change(va);
  }
  return t;
}

void AddressSpace::flush_icache(isa::StrandState&, uint64_t va) {
  auto it = pages_.find(va / kPage);
  if (it != pages_.end() && it->second.has_code && on_code_change) {
    it->second.has_code = false;
    on_code_change(va);
  }
}

}  // namespace vfsim::user
