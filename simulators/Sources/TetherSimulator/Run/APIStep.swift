import Foundation
import TetherClient

/// One request of a run, named in the error when it fails.
struct APIStep: Sendable {
    let serverURL: URL

    /// Runs `body`; a failure becomes a ``SimulationError`` saying `what` failed and why.
    func callAsFunction<Value>(_ what: String, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as SimulationError {
            throw error
        } catch {
            throw SimulationError("\(what): \(TetherClientFailure.describe(error, serverURL: self.serverURL))")
        }
    }
}
