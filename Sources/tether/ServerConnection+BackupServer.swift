import TetherAPI
import TetherBackupClient

/// The backup client sends through the CLI's connection: session renewal, settings sync and
/// region moves as for every other command; a failure goes to the library as its own error,
/// with the same line and status, and comes back as a ``CLIError`` (``CLIError/init(_:)``).
extension ServerConnection: BackupServer {
    func send<Result>(_ request: (Client) async throws -> Result) async throws -> Result {
        do {
            return try await self.call(request)
        } catch let error as CLIError {
            throw BackupClientError.request(error.description, status: error.status)
        }
    }
}

extension CLIError {
    /// The backup client's failure as the CLI reports it: the same line.
    init(_ error: BackupClientError) {
        self.init(error.description, status: error.status)
    }
}
