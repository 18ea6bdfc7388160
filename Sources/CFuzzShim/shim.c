// Declarations only (include/fuzz_shim.h); libFuzzer defines LLVMFuzzerRunDriver.
#include "fuzz_shim.h"
