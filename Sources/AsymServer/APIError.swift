import AsymEngine
import AsymScheduler
import AsymTokenizer
import Foundation
import Hummingbird

/// An error in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, with its HTTP
/// status. Every failure of a request is turned into one of these at the edge.
public struct APIError: Error, Equatable, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    /// OpenAI's `type`: invalid_request_error, not_found_error, rate_limit_error, server_error...
    public var type: String
    /// The request field at fault, when there is one.
    public var param: String?
    public var code: String?

    public init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    public static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    static func modelNotFound(_ name: String) -> APIError {
        APIError(status: .notFound, message: "The model '\(name)' does not exist.", type: "not_found_error",
                 param: "model", code: "model_not_found")
    }

    static func server(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "server_error")
    }

    /// The error for a request the engine refused (`Engine.Event.rejected`).
    static func rejected(_ error: any Error, promptParam: String) -> APIError {
        switch error {
        case let e as EngineError:
            switch e {
            case .promptTooLong:
                return .invalid(e.description, param: promptParam, code: "context_length_exceeded")
            case .invalidRequest, .noTokenizer:
                return .invalid(e.description)
            case .shutDown:
                return APIError(status: .serviceUnavailable, message: e.description, type: "server_error",
                                code: "shutting_down")
            }
        case let e as SchedulerError:
            switch e {
            case .waitingQueueFull:
                return APIError(status: .tooManyRequests, message: e.description, type: "rate_limit_error",
                                code: "waiting_queue_full")
            case .requestNeverFits:
                return .invalid(e.description, param: promptParam, code: "context_length_exceeded")
            case .duplicateRequest:
                return .server(e.description)
            }
        case let e as TokenizerError:
            return .invalid("the model cannot render this prompt: \(e.description)", param: promptParam)
        default:
            return .server("\(error)")
        }
    }

    /// The error for a body that is not valid JSON or whose fields have the wrong types.
    static func decoding(_ error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let context):
            return .invalid("\(path(context)): expected \(describe(type)). \(context.debugDescription)",
                            param: path(context))
        case .valueNotFound(let type, let context):
            return .invalid("\(path(context)): expected \(describe(type)), found null", param: path(context))
        case .keyNotFound(let key, let context):
            let name = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return .invalid("missing required parameter '\(name)'", param: name, code: "missing_required_parameter")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .invalid("the body is not valid JSON: \(context.debugDescription)", code: "invalid_json")
            }
            return .invalid("\(path(context)): \(context.debugDescription)", param: path(context))
        @unknown default:
            return .invalid("invalid request body")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "body" : context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: "\(type)"
        }
    }
}

extension APIError: HTTPResponseError {
    public var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if status == .tooManyRequests || status == .serviceUnavailable { fields[.retryAfter] = "1" }
        return fields
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The JSON body, `{"error": {...}}`.
    public var body: [UInt8] {
        let payload = ErrorEnvelope(error: .init(message: message, type: type, param: param, code: code))
        return JSONCoding.bytes(payload)
    }
}

/// OpenAI's error body. `param` and `code` are always present, null when unknown.
struct ErrorEnvelope: Codable, Equatable {
    struct Detail: Codable, Equatable {
        var message: String
        var type: String
        var param: String?
        var code: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(message, forKey: .message)
            try c.encode(type, forKey: .type)
            try c.encode(param, forKey: .param)
            try c.encode(code, forKey: .code)
        }
    }
    var error: Detail
}
