public import Foundation
public import TetherAPI

/// A ``BackupServer`` over a generated client, for callers that hold their own credential
/// (tests, the simulator):
///
/// ```swift
/// let server = ClientBackupServer(
///     serverURL: url,
///     client: TetherClientFactory.client(serverURL: url, tokens: StaticToken(accessToken))
/// )
/// let summary = try await BackupPush(server: server).run(paths: [path])
/// ```
///
/// A failure is described with ``TetherClient/TetherClientFailure``: the server's problem and
/// its status, or why the server could not be reached.
public struct ClientBackupServer: BackupServer {
    public let serverURL: URL
    private let client: Client

    /// Sends through `client`, a client of `serverURL`.
    public init(serverURL: URL, client: Client) {
        self.serverURL = serverURL
        self.client = client
    }

    public func send<Result>(_ request: (Client) async throws -> Result) async throws -> Result {
        try await request(self.client)
    }
}
