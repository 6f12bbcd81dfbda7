// Micro-probes for the machine's compute and memory-read ceilings (used by compute-bench).
#include "CKernels.h"

#if defined(__x86_64__)
#include "ck_common.h"

CK_TARGET float ck_probe_fma(size_t iterations) {
    __m512 acc[24];
    for (int i = 0; i < 24; i++) acc[i] = _mm512_set1_ps((float)i * 1e-3f);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (size_t n = 0; n < iterations; n++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 24; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 total = _mm512_setzero_ps();
    for (int i = 0; i < 24; i++) total = _mm512_add_ps(total, acc[i]);
    return ck_sum16(total);
}

CK_TARGET float ck_probe_read(const float *values, size_t count) {
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    size_t i = 0;
    for (; i + 64 <= count; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_loadu_ps(values + i));
        s1 = _mm512_add_ps(s1, _mm512_loadu_ps(values + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_loadu_ps(values + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_loadu_ps(values + i + 48));
    }
    float total = ck_sum16(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
    for (; i < count; i++) total += values[i];
    return total;
}

#else
float ck_probe_fma(size_t iterations) { return 0; }
float ck_probe_read(const float *values, size_t count) {
    float total = 0;
    for (size_t i = 0; i < count; i++) total += values[i];
    return total;
}
#endif
