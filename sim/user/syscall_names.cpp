#include "sim/user/syscall_names.h"

namespace vfsim::user {

std::string syscall_name(uint64_t nr) {
  switch (nr) {
#include "syscall_names.inc"   // generated at configure time from asm/unistd_64.h
    default: return "unknown";
  }
}

}  // namespace vfsim::user
