import Foundation
import OpenAPIAsyncHTTPClient
import TetherAPI
import TetherClient

/// The devices of a load run, paired through the real flow: owners ask for codes, devices
/// claim them, many at once. One owner holds at most 1,000 devices.
struct LoadFleet: Sendable {
    /// Each device's credential, in pairing order.
    var credentials: [String]

    /// Pairs `count` trackers, reporting progress as devices are paired.
    static func pair(
        count: Int,
        options: LoadOptions,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> LoadFleet {
        let step = APIStep(serverURL: options.serverURL)
        let anonymous = TetherClientFactory.client(serverURL: options.serverURL, transport: AsyncHTTPClientTransport())
        let tag = RunIdentity.randomTag()
        var credentials: [String] = []
        credentials.reserveCapacity(count)
        for first in stride(from: 0, to: count, by: 1_000) {
            let owner = "load-\(tag)-\(first / 1_000)@example.org"
            let grant = try await step("registering \(owner)") {
                try await anonymous.registerAccount(
                    body: .json(.init(email: owner, password: "load-" + UUID().uuidString))
                )
                .created.body.json
            }
            let client = TetherClientFactory.client(
                serverURL: options.serverURL,
                tokens: StaticToken(grant.accessToken),
                transport: AsyncHTTPClientTransport()
            )
            let numbers = Array(first..<min(count, first + 1_000))
            let paired = try await withThrowingTaskGroup(of: String.self) { group in
                var paired: [String] = []
                for (index, number) in numbers.enumerated() {
                    if index >= options.pairingConcurrency, let credential = try await group.next() {
                        paired.append(credential)
                        progress(credentials.count + paired.count)
                    }
                    group.addTask {
                        let code = try await step("asking for a pairing code") {
                            try await client.createPairingCode().created.body.json.code
                        }
                        return try await step("pairing LOAD-\(tag)-\(number)") {
                            try await anonymous.claimDevice(
                                body: .json(
                                    .init(code: code, serial: "LOAD-\(tag)-\(number)", model: "TAG-1", kind: .tracker)
                                )
                            )
                            .created.body.json.credential
                        }
                    }
                }
                for try await credential in group {
                    paired.append(credential)
                    progress(credentials.count + paired.count)
                }
                return paired
            }
            credentials += paired
        }
        return LoadFleet(credentials: credentials)
    }
}
