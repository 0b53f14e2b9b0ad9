// State declared once, beside the part that owns it (the idea of QEMU's VMStateDescription):
// a Description<T> lists T's fields by name, each with the version that added it, and the
// same list both writes and reads the state. A part's state is never written by hand in two
// places (save and load) that can drift apart.
//
//   const state::Description<Vcpu>& vcpu_state() {
//     static const auto d = state::Description<Vcpu>("vcpu", 2)
//         .field("state", &Vcpu::state)
//         .field("rtba", &Vcpu::rtba)
//         .field("fault_area", &Vcpu::fault_area, 2);   // added in version 2
//     return d;
//   }
//
// Field types: integers, enums, bool, double, std::string, C arrays and std::array of them,
// std::vector, std::map and std::pair of them, and any type with a Description of its own
// (register it with VFSIM_DESCRIBED). A value that is not plain data (a pointer, a host
// cache) is not a field: name what it points at instead, with computed().
//
// Encoding (docs/state.md): a described value is its version (u32) and then its fields in
// declaration order; integers are big-endian in their own width, bool and enums too; a string
// or byte vector is a u32 length and the bytes; other vectors and maps a u32 count and the
// elements; arrays their elements. Reading an older version leaves the fields it did not have
// at the value the object already holds (its default); a newer version is refused.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/state/codec.h"

namespace vfsim::state {

template <class T> class Description;

// Types with a Description of their own: specialise with VFSIM_DESCRIBED(T, function) where
// function() returns the const Description<T>&.
template <class T> struct Described : std::false_type {};
#define VFSIM_DESCRIBED(T, fn)                                                      \
  template <> struct vfsim::state::Described<T> : std::true_type {                  \
    static const vfsim::state::Description<T>& get() { return fn(); }               \
  }

template <class M, class = void> struct Codec;

template <class M> struct Codec<M, std::enable_if_t<std::is_integral_v<M> || std::is_enum_v<M>>> {
  static constexpr size_t min_bytes = sizeof(M);
  static void save(const M& v, Encoder& e) {
    if constexpr (std::is_same_v<M, bool>) e.u8(v ? 1 : 0);
    else e.be(uint64_t(v), sizeof(M));
  }
  static void load(M& v, Decoder& d) {
    if constexpr (std::is_same_v<M, bool>) {
      uint8_t b = d.u8();
      if (b > 1) d.fail("a bool of " + std::to_string(b));
      v = b;
    } else {
      v = static_cast<M>(d.be(sizeof(M)));   // the low sizeof(M) bytes, two's complement
    }
  }
};
template <> struct Codec<double> {
  static constexpr size_t min_bytes = 8;
  static void save(const double& v, Encoder& e) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    e.u64(b);
  }
  static void load(double& v, Decoder& d) {
    uint64_t b = d.u64();
    std::memcpy(&v, &b, 8);
  }
};
template <> struct Codec<std::string> {
  static constexpr size_t min_bytes = 4;
  static void save(const std::string& v, Encoder& e) { e.str(v); }
  static void load(std::string& v, Decoder& d) { v = d.str(); }
};
template <class M, size_t N> struct Codec<M[N]> {
  static constexpr size_t min_bytes = N * Codec<M>::min_bytes;
  static void save(const M (&v)[N], Encoder& e) {
    for (const M& x : v) Codec<M>::save(x, e);
  }
  static void load(M (&v)[N], Decoder& d) {
    for (M& x : v) Codec<M>::load(x, d);
  }
};
template <class M, size_t N> struct Codec<std::array<M, N>> {
  static constexpr size_t min_bytes = N * Codec<M>::min_bytes;
  static void save(const std::array<M, N>& v, Encoder& e) {
    for (const M& x : v) Codec<M>::save(x, e);
  }
  static void load(std::array<M, N>& v, Decoder& d) {
    for (M& x : v) Codec<M>::load(x, d);
  }
};
template <class M> struct Codec<std::vector<M>> {
  static constexpr size_t min_bytes = 4;
  static void save(const std::vector<M>& v, Encoder& e) {
    e.u32(uint32_t(v.size()));
    if constexpr (std::is_same_v<M, uint8_t>) e.bytes(v.data(), v.size());
    else for (const M& x : v) Codec<M>::save(x, e);
  }
  static void load(std::vector<M>& v, Decoder& d) {
    uint32_t n = d.count(Codec<M>::min_bytes);
    if constexpr (std::is_same_v<M, uint8_t>) {
      const uint8_t* p = d.bytes(n);
      v.assign(p, p + n);
    } else {
      v.clear();
      v.resize(n);
      for (M& x : v) Codec<M>::load(x, d);
    }
  }
};
template <class A, class B> struct Codec<std::pair<A, B>> {
  static constexpr size_t min_bytes = Codec<A>::min_bytes + Codec<B>::min_bytes;
  static void save(const std::pair<A, B>& v, Encoder& e) {
    Codec<A>::save(v.first, e);
    Codec<B>::save(v.second, e);
  }
  static void load(std::pair<A, B>& v, Decoder& d) {
    Codec<A>::load(v.first, d);
    Codec<B>::load(v.second, d);
  }
};
template <class K, class V> struct Codec<std::map<K, V>> {
  static constexpr size_t min_bytes = 4;
  static void save(const std::map<K, V>& v, Encoder& e) {
    e.u32(uint32_t(v.size()));
    for (const auto& [k, x] : v) {
      Codec<K>::save(k, e);
      Codec<V>::save(x, e);
    }
  }
  static void load(std::map<K, V>& v, Decoder& d) {
    uint32_t n = d.count(Codec<K>::min_bytes + Codec<V>::min_bytes);
    v.clear();
    for (uint32_t i = 0; i < n; ++i) {
      K k{};
      Codec<K>::load(k, d);
      Codec<V>::load(v[k], d);
    }
  }
};
template <class M> struct Codec<M, std::enable_if_t<Described<M>::value>> {
  static constexpr size_t min_bytes = 4;
  static void save(const M& v, Encoder& e) { Described<M>::get().save(v, e); }
  static void load(M& v, Decoder& d) { Described<M>::get().load(v, d); }
};

template <class T> class Description {
 public:
  struct Field {
    std::string name;
    uint32_t since;
    std::function<void(const T&, Encoder&)> save;
    std::function<void(T&, Decoder&)> load;
  };

  // version: what this build writes; oldest: the oldest version it still reads.
  Description(std::string name, uint32_t version, uint32_t oldest = 1)
      : name_(std::move(name)), version_(version), oldest_(oldest) {}

  template <class M> Description& field(const char* name, M T::*m, uint32_t since = 1) {
    check_since(name, since);
    fields_.push_back({name, since, [m](const T& o, Encoder& e) { Codec<M>::save(o.*m, e); },
                       [m](T& o, Decoder& d) { Codec<M>::load(o.*m, d); }});
    return *this;
  }
  // A field the object does not hold as plain data: how to write it and read it back.
  Description& computed(const char* name, std::function<void(const T&, Encoder&)> save,
                        std::function<void(T&, Decoder&)> load, uint32_t since = 1) {
    check_since(name, since);
    fields_.push_back({name, since, std::move(save), std::move(load)});
    return *this;
  }

  void save(const T& o, Encoder& e) const {
    e.u32(version_);
    save_fields(o, e);
  }
  void load(T& o, Decoder& d) const { load_fields(o, d, check_version(d, d.u32())); }

  // The fields alone, for a section whose header already carries the version.
  void save_fields(const T& o, Encoder& e) const {
    for (const Field& f : fields_) f.save(o, e);
  }
  void load_fields(T& o, Decoder& d, uint32_t version) const {
    for (const Field& f : fields_)
      if (f.since <= version) f.load(o, d);
  }
  uint32_t check_version(const Decoder& d, uint32_t v) const {
    if (v > version_)
      d.fail(name_ + " version " + std::to_string(v) + " is newer than this vfsim reads (" + std::to_string(version_) + ")");
    if (v < oldest_)
      d.fail(name_ + " version " + std::to_string(v) + " is older than this vfsim reads (" + std::to_string(oldest_) + ")");
    return v;
  }

  const std::string& name() const { return name_; }
  uint32_t version() const { return version_; }
  const std::vector<Field>& fields() const { return fields_; }

 private:
  // A field newer than its description would be written and never read back, shifting every
  // field after it: a declaration mistake, refused when the description is built.
  void check_since(const char* field, uint32_t since) const {
    if (since > version_)
      throw std::logic_error("state description '" + name_ + "': field '" + field + "' since version " +
                             std::to_string(since) + ", but the description is version " + std::to_string(version_));
  }
  std::string name_;
  uint32_t version_, oldest_;
  std::vector<Field> fields_;
};

}  // namespace vfsim::state
