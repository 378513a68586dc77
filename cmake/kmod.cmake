# Builds the kernel modules once per target kernel with kbuild.
#
# OM_KERNELS lists the kernel releases to build for; by default every
# kernel whose headers are installed (/lib/modules/KVER/build). kbuild
# writes its objects next to the sources, so each kernel gets its own copy
# of the module tree under build/kmod/KVER/; the finished .ko files are
# gathered in build/kmod/KVER/ko/ (what test/vm/run --modules takes).

file(GLOB _om_kernel_builds LIST_DIRECTORIES true /lib/modules/*/build/Makefile)
set(_om_detected "")
foreach(_mk IN LISTS _om_kernel_builds)
  get_filename_component(_kdir "${_mk}" DIRECTORY)
  get_filename_component(_kver_dir "${_kdir}" DIRECTORY)
  get_filename_component(_kver "${_kver_dir}" NAME)
  list(APPEND _om_detected "${_kver}")
endforeach()
list(SORT _om_detected)
set(OM_KERNELS "${_om_detected}" CACHE STRING
    "Kernel releases to build the modules for (default: all with headers installed)")
set(OM_KMOD_W "1" CACHE STRING "kbuild warning level (W=) for the modules")

if(NOT OM_KERNELS)
  message(WARNING "no kernel headers found in /lib/modules/*/build: modules will not be built (run scripts/setup)")
endif()

file(GLOB_RECURSE _om_kmod_sources CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/modules/*.c ${PROJECT_SOURCE_DIR}/modules/*.h
     ${PROJECT_SOURCE_DIR}/modules/*Kbuild ${PROJECT_SOURCE_DIR}/modules/Makefile
     ${PROJECT_SOURCE_DIR}/include/*.h)
# Modules of the VM tests (test/vm/modules): built after omcore, whose
# symbols they use, gathered in ko/ with the others, never installed.
file(GLOB _om_kmod_test_sources CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/test/vm/modules/*.c ${PROJECT_SOURCE_DIR}/test/vm/modules/Kbuild)
set(OM_KMOD_TEST_NAMES omfs_inject)
set(OM_KMOD_NAMES omcore omfs)
set(OM_KMOD_DIRS core fs)

foreach(_kver IN LISTS OM_KERNELS)
  set(_tree ${CMAKE_BINARY_DIR}/kmod/${_kver})
  set(_built "")
  set(_kos "")
  foreach(_name _dir IN ZIP_LISTS OM_KMOD_NAMES OM_KMOD_DIRS)
    list(APPEND _built ${_tree}/modules/${_dir}/${_name}.ko)
    list(APPEND _kos ${_tree}/ko/${_name}.ko)
  endforeach()
  add_custom_command(
    OUTPUT ${_kos}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${_tree}/include ${_tree}/VERSION
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_tree}
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${PROJECT_SOURCE_DIR}/modules ${_tree}/modules
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${PROJECT_SOURCE_DIR}/include ${_tree}/include
    COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/VERSION ${_tree}/VERSION
    COMMAND make -s -C ${_tree}/modules KVER=${_kver} W=${OM_KMOD_W}
            KCFLAGS=-Werror
    COMMAND ${CMAKE_COMMAND} -E copy ${_built} ${_tree}/ko/
    DEPENDS ${_om_kmod_sources} ${PROJECT_SOURCE_DIR}/VERSION
    COMMENT "Building kernel modules for ${_kver}"
    VERBATIM)
  set(_test_built "")
  set(_test_kos "")
  foreach(_name IN LISTS OM_KMOD_TEST_NAMES)
    list(APPEND _test_built ${_tree}/test-modules/${_name}.ko)
    list(APPEND _test_kos ${_tree}/ko/${_name}.ko)
  endforeach()
  add_custom_command(
    OUTPUT ${_test_kos}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${_tree}/test-modules
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${PROJECT_SOURCE_DIR}/test/vm/modules ${_tree}/test-modules
    COMMAND make -s -C /lib/modules/${_kver}/build M=${_tree}/test-modules
            KBUILD_EXTRA_SYMBOLS=${_tree}/modules/Module.symvers
            W=${OM_KMOD_W} KCFLAGS=-Werror modules
    COMMAND ${CMAKE_COMMAND} -E copy ${_test_built} ${_tree}/ko/
    DEPENDS ${_om_kmod_test_sources} ${_kos}
    COMMENT "Building the VM tests' kernel modules for ${_kver}"
    VERBATIM)
  add_custom_target(kmod-${_kver} ALL DEPENDS ${_kos} ${_test_kos})
  install(FILES ${_kos} DESTINATION /lib/modules/${_kver}/updates/openmosix)
endforeach()
