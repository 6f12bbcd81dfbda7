// Shared AVX-512 helpers for the CKernels translation units (not part of the public header).
#ifndef CK_COMMON_H
#define CK_COMMON_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,fma")))
#define CK_INLINE static inline __attribute__((always_inline)) CK_TARGET

/// Lane sum in the fixed tree: l + l⊕8, then ⊕4, ⊕2, ⊕1.
CK_INLINE float ck_sum16(__m512 v) {
    __m256 lo = _mm512_castps512_ps256(v);
    __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    __m256 a = _mm256_add_ps(lo, hi);
    __m128 b = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    __m128 d = _mm_add_ss(c, _mm_shuffle_ps(c, c, 1));
    return _mm_cvtss_f32(d);
}

/// Mask of the low `count` (0...16) lanes.
CK_INLINE __mmask16 ck_low_mask(size_t count) {
    return (__mmask16)(count >= 16 ? 0xffffu : ((1u << count) - 1u));
}

/// 16 weights starting at element `index` of a row of `type`, widened exactly to f32.
CK_INLINE __m512 ck_load_weights(const void *base, size_t index, int type) {
    if (type == 0) return _mm512_loadu_ps((const float *)base + index);
    __m256i bits = _mm256_loadu_si256((const __m256i *)((const uint16_t *)base + index));
    if (type == 1) return _mm512_cvtph_ps(bits);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
}

/// Like ck_load_weights for the lanes of `mask`; other lanes are +0 and never read.
CK_INLINE __m512 ck_load_weights_masked(const void *base, size_t index, int type, __mmask16 mask) {
    if (type == 0) return _mm512_maskz_loadu_ps(mask, (const float *)base + index);
    __m256i bits = _mm256_maskz_loadu_epi16(mask, (const uint16_t *)base + index);
    if (type == 1) return _mm512_cvtph_ps(bits);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
}

/// e^x per lane (Cephes-style polynomial with FMA, about 1 ulp); inputs clamped to [-87.34, 88].
CK_INLINE __m512 ck_exp(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.0f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);  // 1.5 * 2^23
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    __m512i e = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(y, scale);
}

#endif
