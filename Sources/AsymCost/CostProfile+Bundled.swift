import Foundation

extension CostProfile {
    /// A profile shipped in this package's `Profiles/` folder (`NAME.json`), if there is one.
    public static func bundled(_ name: String, layerCount: Int = 32) -> CostProfile? {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Profiles") else {
            return nil
        }
        return try? load(contentsOf: url, layerCount: layerCount)
    }
}

extension CostModel {
    /// Every query token costs 1 ms and nothing else: for runs with a fixed token budget and no
    /// cost-aware policy, where no measured model is needed.
    public static let tokenCounting = CostModel(
        coefficients: .init(constant: 0, perPrefix: 0, perToken: 1, perAttended: 0))
}
