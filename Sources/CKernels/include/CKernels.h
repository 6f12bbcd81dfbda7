// Vectorized CPU micro-kernels for CPUKernels, compiled per function for AVX-512 and chosen once
// per process at run time. Every routine keeps one fixed floating-point operation sequence per
// output element, independent of row count, tiling and threads (see each function).
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Weight element types, matching CPUKernels.WeightType.
enum {
    CK_WEIGHT_F32 = 0,
    CK_WEIGHT_F16 = 1,
    CK_WEIGHT_BF16 = 2,
};

/// KV cache element types, matching CPUKernels.KVElementType.
enum {
    CK_CACHE_F32 = 0,
    CK_CACHE_F16 = 1,
};

/// 1 when this CPU runs the AVX-512 kernels below (AVX512F, BW, VL, DQ and F16C), else 0.
/// Callers must use their portable fallback when it is 0.
int ck_has_avx512(void);

/// A spin-wait hint to the CPU (x86 `pause`; nothing elsewhere).
void ck_pause(void);

/// out[m * outStride + n] = Σ_k x[m * depth + k] · w[n][k] (+ bias[n]) for m < rowCount and
/// columnBegin <= n < columnEnd. w is (≥ columnEnd, depth) row-major of `weightType`.
///
/// Per element: one 16-lane accumulator, lane l gets fma(x[k], w[k], acc) for k ≡ l (mod 16)
/// ascending; the depth % 16 tail is one more masked fma step (absent lanes add 0·0); then the
/// fixed lane tree (l + l⊕8, then ⊕4, ⊕2, ⊕1); then + bias. Tiles only share loads.
void ck_matmul(float *out, size_t outStride, const float *x, size_t rowCount, size_t depth,
               const void *w, int weightType, size_t columnBegin, size_t columnEnd, const float *bias);

/// One work item of paged causal attention: queries [queryBegin, queryEnd) (consecutive
/// positions, at most 16) against KV heads [kvHeadBegin, kvHeadEnd) and the query heads of their
/// groups; (queries · group size · KV heads) must be at most 256. Several KV heads per item read
/// each slot's keys and values as one run (better for decode, where a tile is one query).
/// Shapes as in Kernels.pagedAttention; headDim must be a multiple of 16 and at most 256.
/// window = 0 means no sliding window. The caches hold elements of `cacheType` (CK_CACHE_*); f16
/// keys and values are widened exactly to f32 as they are loaded, so the arithmetic below is the
/// f32 cache's on the same (f16-representable) values.
///
/// Per (query, head): for each 16-key chunk of each KV block meeting its key range, ascending:
/// s_j = (Σ_d q[d]·k_j[d], one fma chain over ascending d) · scale; keys outside the range are
/// masked out; m' = max(m, max s); when m' > m and m is finite, c = exp(m − m'), l ·= c, acc ·= c;
/// e_j = exp(s_j − m'); l += lane-tree sum of e; acc += e_j · v_j for ascending j in range.
/// Finally out = acc / l.
void ck_attention_item(float *out, const float *queries, const int32_t *positions, size_t queryBegin,
                       size_t queryEnd, const void *keyCache, const void *valueCache, int cacheType,
                       const int32_t *blockTable, size_t blockSize, size_t headCount, size_t kvHeadCount,
                       size_t headDim, size_t kvHeadBegin, size_t kvHeadEnd, float scale, size_t window);

/// out[i] = values[i] rounded to IEEE binary16 (round to nearest even, as vcvtps2ph), for i < count.
void ck_convert_to_half(uint16_t *out, const float *values, size_t count);

/// Ceiling probe: `iterations` steps of 24 independent 16-lane FMA chains (768 flop per step),
/// register-only. Returns a value that depends on every chain so nothing is optimized away.
float ck_probe_fma(size_t iterations);

/// Ceiling probe: sums `count` floats with 16-lane vector adds, streaming them from memory.
float ck_probe_read(const float *values, size_t count);

#endif
