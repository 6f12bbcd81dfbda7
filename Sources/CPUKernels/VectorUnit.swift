import CKernels
import Foundation

/// Which implementation the kernels run, chosen once per process.
///
/// `.avx512` runs the C micro-kernels of `CKernels` (compiled per function for AVX-512, FMA);
/// `.portable` runs the Swift SIMD kernels that build for baseline x86-64 and other CPUs. The two
/// round differently (FMA, 16 vs 8 lanes), so results may differ between them; within one process
/// every kernel uses one of them, and each keeps a fixed per-element operation order.
public enum VectorUnit: String, Sendable {
    case avx512
    case portable

    /// The unit this process uses: `.avx512` when the CPU supports it, unless the environment
    /// variable `ASYMCACHE_KERNELS=portable` asks for the Swift kernels.
    public static let active: VectorUnit = {
        if ProcessInfo.processInfo.environment["ASYMCACHE_KERNELS"] == "portable" { return .portable }
        return ck_has_avx512() != 0 ? .avx512 : .portable
    }()
}

extension WeightType {
    /// The `CK_WEIGHT_*` code of this type.
    var kernelCode: Int32 {
        switch self {
        case .f32: Int32(CK_WEIGHT_F32)
        case .f16: Int32(CK_WEIGHT_F16)
        case .bf16: Int32(CK_WEIGHT_BF16)
        }
    }
}

extension KVElementType {
    /// The `CK_CACHE_*` code of this type.
    var kernelCode: Int32 {
        switch self {
        case .f32: Int32(CK_CACHE_F32)
        case .f16: Int32(CK_CACHE_F16)
        }
    }
}
