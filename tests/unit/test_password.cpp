// Who may migrate in (ldm/password.h): password hashes, the --auth-file, the failure throttle.
// The hashes here use 1000 iterations so that the whole binary stays fast.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ldm/password.h"

using namespace vfsim::ldm::auth;
using std::chrono::milliseconds;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "vfsim-auth-XXXXXX").string();
    REQUIRE(::mkdtemp(&t[0]));
    path = t;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

// The fields of a stored hash.
std::vector<std::string> fields(const std::string& s) {
  std::vector<std::string> f;
  size_t start = 0;
  for (size_t d; (d = s.find('$', start)) != std::string::npos; start = d + 1) f.push_back(s.substr(start, d - start));
  f.push_back(s.substr(start));
  return f;
}

}  // namespace

TEST_CASE("a password hash verifies its password and no other", "[auth]") {
  std::string h = hash_password("correct horse", 1000);
  std::vector<std::string> f = fields(h);
  REQUIRE(f.size() == 4);
  CHECK(f[0] == "pbkdf2-sha256");
  CHECK(f[1] == "1000");
  CHECK(f[2].size() == 24);   // 16 bytes of salt
  CHECK(f[3].size() == 44);   // 32 bytes of hash
  CHECK(verify_password(h, "correct horse"));
  CHECK_FALSE(verify_password(h, "correct horsE"));
  CHECK_FALSE(verify_password(h, ""));
  CHECK_FALSE(verify_password(h, "correct horse "));
  // Salted: the same password twice gives two different strings, both good.
  std::string h2 = hash_password("correct horse", 1000);
  CHECK(h2 != h);
  CHECK(fields(h2)[2] != f[2]);
  CHECK(verify_password(h2, "correct horse"));
  // The iteration count is read back from the string: changing it changes the result.
  CHECK_FALSE(verify_password("pbkdf2-sha256$1001$" + f[2] + "$" + f[3], "correct horse"));
  std::string slow = hash_password("x", 2000);
  CHECK(fields(slow)[1] == "2000");
  CHECK(verify_password(slow, "x"));
  // An empty password still hashes (ldmd --hash-password refuses it, not this layer).
  CHECK(verify_password(hash_password("", 1000), ""));
  CHECK_THROWS_AS(hash_password("x", 0), std::invalid_argument);
  CHECK_THROWS_AS(hash_password("x", kMaxIterations + 1), std::invalid_argument);
}

TEST_CASE("malformed stored hashes are refused, never trusted", "[auth]") {
  std::string h = hash_password("pw", 1000);
  std::vector<std::string> f = fields(h);
  const std::string salt = f[2], hash = f[3];
  const std::vector<std::string> bad = {
      "",
      "pw",
      "pbkdf2-sha256",
      "pbkdf2-sha256$$$",
      "pbkdf2-sha256$1000$" + salt,
      "pbkdf2-sha256$1000$" + salt + "$",
      "pbkdf2-sha256$1000$$" + hash,
      "pbkdf2-sha1$1000$" + salt + "$" + hash,
      "PBKDF2-SHA256$1000$" + salt + "$" + hash,
      "pbkdf2-sha256$0$" + salt + "$" + hash,
      "pbkdf2-sha256$-1$" + salt + "$" + hash,
      "pbkdf2-sha256$+1000$" + salt + "$" + hash,
      "pbkdf2-sha256$ 1000$" + salt + "$" + hash,
      "pbkdf2-sha256$abc$" + salt + "$" + hash,
      "pbkdf2-sha256$99999999999999999999$" + salt + "$" + hash,
      "pbkdf2-sha256$4294967297$" + salt + "$" + hash,        // 2^32 + 1: must not wrap to 1
      "pbkdf2-sha256$999999999$" + salt + "$" + hash,         // more than kMaxIterations
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "$",
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "$extra",
      "pbkdf2-sha256$1000$" + salt + "$" + hash.substr(0, 40),   // truncated hash
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "AAAA",        // hash too long
      "pbkdf2-sha256$1000$" + salt + "$" + hash.substr(0, 43),   // not a multiple of 4
      "pbkdf2-sha256$1000$" + salt + "$" + "!!!!" + hash.substr(4),
      "pbkdf2-sha256$1000$" + salt + "$" + "====" + hash.substr(4),
      "pbkdf2-sha256$1000$" + salt + "$ " + hash.substr(1),
      "pbkdf2-sha256$1000$AAA=$" + hash,                          // salt of 2 bytes
      "pbkdf2-sha256$1000$" + salt + "\n$" + hash,
      "pbkdf2-sha256$1000$" + std::string(10000, 'A') + "$" + hash,
      std::string(100000, '$'),
  };
  for (const std::string& s : bad) {
    INFO(s.substr(0, 120));
    CHECK_FALSE(verify_password(s, "pw"));
  }
  CHECK(verify_password(h, "pw"));   // (the good one, to show the list tests something)
}

TEST_CASE("the auth file: users, comments, and its errors named by line", "[auth]") {
  TempDir d;
  std::string alice = hash_password("alice-pw", 1000), bob = hash_password("bob-pw", 1000);
  std::string good = d.write("auth", "# users allowed to migrate in\n\n"
                                     "alice:" + alice + "\n"
                                     "   # an indented comment\n"
                                     "  bob:" + bob + "  \r\n"
                                     "\t\n");
  AuthFile f;
  std::string why;
  REQUIRE(AuthFile::load(good, f, why));
  CHECK(f.users() == 2);
  CHECK(f.check("alice", "alice-pw"));
  CHECK(f.check("bob", "bob-pw"));
  CHECK_FALSE(f.check("alice", "bob-pw"));
  CHECK_FALSE(f.check("bob", ""));
  CHECK_FALSE(f.check("carol", "alice-pw"));
  CHECK_FALSE(f.check("", "alice-pw"));
  CHECK_FALSE(f.check("alice ", "alice-pw"));

  struct Bad {
    std::string text, expect;
  };
  const std::vector<Bad> bad = {
      {"alice:" + alice + "\nroot\n", "line 2: not USER:HASH"},
      {"# c\n\n:" + alice + "\n", "line 3: not USER:HASH"},
      {"alice:" + alice + "\nbob:secret\n", "line 2: the hash of bob is not a pbkdf2-sha256$ITERATIONS$SALT$HASH"},
      {"alice:" + alice + "\nalice:" + bob + "\n", "line 2: alice is listed twice"},
      {"al ice:" + alice + "\n", "line 1: a user name has no spaces or control characters"},
      {std::string(5000, 'a') + "\n", "line 1: too long"},
  };
  for (const Bad& b : bad) {
    INFO(b.expect);
    std::string path = d.write("bad", b.text);
    AuthFile kept = f;
    CHECK_FALSE(AuthFile::load(path, kept, why));
    CHECK(why.find(path + ", " + b.expect) == 0);
    CHECK(why.find("secret") == std::string::npos);   // a file's secrets are not echoed
    CHECK(kept.users() == 2);                           // unchanged on failure
  }
  CHECK_FALSE(AuthFile::load(d.path + "/none", f, why));
  CHECK(why == "cannot read " + d.path + "/none: No such file or directory");
  CHECK_FALSE(AuthFile::load(d.path, f, why));   // a directory
  AuthFile empty;
  REQUIRE(AuthFile::load(d.write("empty", "# nobody yet\n"), empty, why));
  CHECK(empty.users() == 0);
  CHECK_FALSE(empty.check("alice", "alice-pw"));
}

TEST_CASE("an unknown user costs the same KDF time as a known one", "[auth]") {
  TempDir d;
  AuthFile f;
  std::string why;
  REQUIRE(AuthFile::load(d.write("auth", "alice:" + hash_password("pw", 40000) + "\n"), f, why));
  auto fastest = [&](const std::string& user) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      CHECK_FALSE(f.check(user, "wrong"));
      best = std::min(best, std::chrono::steady_clock::now() - t0);
    }
    return std::chrono::duration<double>(best).count();
  };
  double known = fastest("alice"), unknown = fastest("mallory");
  INFO("known " << known << " s, unknown " << unknown << " s");
  CHECK(unknown > known / 3);
  CHECK(unknown < known * 3);
}

TEST_CASE("the throttle doubles the wait after each failure, up to 8 s, and forgets on success", "[auth]") {
  Throttle t;
  CHECK(t.delay("alice@10.0.0.2") == milliseconds(0));
  const long expect[] = {250, 500, 1000, 2000, 4000, 8000, 8000, 8000};
  for (long ms : expect) {
    t.failed("alice@10.0.0.2");
    CHECK(t.delay("alice@10.0.0.2") == milliseconds(ms));
  }
  for (int i = 0; i < 2000; ++i) t.failed("alice@10.0.0.2");   // no overflow
  CHECK(t.delay("alice@10.0.0.2") == milliseconds(8000));
  CHECK(t.delay("alice@10.0.0.3") == milliseconds(0));   // another address is another key
  CHECK(t.delay("bob@10.0.0.2") == milliseconds(0));
  t.succeeded("alice@10.0.0.2");
  CHECK(t.delay("alice@10.0.0.2") == milliseconds(0));
  t.failed("alice@10.0.0.2");
  CHECK(t.delay("alice@10.0.0.2") == milliseconds(250));

  // Bounded memory: made-up keys push out the least recently failed one, not the table's size.
  Throttle b;
  b.failed("old");
  for (size_t i = 0; i < Throttle::kMaxKeys; ++i) b.failed("user" + std::to_string(i));
  CHECK(b.delay("old") == milliseconds(0));
  CHECK(b.delay("user0") == milliseconds(250));
  CHECK(b.delay("user" + std::to_string(Throttle::kMaxKeys - 1)) == milliseconds(250));

  // Thread-safe: failures from several threads all count.
  Throttle c;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&c] {
      for (int j = 0; j < 1000; ++j) {
        c.failed("k");
        c.delay("k");
      }
    });
  for (auto& th : threads) th.join();
  CHECK(c.delay("k") == milliseconds(8000));
}
