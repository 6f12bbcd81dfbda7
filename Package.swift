// swift-tools-version: 6.1
// AsymCache: a lossless, computation-latency-aware KV-cache inference engine.
// Dependencies point downward only; see docs/ARCHITECTURE.md for one paragraph per target.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "AsymCache",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AsymCache", targets: ["AsymEngine"]),
        .executable(name: "asymcache", targets: ["asymcache"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Vocabulary shared by every layer: ids, batch plans, sampling parameters. stdlib only.
        .target(name: "AsymCore", swiftSettings: strict),
        // Cost model: profile files (P, C, ms) and a fitted pass-time predictor.
        .target(name: "AsymCost", dependencies: ["AsymCore"], resources: [.copy("Profiles")], swiftSettings: strict),
        // KV cache manager: block ids, ref counts, chained hashes, eviction policies. No KV bytes.
        .target(
            name: "AsymKV",
            dependencies: [
                "AsymCore", "AsymCost",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict),
        // Byte-level BPE tokenizer from tokenizer.json, streaming detokenizer, chat templates.
        .target(name: "AsymTokenizer", swiftSettings: strict),
        // Numeric kernels on raw pointers, each with a naive twin. Knows no engine types.
        .target(name: "CPUKernels", dependencies: ["CKernels"], swiftSettings: strict),
        // AVX-512 microkernels in C, compiled per function with target attributes and chosen at run
        // time; on other CPUs CPUKernels uses its Swift SIMD kernels.
        .target(name: "CKernels"),
        // Hugging Face checkpoints (config, safetensors) and one forward file per architecture.
        .target(name: "AsymModel", dependencies: ["AsymCore", "CPUKernels"], swiftSettings: strict),
        // The embedded default model (kjv-llama-12m), shipped as a resource.
        .target(name: "AsymDefaultModel", resources: [.copy("kjv-llama-12m")], swiftSettings: strict),
        // Scheduler: turns cache lookups into multi-segment passes under a token budget.
        .target(
            name: "AsymScheduler",
            dependencies: ["AsymCore", "AsymKV", "AsymCost", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict),
        // The engine: compute thread, request streams, sampler.
        .target(
            name: "AsymEngine",
            dependencies: ["AsymCore", "AsymKV", "AsymCost", "AsymScheduler", "AsymModel", "AsymTokenizer", "AsymDefaultModel"],
            swiftSettings: strict),
        // Traces (Mooncake, Azure) and replay of a trace through the cache manager alone.
        .target(name: "AsymTraces", dependencies: ["AsymCore", "AsymKV", "AsymCost"], swiftSettings: strict),
        // Workloads, side-by-side runs, metrics and reports.
        .target(name: "AsymBench", dependencies: ["AsymEngine", "AsymTraces", "AsymModel", "CPUKernels"], swiftSettings: strict),
        // The GPU-scale simulator: the engine's scheduler and cache manager on a virtual clock, driven by
        // a cost model instead of a model.
        .target(
            name: "AsymSim",
            dependencies: ["AsymBench", "AsymEngine", "AsymScheduler", "AsymKV", "AsymCost", "AsymCore", "AsymTraces"],
            swiftSettings: strict),
        // The OpenAI-compatible HTTP server (Hummingbird 2), metrics (swift-metrics + Prometheus).
        .target(
            name: "AsymServer",
            dependencies: [
                "AsymEngine", "AsymCore", "AsymCost", "AsymKV", "AsymModel", "AsymScheduler", "AsymTokenizer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The command-line interface only; no logic.
        .executableTarget(
            name: "asymcache",
            dependencies: ["AsymBench", "AsymEngine", "AsymServer", "AsymSim", "AsymModel", "AsymTokenizer", "AsymKV", "AsymCost",
                           "AsymScheduler", "AsymCore", "AsymDefaultModel", "CPUKernels", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        .testTarget(
            name: "AsymKVTests",
            dependencies: ["AsymKV", "AsymCost", "AsymTraces", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict),
        .testTarget(
            name: "AsymTokenizerTests", dependencies: ["AsymTokenizer", "AsymDefaultModel"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "CPUKernelsTests", dependencies: ["CPUKernels"], swiftSettings: strict),
        // Fixtures shared by test targets (tiny-llama).
        .target(name: "AsymTestSupport", path: "Tests/AsymTestSupport", resources: [.copy("tiny-llama")],
                swiftSettings: strict),
        .testTarget(
            name: "AsymModelTests", dependencies: ["AsymModel", "AsymDefaultModel", "AsymTokenizer", "AsymTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "AsymEngineTests",
            dependencies: ["AsymEngine", "AsymScheduler", "AsymKV", "AsymCost", "AsymModel", "AsymTokenizer",
                           "AsymTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict),
        .testTarget(
            name: "AsymBenchTests", dependencies: ["AsymBench", "AsymEngine", "AsymTraces", "AsymTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "AsymSimTests", dependencies: ["AsymSim", "AsymBench", "AsymEngine", "AsymCost", "AsymKV"],
            swiftSettings: strict),
        .testTarget(
            name: "AsymServerTests",
            dependencies: ["AsymServer", "AsymEngine", "AsymCost", "AsymKV", "AsymScheduler", "AsymTestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strict),
    ]
)
