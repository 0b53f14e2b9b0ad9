/* __atomic and __sync builtins on 1/2/4/8-byte objects (casa/casxa/ldstub/swap loops). */
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

static uint64_t ck;
static void mix(uint64_t v) { ck = (ck ^ v) * 0x100000001b3ULL; }

#define TEST_TYPE(T, NAME)                                                                      \
  static void test_##NAME(void)                                                                 \
  {                                                                                             \
    static volatile T arr[4];                                                                   \
    volatile T *v = &arr[1];                                                                    \
    T old, exp, r;                                                                              \
    bool ok;                                                                                    \
    arr[0] = (T)0x5a5a5a5a5a5a5a5aULL; arr[2] = (T)0xa5a5a5a5a5a5a5a5ULL;                       \
    *v = (T)10;                                                                                 \
    old = __atomic_fetch_add(v, (T)5, __ATOMIC_SEQ_CST); mix(old); mix(*v);                     \
    old = __atomic_fetch_sub(v, (T)20, __ATOMIC_ACQ_REL); mix(old); mix(*v);                    \
    old = __atomic_fetch_or(v, (T)0x70, __ATOMIC_RELAXED); mix(old); mix(*v);                   \
    old = __atomic_fetch_and(v, (T)0x3c, __ATOMIC_SEQ_CST); mix(old); mix(*v);                  \
    old = __atomic_fetch_xor(v, (T)0xff, __ATOMIC_SEQ_CST); mix(old); mix(*v);                  \
    old = __atomic_fetch_nand(v, (T)0x0f, __ATOMIC_SEQ_CST); mix(old); mix(*v);                 \
    r = __atomic_add_fetch(v, (T)1, __ATOMIC_SEQ_CST); mix(r);                                  \
    r = __atomic_exchange_n(v, (T)0x7f, __ATOMIC_SEQ_CST); mix(r); mix(*v);                     \
    exp = (T)0x7f;                                                                              \
    ok = __atomic_compare_exchange_n(v, &exp, (T)0x11, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    mix(ok); mix(exp); mix(*v);                                                                 \
    exp = (T)0x7f;                                                                              \
    ok = __atomic_compare_exchange_n(v, &exp, (T)0x22, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    mix(ok); mix(exp); mix(*v);                                                                 \
    exp = (T)0x11;                                                                              \
    ok = __atomic_compare_exchange_n(v, &exp, (T)0x33, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED); \
    /* weak CAS may fail spuriously in principle; loop until it succeeds */                     \
    while (!ok && exp == (T)0x11)                                                               \
      ok = __atomic_compare_exchange_n(v, &exp, (T)0x33, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED); \
    mix(ok); mix(*v);                                                                           \
    __atomic_store_n(v, (T)-1, __ATOMIC_RELEASE); mix(__atomic_load_n(v, __ATOMIC_ACQUIRE));    \
    old = __sync_fetch_and_add(v, (T)2); mix(old); mix(*v);                                     \
    old = __sync_val_compare_and_swap(v, (T)1, (T)0x44); mix(old); mix(*v);                     \
    ok = __sync_bool_compare_and_swap(v, (T)0x44, (T)0x55); mix(ok); mix(*v);                   \
    ok = __sync_bool_compare_and_swap(v, (T)0x44, (T)0x66); mix(ok); mix(*v);                   \
    old = __sync_lock_test_and_set(v, (T)0x12); mix(old); mix(*v);                              \
    __sync_lock_release(v); mix(*v);                                                            \
    r = __sync_sub_and_fetch(v, (T)3); mix(r);                                                  \
    int i;                                                                                      \
    for (i = 0; i < 1000; i++) { __atomic_fetch_add(v, (T)i, __ATOMIC_SEQ_CST); }               \
    mix(*v);                                                                                    \
    for (i = 0; i < 300; i++) {                                                                 \
      T cur = __atomic_load_n(v, __ATOMIC_RELAXED);                                             \
      while (!__atomic_compare_exchange_n(v, &cur, (T)(cur * 3 + 1), false, __ATOMIC_SEQ_CST,   \
                                          __ATOMIC_RELAXED)) {}                                 \
    }                                                                                           \
    mix(*v);                                                                                    \
    /* neighbours must be untouched by the sub-word CAS loops */                                \
    mix(arr[0]); mix(arr[2]);                                                                   \
    printf("%-4s final=%016llx neighbours=%016llx/%016llx ck=%016llx\n", #NAME,                 \
           (unsigned long long)(uint64_t)*v, (unsigned long long)(uint64_t)arr[0],              \
           (unsigned long long)(uint64_t)arr[2], (unsigned long long)ck);                       \
  }

TEST_TYPE(uint8_t, u8)
TEST_TYPE(int8_t, s8)
TEST_TYPE(uint16_t, u16)
TEST_TYPE(int16_t, s16)
TEST_TYPE(uint32_t, u32)
TEST_TYPE(int32_t, s32)
TEST_TYPE(uint64_t, u64)
TEST_TYPE(int64_t, s64)

int main(void)
{
  test_u8(); test_s8(); test_u16(); test_s16(); test_u32(); test_s32(); test_u64(); test_s64();
  /* test_and_set / clear on bytes (ldstub) */
  static volatile bool flags[8];
  int i, set = 0;
  for (i = 0; i < 8; i++) set += __atomic_test_and_set(&flags[i], __ATOMIC_SEQ_CST);
  for (i = 0; i < 8; i += 2) set += __atomic_test_and_set(&flags[i], __ATOMIC_SEQ_CST) * 10;
  for (i = 0; i < 8; i += 3) __atomic_clear(&flags[i], __ATOMIC_SEQ_CST);
  for (i = 0; i < 8; i++) set = set * 2 + flags[i];
  printf("test_and_set result %d\n", set);
  /* a simple spinlock built on test_and_set protecting a counter */
  static volatile char lock;
  static volatile long counter;
  for (i = 0; i < 5000; i++) {
    while (__atomic_test_and_set(&lock, __ATOMIC_ACQUIRE)) {}
    counter += i;
    __atomic_clear(&lock, __ATOMIC_RELEASE);
  }
  printf("spinlock counter %ld\n", counter);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  __sync_synchronize();
  printf("lock-free: 1:%d 2:%d 4:%d 8:%d\n", __atomic_always_lock_free(1, 0), __atomic_always_lock_free(2, 0),
         __atomic_always_lock_free(4, 0), __atomic_always_lock_free(8, 0));
  mix((uint64_t)set); mix((uint64_t)counter);
  printf("ck %016llx\n", (unsigned long long)ck);
  return (int)(ck & 0x7f);
}
