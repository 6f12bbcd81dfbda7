/// Why a model directory could not be loaded. Every case names the file (and tensor) at fault.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case invalidJSON(path: String, reason: String)
    case missingConfigKey(path: String, key: String)
    case invalidConfigValue(path: String, key: String, reason: String)
    case unsupportedArchitecture(path: String, architecture: String)
    case unsupportedRopeType(path: String, ropeType: String)
    case corruptSafetensors(path: String, reason: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case missingTensor(name: String, searched: String)
    case wrongShape(path: String, tensor: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .missingFile(let path): "missing file: \(path)"
        case .invalidJSON(let path, let reason): "\(path): invalid JSON (\(reason))"
        case .missingConfigKey(let path, let key): "\(path): missing required key \"\(key)\""
        case .invalidConfigValue(let path, let key, let reason): "\(path): bad value for \"\(key)\": \(reason)"
        case .unsupportedArchitecture(let path, let arch):
            "\(path): unsupported architecture \"\(arch)\" (supported: \(ModelConfig.supportedArchitectures.joined(separator: ", ")))"
        case .unsupportedRopeType(let path, let type): "\(path): unsupported rope type \"\(type)\" (supported: default, linear, llama3)"
        case .corruptSafetensors(let path, let reason): "\(path): corrupt safetensors file: \(reason)"
        case .unsupportedDType(let path, let tensor, let dtype): "\(path): tensor \(tensor) has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .missingTensor(let name, let searched): "missing tensor \(name) (searched \(searched))"
        case .wrongShape(let path, let tensor, let expected, let found): "\(path): tensor \(tensor) has shape \(found), expected \(expected)"
        }
    }
}
