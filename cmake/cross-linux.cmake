# Shared by the cross toolchain files: Debian's cross compiler for
# ILNP_TRIPLE, multiarch -dev packages, test binaries run under qemu-user.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${ILNP_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${ILNP_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${ILNP_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${ILNP_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# Multiarch: the target's .pc files are in /usr/lib/TRIPLE/pkgconfig.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${ILNP_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
# gtest_discover_tests and ctest run the target's binaries through qemu, with
# the multiarch runtime (no -L /usr/TRIPLE: see scripts/cross-build.sh).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-${ILNP_QEMU}-static)
