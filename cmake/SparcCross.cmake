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

# vfsim_bare_program(<out-name> SOURCES a.c ... [FLAGS ...]): a bare-metal program for
# vfsim-bare, linked at physical 0x100000 with the runtime in examples/bare/.
set(VFSIM_BARE_DIR ${CMAKE_SOURCE_DIR}/examples/bare)
set(VFSIM_BARE_FLAGS -m64 -mcpu=niagara2 -O2 -ffreestanding -fno-pic -fno-pie -no-pie
    -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -nostartfiles
    -Wl,--build-id=none -Wl,-z,max-page-size=0x2000 -T ${VFSIM_BARE_DIR}/link.ld -I${VFSIM_BARE_DIR})
function(vfsim_bare_program name)
  cmake_parse_arguments(P "" "" "SOURCES;FLAGS" ${ARGN})
  vfsim_sparc_program(${name} SOURCES ${VFSIM_BARE_DIR}/start.S ${VFSIM_BARE_DIR}/runtime.c ${P_SOURCES}
                      FLAGS ${VFSIM_BARE_FLAGS} ${P_FLAGS} LIBS -lgcc)
endfunction()

# vfsim_guest_program(<out-name> LINKER_SCRIPT ld SOURCES a.S b.c ... [DEPENDS headers...]
#                     [FLAGS ...]): a sun4v guest image for vfsim's hypervisor, freestanding,
# linked by `ld` (e.g. at real address 0x8000000). Produces ${CMAKE_CURRENT_BINARY_DIR}/<out-name>
# and a target sparcprog_<out-name> built by ALL; DEPENDS lists headers so edits rebuild it.
set(VFSIM_GUEST_FLAGS -m64 -mcpu=niagara2 -mcmodel=medlow -O2 -ffreestanding -fno-pic -fno-pie
    -no-pie -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -nostartfiles
    -Wl,--build-id=none -Wl,-z,max-page-size=0x2000)
function(vfsim_guest_program name)
  cmake_parse_arguments(P "" "LINKER_SCRIPT" "SOURCES;DEPENDS;FLAGS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  get_filename_component(ld ${P_LINKER_SCRIPT} ABSOLUTE)
  set(srcs)
  foreach(s ${P_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  set(deps)
  foreach(s ${P_DEPENDS})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND deps ${abs})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${SPARC64_CC} ${VFSIM_GUEST_FLAGS} ${P_FLAGS} -T ${ld} -o ${out} ${srcs} -lgcc
    DEPENDS ${srcs} ${deps} ${ld}
    COMMENT "sparc64-linux-gnu-gcc ${name} (guest image)"
    VERBATIM)
  add_custom_target(sparcprog_${name} ALL DEPENDS ${out})
endfunction()
