import Foundation

/// The element type of a stored tensor.
public enum TensorDType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16"
    public var byteCount: Int { self == .f32 ? 4 : 2 }
}

/// A tensor inside a memory-mapped safetensors file. Valid while its `SafetensorsFile` lives.
public struct TensorView: @unchecked Sendable {
    public let name: String
    public let dtype: TensorDType
    public let shape: [Int]
    public let data: UnsafeRawPointer
    /// The file it lives in, for error messages.
    public let path: String
    public var elementCount: Int { shape.reduce(1, *) }
}

/// One memory-mapped `.safetensors` file: an 8-byte little-endian header length N, N bytes of JSON
/// (`name → {dtype, shape, data_offsets: [begin, end]}`, plus optional `__metadata__`), then the data.
/// The header is validated completely on open, so a truncated or corrupt file fails here, naming itself.
public final class SafetensorsFile: @unchecked Sendable {
    public let path: String
    public private(set) var tensors: [String: TensorView] = [:]
    private let mapping: UnsafeMutableRawPointer
    private let mappedLength: Int

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ModelLoadError.missingFile(path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ModelLoadError.missingFile(path: path) }
        let size = Int(info.st_size)
        guard size >= 8 else { throw ModelLoadError.corruptSafetensors(path: path, reason: "file is \(size) bytes, shorter than the 8-byte header length") }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw ModelLoadError.corruptSafetensors(path: path, reason: "cannot memory-map the file")
        }
        mapping = base
        mappedLength = size
        // Every stored property is set, so if this throws, deinit runs and unmaps the file. Unmapping
        // here too unmapped it twice: the second call could remove a mapping another thread had just
        // made at the same address (a crash seen under parallel tests).
        try parseHeader(fileSize: size)
    }

    deinit { munmap(mapping, mappedLength) }

    private func parseHeader(fileSize: Int) throws {
        let headerLength = Int(UInt64(littleEndian: mapping.loadUnaligned(as: UInt64.self)))
        guard headerLength > 0, headerLength <= fileSize - 8 else {
            throw ModelLoadError.corruptSafetensors(path: path, reason: "header length \(headerLength) exceeds the file size \(fileSize)")
        }
        let headerData = Data(bytes: mapping + 8, count: headerLength)
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw ModelLoadError.corruptSafetensors(path: path, reason: "header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataLength = fileSize - dataStart
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                let dtypeName = entry["dtype"] as? String,
                let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue),
                let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2
            else { throw ModelLoadError.corruptSafetensors(path: path, reason: "malformed entry for tensor \(name)") }
            guard let dtype = TensorDType(rawValue: dtypeName) else {
                throw ModelLoadError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard shape.allSatisfy({ $0 >= 0 }), begin >= 0, begin <= end, end <= dataLength else {
                throw ModelLoadError.corruptSafetensors(path: path, reason: "tensor \(name) lies outside the data (offsets \(begin)..<\(end), data is \(dataLength) bytes)")
            }
            let expected = shape.reduce(1, *) * dtype.byteCount
            guard end - begin == expected else {
                throw ModelLoadError.corruptSafetensors(path: path, reason: "tensor \(name) has \(end - begin) bytes, its shape \(shape) needs \(expected)")
            }
            tensors[name] = TensorView(name: name, dtype: dtype, shape: shape,
                                       data: UnsafeRawPointer(mapping + dataStart + begin), path: path)
        }
    }
}

/// All tensors of a model directory: `model.safetensors`, or the shards listed in
/// `model.safetensors.index.json`.
public final class WeightStore: @unchecked Sendable {
    public let directory: URL
    private var files: [SafetensorsFile] = []
    private var index: [String: TensorView] = [:]

    public init(directory: URL) throws {
        self.directory = directory
        let single = directory.appendingPathComponent("model.safetensors")
        let indexURL = directory.appendingPathComponent("model.safetensors.index.json")
        if FileManager.default.fileExists(atPath: single.path) {
            files = [try SafetensorsFile(path: single.path)]
        } else if FileManager.default.fileExists(atPath: indexURL.path) {
            let json = try JSONFile.object(at: indexURL)
            guard let weightMap = json["weight_map"] as? [String: String] else {
                throw ModelLoadError.missingConfigKey(path: indexURL.path, key: "weight_map")
            }
            for shard in Set(weightMap.values).sorted() {
                files.append(try SafetensorsFile(path: directory.appendingPathComponent(shard).path))
            }
        } else {
            throw ModelLoadError.missingFile(path: single.path)
        }
        for file in files { index.merge(file.tensors) { first, _ in first } }
    }

    public var tensorNames: [String] { index.keys.sorted() }

    /// The tensor `name`, checked against `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> TensorView {
        guard let view = index[name] else {
            throw ModelLoadError.missingTensor(name: name, searched: directory.path)
        }
        guard view.shape == shape else {
            throw ModelLoadError.wrongShape(path: view.path, tensor: name, expected: shape, found: view.shape)
        }
        return view
    }

    public func contains(_ name: String) -> Bool { index[name] != nil }
}
