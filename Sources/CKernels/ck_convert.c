// AVX-512 rounding of f32 to IEEE binary16, for writing K/V rows into an f16 cache (see CKernels.h).
#include "CKernels.h"

#if defined(__x86_64__)
#include "ck_common.h"

CK_TARGET void ck_convert_to_half(uint16_t *out, const float *values, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256i half = _mm512_cvtps_ph(_mm512_loadu_ps(values + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_storeu_si256((__m256i *)(out + i), half);
    }
    if (i < count) {
        __mmask16 mask = ck_low_mask(count - i);
        __m256i half = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(mask, values + i),
                                       _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_mask_storeu_epi16(out + i, mask, half);
    }
}

#else
#include <stdlib.h>
void ck_convert_to_half(uint16_t *out, const float *values, size_t count) { abort(); }
#endif
