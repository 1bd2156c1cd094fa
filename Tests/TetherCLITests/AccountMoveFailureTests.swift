import Foundation
import OpenAPIRuntime
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherSync
import TetherTesting

/// Account moves that go wrong halfway, between three `tetherd` regions: the account ends up
/// live in exactly one region, and a later move is not blocked by what a failed one left.
@Suite("account move failures", .serialized, .timeLimit(.minutes(4)))
struct AccountMoveFailureTests {
    /// The last answer is lost on the way back (the new home took the account in, but its old
    /// home only sees a `502`): the old home learns the outcome from the directory entry.
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

    /// The new home crashed after taking the rows in, before authoring the directory entry: the
    /// rows it kept are closed when it starts again, and the next move replaces them.
    @Test func aMoveAfterOneThatStoppedShortAtTheTargetSucceeds() async throws {
        var regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.url("eu-west"))
        defer { TemporaryDirectory.remove(cli.configHome) }
        let work = TemporaryDirectory.make(prefix: "tether-move-short")
        defer { TemporaryDirectory.remove(work) }
        let owner = try await BackedUpOwner.make(
            cli,
            email: "stopped.short@example.org",
            serial: "SER-SHORT-1",
            deviceName: "Bike",
            file: "notes.txt",
            bytes: 40_000,
            in: work
        )
        let account = AccountID(rawValue: owner.account)
        let home = try SQLiteStore.open(directory: regions.dataDirectory("eu-west"))
        defer { try? home.close() }
        let rows = try #require(try await home.movingAccountRows(account: account))

        // What us holds after crashing between taking the rows in and authoring the entry.
        try await regions.kill("us")
        do {
            let target = try SQLiteStore.open(directory: regions.dataDirectory("us"))
            defer { try? target.close() }
            try await target.importMovedAccount(rows, home: RegionID(rawValue: "us")!, at: Date())
        }
        try await regions.start("us")
        // Its start-up pass closes that copy: the directory names eu-west, so the device is sent
        // there and nothing of the account is served by two regions.
        var stray: (status: Int, body: [String: Any]) = (0, [:])
        try await AccountReplicationTests.waitUntil("us closes the copy it was left with") {
            stray = try await AccountReplicationTests.post(credential: owner.device.credential, to: regions.url("us"))
            return stray.status == 421
        }
        #expect(stray.body["home_url"] as? String == regions.url("eu-west").absoluteString)

        let moved = try await cli.run("account", "move", "--region", "us", "--json")
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try await home.account(id: account) == nil)
        let resent = try await AccountReplicationTests.post(credential: owner.device.credential, to: regions.url("us"))
        #expect(resent.status == 200 && resent.body["accepted"] as? Int == 1)
        let restore = try await cli.run(
            "backup",
            "restore",
            owner.snapshot,
            "--to",
            work.appendingPathComponent("restored").path,
            "--server",
            regions.url("us").absoluteString
        )
        #expect(restore.status == 0, "\(restore.stderr)")
    }

    /// A peer's adopt whose rows name a device or an alert the moving account does not have (one
    /// of another account's, held here) is refused, and nothing is kept.
    @Test func anAdoptNamingAnotherAccountsDeviceOrAlertIsRefused() async throws {
        let regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.url("us"))
        defer { TemporaryDirectory.remove(cli.configHome) }
        let registered = try await cli.tryRegister("resident@example.org", "--region", "us", "--json")
        #expect(registered.status == 0, "\(registered.stderr)")
        let resident = try await cli.claim(try await cli.pairingCode(), serial: "SER-RESIDENT-1")

        let mover = AccountID.random()
        let account: [String: AccountRows.Value] = [
            "id": .text(mover.rawValue), "email": .text("mover@example.org"),
        ]
        let foreignRows: [(String, [String: AccountRows.Value])] = [
            (
                "alert",
                ["id": .text(UUID().uuidString), "account_id": .text(mover.rawValue), "device_id": .text(resident.id)]
            ),
            ("webhook_delivery", ["alert_id": .text(UUID().uuidString), "account_id": .text(mover.rawValue)]),
        ]
        for (table, row) in foreignRows {
            let rows = AccountRows(tables: ["account": [account], table: [row]])
            do {
                _ = try await regions.peerClient("us").adoptAccount(
                    body: .json(
                        .init(
                            home: "eu-west",
                            account: mover.rawValue,
                            rootHash: RangeSummary(records: [AccountReplicaRecord]()).root.hash.hex,
                            rows: Base64EncodedData(try rows.encoded()),
                            directoryVersion: nil
                        )
                    )
                ).ok
                Issue.record("an adopt naming another account's \(table == "alert" ? "device" : "alert") was taken")
            } catch {
                let problem = try #require(TetherClientFailure.problem(error), "\(error)")
                #expect(problem.status == 422 && problem.code == "replica_invalid", "\(problem)")
            }
        }
        let store = try SQLiteStore.open(directory: regions.dataDirectory("us"))
        defer { try? store.close() }
        #expect(try await store.account(id: mover) == nil)
    }

    /// Only the account's current home may move it out: an adopt from another region, even one
    /// that signs as itself, is refused and nothing is kept.
    @Test func anAdoptFromARegionThatIsNotTheAccountsHomeIsRefused() async throws {
        let regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.url("eu-west"))
        defer { TemporaryDirectory.remove(cli.configHome) }
        let registered = try await cli.tryRegister("homed@example.org", "--region", "eu-west", "--json")
        #expect(registered.status == 0, "\(registered.stderr)")
        let account = AccountID.random()
        let rows = AccountRows(tables: [
            "account": [["id": .text(account.rawValue), "email": .text("homed@example.org")]]
        ])
        do {
            _ = try await regions.peerClient("us", as: "eu-central").adoptAccount(
                body: .json(
                    .init(
                        home: "eu-central",
                        account: account.rawValue,
                        rootHash: RangeSummary(records: [AccountReplicaRecord]()).root.hash.hex,
                        rows: Base64EncodedData(try rows.encoded()),
                        directoryVersion: nil
                    )
                )
            ).ok
            Issue.record("an adopt from a region that is not the account's home was taken")
        } catch {
            let problem = try #require(TetherClientFailure.problem(error), "\(error)")
            #expect(problem.status == 403 && problem.code == "peer_not_authority", "\(problem)")
            #expect(problem.problem.field == "account")
        }
        let store = try SQLiteStore.open(directory: regions.dataDirectory("us"))
        defer { try? store.close() }
        #expect(try await store.account(id: account) == nil)
    }
}
