// The Llama family forward pass (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM), after
// Hugging Face transformers' modeling_llama.py / modeling_qwen2.py, over a paged KV arena and a
// multi-segment batch plan.
import AsymCore
import CPUKernels

/// A Llama-family decoder: embeddings → layers of (RMSNorm → attention → residual, RMSNorm → SwiGLU →
/// residual) → RMSNorm → lm_head. Qwen2 adds q/k/v biases; Mistral may bound attention by a window.
///
/// `forward` computes every query token of a batch at once. Each token gets RoPE at its absolute
/// position, its K/V row is written into its slot, and it attends through its sequence's block table
/// to every position ≤ its own. Every kernel has a fixed reduction order per output element, so a
/// position's logits are bit-identical however the plan chunks, splits or batches it.
public final class LlamaModel: @unchecked Sendable {
    public let config: ModelConfig
    public let weights: LlamaWeights

    /// (headDim / 2) RoPE inverse frequencies, owned for the kernels.
    private let ropeFrequencies: UnsafeMutablePointer<Float>

    public init(config: ModelConfig, weights: LlamaWeights) {
        self.config = config
        self.weights = weights
        ropeFrequencies = .allocate(capacity: config.rope.inverseFrequencies.count)
        ropeFrequencies.initialize(from: config.rope.inverseFrequencies, count: config.rope.inverseFrequencies.count)
    }

    deinit { ropeFrequencies.deallocate() }


    /// Runs one pass. Returns, per sequence of `plan`, the logits of its `logitPositions`.
    /// `scratch` holds the activations; one per caller thread (a `ModelRunner` owns one), so two
    /// engines can share the weights.
    public func forward(_ plan: BatchPlan, arena: KVArena, scratch: ForwardScratch) throws -> [SequenceLogits] {
        let buffers = scratch.buffers
        let rows = try PassRows(plan: plan, config: config, arena: arena)
        defer { rows.deallocate() }
        let c = config
        let t = rows.count
        let hidden = c.hiddenSize, qw = c.queryWidth, kw = c.kvWidth, inter = c.intermediateSize
        let x = buffers[0].reserve(t * hidden)           // (T, hidden) residual stream
        let h = buffers[1].reserve(t * hidden)           // (T, hidden) normed input / projection output
        let q = buffers[2].reserve(t * qw)               // (T, heads * headDim)
        let k = buffers[3].reserve(t * kw)               // (T, kvHeads * headDim)
        let v = buffers[4].reserve(t * kw)               // (T, kvHeads * headDim)
        let attention = buffers[5].reserve(t * qw)       // (T, heads * headDim)
        let gate = buffers[6].reserve(t * inter)         // (T, intermediate)
        let up = buffers[7].reserve(t * inter)           // (T, intermediate)
        let scale = 1 / Float(c.headDim).squareRoot()
        let positions = rows.positions
        let frequencies = UnsafeBufferPointer(start: ropeFrequencies, count: c.headDim / 2)

        // Every sequence's queries, pooled into one attention dispatch per layer.
        let attentionSequences = rows.sequenceRows.enumerated().filter { !$0.element.isEmpty }.map { s, range in
            AttentionSequence(out: attention + range.lowerBound * qw, queries: q + range.lowerBound * qw,
                              positions: positions.baseAddress! + range.lowerBound, queryCount: range.count,
                              blockTable: rows.tableStorage.baseAddress! + rows.tableOffsets[s])
        }
        rows.tokens.withUnsafeBufferPointer { ids in
            Kernels.gatherRows(out: x, table: weights.embedding, ids: ids.baseAddress!, count: t)
        }
        for (layerIndex, layer) in weights.layers.enumerated() {
            let keyCache = arena.keyBytes(layer: layerIndex), valueCache = arena.valueBytes(layer: layerIndex)
            let slotBytes = kw * arena.elementType.byteCount
            // Attention block.
            Kernels.rmsNorm(out: h, input: x, weight: layer.inputNorm.pointer, rowCount: t, width: hidden, epsilon: c.rmsNormEpsilon)
            Kernels.matmul(targets: [MatmulTarget(out: q, weight: layer.query, bias: layer.queryBias?.pointer),
                                     MatmulTarget(out: k, weight: layer.key, bias: layer.keyBias?.pointer),
                                     MatmulTarget(out: v, weight: layer.value, bias: layer.valueBias?.pointer)],
                           input: h, rowCount: t)
            Kernels.rope(q, positions: positions.baseAddress!, rowCount: t, headCount: c.headCount,
                         headDim: c.headDim, inverseFrequencies: frequencies.baseAddress!)
            Kernels.rope(k, positions: positions.baseAddress!, rowCount: t, headCount: c.kvHeadCount,
                         headDim: c.headDim, inverseFrequencies: frequencies.baseAddress!)
            for r in 0 ..< t {  // Write each new K/V row into its slot.
                Kernels.storeRow(k + r * kw, count: kw, to: keyCache + rows.slots[r] * slotBytes, as: arena.elementType)
                Kernels.storeRow(v + r * kw, count: kw, to: valueCache + rows.slots[r] * slotBytes, as: arena.elementType)
            }
            Kernels.pagedAttention(
                sequences: attentionSequences, keyCache: keyCache, valueCache: valueCache,
                elementType: arena.elementType, blockSize: arena.blockSize,
                headCount: c.headCount, kvHeadCount: c.kvHeadCount, headDim: c.headDim, scale: scale,
                slidingWindow: c.slidingWindow)
            Kernels.matmul(out: h, input: attention, weight: layer.output, bias: nil, rowCount: t)
            Kernels.addInPlace(x, h, count: t * hidden)
            // MLP block: down(silu(gate(x)) * up(x)).
            Kernels.rmsNorm(out: h, input: x, weight: layer.postAttentionNorm.pointer, rowCount: t, width: hidden, epsilon: c.rmsNormEpsilon)
            Kernels.matmul(targets: [MatmulTarget(out: gate, weight: layer.gate, bias: nil),
                                     MatmulTarget(out: up, weight: layer.up, bias: nil)],
                           input: h, rowCount: t)
            Kernels.siluMul(out: gate, gate: gate, up: up, count: t * inter)
            Kernels.matmul(out: h, input: gate, weight: layer.down, bias: nil, rowCount: t)
            Kernels.addInPlace(x, h, count: t * hidden)
        }
        return logits(x: x, rows: rows, buffers: buffers)
    }

    /// Final norm and lm_head, only for the rows whose logits were asked for.
    private func logits(x: UnsafeMutablePointer<Float>, rows: PassRows, buffers: [ScratchBuffer]) -> [SequenceLogits] {
        let hidden = config.hiddenSize, vocab = config.vocabularySize
        let n = rows.logitRows.count
        let selected = buffers[1].reserve(n * hidden)    // (n, hidden)
        for (i, r) in rows.logitRows.enumerated() {
            (selected + i * hidden).update(from: x + r * hidden, count: hidden)
        }
        Kernels.rmsNorm(out: selected, input: selected, weight: weights.finalNorm.pointer, rowCount: n, width: hidden,
                        epsilon: config.rmsNormEpsilon)
        var out = [Float](repeating: 0, count: n * vocab) // (n, vocab)
        if n > 0 {
            Kernels.matmul(out: &out, input: selected, weight: weights.lmHead, bias: nil, rowCount: n)
        }
        var result: [SequenceLogits] = []
        var next = 0
        for positions in rows.logitPositions {
            let values = Array(out[next * vocab ..< (next + positions.count) * vocab])
            result.append(SequenceLogits(positions: positions, values: values, vocabularySize: vocab))
            next += positions.count
        }
        return result
    }
}
