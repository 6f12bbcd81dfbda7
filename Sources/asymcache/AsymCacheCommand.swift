import ArgumentParser

/// The `asymcache` command line. Each subcommand lives in its own file and only parses
/// arguments and calls into the library targets.
@main
struct AsymCacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asymcache",
        abstract: "A lossless, computation-latency-aware KV-cache LLM inference engine.",
        subcommands: [
            BenchCommand.self,
            GenerateCommand.self,
            ProfileCommand.self,
            OverheadCommand.self,
            ModelBenchCommand.self,
            ComputeBenchCommand.self,
            KernelBenchCommand.self,
            CacheReplayCommand.self,
            KVBenchCommand.self,
            ServeCommand.self,
            LoadTestCommand.self,
            SimulateCommand.self,
        ]
    )
}
