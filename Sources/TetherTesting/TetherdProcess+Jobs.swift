public import Foundation
import NIOCore
import OpenAPIAsyncHTTPClient
import TetherAPI
import TetherClient
public import TetherServer
import TetherStore
import TetherStoreSQLite

extension TetherdProcess {
    /// Creates an operator token in `dataDirectory` with `tetherd operator-token`, as an
    /// operator would (before the server starts, or while it runs).
    public static func operatorToken(dataDirectory: URL, arguments: [String] = []) async throws -> String {
        let result = try await CommandRunner("tetherd").run(
            ["operator-token", "--data-dir", dataDirectory.path] + arguments
        )
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, token.hasPrefix("top_") else {
            throw TetherdProcessError.didNotStart(status: result.status, log: result.stderr)
        }
        return token
    }

    /// One new operator token, stored in the database of every data directory given (a
    /// `tetherd` may be running on it): a token the servers of several regions all accept.
    public static func sharedOperatorToken(dataDirectories: [URL]) async throws -> String {
        let token = SecretToken.generate(.operator)
        for directory in dataDirectories {
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            try await store.addOperatorToken(hash: token.digest, createdAt: Date())
        }
        return token.text
    }

    /// Runs one pass of `job` at the server at `serverURL` (`POST /v1/operator/jobs/{job}/run`)
    /// and returns once it has finished: what was due when it was asked for has been done.
    public static func runJob(_ job: BackgroundJobs.Name, at serverURL: URL, operatorToken: String) async throws {
        // A pass may take as long as its slowest peer call (a test region's peer timeout is
        // 30 s): longer than URLSession's 60 s request timeout allows for a round of several.
        let client = TetherClientFactory.client(
            serverURL: serverURL,
            tokens: StaticToken(operatorToken),
            transport: AsyncHTTPClientTransport(configuration: .init(timeout: .minutes(5)))
        )
        _ = try await client.runOperatorJob(path: .init(job: job.rawValue)).ok
    }
}

extension TestServer {
    /// Adds an operator token to the running server's database, as `tetherd operator-token` does.
    public func addOperatorToken() async throws -> String {
        try await TetherdProcess.sharedOperatorToken(dataDirectories: [self.dataDirectory])
    }
}
