import Hummingbird
import Logging
import NIOCore

/// Turns every error a handler throws, and the router's 404, into OpenAI's error shape, so that
/// clients never see an empty or HTML error body. Errors it cannot classify become 500.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.map(error, request: request)
            metrics.recordError(status: Int(apiError.status.code))
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            return try apiError.response(from: request, context: context)
        }
    }

    static func map(_ error: any Error, request: Request) -> APIError {
        switch error {
        case let e as APIError: return e
        case is NIOTooManyBytesError:
            return APIError(status: .contentTooLarge, message: "the request body is too large",
                            type: "invalid_request_error", code: "body_too_large")
        case let e as HTTPError where e.status == .notFound:
            return APIError(status: .notFound, message: "no route \(request.method) \(request.uri.path)",
                            type: "not_found_error", code: "unknown_url")
        case let e as HTTPError:
            let type = e.status.code >= 500 ? "server_error" : "invalid_request_error"
            return APIError(status: e.status, message: e.body ?? e.status.reasonPhrase, type: type)
        case let e as any HTTPResponseError:
            let type = e.status.code >= 500 ? "server_error" : "invalid_request_error"
            return APIError(status: e.status, message: e.status.reasonPhrase, type: type)
        default:
            return .server("internal error: \(error)")
        }
    }
}
