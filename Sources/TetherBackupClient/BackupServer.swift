public import Foundation
public import TetherAPI
import TetherClient

/// The account's region server as the backup client sees it: something that sends one request
/// through a generated ``TetherAPI/Client`` signed in as the account.
///
/// The CLI's connection conforms with its session renewal and region moves; ``ClientBackupServer``
/// sends through a plain client (tests, the simulator).
public protocol BackupServer: Sendable {
    /// The server's base URL, for messages and the file cache's name.
    var serverURL: URL { get }

    /// Sends `request` through a client of the server.
    ///
    /// Throw a ``BackupClientError`` (``BackupClientError/request(_:status:)``) to say how the
    /// request failed: its ``BackupClientError/status`` decides whether a push retries it. Any
    /// other error is described with ``TetherClient/TetherClientFailure``.
    func send<Result>(_ request: (Client) async throws -> Result) async throws -> Result
}

extension BackupServer {
    /// Sends `request`; any failure is thrown as a ``BackupClientError``.
    func perform<Result>(_ request: (Client) async throws -> Result) async throws(BackupClientError) -> Result {
        do {
            return try await self.send(request)
        } catch let error as BackupClientError {
            throw error
        } catch {
            throw BackupClientError.request(
                TetherClientFailure.describe(error, serverURL: self.serverURL),
                status: TetherClientFailure.problem(error)?.status
            )
        }
    }
}
