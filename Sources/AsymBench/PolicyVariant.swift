import AsymKV
import Foundation
import AsymScheduler

/// A policy as the benchmark runs it: a cache policy, its token budget, and for agents whether
/// jobs pin their KV during tool pauses (`+ttl`, Continuum-style). Named like `asym+ttl`, or
/// `asym@fixed:2048` when the budget differs from the default of its kind (an ablation).
public struct PolicyVariant: Sendable, Equatable, CustomStringConvertible {
    public var policy: PolicyKind
    public var pinsDuringToolPauses: Bool
    public var budget: TokenBudget

    /// True when the budget was named in the policy list (`@budget`); it then shows in the name.
    public var budgetIsExplicit: Bool

    public init(policy: PolicyKind, pinsDuringToolPauses: Bool = false, budget: TokenBudget, budgetIsExplicit: Bool = false) {
        self.policy = policy
        self.pinsDuringToolPauses = pinsDuringToolPauses
        self.budget = budget
        self.budgetIsExplicit = budgetIsExplicit
    }

    public var name: String {
        policy.rawValue + (pinsDuringToolPauses ? "+ttl" : "") + (budgetIsExplicit ? "@\(budget)" : "")
    }
    public var description: String { "\(name) (\(budget))" }

    /// True for the policies this project proposes (asym and its ablation); false for baselines.
    public var isAsym: Bool { Self.isAsym(policy) }

    /// The policies this project proposes (they get the adaptive budget by default).
    public static func isAsym(_ kind: PolicyKind) -> Bool { kind == .asym || kind == .asymPrefix || kind == .asymRecency }

    /// Parses a comma-separated list like `asym,lru-prefix,asym+ttl,asym@fixed:2048`. Asym policies
    /// get `asymBudget`, baselines `baselineBudget`, unless the entry names its own after `@`.
    public static func parseList(_ text: String, asymBudget: TokenBudget, baselineBudget: TokenBudget)
        -> Result<[PolicyVariant], PolicyListError>
    {
        var out: [PolicyVariant] = []
        for raw in text.split(separator: ",") {
            let parts = raw.trimmingCharacters(in: .whitespaces).split(separator: "@", maxSplits: 1).map(String.init)
            guard let name = parts.first else { return .failure(PolicyListError(name: String(raw))) }
            var explicit: TokenBudget?
            if parts.count == 2 {
                guard let b = TokenBudget(parsing: parts[1]) else { return .failure(PolicyListError(name: String(raw))) }
                explicit = b
            }
            let ttl = name.hasSuffix("+ttl")
            guard let kind = PolicyKind(rawValue: ttl ? String(name.dropLast(4)) : name) else {
                return .failure(PolicyListError(name: name))
            }
            let isAsym = Self.isAsym(kind)
            out.append(PolicyVariant(policy: kind, pinsDuringToolPauses: ttl,
                                     budget: explicit ?? (isAsym ? asymBudget : baselineBudget), budgetIsExplicit: explicit != nil))
        }
        return out.isEmpty ? .failure(PolicyListError(name: text)) : .success(out)
    }
}

public struct PolicyListError: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
        "unknown policy \"\(name)\" (known: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")), each optionally with +ttl and @BUDGET)"
    }
}
