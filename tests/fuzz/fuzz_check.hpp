// The failure path shared by the fuzz targets: a violated property prints
// what failed and aborts, which libFuzzer records as a crash with its input.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace ilnp::fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property violated: %s\n", file, line, what);
  std::abort();
}

}  // namespace ilnp::fuzz

// Not assert(): it must also hold in builds with NDEBUG.
#define ILNP_FUZZ_CHECK(condition)                                          \
  do {                                                                      \
    if (!(condition)) ::ilnp::fuzz::fail(#condition, __FILE__, __LINE__);  \
  } while (false)
