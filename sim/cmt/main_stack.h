// Debian's libsystemc tells AddressSanitizer about its coroutine switches (weak references to
// __sanitizer_start/finish_switch_fiber), but switching back to sc_main's own stack it gives
// ASan an empty stack (0, 0). From then on ASan cannot clear the poison of the frames an
// exception unwinds on the main thread ("ignoring requested __asan_handle_no_return ... top:
// 0"), and the next call reports an error in ASan's own code (docs/reliability.md,
// "Sanitizers"). Once sc_start has returned we are on the main stack again: this tells ASan
// its bounds. It does nothing in a build without ASan.
#pragma once
#include <systemc>
#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace vfsim::cmt {

inline void main_stack_after_simulation() {
#if defined(__SANITIZE_ADDRESS__)
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* base = nullptr;
  size_t size = 0;
  int r = pthread_attr_getstack(&attr, &base, &size);
  pthread_attr_destroy(&attr);
  if (r != 0 || !base || !size) return;
  __sanitizer_start_switch_fiber(nullptr, base, size);   // a "switch" to where we are
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

// sc_start from sc_main's own stack (ldmd's loop, a snapshot's restore), then the above.
inline void sc_start_main(const sc_core::sc_time& t) {
  sc_core::sc_start(t);
  main_stack_after_simulation();
}

}  // namespace vfsim::cmt
