import AsymKV
import Foundation
import AsymScheduler

/// A policy as the benchmark runs it: a cache policy, its token budget, and for agents whether
/// jobs pin their KV during tool pauses (`+ttl`, Continuum-style). Named like `asym+ttl`.
public struct PolicyVariant: Sendable, Equatable, CustomStringConvertible {
    public var policy: PolicyKind
    public var pinsDuringToolPauses: Bool
    public var budget: TokenBudget

    public init(policy: PolicyKind, pinsDuringToolPauses: Bool = false, budget: TokenBudget) {
        self.policy = policy
        self.pinsDuringToolPauses = pinsDuringToolPauses
        self.budget = budget
    }

    public var name: String { policy.rawValue + (pinsDuringToolPauses ? "+ttl" : "") }
    public var description: String { "\(name) (\(budget))" }

    /// True for the policies this project proposes (asym and its ablation); false for baselines.
    public var isAsym: Bool { policy == .asym || policy == .asymPrefix }

    /// Parses a comma-separated list like `asym,lru-prefix,asym+ttl`. Asym policies get
    /// `asymBudget`, baselines `baselineBudget`. Returns nil and the bad name on failure.
    public static func parseList(_ text: String, asymBudget: TokenBudget, baselineBudget: TokenBudget)
        -> Result<[PolicyVariant], PolicyListError>
    {
        var out: [PolicyVariant] = []
        for raw in text.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            let ttl = name.hasSuffix("+ttl")
            guard let kind = PolicyKind(rawValue: ttl ? String(name.dropLast(4)) : name) else {
                return .failure(PolicyListError(name: name))
            }
            let isAsym = kind == .asym || kind == .asymPrefix
            out.append(PolicyVariant(policy: kind, pinsDuringToolPauses: ttl, budget: isAsym ? asymBudget : baselineBudget))
        }
        return out.isEmpty ? .failure(PolicyListError(name: text)) : .success(out)
    }
}

public struct PolicyListError: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
        "unknown policy \"\(name)\" (known: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")), each optionally with +ttl)"
    }
}
