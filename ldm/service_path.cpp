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

}  // namespace vfsim::ldm
