# Cross build for 32-bit Raspberry Pi OS (Debian armhf, ARMv7 hard-float).
set(CMAKE_SYSTEM_PROCESSOR arm)
set(ILNP_TRIPLE arm-linux-gnueabihf)
set(ILNP_QEMU arm)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux.cmake)
