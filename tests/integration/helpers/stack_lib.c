// SPDX-License-Identifier: Apache-2.0
// -k: the shared library half of stack_calls (its "lib" mode).
#include <unistd.h>

__attribute__((noipa)) int lib_inner(void) { return getppid() + 1; }

__attribute__((noipa)) int lib_outer(void) { return lib_inner() + 1; }
