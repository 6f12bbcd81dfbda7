/// Numeric kernels for the forward pass, on raw row-major `Float` pointers.
///
/// Every kernel is batch-invariant bit for bit: each output element is computed by one fixed
/// sequence of floating-point operations that depends only on that element's own inputs, never on
/// how many rows share the call, on tiling, or on the thread count. Each fast kernel has a plain
/// `*Reference` twin used by the tests.
public enum Kernels {}

/// Storage type of a weight matrix.
public enum WeightType: Sendable {
    case f32
    /// IEEE 754 binary16.
    case f16
    /// bfloat16: the upper 16 bits of a binary32.
    case bf16

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        }
    }
}

/// Element type of a KV cache. `.f16` halves the bytes attention reads per key; rows are rounded
/// to nearest even when written and widened exactly when read.
public enum KVElementType: String, Sendable, CaseIterable {
    case f32
    case f16

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        }
    }
}

/// A [rows, columns] row-major matrix in PyTorch Linear layout [out_features, in_features].
/// `base` points at `rows * columns` elements of `type`, aligned to the element size; the memory
/// must outlive every use.
public struct WeightMatrix: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let type: WeightType
    public let rows: Int
    public let columns: Int

    public init(base: UnsafeRawPointer, type: WeightType, rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        self.base = base
        self.type = type
        self.rows = rows
        self.columns = columns
    }

    /// Start of row `row` (columns elements of `type`).
    @inline(__always) func rowStart(_ row: Int) -> UnsafeRawPointer {
        base + row &* columns &* type.byteCount
    }
}
