// Who may migrate a domain in: salted password hashes (PBKDF2-HMAC-SHA256 from OpenSSL), the
// target ldmd's --auth-file of USER:HASH lines, and a throttle that slows down guessing.
// Everything here may see hostile input (a user name and password from an unauthenticated
// peer, a hand-edited file): malformed input is refused, never trusted.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace vfsim::ldm::auth {

// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>": 16-byte random salt, 32-byte hash.
// The iteration count is stored in the string, so the default can grow without breaking
// existing files. Throws std::invalid_argument for iterations == 0 or above kMaxIterations,
// std::runtime_error if the random generator fails.
std::string hash_password(const std::string& password, unsigned iterations = 200000);
// Constant-time compare (CRYPTO_memcmp); false for a malformed stored string.
bool verify_password(const std::string& stored, const std::string& password);
// More than this would let a hostile or mistyped file stall a worker for minutes per attempt.
constexpr unsigned kMaxIterations = 10'000'000;

// The target's --auth-file: lines "user:hash" (the hash as printed by ldmd --hash-password);
// '#' comments and blank lines allowed, spaces around a line ignored.
class AuthFile {
 public:
  // false with why (naming the file and line) for a malformed line, a user listed twice or an
  // unreadable file; `out` is then unchanged.
  static bool load(const std::string& path, AuthFile& out, std::string& why);
  // An unknown user still spends the KDF time (so a timing does not tell which users exist),
  // then false.
  bool check(const std::string& user, const std::string& password) const;
  size_t users() const { return users_.size(); }

 private:
  std::map<std::string, std::string> users_;   // user -> stored hash
  unsigned decoy_iterations_ = 200000;           // as the file's users, for unknown users
};

// Repeated failures are slowed down: after each failure for a key (user and peer address), the
// next attempt waits 2^(failures-1) * 250 ms, at most 8 s; a success forgets the key.
// Thread-safe. At most kMaxKeys keys are remembered (the least recently failed goes first), so
// a stream of made-up user names cannot grow the table without bound.
class Throttle {
 public:
  static constexpr size_t kMaxKeys = 4096;
  // How long this attempt must wait before it is checked (0 when none).
  std::chrono::milliseconds delay(const std::string& key);
  void failed(const std::string& key);
  void succeeded(const std::string& key);

 private:
  struct Entry {
    unsigned failures = 0;
    uint64_t last = 0;   // order of the last failure, for eviction
  };
  std::mutex mu_;
  std::map<std::string, Entry> keys_;
  uint64_t clock_ = 0;
};

}  // namespace vfsim::ldm::auth
