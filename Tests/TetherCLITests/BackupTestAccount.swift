import Foundation
import Synchronization
import TetherAPI
import TetherBackupClient
import TetherClient
import TetherCore

/// An account registered through the API, with a ``ClientBackupServer`` signed in as it, for
/// pushes run in-process through `TetherBackupClient` (where a test can hold their uploads).
struct BackupTestAccount {
    let id: AccountID
    /// The session's access token.
    let accessToken: String
    /// The backup client's server, sending with ``accessToken``.
    let server: ClientBackupServer

    /// Registers `email` at the server at `url`.
    static func register(_ email: String, at url: URL) async throws -> BackupTestAccount {
        let grant = try await TetherClientFactory.client(serverURL: url)
            .registerAccount(body: .json(.init(email: email, password: "correct horse battery")))
            .created.body.json
        return BackupTestAccount(
            id: AccountID(rawValue: grant.account.accountId),
            accessToken: grant.accessToken,
            server: ClientBackupServer(
                serverURL: url,
                client: TetherClientFactory.client(serverURL: url, tokens: StaticToken(grant.accessToken))
            )
        )
    }

    /// Revokes the session on the server: every later request of the account answers 401.
    func signOut() async throws {
        _ = try await self.server.send { try await $0.signOut().noContent }
    }
}

/// The events a push reported, kept for the test to read.
final class BackupEventLog: Sendable {
    private let events = Mutex<[BackupEvent]>([])

    /// Keeps `event`; a push's ``BackupPush/Options/report``.
    func append(_ event: BackupEvent) {
        self.events.withLock { $0.append(event) }
    }

    /// The retries reported so far.
    var retries: [BackupRetryNote] {
        self.events.withLock { events in
            events.compactMap {
                guard case .retrying(let note) = $0 else { return nil }
                return note
            }
        }
    }
}
