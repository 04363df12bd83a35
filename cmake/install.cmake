# What `cmake --install` puts on a machine and how `cpack -G DEB` packages it:
# the stripped binary, the NSS module, man pages, examples, Wireshark plugin, completion, units.
include(GNUInstallDirs)

set(ILNP_PKG_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(ILNP_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/ilnp)

# Units go where systemd looks, whatever the prefix (a unit under /usr/local
# is never found): Debian's /lib/systemd/system (bookworm is not /usr-merged
# for packages). Without systemd's pkg-config file, under the prefix.
pkg_get_variable(ILNP_SYSTEMD_UNIT_DIR systemd systemdsystemunitdir)
if(NOT ILNP_SYSTEMD_UNIT_DIR)
  set(ILNP_SYSTEMD_UNIT_DIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()

install(TARGETS ilnp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages and the changelog are installed gzipped (-n: no timestamp, so the
# package is reproducible), as Debian policy asks.
find_program(ILNP_GZIP gzip REQUIRED)
set(ILNP_GZ_FILES)
foreach(src man/ilnp.1 man/ilnp.ini.5 changelog)
  get_filename_component(name ${src} NAME)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/packaging/${name}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/packaging
    COMMAND ${ILNP_GZIP} -9nc ${ILNP_PKG_DIR}/${src} > ${out}
    DEPENDS ${ILNP_PKG_DIR}/${src} VERBATIM)
  list(APPEND ILNP_GZ_FILES ${out})
endforeach()
add_custom_target(ilnp_packaging_files ALL DEPENDS ${ILNP_GZ_FILES})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/packaging/ilnp.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/packaging/ilnp.ini.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz ${ILNP_PKG_DIR}/copyright DESTINATION ${ILNP_DOC_DIR})

file(GLOB ILNP_EXAMPLES ${ILNP_PKG_DIR}/examples/*.ini ${ILNP_PKG_DIR}/examples/*.default)
install(FILES ${ILNP_EXAMPLES} DESTINATION ${ILNP_DOC_DIR}/examples)

# The package is always /usr, whatever prefix the build tree was configured
# with, and GNUInstallDirs gives the multiarch LIBDIR only for prefix /usr:
# so the multiarch directory is spelled out for what must be found there.
set(ILNP_MULTIARCH_LIBDIR lib)
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(ILNP_MULTIARCH_LIBDIR lib/${CMAKE_LIBRARY_ARCHITECTURE})
endif()
# `tshark -G folders` on Debian 12: "Global Lua Plugins" is /usr/lib/<multiarch>/wireshark/plugins.
install(FILES ${PROJECT_SOURCE_DIR}/proto/wireshark/ilnp-overlay.lua DESTINATION ${ILNP_MULTIARCH_LIBDIR}/wireshark/plugins)
# glibc loads NSS modules by soname from the library path (no dev symlink).
install(TARGETS nss_ilnp LIBRARY DESTINATION ${ILNP_MULTIARCH_LIBDIR} NAMELINK_SKIP)

install(FILES ${ILNP_PKG_DIR}/completion/ilnp DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${ILNP_PKG_DIR}/systemd/ilnp@.service ${ILNP_PKG_DIR}/systemd/ilnp-hub.service
        DESTINATION ${ILNP_SYSTEMD_UNIT_DIR})

# cpack -G DEB: dpkg-shlibdeps computes Depends from the binary's libraries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ilnp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "ilnp-overlay maintainers <ilnp-overlay@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Identifier-Locator overlay router, host and relay hub")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "An Identifier-Locator Network Protocol overlay over UDP multicast or relay
 hubs: nodes with 64-bit identifiers join locators, routers forward,
 discovery carries hostnames and mobile nodes move with signed locator
 updates. Includes a UDP proxy, a TCP stream gateway over SCTP, systemd
 units, man pages and a Wireshark dissector.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "wireshark | tshark")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${ILNP_PKG_DIR}/debian/postinst ${ILNP_PKG_DIR}/debian/postrm
    ${ILNP_PKG_DIR}/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
