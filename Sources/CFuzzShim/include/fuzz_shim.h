#ifndef TRENT_FUZZ_SHIM_H
#define TRENT_FUZZ_SHIM_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt), for a program whose `main` is its own.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
