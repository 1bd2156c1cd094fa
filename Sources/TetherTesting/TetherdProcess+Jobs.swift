public import Foundation
import TetherAPI
import TetherClient
public import TetherServer

extension TetherdProcess {
    /// Creates an operator token in `dataDirectory` with `tetherd operator-token`, as an
    /// operator would (before the server starts, or while it runs).
    public static func operatorToken(dataDirectory: URL) async throws -> String {
        let result = try await CommandRunner("tetherd").run(["operator-token", "--data-dir", dataDirectory.path])
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, token.hasPrefix("top_") else {
            throw TetherdProcessError.didNotStart(status: result.status, log: result.stderr)
        }
        return token
    }

    /// Runs one pass of `job` at the server at `serverURL` (`POST /v1/operator/jobs/{job}/run`)
    /// and returns once it has finished: what was due when it was asked for has been done.
    public static func runJob(_ job: BackgroundJobs.Name, at serverURL: URL, operatorToken: String) async throws {
        let client = TetherClientFactory.client(serverURL: serverURL, tokens: StaticToken(operatorToken))
        _ = try await client.runOperatorJob(path: .init(job: job.rawValue)).ok
    }
}
