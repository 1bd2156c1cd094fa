import Foundation
import HTTPTypes
import OpenAPIRuntime
import TetherCore

/// Turns every non-2xx response into a thrown ``APIProblem``, so callers of the generated
/// client only handle success cases (`try await client.listDevices().ok.body.json`).
struct ProblemResponseMiddleware: ClientMiddleware {
    /// The most bytes of an error body read.
    static let maxProblemBytes = 64 * 1024

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var problem: ProblemDetails?
        if let responseBody {
            let data = try? await Data(collecting: responseBody, upTo: Self.maxProblemBytes)
            problem = data.flatMap { try? JSONDecoder().decode(ProblemDetails.self, from: $0) }
        }
        throw APIProblem(
            status: response.status.code,
            problem: problem
                ?? ProblemDetails(
                    type: "about:blank",
                    title: response.status.reasonPhrase,
                    status: response.status.code,
                    detail: nil,
                    code: "http_\(response.status.code)"
                ),
            hasDocument: problem != nil
        )
    }
}
