import Foundation
import Testing
import TetherCore
import TetherStore
import TetherTesting

/// An account move whose last answer is lost on the way back (the new home took the account
/// in, but its old home only sees a `502`): the old home learns the outcome from the directory
/// entry, so the account ends up live in exactly one region.
@Suite("account move, answer lost", .serialized, .timeLimit(.minutes(4)))
struct AccountMoveLostAnswerTests {
    @Test func theOldHomeFinishesTheMoveWhenTheDirectoryNamesTheNewHome() async throws {
        let regions = try await ReplicationRegions.start(proxied: "us") { $0 == "/v1/replication/accounts/adopt" }
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.url("eu-west"))
        defer { TemporaryDirectory.remove(cli.configHome) }
        let work = TemporaryDirectory.make(prefix: "tether-move-lost")
        defer { TemporaryDirectory.remove(work) }
        let owner = try await BackedUpOwner.make(
            cli,
            email: "lost.answer@example.org",
            serial: "SER-LOST-1",
            deviceName: "Umbrella",
            file: "notes.txt",
            bytes: 40_000,
            in: work
        )

        let moved = try await cli.run("account", "move", "--region", "us", "--json")
        #expect(moved.status == 0, "\(moved.stderr)")
        let receipt = try moved.jsonObject()
        #expect(receipt["region"] as? String == "us")
        #expect(receipt["devices"] as? Int == 1 && receipt["snapshots"] as? Int == 1)

        // Live at us only: eu-west deleted its copy and sends the device there.
        let old = try SQLiteStore.open(directory: regions.dataDirectory("eu-west"))
        defer { try? old.close() }
        #expect(try await old.account(id: AccountID(rawValue: owner.account)) == nil)
        let redirected = try await AccountReplicationTests.post(
            credential: owner.device.credential,
            to: regions.url("eu-west")
        )
        #expect(redirected.status == 421)
        #expect(redirected.body["home_url"] as? String == regions.url("us").absoluteString)
        let resent = try await AccountReplicationTests.post(credential: owner.device.credential, to: regions.url("us"))
        #expect(resent.status == 200 && resent.body["accepted"] as? Int == 1)
        #expect(await regions.signIn("lost.answer@example.org", at: "eu-west") == (421, "us"))
    }
}
