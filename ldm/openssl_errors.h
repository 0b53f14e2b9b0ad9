// OpenSSL's error queue as one line, for the `why` strings of the migration link.
#pragma once
#include <openssl/err.h>

#include <string>

namespace vfsim::ldm::link {

// Empties this thread's OpenSSL error queue into "reason; reason" (or `fallback` when empty).
inline std::string openssl_errors(const std::string& fallback = "unknown OpenSSL error") {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* r = ERR_reason_error_string(e);
    std::string s = r ? r : "error " + std::to_string(ERR_GET_REASON(e));
    if (out.find(s) == std::string::npos) out += (out.empty() ? "" : "; ") + s;
  }
  return out.empty() ? fallback : out;
}

}  // namespace vfsim::ldm::link
