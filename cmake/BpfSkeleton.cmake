# SPDX-License-Identifier: Apache-2.0
# Compile a CO-RE BPF program with clang and generate its libbpf skeleton with bpftool.
#   btrace_bpf_skeleton(TARGET <interface-lib> SOURCE <file.bpf.c> NAME <skel name>
#                       [COMPILER <clang>] DEPENDS <headers...>)
# creates an INTERFACE library whose include dir holds <NAME>.skel.h. COMPILER
# (default: BPF_CLANG) lets the same program be built by another clang, whose
# object the verifier must accept too.

find_program(BPF_CLANG NAMES clang clang-19 clang-16 clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(BTRACE_BPF_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(BTRACE_BPF_ARCH arm64)
else()
  message(FATAL_ERROR "btrace: unsupported architecture ${CMAKE_SYSTEM_PROCESSOR}")
endif()

function(btrace_bpf_skeleton)
  cmake_parse_arguments(ARG "" "TARGET;SOURCE;NAME;COMPILER" "DEPENDS" ${ARGN})
  if(NOT ARG_COMPILER)
    set(ARG_COMPILER ${BPF_CLANG})
  endif()
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}/${ARG_NAME}.bpf.o)
  set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}/skel)
  set(skel ${skel_dir}/${ARG_NAME}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}
    COMMAND ${ARG_COMPILER} -target bpf -g -O2 -Wall -Werror
            -D__TARGET_ARCH_${BTRACE_BPF_ARCH}
            -I${PROJECT_SOURCE_DIR}/vmlinux/${BTRACE_BPF_ARCH}
            -I${PROJECT_SOURCE_DIR}/include
            -I${PROJECT_SOURCE_DIR}/bpf
            -c ${ARG_SOURCE} -o ${obj}
    DEPENDS ${ARG_SOURCE} ${ARG_DEPENDS}
    COMMENT "BPF ${ARG_NAME}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${skel_dir}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${ARG_NAME} > ${skel}
    DEPENDS ${obj}
    COMMENT "skeleton ${ARG_NAME}.skel.h"
    VERBATIM)
  add_custom_target(${ARG_TARGET}_gen DEPENDS ${skel})
  add_library(${ARG_TARGET} INTERFACE)
  add_dependencies(${ARG_TARGET} ${ARG_TARGET}_gen)
  target_include_directories(${ARG_TARGET} INTERFACE ${skel_dir})
endfunction()
