// Paths and names of the service domain's file system. A vdsdev backend or mkfile's PATH is a
// path of the service domain, which ldmd keeps under --service-root: it must stay there. A
// service's name becomes a file name (a vsw's pcap), so it must be a plain name.
#pragma once
#include <string>

namespace vfsim::ldm {

// Why PATH is not a usable service-domain path ("" when it is): empty, relative, or with a
// ".." component.
std::string service_path_problem(const std::string& path);

// The host file for PATH under root ("" = the host's own paths), or "" with why set: PATH's
// own problems, or a symbolic link on the way that leads out of root.
std::string service_host_path(const std::string& root, const std::string& path, std::string& why);

// A name of a domain, service or volume: a letter, then letters, digits, '-', '_', '.', '+'
// (at most 64): never a path.
bool valid_name(const std::string& n);

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF): what the
// state file, JSON, can hold. Command arguments must be (a variable's value is kept as typed).
bool valid_utf8(const std::string& s);

}  // namespace vfsim::ldm
