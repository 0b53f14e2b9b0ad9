// Memory, time of day, console, soft state and the T2/T2 Plus performance register calls.
#include <cmath>
#include <cstring>

#include "hv/hcall.h"

namespace vfsim::hv {

namespace {
uint64_t check_range8k(Call& c, uint64_t ra, uint64_t len) {
  if ((ra | len) & 8191) return HV_EBADALIGN;
  if (len && !c.g.ra_ok(ra, len)) return HV_ENORADDR;
  return HV_EOK;
}
}  // namespace

// mem_scrub clears the range (the sun4v definition: contents become zero).
uint64_t hc_mem_scrub(Call& c) {
  uint64_t ra = c.arg(0), len = c.arg(1);
  if (uint64_t s = check_range8k(c, ra, len)) return s;
  std::vector<uint8_t> zero(8192);
  for (uint64_t off = 0; off < len; off += 8192) c.write(ra + off, zero.data(), zero.size());
  c.ret(1, len);
  return HV_EOK;
}

// Every store is already in memory here; nothing to wait for.
uint64_t hc_mem_sync(Call& c) {
  if (uint64_t s = check_range8k(c, c.arg(0), c.arg(1))) return s;
  c.ret(1, c.arg(1));
  return HV_EOK;
}

uint64_t hc_tod_get(Call& c) {
  c.ret(1, c.hv.guest_tod(c.g));
  return HV_EOK;
}
uint64_t hc_tod_set(Call& c) {
  c.hv.set_guest_tod(c.g, c.arg(0));
  return HV_EOK;
}

uint64_t hc_cons_getchar(Call& c) {
  if (c.g.console_input.empty()) return HV_EWOULDBLOCK;
  c.ret(1, uint8_t(c.g.console_input[0]));
  c.g.console_input.erase(0, 1);
  return HV_EOK;
}

uint64_t hc_cons_putchar(Call& c) {
  uint64_t ch = c.arg(0);
  if (ch == ~0ull) return HV_EOK;   // BREAK: nobody listens on a simulated line
  if (ch > 255) return HV_EINVAL;
  c.hv.console_write(c.g, std::string(1, char(ch)));
  return HV_EOK;
}

uint64_t hc_cons_read(Call& c) {
  uint64_t buf = c.arg(0), size = c.arg(1);
  // the buffer first: whether input is waiting must not decide if a bad address is seen
  if (size && !c.g.ra_ok(buf, size)) return HV_ENORADDR;
  if (c.g.console_input.empty()) return HV_EWOULDBLOCK;
  uint64_t n = std::min<uint64_t>(size, c.g.console_input.size());
  if (!c.write(buf, c.g.console_input.data(), n)) return HV_ENORADDR;
  c.g.console_input.erase(0, n);
  c.ret(1, n);
  return HV_EOK;
}

uint64_t hc_cons_write(Call& c) {
  uint64_t buf = c.arg(0), size = c.arg(1);
  // Check the range before allocating: a huge size from the guest was a bad_alloc /
  // length_error in the simulator instead of HV_ENORADDR.
  if (size && !c.g.ra_ok(buf, size)) return HV_ENORADDR;
  std::string text(size, '\0');
  if (!c.read(buf, text.data(), size)) return HV_ENORADDR;
  c.hv.console_write(c.g, text);
  c.ret(1, size);
  return HV_EOK;
}

uint64_t hc_soft_state_set(Call& c) {
  uint64_t state = c.arg(0), ra = c.arg(1);
  if (state != 1 && state != 2) return HV_EINVAL;
  if (ra & 31) return HV_EBADALIGN;
  char desc[32];
  if (!c.read(ra, desc, 32)) return HV_ENORADDR;
  if (!std::memchr(desc, 0, 32)) return HV_EINVAL;   // at most 31 characters and a NUL
  c.g.soft_state = state;
  c.g.soft_state_desc = desc;
  return HV_EOK;
}

uint64_t hc_soft_state_get(Call& c) {
  uint64_t ra = c.arg(0);
  if (ra & 31) return HV_EBADALIGN;
  char desc[32] = {};
  std::strncpy(desc, c.g.soft_state_desc.c_str(), 31);
  if (!c.write(ra, desc, 32)) return HV_ENORADDR;
  c.ret(1, c.g.soft_state);
  return HV_EOK;
}

// Performance registers: Niagara2 ids 0..8 (SPARC_CTL, DRAM CTL/COUNT 0-3), T2 Plus ids
// 0..0x59 (SPARC_CTL, L2_CTL, 8 DRAM CTL/COUNT pairs, coherence hub counters). Kept as
// plain registers; ids are per group so the two sets do not alias.
namespace {
uint64_t perf_get(Call& c, uint64_t group_bit, uint64_t max_id) {
  if (c.arg(0) > max_id) return HV_EINVAL;
  c.ret(1, c.g.perf_regs[group_bit | c.arg(0)]);
  return HV_EOK;
}
uint64_t perf_set(Call& c, uint64_t group_bit, uint64_t max_id) {
  if (c.arg(0) > max_id) return HV_EINVAL;
  c.g.perf_regs[group_bit | c.arg(0)] = c.arg(1);
  return HV_EOK;
}
}  // namespace
uint64_t hc_niagara2_getperf(Call& c) { return perf_get(c, 0, 8); }
uint64_t hc_niagara2_setperf(Call& c) { return perf_set(c, 0, 8); }
uint64_t hc_vfalls_getperf(Call& c) { return perf_get(c, 1ull << 32, 0x59); }
uint64_t hc_vfalls_setperf(Call& c) { return perf_set(c, 1ull << 32, 0x59); }

}  // namespace vfsim::hv
