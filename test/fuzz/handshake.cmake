# libFuzzer target for the peer-link handshake, fuzz_handshake; included by
# CMakeLists.txt once it knows it builds with clang (om_sanitizers, om_root
# and the test setup come from there). A longer run than the test's:
#   build-fuzz/fuzz_handshake -max_total_time=60 build-fuzz/corpus-handshake \
#       test/fuzz/corpus/handshake

# wire.c is C, and an instrumented build needs clang for it too: the C
# compiler is the clang next to clang++ unless one was given (as in wire.cmake).
if(NOT CMAKE_C_COMPILER_LOADED)
	if(NOT CMAKE_C_COMPILER)
		string(REGEX REPLACE "clang\\+\\+([^/]*)$" "clang\\1" CMAKE_C_COMPILER "${CMAKE_CXX_COMPILER}")
	endif()
	enable_language(C)
endif()
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
	message(WARNING "fuzz_handshake skipped: its C source needs clang (-DCMAKE_C_COMPILER=clang)")
	return()
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(OM_FUZZ_SODIUM REQUIRED IMPORTED_TARGET libsodium)
if(NOT TARGET fmt::fmt)
	find_package(fmt REQUIRED)
endif()

# The handshake and what it uses, compiled again, instrumented; libsodium is
# the system's.
add_executable(fuzz_handshake
	${CMAKE_CURRENT_LIST_DIR}/fuzz_handshake.cpp
	${om_root}/omctl/lib/address.cpp
	${om_root}/omctl/lib/cluster_key.cpp
	${om_root}/omctl/lib/handshake.cpp
	${om_root}/omctl/lib/map.cpp
	${om_root}/omctl/lib/map_lines.cpp
	${om_root}/omctl/lib/parse_error.cpp
	${om_root}/modules/core/wire.c
)
target_compile_features(fuzz_handshake PRIVATE cxx_std_20)
target_include_directories(fuzz_handshake PRIVATE ${om_root}/omctl/lib ${om_root}/include)
target_compile_options(fuzz_handshake PRIVATE ${om_sanitizers} -g -O1 -Wall -Wextra -Werror)
target_link_options(fuzz_handshake PRIVATE ${om_sanitizers})
target_link_libraries(fuzz_handshake PRIVATE fmt::fmt PkgConfig::OM_FUZZ_SODIUM)

# A short, reproducible run from the seed corpus: a valid HELLO for the
# responder and for the initiator, and a clean run of two peers.
set(om_fuzz_handshake_corpus ${CMAKE_CURRENT_BINARY_DIR}/corpus-handshake)
file(MAKE_DIRECTORY ${om_fuzz_handshake_corpus})
add_test(NAME fuzz_handshake
	COMMAND fuzz_handshake -runs=100000 -seed=1 -max_len=1024
		-artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/
		${om_fuzz_handshake_corpus} ${CMAKE_CURRENT_LIST_DIR}/corpus/handshake)
