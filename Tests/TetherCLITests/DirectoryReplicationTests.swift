import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherSync
import TetherTesting

/// Anti-entropy of the account directory between three `tetherd` regions in two jurisdiction
/// groups: a region that was down catches up, a tombstone keeps a stale replica from bringing a
/// deleted account back, a restart resumes from its checkpoints, and only what differs moves.
@Suite("directory replication", .serialized, .timeLimit(.minutes(5)))
struct DirectoryReplicationTests {
    static func email(_ index: Int) -> String { "person\(index)@example.org" }

    @Test func aRegionDownDuringDeletionsCatchesUpExchangingOnlyWhatChanged() async throws {
        var regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        for index in 0..<40 {
            try await regions.register(Self.email(index), at: index < 30 ? "eu-west" : "us")
        }
        let before = try await regions.waitUntilConverged()
        #expect(before["us"]?.records == 40)

        // us goes down. A round of eu-west's with us under way may still save a later checkpoint:
        // one more pass at eu-west, begun after the kill, fails with us and waits for every
        // round before it, so the checkpoint read after it is the last one.
        try await regions.kill("us")
        try await regions.runJob(.directoryReplication, at: "eu-west")
        let checkpoint = try #require(try await regions.status("eu-west").peer("us")?.pushedSeq)
        // eu-west deletes two accounts, then restarts itself.
        try await regions.delete(Self.email(0), at: "eu-west")
        try await regions.delete(Self.email(1), at: "eu-west")
        try await regions.kill("eu-west")
        try await regions.start("eu-west")
        // The checkpoint with us survived the restart, still short of the deletions.
        #expect(try await regions.status("eu-west").peer("us")?.pushedSeq == checkpoint)

        try await regions.start("us")
        let after = try await regions.waitUntilConverged()
        #expect(after["us"]?.records == 40)  // 38 accounts and 2 tombstones

        // eu-west resumed from its checkpoint: it pushed the two deletions, nothing before them.
        let euWest = try #require(try await regions.roundsCompleted(at: "eu-west", with: "us"))
        #expect(euWest.pushed == 2)
        #expect(euWest.fetched == 0 && euWest.sent == 0)
        // us took in exactly the two changes; what it received besides is the same two again
        // (pushed by eu-west and relayed by eu-central), never the 38 records it already had.
        // A pass of its own first, so it has completed a round with each peer since its restart.
        try await regions.runJob(.directoryReplication, at: "us")
        let us = try await regions.status("us")
        #expect(us.recordsApplied == 2)
        #expect(us.recordsReceived <= 8)
        for peer in ["eu-west", "eu-central"] {
            let totals = try #require(us.peer(peer)?.totals)
            #expect(totals.fetched <= 2 && totals.sent == 0)
            #expect(totals.entries <= 2 * 16 + 40 / 16)
        }

        // us no longer sends the deleted accounts' sign-ins to eu-west, and still sends the others.
        #expect(await regions.signIn(Self.email(0), at: "us").status == 401)
        let kept = await regions.signIn(Self.email(2), at: "us")
        #expect(kept.status == 421 && kept.home == "eu-west")
    }

    @Test func aTombstoneKeepsAStaleReplicaFromBringingADeletedAccountBack() async throws {
        var regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        let email = "grace@example.org"
        let key = try DirectoryKey(bytes: Data(base64Encoded: RegionDirectoryFile.key)!)
        let hash = key.emailHash(try EmailAddress(email))
        try await regions.register(email, at: "eu-west")
        try await regions.waitUntilConverged()
        let confirmed = try #require(
            try await regions.peerClient("eu-central").fetchDirectoryRecords(
                body: .json(.init(emailHashes: [hash], prefixes: []))
            ).ok.body.json.records.first
        )
        #expect(confirmed.state == .confirmed && confirmed.region == "eu-west")

        // eu-central keeps the confirmed entry while the account is deleted.
        try await regions.kill("eu-central")
        try await regions.delete(email, at: "eu-west")
        try await regions.waitUntilConverged()
        #expect(await regions.signIn(email, at: "us").status == 401)

        // The stale confirmation, sent outright, changes nothing.
        let applied = try await regions.peerClient("eu-west").applyDirectoryRecords(
            body: .json(.init(records: [confirmed], from: "eu-central"))
        ).ok.body.json.applied
        #expect(applied == 0)
        do {
            _ = try await regions.peerClient("eu-west").getDirectoryEntry(path: .init(emailHash: hash)).ok
            Issue.record("the deleted account's entry came back")
        } catch {
            #expect(TetherClientFailure.problem(error)?.status == 404)
        }

        // Nor does the stale replica itself once it is back: the tombstone reaches it.
        try await regions.start("eu-central")
        try await regions.waitUntilConverged()
        let record = try await regions.peerClient("eu-central").fetchDirectoryRecords(
            body: .json(.init(emailHashes: [hash], prefixes: []))
        ).ok.body.json.records.first
        #expect(record?.state == .deleted && (record?.version ?? 0) > confirmed.version)
        #expect(await regions.signIn(email, at: "eu-central").status == 401)
        // The email is free everywhere: another region registers it.
        try await regions.register(email, at: "us")
        try await regions.waitUntilConverged()
        let moved = await regions.signIn(email, at: "eu-central")
        #expect(moved.status == 421 && moved.home == "us")

        // Converged, the regions keep reconciling (every 200 ms) and, once the last pushes from
        // their checkpoints are through, move no record at all: nothing loops. Each try is a
        // whole round at every region, however slow the machine.
        let settled = try await regions.waitUntilConverged()
        var quiet = false
        for _ in 0..<10 where !quiet {
            let before = try await regions.waitUntilConverged()
            for id in ReplicationRegions.ids { try await regions.runJob(.directoryReplication, at: id) }
            let after = try await regions.waitUntilConverged()
            quiet = before.allSatisfy { id, status in
                after[id]?.recordsSent == status.recordsSent && after[id]?.recordsReceived == status.recordsReceived
            }
        }
        #expect(quiet, "records kept moving between converged regions")
        // And every region keeps completing rounds (one that was waiting for the restarted peer
        // to answer again included).
        var stalled = Set(settled.keys)
        try await Poll.until("every region completes another round", every: .milliseconds(200)) {
            for id in stalled where try await regions.status(id).rounds > settled[id]!.rounds { stalled.remove(id) }
            return stalled.isEmpty
        }
    }

    @Test func aRegionDownLongerThanTheTombstoneRetentionRefusesToReconcile() async throws {
        var regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        try await regions.register("old@example.org", at: "eu-west")
        try await regions.waitUntilConverged()
        #expect(try await regions.roundsCompleted(at: "us", with: "eu-west") != nil)

        // us stays down longer than the retention it restarts with: its rounds are refused, so
        // nothing it holds can outlive a tombstone the others purged. Starting a process takes
        // far longer than 10 ms, so no time has to be waited out.
        try await regions.kill("us")
        try await regions.start("us", arguments: ["--directory-tombstone-retention", "10ms"])
        let lastError = try await Poll.value("us reports a failed round with eu-west", every: .milliseconds(100)) {
            try await regions.status("us").peer("eu-west")?.lastError
        }
        #expect(lastError.contains("restart this region from an empty data directory"), "\(lastError)")
        // Nor do its peers get its records: it answers their summary requests with 503.
        await #expect(throws: (any Error).self) {
            do {
                _ = try await regions.peerClient("us").getDirectoryRangeSummary(
                    body: .json(.init(queries: [.init(prefix: "", wantsEntries: false)]))
                ).ok
            } catch {
                #expect(TetherClientFailure.problem(error)?.code == "replica_stale")
                throw error
            }
        }
    }

    @Test func aReplicaRebuiltFromNothingCatchesUpOnEveryEntry() async throws {
        var regions = try await ReplicationRegions.start()
        defer { regions.stop() }
        for index in 0..<12 {
            try await regions.register(Self.email(index), at: index % 2 == 0 ? "eu-west" : "us")
        }
        try await regions.delete(Self.email(0), at: "eu-west")
        try await regions.waitUntilConverged()

        // eu-central loses its disk and starts empty.
        try await regions.kill("eu-central")
        TemporaryDirectory.remove(regions.dataDirectory("eu-central"))
        try await regions.start("eu-central")
        let statuses = try await regions.waitUntilConverged()
        #expect(statuses["eu-central"]?.records == 12)
        #expect(statuses["eu-central"]?.recordsApplied == 12)

        // Its directory sends sign-ins home again, and not for the deleted account.
        let euWest = await regions.signIn(Self.email(2), at: "eu-central")
        #expect(euWest.status == 421 && euWest.home == "eu-west")
        let us = await regions.signIn(Self.email(1), at: "eu-central")
        #expect(us.status == 421 && us.home == "us")
        #expect(await regions.signIn(Self.email(0), at: "eu-central").status == 401)
    }
}
