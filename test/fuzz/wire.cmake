# libFuzzer target for the peer-link codec, fuzz_wire; included by
# CMakeLists.txt once it knows it builds with clang (om_sanitizers, om_root
# and the test setup come from there). A longer run than the test's:
#   build-fuzz/fuzz_wire -max_total_time=60 build-fuzz/corpus-wire test/fuzz/corpus/wire

# wire.c is C, and an instrumented build needs clang for it too. The test
# that builds this directory from a gcc build names only clang++, so the C
# compiler is the clang next to it unless one was given.
if(NOT CMAKE_C_COMPILER_LOADED)
	if(NOT CMAKE_C_COMPILER)
		string(REGEX REPLACE "clang\\+\\+([^/]*)$" "clang\\1" CMAKE_C_COMPILER
			"${CMAKE_CXX_COMPILER}")
	endif()
	enable_language(C)
endif()
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
	message(WARNING "fuzz_wire skipped: its C source needs clang (-DCMAKE_C_COMPILER=clang)")
	return()
endif()

add_executable(fuzz_wire fuzz_wire.cpp ${om_root}/modules/core/wire.c)
target_compile_features(fuzz_wire PRIVATE cxx_std_20)
target_include_directories(fuzz_wire PRIVATE ${om_root}/include)
target_compile_options(fuzz_wire PRIVATE ${om_sanitizers} -g -O1 -Wall -Wextra -Werror)
target_link_options(fuzz_wire PRIVATE ${om_sanitizers})

# A short, reproducible run from the seed corpus (one valid frame of each
# handshake and load type, a request and a response).
set(om_fuzz_wire_corpus ${CMAKE_CURRENT_BINARY_DIR}/corpus-wire)
file(MAKE_DIRECTORY ${om_fuzz_wire_corpus})
add_test(NAME fuzz_wire
	COMMAND fuzz_wire -runs=200000 -seed=1 -max_len=512
		-artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/
		${om_fuzz_wire_corpus} ${CMAKE_CURRENT_SOURCE_DIR}/corpus/wire)
