// AVX-512 matmul: out = x · wᵀ (+ bias) over a column range, dot-product form (see CKernels.h).
#include "CKernels.h"

#if defined(__x86_64__)
#include <stdlib.h>
#include <string.h>
#include "ck_common.h"

enum { ROW_TILE = 6, COLUMN_TILE = 4, WIDEN_MIN_ROWS = 64 };
/// Bytes ahead of the weight stream that tiles of 2 to 5 rows, and f16/bf16 tiles of one row,
/// prefetch. Few rows (decode) make the matmul a stream of weights, and the hardware prefetcher
/// alone leaves much of a core's read bandwidth unused (kernel-bench streaming case, per CPU
/// second: f16 one row 22 → 31 GB/s, four rows 16 → 30; f32 four rows 22 → 30). One f32 row
/// streams better without it (37 vs 33 GB/s), so it is left to the hardware.
enum { PREFETCH_DISTANCE = 12288 };

/// MR rows of x × NR weight rows; every element runs the documented sequence. x: (MR, depth),
/// w: NR rows of `depth` elements of `type` starting at row `column`, out: MR×NR at outStride.
CK_INLINE void tile(int MR, int NR, int type, const float *x, size_t depth, const void *w, size_t column,
                    float *out, size_t outStride, const float *bias) {
    __m512 acc[ROW_TILE][COLUMN_TILE];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++)
#pragma clang loop unroll(full)
        for (int j = 0; j < NR; j++) acc[i][j] = _mm512_setzero_ps();
    const size_t mainDepth = depth & ~(size_t)15;
    const size_t elementBytes = type == 0 ? 4 : 2;
    // The tile's NR weight rows are contiguous: step k consumes NR·16 elements of that run, so
    // fetch the same amount PREFETCH_DISTANCE bytes further on (a stream across tiles and panels).
    const char *ahead = (const char *)w + (column * depth) * elementBytes + PREFETCH_DISTANCE;
    size_t k = 0;
    for (; k < mainDepth; k += 16) {
        if (MR < ROW_TILE && (MR > 1 || type != CK_WEIGHT_F32)) {
#pragma clang loop unroll(full)
            for (int line = 0; line < NR * (int)elementBytes / 4; line++)
                _mm_prefetch(ahead + k * NR * elementBytes + line * 64, _MM_HINT_T0);
        }
        __m512 wv[COLUMN_TILE];
#pragma clang loop unroll(full)
        for (int j = 0; j < NR; j++) wv[j] = ck_load_weights(w, (column + j) * depth + k, type);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512 xv = _mm512_loadu_ps(x + i * depth + k);
#pragma clang loop unroll(full)
            for (int j = 0; j < NR; j++) acc[i][j] = _mm512_fmadd_ps(xv, wv[j], acc[i][j]);
        }
    }
    if (k < depth) {
        __mmask16 mask = ck_low_mask(depth - k);
        __m512 wv[COLUMN_TILE];
#pragma clang loop unroll(full)
        for (int j = 0; j < NR; j++) wv[j] = ck_load_weights_masked(w, (column + j) * depth + k, type, mask);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512 xv = _mm512_maskz_loadu_ps(mask, x + i * depth + k);
#pragma clang loop unroll(full)
            for (int j = 0; j < NR; j++) acc[i][j] = _mm512_fmadd_ps(xv, wv[j], acc[i][j]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++)
#pragma clang loop unroll(full)
        for (int j = 0; j < NR; j++) {
            float s = ck_sum16(acc[i][j]);
            if (bias) s += bias[column + j];
            out[i * outStride + column + j] = s;
        }
}

#define TILE_CASE(MR, NR, TYPE)                                                                   \
    case (MR) * 100 + (NR) * 10 + (TYPE):                                                         \
        tile(MR, NR, TYPE, x, depth, w, column, out, outStride, bias);                           \
        return;
#define TILE_TYPES(MR, NR) TILE_CASE(MR, NR, 0) TILE_CASE(MR, NR, 1) TILE_CASE(MR, NR, 2)
#define TILE_COLUMNS(MR) TILE_TYPES(MR, 1) TILE_TYPES(MR, 2) TILE_TYPES(MR, 3) TILE_TYPES(MR, 4)

/// Runs the (mr ≤ 6) × (nr ≤ 4) tile for weight `type`.
CK_TARGET static void run_tile(int mr, int nr, int type, const float *x, size_t depth, const void *w,
                               size_t column, float *out, size_t outStride, const float *bias) {
    switch (mr * 100 + nr * 10 + type) {
        TILE_COLUMNS(1) TILE_COLUMNS(2) TILE_COLUMNS(3) TILE_COLUMNS(4) TILE_COLUMNS(5) TILE_COLUMNS(6)
    default: abort();
    }
}

/// All rows × columns [begin, end) against weight rows of `type` at `w`.
CK_TARGET static void sweep(float *out, size_t outStride, const float *x, size_t rowCount, size_t depth,
                            const void *w, int type, size_t begin, size_t end, const float *bias) {
    for (size_t row = 0; row < rowCount; row += ROW_TILE) {
        int mr = (int)(rowCount - row < ROW_TILE ? rowCount - row : ROW_TILE);
        for (size_t column = begin; column < end; column += COLUMN_TILE) {
            int nr = (int)(end - column < COLUMN_TILE ? end - column : COLUMN_TILE);
            run_tile(mr, nr, type, x + row * depth, depth, w, column, out + row * outStride, outStride, bias);
        }
    }
}

/// Widens weight rows [begin, end) of `type` into a new f32 (end - begin, depth) buffer (exact).
CK_TARGET static float *widen(const void *w, int type, size_t depth, size_t begin, size_t end) {
    size_t count = (end - begin) * depth;
    float *scratch = aligned_alloc(64, ((count * sizeof(float)) + 63) & ~(size_t)63);
    if (!scratch) abort();
    size_t i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(scratch + i, ck_load_weights(w, begin * depth + i, type));
    if (i < count) {
        __mmask16 mask = ck_low_mask(count - i);
        _mm512_mask_storeu_ps(scratch + i, mask, ck_load_weights_masked(w, begin * depth + i, type, mask));
    }
    return scratch;
}

CK_TARGET void ck_matmul(float *out, size_t outStride, const float *x, size_t rowCount, size_t depth,
                         const void *w, int weightType, size_t columnBegin, size_t columnEnd, const float *bias) {
    if (rowCount == 0 || columnEnd <= columnBegin) return;
    const size_t rowBytes = (depth ? depth : 1) * sizeof(float);
    // Weight rows kept in L1 while a block of input rows passes: about 32 KiB of f32.
    size_t panel = (32 * 1024) / rowBytes;
    panel = panel < COLUMN_TILE ? COLUMN_TILE : (panel > 64 ? 64 : panel & ~(size_t)(COLUMN_TILE - 1));
    // Input rows kept in L2 while every panel passes: about 512 KiB.
    size_t rowBlock = (512 * 1024) / rowBytes / ROW_TILE * ROW_TILE;
    if (rowBlock < ROW_TILE) rowBlock = ROW_TILE;
    float *scratch = NULL;
    if (rowCount >= WIDEN_MIN_ROWS && weightType != CK_WEIGHT_F32) {
        // Enough rows to amortize widening the half-precision weights once into f32 (exact, so
        // the values, and the results, equal the in-tile widening used for fewer rows). Below
        // this, widening every weight each call costs more than converting in the tiles.
        scratch = widen(w, weightType, depth, columnBegin, columnEnd);
        w = scratch;
        weightType = CK_WEIGHT_F32;
        out += columnBegin;
        if (bias) bias += columnBegin;
        columnEnd -= columnBegin;
        columnBegin = 0;
    }
    for (size_t r = 0; r < rowCount; r += rowBlock) {
        size_t rows = rowCount - r < rowBlock ? rowCount - r : rowBlock;
        for (size_t p = columnBegin; p < columnEnd; p += panel) {
            size_t pe = p + panel < columnEnd ? p + panel : columnEnd;
            sweep(out + r * outStride, outStride, x + r * depth, rows, depth, w, weightType, p, pe, bias);
        }
    }
    free(scratch);
}

#else
#include <stdlib.h>
void ck_matmul(float *out, size_t outStride, const float *x, size_t rowCount, size_t depth, const void *w,
               int weightType, size_t columnBegin, size_t columnEnd, const float *bias) {
    abort();
}
#endif
