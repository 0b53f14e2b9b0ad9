# VFSIM_SANITIZE=ON builds every host program (simulator, tools, tests) with AddressSanitizer
# and UndefinedBehaviorSanitizer (docs/reliability.md, "Sanitizers"). The SPARC guest images
# are built by custom commands with the cross compiler (cmake/SparcCross.cmake), so the flags
# do not reach them.
option(VFSIM_SANITIZE "Build the host code with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
# Tests with a TIMEOUT of their own multiply it by this: sanitized programs run 3 to 15 times
# slower (hv.crypto: 16 s, 440 s under ASan on two loaded cores).
set(VFSIM_TEST_TIMEOUT_SCALE 1)
if(NOT VFSIM_SANITIZE)
  return()
endif()
set(VFSIM_TEST_TIMEOUT_SCALE 10)
set(VFSIM_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
add_compile_options(${VFSIM_SANITIZE_FLAGS})
# Debian's gcc links with --as-needed except under -fsanitize; put it back, or the programs that
# link SystemC without running it (mdprint, the unit tests) need libsystemc's sc_main.
add_link_options(${VFSIM_SANITIZE_FLAGS} -Wl,--as-needed)

# Options for every program CTest starts, directly or from a test script: a report aborts the
# program (its test fails) after printing to stderr. Test scripts keep a program's stderr in
# files and print any report found there (tests/lib/check.sh, sanitizer_reports).
# detect_stack_use_after_return=0: SystemC runs every SC_THREAD on a QuickThreads stack that
# ASan is not told about (Debian's libsystemc is not instrumented); fake frames that outlive a
# coroutine switch would give false reports. (It is the default of GCC 12's libasan; set so
# that a newer default cannot turn it on.)
set(VFSIM_ASAN_OPTIONS "abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0:detect_leaks=1")
set(VFSIM_UBSAN_OPTIONS "abort_on_error=1:halt_on_error=1:print_stacktrace=1")
# CTest reads this file before it runs any test; the environment it sets is the tests'.
file(WRITE ${CMAKE_BINARY_DIR}/sanitizer_env.cmake
     "set(ENV{ASAN_OPTIONS} \"${VFSIM_ASAN_OPTIONS}\")\nset(ENV{UBSAN_OPTIONS} \"${VFSIM_UBSAN_OPTIONS}\")\n")
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${CMAKE_BINARY_DIR}/sanitizer_env.cmake)
