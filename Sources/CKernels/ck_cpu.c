// Run-time CPU feature check for the AVX-512 kernels, and a spin-wait hint.
#include "CKernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

int ck_has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

void ck_pause(void) {
#if defined(__x86_64__)
    _mm_pause();
#endif
}
