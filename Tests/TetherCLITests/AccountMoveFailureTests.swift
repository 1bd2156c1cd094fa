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
        let records = try #require(try await home.movingAccountRecords(account: account))

        // What us holds after crashing between taking the records in and authoring the entry.
        try await regions.kill("us")
        do {
            let target = try SQLiteStore.open(directory: regions.dataDirectory("us"))
            defer { try? target.close() }
            try await target.importMovedAccount(records, home: RegionID(rawValue: "us")!, at: Date())
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
        let alert: [String: AccountValue] = [
            "id": .text(UUID().uuidString), "device_id": .text(resident.id), "kind": .text("anti_lost"),
            "rule": .text("distance"), "episode_start_ms": .integer(0), "decided_ms": .integer(0),
            "reason": .text("too far"), "fixes": .text("[]"), "repeat_count": .integer(0),
            "created_at_ms": .integer(0),
        ]
        let delivery: [String: AccountValue] = [
            "alert_id": .text(UUID().uuidString), "attempts": .integer(0), "next_attempt_at_ms": .integer(0),
        ]
        let foreign: [(AccountRecordSet, [String: AccountValue], String)] = [
            (.alerts, alert, "names a device the account does not have"),
            (.webhookDeliveries, delivery, "names an alert the account does not have"),
        ]
        for (set, record, reason) in foreign {
            var records = Self.movingRecords(mover, email: "mover@example.org")
            records[set] = [set.record(record)]
            do {
                _ = try await regions.peerClient("us").adoptAccount(
                    body: .json(
                        .init(
                            home: "eu-west",
                            account: mover.rawValue,
                            rootHash: RangeSummary(records: [AccountReplicaRecord]()).root.hash.hex,
                            accountRecords: Base64EncodedData(try records.encoded()),
                            directoryVersion: nil
                        )
                    )
                ).ok
                Issue.record("an adopt whose \(set.name) \(reason) was taken")
            } catch {
                let problem = try #require(TetherClientFailure.problem(error), "\(error)")
                #expect(problem.status == 422 && problem.code == "replica_invalid", "\(problem)")
                #expect(problem.problem.detail?.contains(reason) == true, "\(problem)")
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
        let records = Self.movingRecords(account, email: "homed@example.org")
        do {
            _ = try await regions.peerClient("us", as: "eu-central").adoptAccount(
                body: .json(
                    .init(
                        home: "eu-central",
                        account: account.rawValue,
                        rootHash: RangeSummary(records: [AccountReplicaRecord]()).root.hash.hex,
                        accountRecords: Base64EncodedData(try records.encoded()),
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

    /// Records of a moving account that holds nothing but itself.
    static func movingRecords(_ account: AccountID, email: String) -> AccountRecords {
        var records = AccountRecords(purpose: .move)
        records[.account] = [
            AccountRecordSet.account.record([
                "id": .text(account.rawValue), "email": .text(email), "password_hash": .text("$2b$04$hash"),
                "created_at_ms": .integer(0),
            ])
        ]
        return records
    }

}
