import AsymCore

extension KVCacheManager {
    /// Replaces a running request's hints, e.g. a pin-until time set when an agent's turn ends
    /// and its job will come back after a tool call. Takes effect at `release`.
    public func setHints(_ request: RequestID, _ hints: RequestHints) throws {
        guard core.requests[request] != nil else { throw KVCacheError.unknownRequest(request) }
        core.requests[request]!.hints = hints
    }
}
