import AsymKV
import Foundation
import AsymScheduler

/// A policy as the benchmark runs it: a cache policy, its token budget, its admission order, and
/// for agents whether jobs pin their KV during tool pauses (`+ttl`, Continuum-style). Named like
/// `asym+ttl`; an ablation names what differs from its kind's default: `asym@fixed:2048` (budget),
/// `asym+fcfs` or `lru-prefix+spf` (admission order, `AdmissionOrder.default(for:)`).
public struct PolicyVariant: Sendable, Equatable, CustomStringConvertible {
    public var policy: PolicyKind
    public var pinsDuringToolPauses: Bool
    public var budget: TokenBudget

    /// True when the budget was named in the policy list (`@budget`); it then shows in the name.
    public var budgetIsExplicit: Bool
    public var admissionOrder: AdmissionOrder

    public init(policy: PolicyKind, pinsDuringToolPauses: Bool = false, budget: TokenBudget, budgetIsExplicit: Bool = false,
                admissionOrder: AdmissionOrder? = nil) {
        self.policy = policy
        self.admissionOrder = admissionOrder ?? .default(for: policy)
        self.pinsDuringToolPauses = pinsDuringToolPauses
        self.budget = budget
        self.budgetIsExplicit = budgetIsExplicit
    }

    public var name: String {
        policy.rawValue + (pinsDuringToolPauses ? "+ttl" : "")
            + (admissionOrder != .default(for: policy) ? "+\(admissionOrder)" : "") + (budgetIsExplicit ? "@\(budget)" : "")
    }
    public var description: String { "\(name) (\(budget))" }

    /// True for the policies this project proposes (asym and its ablation); false for baselines.
    public var isAsym: Bool { Self.isAsym(policy) }

    /// The policies this project proposes (they get the adaptive budget by default).
    public static func isAsym(_ kind: PolicyKind) -> Bool { kind == .asym || kind == .asymPrefix || kind == .asymRecency }

    /// Parses a comma-separated list like `asym,lru-prefix,asym+ttl,asym@fixed:2048,asym+fcfs`. Asym
    /// policies get `asymBudget`, baselines `baselineBudget`, unless the entry names its own after `@`.
    /// Modifiers after `+`: `ttl`, and an admission order (`fcfs`, `spf`, `spf:SLACK`).
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
            let pieces = name.split(separator: "+").map(String.init)
            guard let kind = pieces.first.flatMap(PolicyKind.init(rawValue:)) else {
                return .failure(PolicyListError(name: name))
            }
            var ttl = false
            var order: AdmissionOrder?
            for modifier in pieces.dropFirst() {
                if modifier == "ttl" { ttl = true }
                else if let o = AdmissionOrder(parsing: modifier) { order = o }
                else { return .failure(PolicyListError(name: name)) }
            }
            let isAsym = Self.isAsym(kind)
            out.append(PolicyVariant(policy: kind, pinsDuringToolPauses: ttl,
                                     budget: explicit ?? (isAsym ? asymBudget : baselineBudget), budgetIsExplicit: explicit != nil,
                                     admissionOrder: order))
        }
        return out.isEmpty ? .failure(PolicyListError(name: text)) : .success(out)
    }
}

public struct PolicyListError: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
        "unknown policy \"\(name)\" (known: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")), each optionally with +ttl, +fcfs|+spf[:SLACK] and @BUDGET)"
    }
}
