// AVX-512 paged causal attention, one (query tile, KV head) work item (see CKernels.h).
#include "CKernels.h"

#if defined(__x86_64__)
#include <math.h>
#include <stdlib.h>
#include "ck_common.h"

/// In-register transpose: r[i] lane j becomes r[j] lane i.
CK_INLINE void transpose16(__m512 r[16]) {
    __m512 t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // u[4g + c], 128-bit lane L: element 4L + c of rows 4g ..< 4g + 4.
    for (int g = 0; g < 4; g++) {
        __m512d lo01 = _mm512_castps_pd(t[4 * g]), lo23 = _mm512_castps_pd(t[4 * g + 2]);
        __m512d hi01 = _mm512_castps_pd(t[4 * g + 1]), hi23 = _mm512_castps_pd(t[4 * g + 3]);
        u[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo01, lo23));
        u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo01, lo23));
        u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(hi01, hi23));
        u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(hi01, hi23));
    }
    for (int c = 0; c < 4; c++) {
        __m512 lo0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88), hi0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
        __m512 lo1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88), hi1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
        r[c] = _mm512_shuffle_f32x4(lo0, lo1, 0x88);
        r[8 + c] = _mm512_shuffle_f32x4(lo0, lo1, 0xDD);
        r[4 + c] = _mm512_shuffle_f32x4(hi0, hi1, 0x88);
        r[12 + c] = _mm512_shuffle_f32x4(hi0, hi1, 0xDD);
    }
}

/// Scores of N query rows against 16 keys: kt is (headDim, 16), q rows are `rowStride` apart.
/// Each score is (Σ_{d<half} q[d]·kt[d]) + (Σ_{d≥half} q[d]·kt[d]), each a sequential fma chain.
CK_INLINE void scores_rows(int N, const float *const *q, const float *kt, size_t headDim, float scale,
                           float *scores) {
    __m512 a[8], b[8];
    for (int i = 0; i < N; i++) { a[i] = _mm512_setzero_ps(); b[i] = _mm512_setzero_ps(); }
    size_t half = headDim / 2;
    for (size_t d = 0; d < half; d++) {
        __m512 ka = _mm512_load_ps(kt + d * 16), kb = _mm512_load_ps(kt + (half + d) * 16);
#pragma clang loop unroll(full)
        for (int i = 0; i < N; i++) {
            a[i] = _mm512_fmadd_ps(_mm512_set1_ps(q[i][d]), ka, a[i]);
            b[i] = _mm512_fmadd_ps(_mm512_set1_ps(q[i][half + d]), kb, b[i]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < N; i++)
        _mm512_store_ps(scores + i * 16, _mm512_mul_ps(_mm512_add_ps(a[i], b[i]), _mm512_set1_ps(scale)));
}

CK_TARGET static void scores_block(int n, const float *const *q, const float *kt, size_t headDim, float scale,
                                   float *scores) {
    switch (n) {
    case 1: scores_rows(1, q, kt, headDim, scale, scores); break;
    case 2: scores_rows(2, q, kt, headDim, scale, scores); break;
    case 3: scores_rows(3, q, kt, headDim, scale, scores); break;
    case 4: scores_rows(4, q, kt, headDim, scale, scores); break;
    case 5: scores_rows(5, q, kt, headDim, scale, scores); break;
    case 6: scores_rows(6, q, kt, headDim, scale, scores); break;
    case 7: scores_rows(7, q, kt, headDim, scale, scores); break;
    default: scores_rows(8, q, kt, headDim, scale, scores); break;
    }
}

/// acc[0 ..< 16V] += weights[j] · value_j for ascending j in [j0, j1], where value_j is the 16V
/// elements of `type` (0 f32, 1 f16, widened exactly) at element index `first + j·stride` of `cache`.
/// V accumulators stay in registers across j; each element still sees the ascending-j fma chain.
CK_INLINE void pv_fixed(int V, int type, float *acc, const float *weights, const void *cache, size_t first,
                        size_t stride, size_t j0, size_t j1) {
    __m512 a[8];
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) a[v] = _mm512_load_ps(acc + v * 16);
    for (size_t j = j0; j <= j1; j++) {
        __m512 e = _mm512_set1_ps(weights[j]);
        const size_t row = first + j * stride;
#pragma clang loop unroll(full)
        for (int v = 0; v < V; v++) a[v] = _mm512_fmadd_ps(e, ck_load_weights(cache, row + v * 16, type), a[v]);
    }
#pragma clang loop unroll(full)
    for (int v = 0; v < V; v++) _mm512_store_ps(acc + v * 16, a[v]);
}

CK_INLINE void pv(int type, size_t vectors, float *acc, const float *weights, const void *cache, size_t first,
                  size_t stride, size_t j0, size_t j1) {
    if (vectors == 4) { pv_fixed(4, type, acc, weights, cache, first, stride, j0, j1); return; }
    if (vectors == 8) { pv_fixed(8, type, acc, weights, cache, first, stride, j0, j1); return; }
    for (size_t v = 0; v < vectors; v++) {
        __m512 a = _mm512_load_ps(acc + v * 16);
        for (size_t j = j0; j <= j1; j++)
            a = _mm512_fmadd_ps(_mm512_set1_ps(weights[j]), ck_load_weights(cache, first + j * stride + v * 16, type), a);
        _mm512_store_ps(acc + v * 16, a);
    }
}

/// ck_attention_item for a cache of element `type` (a constant in each caller below).
CK_INLINE void attention_item(int type, float *out, const float *queries, const int32_t *positions,
                              size_t queryBegin, size_t queryEnd, const void *keyCache, const void *valueCache,
                              const int32_t *blockTable, size_t blockSize, size_t headCount, size_t kvHeadCount,
                              size_t headDim, size_t kvHeadBegin, size_t kvHeadEnd, float scale, size_t window) {
    const size_t elementBytes = type == CK_CACHE_F16 ? 2 : 4;
    const size_t group = headCount / kvHeadCount, queryCount = queryEnd - queryBegin;
    const size_t heads = kvHeadEnd - kvHeadBegin, slotStride = kvHeadCount * headDim, vectors = headDim / 16;
    // Rows of one KV head: (query, group member); all rows: (head, query, group member).
    const size_t rows = queryCount * group, allRows = rows * heads;
    // Scratch: acc (allRows, headDim), kt (headDim, 16), scores (rows, 16), maxima, sums (allRows).
    size_t floats = allRows * headDim + headDim * 16 + rows * 16 + 2 * allRows;
    float *acc = aligned_alloc(64, ((floats * sizeof(float)) + 63) & ~(size_t)63);
    if (!acc) abort();
    float *kt = acc + allRows * headDim, *scores = kt + headDim * 16, *maxima = scores + rows * 16;
    float *sums = maxima + allRows;
    const float *q[256];
    long lows[16], highs[16];
    long unionLow = 0x7fffffffffffffffL, unionHigh = -1;
    for (size_t t = 0; t < queryCount; t++) {
        long p = positions[queryBegin + t];
        long lo = window ? (p - (long)window + 1 > 0 ? p - (long)window + 1 : 0) : 0;
        lows[t] = lo;
        highs[t] = p;
        if (lo < unionLow) unionLow = lo;
        if (p > unionHigh) unionHigh = p;
    }
    for (size_t r = 0; r < allRows; r++) {
        size_t h = r / rows, t = r % rows / group, g = r % group;
        q[r] = queries + ((queryBegin + t) * headCount + (kvHeadBegin + h) * group + g) * headDim;
        maxima[r] = -INFINITY;
        sums[r] = 0;
    }
    for (size_t i = 0; i < allRows * headDim; i++) acc[i] = 0;
    __attribute__((aligned(64))) float weights[16];

    for (long block = unionLow / (long)blockSize; block <= unionHigh / (long)blockSize; block++) {
        const size_t firstSlot = (size_t)blockTable[block] * blockSize;
        for (size_t c0 = 0; c0 < blockSize; c0 += 16) {
            const long chunkStart = block * (long)blockSize + (long)c0;
            const long chunkLength = blockSize - c0 < 16 ? (long)(blockSize - c0) : 16;
            long from = unionLow > chunkStart ? unionLow : chunkStart;
            long to = unionHigh < chunkStart + chunkLength - 1 ? unionHigh : chunkStart + chunkLength - 1;
            if (from > to) continue;
            // The block after next sits anywhere in the arena: fetch its keys and values for these heads now.
            if (c0 == 0 && block + 2 <= unionHigh / (long)blockSize) {
                const size_t nextSlot = (size_t)blockTable[block + 2] * blockSize;
                for (size_t j = 0; j < blockSize; j++) {
                    const size_t offset = ((nextSlot + j) * slotStride + kvHeadBegin * headDim) * elementBytes;
                    const char *k = (const char *)keyCache + offset, *v = (const char *)valueCache + offset;
                    for (size_t line = 0; line < heads * headDim * elementBytes; line += 64) {
                        _mm_prefetch(k + line, _MM_HINT_T0);
                        _mm_prefetch(v + line, _MM_HINT_T0);
                    }
                }
            }
            for (size_t h = 0; h < heads; h++) {
            const size_t headOffset = (kvHeadBegin + h) * headDim;
            const float *const *hq = q + h * rows;
            float *hacc = acc + h * rows * headDim, *hmaxima = maxima + h * rows, *hsums = sums + h * rows;
            // kt[d][j] = key (chunkStart + j)[d] for keys in [from, to], else 0 (never read).
            const size_t firstKey = headOffset + (firstSlot + c0) * slotStride;
            const int whole = from == chunkStart && to == chunkStart + 15;
            for (size_t v = 0; v < vectors; v++) {
                __m512 r[16];
                if (whole) {
#pragma clang loop unroll(full)
                    for (int j = 0; j < 16; j++) r[j] = ck_load_weights(keyCache, firstKey + j * slotStride + v * 16, type);
                } else {
                    for (long j = 0; j < 16; j++) {
                        long key = chunkStart + j;
                        r[j] = key >= from && key <= to
                            ? ck_load_weights(keyCache, firstKey + j * slotStride + v * 16, type) : _mm512_setzero_ps();
                    }
                }
                transpose16(r);
                for (int d = 0; d < 16; d++) _mm512_store_ps(kt + (v * 16 + d) * 16, r[d]);
            }
            for (size_t r = 0; r < rows; r += 8) {
                int n = rows - r < 8 ? (int)(rows - r) : 8;
                scores_block(n, hq + r, kt, headDim, scale, scores + r * 16);
            }
            for (size_t r = 0; r < rows; r++) {
                size_t t = r / group;
                long lo = lows[t] > chunkStart ? lows[t] : chunkStart;
                long hi = highs[t] < chunkStart + chunkLength - 1 ? highs[t] : chunkStart + chunkLength - 1;
                if (lo > hi) continue;
                size_t j0 = (size_t)(lo - chunkStart), j1 = (size_t)(hi - chunkStart);
                __mmask16 mask = (__mmask16)(ck_low_mask(j1 + 1) & ~ck_low_mask(j0));
                __m512 s = _mm512_load_ps(scores + r * 16);
                float chunkMax = _mm512_mask_reduce_max_ps(mask, s);
                float oldMax = hmaxima[r], newMax = chunkMax > oldMax ? chunkMax : oldMax;
                float *a = hacc + r * headDim;
                if (newMax != oldMax && oldMax != -INFINITY) {
                    __m512 correction = ck_exp(_mm512_set1_ps(oldMax - newMax));
                    hsums[r] *= _mm512_cvtss_f32(correction);
                    for (size_t v = 0; v < vectors; v++)
                        _mm512_store_ps(a + v * 16, _mm512_mul_ps(_mm512_load_ps(a + v * 16), correction));
                }
                hmaxima[r] = newMax;
                __m512 e = _mm512_maskz_mov_ps(mask, ck_exp(_mm512_sub_ps(s, _mm512_set1_ps(newMax))));
                hsums[r] += ck_sum16(e);
                _mm512_store_ps(weights, e);
                pv(type, vectors, a, weights, valueCache, headOffset + (firstSlot + c0) * slotStride, slotStride, j0, j1);
            }
            }
        }
    }
    for (size_t r = 0; r < allRows; r++) {
        size_t h = r / rows, t = r % rows / group, g = r % group;
        float *o = out + ((queryBegin + t) * headCount + (kvHeadBegin + h) * group + g) * headDim;
        __m512 sum = _mm512_set1_ps(sums[r]);
        for (size_t v = 0; v < vectors; v++)
            _mm512_storeu_ps(o + v * 16, _mm512_div_ps(_mm512_load_ps(acc + r * headDim + v * 16), sum));
    }
    free(acc);
}

CK_TARGET static void attention_item_f32(float *out, const float *queries, const int32_t *positions,
                                         size_t queryBegin, size_t queryEnd, const void *keyCache,
                                         const void *valueCache, const int32_t *blockTable, size_t blockSize,
                                         size_t headCount, size_t kvHeadCount, size_t headDim, size_t kvHeadBegin,
                                         size_t kvHeadEnd, float scale, size_t window) {
    attention_item(CK_CACHE_F32, out, queries, positions, queryBegin, queryEnd, keyCache, valueCache, blockTable,
                   blockSize, headCount, kvHeadCount, headDim, kvHeadBegin, kvHeadEnd, scale, window);
}

CK_TARGET static void attention_item_f16(float *out, const float *queries, const int32_t *positions,
                                         size_t queryBegin, size_t queryEnd, const void *keyCache,
                                         const void *valueCache, const int32_t *blockTable, size_t blockSize,
                                         size_t headCount, size_t kvHeadCount, size_t headDim, size_t kvHeadBegin,
                                         size_t kvHeadEnd, float scale, size_t window) {
    attention_item(CK_CACHE_F16, out, queries, positions, queryBegin, queryEnd, keyCache, valueCache, blockTable,
                   blockSize, headCount, kvHeadCount, headDim, kvHeadBegin, kvHeadEnd, scale, window);
}

void ck_attention_item(float *out, const float *queries, const int32_t *positions, size_t queryBegin,
                       size_t queryEnd, const void *keyCache, const void *valueCache, int cacheType,
                       const int32_t *blockTable, size_t blockSize, size_t headCount, size_t kvHeadCount,
                       size_t headDim, size_t kvHeadBegin, size_t kvHeadEnd, float scale, size_t window) {
    (cacheType == CK_CACHE_F16 ? attention_item_f16 : attention_item_f32)(
        out, queries, positions, queryBegin, queryEnd, keyCache, valueCache, blockTable, blockSize, headCount,
        kvHeadCount, headDim, kvHeadBegin, kvHeadEnd, scale, window);
}

#else
#include <stdlib.h>
void ck_attention_item(float *out, const float *queries, const int32_t *positions, size_t queryBegin,
                       size_t queryEnd, const void *keyCache, const void *valueCache, int cacheType,
                       const int32_t *blockTable, size_t blockSize, size_t headCount, size_t kvHeadCount,
                       size_t headDim, size_t kvHeadBegin, size_t kvHeadEnd, float scale, size_t window) {
    abort();
}
#endif
