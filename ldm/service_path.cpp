#include "ldm/service_path.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace vfsim::ldm {

namespace fs = std::filesystem;

std::string service_path_problem(const std::string& path) {
  if (path.empty()) return "an empty path";
  if (path[0] != '/') return "not an absolute path";
  for (const fs::path& part : fs::path(path))
    if (part == "..") return "'..' is not allowed";
  return "";
}

std::string service_host_path(const std::string& root, const std::string& path, std::string& why) {
  why = service_path_problem(path);
  if (!why.empty()) return "";
  std::string host = root + path;
  if (root.empty()) return host;   // the host's own paths: nothing to stay inside
  // Symbolic links are followed as far as the path exists; what is left must be inside root.
  std::error_code ec;
  fs::path base = fs::weakly_canonical(root, ec), file = ec ? fs::path() : fs::weakly_canonical(host, ec);
  if (ec) {
    why = ec.message();
    return "";
  }
  auto rel = file.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") {
    why = "it leads out of the service domain's root (a symbolic link)";
    return "";
  }
  return host;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 64 || !std::isalpha(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+';
  });
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The length, and the range the second byte must be in (which rules out the overlong
    // forms, the surrogates U+D800..DFFF and everything above U+10FFFF).
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c == 0xe0) n = 3, lo = 0xa0;
    else if (c == 0xed) n = 3, hi = 0x9f;
    else if (c >= 0xe1 && c <= 0xef) n = 3;
    else if (c == 0xf0) n = 4, lo = 0x90;
    else if (c == 0xf4) n = 4, hi = 0x8f;
    else if (c >= 0xf1 && c <= 0xf3) n = 4;
    else return false;
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      unsigned char b = s[i + k];
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace vfsim::ldm
