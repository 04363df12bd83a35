# Cross build for 64-bit Raspberry Pi OS (Debian arm64).
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(ILNP_TRIPLE aarch64-linux-gnu)
set(ILNP_QEMU aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux.cmake)
