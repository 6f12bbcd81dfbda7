import AsymCore
import PropertyBased
import Testing
@testable import AsymKV

/// Random operation sequences against every policy; invariants and exact lookups after each step.
@Suite("KVCacheManager properties")
struct KVCachePropertyTests {
    /// A prompt drawn from `x`: a prefix of one of 3 documents, sometimes with a private tail,
    /// so that prompts share prefixes of many lengths.
    static func prompt(_ x: Int) -> [TokenID] {
        let doc = x % 3
        let shared = 1 + (x / 3) % 30
        let tail = (x / 90) % 3 == 0 ? (x / 270) % 9 : 0
        return tokens(doc, shared) + tokens(10 + (x / 2430) % 5, tail)
    }

    /// Reference lookup: block i hits iff some indexed block's recorded full prefix equals the
    /// prompt's first (i+1)·blockSize tokens; prefix-closed policies stop at the first miss.
    static func expectedHits(_ m: KVCacheManager, _ prefixOf: [Int: [TokenID]], _ prompt: [TokenID]) -> [BlockID?] {
        var byPrefix: [[TokenID]: BlockID] = [:]
        for (b, p) in prefixOf where m.core.records[b].indexed { byPrefix[p] = BlockID(b) }
        let matchable = m.policy.reusesBlocks ? (prompt.count - 1) / m.blockSize : 0
        var hits = [BlockID?](repeating: nil, count: matchable)
        for i in 0..<matchable {
            hits[i] = byPrefix[Array(prompt[0..<((i + 1) * m.blockSize)])]
            if hits[i] == nil && !m.policy.allowsHoles { break }
        }
        return hits
    }

    @Test(arguments: PolicyKind.allCases)
    func randomOperationsKeepInvariantsAndExactLookups(kind: PolicyKind) async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000_000).array(of: 5...60)) { ops in
            let m = makeManager(kind, blocks: 24, blockSize: 4)
            m.checksEveryMutation = false  // checked explicitly below, with a clear failure
            var prefixOf: [Int: [TokenID]] = [:]  // block → full prefix it holds, when indexed
            var active: [UInt64: [TokenID]] = [:]
            var nextID: UInt64 = 0
            func recordIndexed(_ id: UInt64) {
                guard let table = m.blockTable(of: RequestID(id)), let toks = active[id] else { return }
                for (i, b) in table.enumerated() where m.core.records[b.index].indexed && (i + 1) * m.blockSize <= toks.count {
                    prefixOf[b.index] = Array(toks[0..<((i + 1) * m.blockSize)])
                }
            }
            for (step, x) in ops.enumerated() {
                let now = Double(step)
                let someActive = active.keys.sorted().dropFirst(active.isEmpty ? 0 : x % active.count).first
                switch x % 6 {
                case 0, 1:
                    let p = Self.prompt(x / 6)
                    let id = nextID
                    nextID += 1
                    let hints = x % 7 == 0 ? RequestHints(pinUntil: now + Double(x % 5)) : RequestHints()
                    do {
                        let a = try m.admit(RequestID(id), tokens: p, hints: hints, now: now)
                        #expect(a.blockTable.count == (p.count + 3) / 4)
                        active[id] = p
                        let upTo = (x / 11) % (a.blockTable.count + 1)
                        try m.commit(RequestID(id), blocks: (x / 13) % (upTo + 1)..<upTo, now: now)
                        recordIndexed(id)
                    } catch KVCacheError.outOfBlocks {}
                case 2:
                    if let id = someActive {
                        try m.release(RequestID(id), now: now)
                        active[id] = nil
                    }
                case 3:
                    if let id = someActive {
                        let extra = tokens(20 + x % 4, 1 + x % 6)
                        do {
                            try m.appendTokens(extra, to: RequestID(id), now: now)
                            active[id]! += extra
                        } catch KVCacheError.outOfBlocks {}
                    }
                case 4:
                    if let id = someActive {
                        try m.commit(RequestID(id), blocks: 0..<Int.max, now: now)
                        recordIndexed(id)
                    }
                default:
                    break
                }
                try m.checkInvariants()
                let probe = Self.prompt(x / 7 + step)
                #expect(m.lookup(tokens: probe).hits == Self.expectedHits(m, prefixOf, probe), "step \(step)")
            }
            for id in active.keys { try m.release(RequestID(id), now: 1e9) }
            try m.checkInvariants()
            #expect(m.usedBlockCount == 0)
        }
    }
}
