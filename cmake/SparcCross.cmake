# Cross-builds static sparc64 Linux programs with Debian's sparc64-linux-gnu-gcc inside the
# main build (no second CMake project: a custom command per program keeps it simple).
find_program(SPARC64_CC sparc64-linux-gnu-gcc REQUIRED)
find_program(QEMU_SPARC64 qemu-sparc64)

# vfsim_sparc_program(<out-name> SOURCES a.c b.S ... [FLAGS -O2 ...] [LIBS -lm ...])
# Produces ${CMAKE_CURRENT_BINARY_DIR}/<out-name> and a target sparcprog_<out-name>.
function(vfsim_sparc_program name)
  cmake_parse_arguments(P "" "" "SOURCES;FLAGS;LIBS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(srcs)
  foreach(s ${P_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${SPARC64_CC} -static ${P_FLAGS} -o ${out} ${srcs} ${P_LIBS}
    DEPENDS ${srcs}
    COMMENT "sparc64-linux-gnu-gcc ${name}"
    VERBATIM)
  add_custom_target(sparcprog_${name} ALL DEPENDS ${out})
endfunction()
