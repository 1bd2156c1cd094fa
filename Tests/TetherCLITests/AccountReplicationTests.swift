import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherSync
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Account data replication between three `tetherd` regions in two jurisdiction groups:
/// eu-west's accounts are mirrored to eu-central (its replica) and to no one else; a chunk that
/// went bad at eu-west is repaired from eu-central's copy; deleting the account removes the copy.
@Suite("account replication", .serialized, .timeLimit(.minutes(4)))
struct AccountReplicationTests {
    static let email = "ada.residency@example.org"
    static let serial = "SER-RESIDENT-7731"
    static let deviceName = "Kitchen keys 7731"

    @Test func accountDataStaysInItsGroupIsRepairedFromItsReplicaAndGoesWithTheAccount() async throws {
        var regions = try await ReplicationRegions.start(replicas: true)
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.url("eu-west"))
        defer { TemporaryDirectory.remove(cli.configHome) }

        // An account at eu-west with a named device and a backup.
        let work = TemporaryDirectory.make(prefix: "tether-replication")
        defer { TemporaryDirectory.remove(work) }
        let owner = try await BackedUpOwner.make(
            cli,
            email: Self.email,
            serial: Self.serial,
            deviceName: Self.deviceName,
            file: "notes.bin",
            bytes: 900_000,
            in: work
        )
        let (account, device, snapshot, contents) = (owner.account, owner.device, owner.snapshot, owner.contents)

        // eu-central comes to hold all of it: settings, data key, the snapshot and every chunk.
        let home = try SQLiteStore.open(directory: regions.dataDirectory("eu-west"))
        defer { try? home.close() }
        let chunks = try await home.backupChunks(account: AccountID(rawValue: account))
        #expect(chunks.count >= 3)
        let held = try await Self.waitUntilHeld(at: "eu-central", of: "eu-west", chunks: chunks.count, in: regions)
        #expect(held?.accounts == 1 && held?.records == 3 + chunks.count)

        // Residency: us, in the other group, holds nothing of the account but its directory entry.
        let box = try #require(
            try await StoredChunk.locate(
                in: regions.dataDirectory("eu-west"),
                account: AccountID(rawValue: account),
                id: chunks[0].id
            )
        ).box()
        let personal: [String: [UInt8]] = [
            "email": Array(Self.email.utf8), "account id": Array(account.utf8), "device id": Array(device.id.utf8),
            "serial": Array(Self.serial.utf8), "device name": Array(Self.deviceName.utf8),
            "snapshot id": Array(snapshot.utf8), "chunk id": Array(chunks[0].id.utf8),
            "sealed chunk bytes": Array(box.prefix(64)),
        ]
        let emailHash = try DirectoryKey(bytes: Data(base64Encoded: RegionDirectoryFile.key)!)
            .emailHash(try EmailAddress(Self.email))
        // The scans read the database, its WAL and the blobs of a running region: a checkpoint
        // between two reads can move bytes from one file to the other, so what must be found is
        // looked for until it is.
        try await Self.waitUntil("the scan of us sees the directory entry") {
            Self.found(Array(emailHash.utf8), in: Self.files(under: regions.dataDirectory("us")))
        }
        let usFiles = Self.files(under: regions.dataDirectory("us"))
        for (what, needle) in personal {
            #expect(!Self.found(needle, in: usFiles), "us holds the \(what)")
        }
        // …while eu-central, in the same group, holds the replica (the scan does see such bytes).
        for what in ["account id", "serial", "device name", "sealed chunk bytes"] {
            try await Self.waitUntil("the scan of eu-central sees the \(what)") {
                Self.found(personal[what]!, in: Self.files(under: regions.dataDirectory("eu-central")))
            }
        }
        // A replica outside the policy is refused even if a home sent to it.
        await #expect(throws: (any Error).self) {
            do {
                _ = try await regions.peerClient("us").applyAccountReplicaRecords(
                    body: .json(.init(home: "eu-west", records: []))
                )
            } catch {
                let problem = TetherClientFailure.problem(error)
                #expect(problem?.status == 403 && problem?.code == "residency_refused")
                throw error
            }
        }

        // A flipped byte in eu-west's copy of a chunk is repaired from eu-central's.
        let stored = try #require(
            try await StoredChunk.locate(
                in: regions.dataDirectory("eu-west"),
                account: AccountID(rawValue: account),
                id: chunks[1].id
            )
        )
        try stored.flip(at: stored.range.count / 2, bit: 0x20)
        let verified = try await cli.run("backup", "verify", "--json")
        #expect(verified.status == 0, "\(verified.stderr)")
        let report = try verified.jsonObject()
        #expect(report["repaired_chunks"] as? [String] == [chunks[1].id])
        #expect((report["corrupt_chunks"] as? [String])?.isEmpty == true)
        let restored = work.appendingPathComponent("restored")
        #expect(try await cli.run("backup", "restore", snapshot, "--to", restored.path, "--json").status == 0)
        #expect(try Data(contentsOf: restored.appendingPathComponent("tree/notes.bin")) == contents)

        // A settings edit reaches the replica.
        #expect(try await cli.run("devices", "rename", device.id, "Car keys 7731", "--json").status == 0)
        try await Self.waitUntil("the rename reaches eu-central") {
            Self.found(Array("Car keys 7731".utf8), in: Self.files(under: regions.dataDirectory("eu-central")))
        }

        // Deleting the account while eu-central is down deletes the replica once it is back
        // (its home's next round finds the records gone); us keeps only the tombstone.
        try await regions.kill("eu-central")
        #expect(try await cli.run("account", "delete", "--yes", "--json").status == 0)
        try await regions.start("eu-central")
        // The replica deletes the rows first and the chunk boxes after: both must go.
        let replicaBlobs = regions.dataDirectory("eu-central").appendingPathComponent("replicas/eu-west_\(account)")
        try await Self.waitUntil("eu-central drops the account and its chunk boxes") {
            let status = try? await regions.accountStatus("eu-central")
            return status?.held.first { $0.home == "eu-west" }?.records == 0
                && !FileManager.default.fileExists(atPath: replicaBlobs.path)
        }
        try await Self.waitUntil("us holds the tombstone") {
            let records = try await regions.peerClient("us").fetchDirectoryRecords(
                body: .json(.init(emailHashes: [emailHash], prefixes: []))
            ).ok.body.json.records
            return records.map(\.state) == [.deleted]
        }
    }

    @Test func anAccountMovesWithItsDeviceAndBackupsAndTheDeviceKeepsPostingWithoutPairingAgain() async throws {
        let regions = try await ReplicationRegions.start(replicas: true)
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.url("eu-west"))
        defer { TemporaryDirectory.remove(cli.configHome) }
        let work = TemporaryDirectory.make(prefix: "tether-move")
        defer { TemporaryDirectory.remove(work) }
        let owner = try await BackedUpOwner.make(
            cli,
            email: "mover@example.org",
            serial: "SER-MOVER-1",
            deviceName: "Travel bag",
            file: "photo.raw",
            bytes: 700_000,
            in: work
        )
        let (account, device, snapshot, contents) = (owner.account, owner.device, owner.snapshot, owner.contents)
        let before = try await Self.post(credential: device.credential, to: regions.url("eu-west"))
        #expect(before.status == 200 && before.body["accepted"] as? Int == 1)

        // The device keeps posting throughout, following the redirect as a device does.
        let poster = PostingDevice(credential: device.credential, server: regions.url("eu-west"))
        let posting = Task { await poster.run() }

        // The owner moves home from eu-west to us (another jurisdiction group: the owner asked).
        let moved = try await cli.run("account", "move", "--region", "us", "--json")
        #expect(moved.status == 0, "\(moved.stderr)")
        let receipt = try moved.jsonObject()
        #expect(receipt["region"] as? String == "us")
        #expect(receipt["server"] as? String == regions.url("us").absoluteString)
        #expect(receipt["devices"] as? Int == 1 && receipt["snapshots"] as? Int == 1)
        #expect(try cli.profile()["server"] as? String == regions.url("us").absoluteString)

        // The device's next request is redirected, and its credential works at the new home.
        let redirected = try await Self.post(credential: device.credential, to: regions.url("eu-west"))
        #expect(redirected.status == 421)
        #expect(redirected.body["home_url"] as? String == regions.url("us").absoluteString)
        let resent = try await Self.post(credential: device.credential, to: regions.url("us"))
        #expect(resent.status == 200 && resent.body["accepted"] as? Int == 1)
        // While it moved, the device was only ever asked to retry (503) or go home (421), and it
        // reached the new home.
        try await Self.waitUntil("the posting device reaches us") { await poster.reachedNewHome }
        await poster.stop()
        await posting.value
        let (accepted, statuses) = (await poster.accepted, await poster.statuses)
        #expect(statuses.isSubset(of: [200, 421, 503]), "\(statuses)")
        #expect(statuses.contains(421))

        // Settings, devices, history and backups are at us; the session moved too.
        let us = regions.url("us").absoluteString
        let devices = try await cli.run("devices", "list", "--server", us, "--json")
        #expect(devices.status == 0, "\(devices.stderr)")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(devices.stdout.utf8)) as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String } == ["Travel bag"])
        // The telemetry history moved too: every event acknowledged, before, during and after the
        // move; none acknowledged at the old home was left behind.
        let history = try await cli.run("telemetry", "history", device.id, "--server", us, "--json")
        #expect(history.status == 0, "\(history.stderr)")
        let events = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(events.count == 2 + accepted, "\(history.stdout)")
        let restored = work.appendingPathComponent("restored")
        let restore = try await cli.run("backup", "restore", snapshot, "--to", restored.path, "--server", us, "--json")
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Data(contentsOf: restored.appendingPathComponent("tree/photo.raw")) == contents)

        // eu-west holds nothing of the account any more, and its replica at eu-central goes too.
        let old = try SQLiteStore.open(directory: regions.dataDirectory("eu-west"))
        defer { try? old.close() }
        #expect(try await old.account(id: AccountID(rawValue: account)) == nil)
        #expect(try await old.backupChunks(account: AccountID(rawValue: account)).isEmpty)
        let oldBlobs = regions.dataDirectory("eu-west").appendingPathComponent("blobs/\(account)")
        #expect(!FileManager.default.fileExists(atPath: oldBlobs.path))
        try await Self.waitUntil("eu-central drops its replica of the moved account") {
            let status = try? await regions.accountStatus("eu-central")
            return status?.held.first { $0.home == "eu-west" }?.records == 0
        }
        // Signing in at the old home is sent to the new one.
        #expect(await regions.signIn("mover@example.org", at: "eu-west") == (421, "us"))
    }

    /// Posts one properties event as the device; returns the status and the JSON answer.
    static func post(credential: String, to server: URL) async throws -> (status: Int, body: [String: Any]) {
        let event = UUID().uuidString.lowercased()
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        var request = URLRequest(url: server.appendingPathComponent("v1/telemetry"))
        request.httpMethod = "POST"
        request.httpBody = Data(
            #"{"events":[{"event_id":"\#(event)","kind":"properties","ts":\#(millis),"battery_pct":80}]}"#.utf8
        )
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    /// Runs a replication round at `home` (begun after everything the test wrote there, so it
    /// sends all of it), then waits until `replica` holds `chunks` chunks of `home`'s accounts
    /// and the same summary root as `home`'s last round with it.
    static func waitUntilHeld(
        at replica: String,
        of home: String,
        chunks: Int,
        in regions: ReplicationRegions
    ) async throws -> Components.Schemas.AccountReplicationStatus.HeldPayloadPayload? {
        try await regions.runJob(.accountReplication, at: home)
        var held: Components.Schemas.AccountReplicationStatus.HeldPayloadPayload?
        try await self.waitUntil("\(replica) holds \(home)'s \(chunks) chunks") {
            held = try? await regions.accountStatus(replica).held.first { $0.home == home }
            let sent = try? await regions.accountStatus(home).replicas.first { $0.peer == replica }
            return held?.chunks == chunks && sent?.lastRootHash == held?.rootHash
        }
        return held
    }

    static func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        try await Poll.until(what, every: .milliseconds(100), condition)
    }

    /// Every regular file under `directory` (database, WAL, blobs, keys).
    static func files(under directory: URL) -> [URL] {
        let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.allObjects as? [URL] ?? []).filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }

    /// Whether any of `files` contains `needle`.
    static func found(_ needle: [UInt8], in files: [URL]) -> Bool {
        files.contains { file in
            guard let data = try? Data(contentsOf: file) else { return false }
            return data.range(of: Data(needle)) != nil
        }
    }
}

/// An account registered at eu-west through the CLI, with a renamed device and a backup of one
/// random file in `<work>/tree`.
struct BackedUpOwner {
    var account: String
    var device: (id: String, credential: String)
    var snapshot: String
    var contents: Data

    static func make(
        _ cli: CLIHarness,
        email: String,
        serial: String,
        deviceName: String,
        file: String,
        bytes: Int,
        in work: URL
    ) async throws -> BackedUpOwner {
        let registered = try await cli.tryRegister(email, "--region", "eu-west", "--json")
        guard registered.status == 0 else { throw HarnessError.failed(registered) }
        let account = try #require(try registered.jsonObject()["account_id"] as? String)
        let device = try await cli.claim(try await cli.pairingCode(), serial: serial)
        #expect(try await cli.run("devices", "rename", device.id, deviceName, "--json").status == 0)
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let contents = BackupCLITests.random(bytes, seed: UInt64(bytes))
        try contents.write(to: tree.appendingPathComponent(file))
        let pushed = try await cli.run("backup", "push", tree.path, "--json")
        guard pushed.status == 0 else { throw HarnessError.failed(pushed) }
        let snapshot = try #require(try pushed.jsonObject()["snapshot_id"] as? String)
        return BackedUpOwner(account: account, device: device, snapshot: snapshot, contents: contents)
    }
}
