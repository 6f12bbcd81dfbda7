#if canImport(Glibc)
    import Glibc
#endif

/// Asks the kernel to back a large array with 2 MiB pages (Linux transparent huge pages).
/// The index and the token store are probed at random across tens of MiB; with 4 KiB pages
/// nearly every probe also misses the TLB. Best effort: a no-op elsewhere or when refused,
/// and the array stays an ordinary array (a copy just loses the advice).
enum HugePages {
    static let pageSize = 2 << 20

    static func advise<T>(_ array: inout [T]) {
        #if os(Linux)
            let bytes = array.count * MemoryLayout<T>.stride
            guard bytes >= 4 * pageSize else { return }
            array.withUnsafeMutableBytes { raw in
                let start = (Int(bitPattern: raw.baseAddress!) + pageSize - 1) / pageSize * pageSize
                let end = (Int(bitPattern: raw.baseAddress!) + bytes) / pageSize * pageSize
                guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
                _ = madvise(p, end - start, 14)  // MADV_HUGEPAGE: later faults may use huge pages
                _ = madvise(p, end - start, 25)  // MADV_COLLAPSE: collapse the pages present now
            }
        #endif
    }
}
