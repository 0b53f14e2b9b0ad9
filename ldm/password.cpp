#include "ldm/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace vfsim::ldm::auth {

namespace {

constexpr const char* kScheme = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16, kHashBytes = 32;

std::string base64(const unsigned char* p, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), p, int(n));
  out.resize(size_t(len));
  return out;
}

// Strict: only the standard alphabet, padded to a multiple of 4 ('=' only at the end).
// EVP_DecodeBlock alone would accept spaces and count the padding as data.
bool unbase64(const std::string& s, std::vector<unsigned char>& out) {
  if (s.empty() || s.size() % 4 || s.size() > 256) return false;
  size_t pad = s.size() - s.find_last_not_of('=') - 1;
  if (pad > 2 || s.find_last_not_of('=') == std::string::npos) return false;
  for (size_t i = 0; i < s.size() - pad; ++i)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
          s[i] == '/'))
      return false;
  out.resize(s.size() / 4 * 3);
  int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), int(s.size()));
  if (len < 0 || size_t(len) < pad) return false;
  out.resize(size_t(len) - pad);
  return true;
}

bool kdf(const std::string& password, const unsigned char* salt, size_t salt_len, unsigned iterations,
         unsigned char* out, size_t out_len) {
  return PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), salt, int(salt_len), int(iterations), EVP_sha256(),
                           int(out_len), out) == 1;
}

struct Parsed {
  unsigned iterations = 0;
  std::vector<unsigned char> salt, hash;
};

bool parse(const std::string& stored, Parsed& p) {
  std::vector<std::string> f;
  size_t start = 0;
  for (size_t d; (d = stored.find('$', start)) != std::string::npos && f.size() < 4; start = d + 1)
    f.push_back(stored.substr(start, d - start));
  f.push_back(stored.substr(start));
  if (f.size() != 4 || f[0] != kScheme) return false;
  if (f[1].empty() || f[1].size() > 9 || f[1].find_first_not_of("0123456789") != std::string::npos) return false;
  unsigned long it = std::stoul(f[1]);
  if (it == 0 || it > kMaxIterations) return false;
  p.iterations = unsigned(it);
  return unbase64(f[2], p.salt) && p.salt.size() >= 8 && unbase64(f[3], p.hash) && p.hash.size() == kHashBytes;
}

}  // namespace

std::string hash_password(const std::string& password, unsigned iterations) {
  if (iterations == 0 || iterations > kMaxIterations)
    throw std::invalid_argument("hash_password: iterations must be 1.." + std::to_string(kMaxIterations));
  unsigned char salt[kSaltBytes], hash[kHashBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("hash_password: no random bytes for the salt");
  if (!kdf(password, salt, sizeof salt, iterations, hash, sizeof hash)) throw std::runtime_error("hash_password: PBKDF2 failed");
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64(salt, sizeof salt) + "$" +
         base64(hash, sizeof hash);
}

bool verify_password(const std::string& stored, const std::string& password) {
  Parsed p;
  if (!parse(stored, p)) return false;
  unsigned char hash[kHashBytes];
  if (!kdf(password, p.salt.data(), p.salt.size(), p.iterations, hash, sizeof hash)) return false;
  bool same = CRYPTO_memcmp(hash, p.hash.data(), kHashBytes) == 0;
  OPENSSL_cleanse(hash, sizeof hash);
  return same;
}

bool AuthFile::load(const std::string& path, AuthFile& out, std::string& why) {
  std::ifstream in(path);
  if (!in) {
    why = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {   // (it opens, and reads as an empty file)
    why = "cannot read " + path + ": " + std::strerror(EISDIR);
    return false;
  }
  AuthFile f;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    auto where = [&] { return path + ", line " + std::to_string(n) + ": "; };
    if (line.size() > 4096) {
      why = where() + "too long";
      return false;
    }
    size_t b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    line = line.substr(b, e - b + 1);
    size_t colon = line.find(':');
    // (the hash is never quoted back: the file may be readable by fewer people than the log)
    if (colon == std::string::npos || colon == 0) {
      why = where() + "not USER:HASH";
      return false;
    }
    std::string user = line.substr(0, colon), stored = line.substr(colon + 1);
    if (std::any_of(user.begin(), user.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
      why = where() + "a user name has no spaces or control characters";
      return false;
    }
    Parsed p;
    if (!parse(stored, p)) {
      why = where() + "the hash of " + user + " is not a pbkdf2-sha256$ITERATIONS$SALT$HASH line from ldmd --hash-password";
      return false;
    }
    if (!f.users_.emplace(user, stored).second) {
      why = where() + user + " is listed twice";
      return false;
    }
    f.decoy_iterations_ = p.iterations;
  }
  if (in.bad()) {
    why = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  out = std::move(f);
  return true;
}

bool AuthFile::check(const std::string& user, const std::string& password) const {
  auto it = users_.find(user);
  if (it != users_.end()) return verify_password(it->second, password);
  unsigned char salt[kSaltBytes] = {}, hash[kHashBytes];
  kdf(password, salt, sizeof salt, decoy_iterations_, hash, sizeof hash);
  return false;
}

std::chrono::milliseconds Throttle::delay(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second.failures == 0) return std::chrono::milliseconds(0);
  unsigned shift = std::min(it->second.failures - 1, 6u);   // 250 << 5 = 8000 already
  return std::chrono::milliseconds(std::min<long>(250L << shift, 8000L));
}

void Throttle::failed(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!keys_.count(key) && keys_.size() >= kMaxKeys) {
    auto oldest = std::min_element(keys_.begin(), keys_.end(),
                                   [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
    keys_.erase(oldest);
  }
  Entry& e = keys_[key];
  if (e.failures < 1000) ++e.failures;
  e.last = ++clock_;
}

void Throttle::succeeded(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  keys_.erase(key);
}

}  // namespace vfsim::ldm::auth
