import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// The versioned account directory: idempotent apply, tombstones, authored versions, the change
/// sequence and checkpoints.
struct DirectoryReplicationStoreTests {
    static let eu = RegionID(rawValue: "eu")!
    static let us = RegionID(rawValue: "us")!
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let longAgo = Self.now.addingTimeInterval(-30 * 86_400)

    static func hash(_ seed: Int) -> String { String(format: "%064x", seed) }

    static func record(
        _ seed: Int,
        _ region: RegionID,
        _ state: DirectoryRecord.State,
        at date: Date
    )
        -> DirectoryRecord
    {
        DirectoryRecord(
            emailHash: Self.hash(seed),
            region: region,
            state: state,
            version: DirectoryVersion(wallClock: date)
        )
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func applyingTwiceOrAnOlderVersionChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let confirmed = Self.record(1, Self.eu, .confirmed, at: Self.now)
            #expect(
                try await store.applyDirectoryRecords([confirmed], from: Self.us, tombstoneCutoff: Self.longAgo).count
                    == 1
            )
            let seq = try await store.directoryChangeSequence()
            #expect(
                try await store.applyDirectoryRecords([confirmed], from: Self.us, tombstoneCutoff: Self.longAgo).isEmpty
            )
            let older = Self.record(1, Self.eu, .deleted, at: Self.now.addingTimeInterval(-1))
            #expect(
                try await store.applyDirectoryRecords([older], from: Self.us, tombstoneCutoff: Self.longAgo).isEmpty
            )
            #expect(try await store.directoryChangeSequence() == seq)
            #expect(try await store.directoryRecords(emailHashes: [Self.hash(1)]) == [confirmed])
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func rangesArePagedInKeyOrderAfterACursor(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            var records: [DirectoryRecord] = []
            for seed in 0..<60 {
                let hash = String(format: "%x", seed % 16) + String(format: "%063x", seed)
                records.append(
                    DirectoryRecord(
                        emailHash: hash,
                        region: Self.eu,
                        state: .confirmed,
                        version: DirectoryVersion(wallClock: Self.now)
                    )
                )
            }
            try await store.applyDirectoryRecords(records, from: Self.us, tombstoneCutoff: Self.longAgo)
            let prefixes = ["f", "0", "a"]
            let expected = records.map(\.emailHash).filter { key in prefixes.contains { key.hasPrefix($0) } }.sorted()
            var paged: [String] = []
            var after: String?
            while true {
                let page = try await store.directoryRecords(
                    prefixes: prefixes,
                    tombstoneCutoff: Self.longAgo,
                    after: after,
                    limit: 4
                ).map(\.emailHash)
                #expect(page.count <= 4)
                paged += page
                guard page.count == 4, let last = page.last else { break }
                after = last
            }
            #expect(paged == expected)
            #expect(expected.count > 8)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aTombstoneKeepsAStaleConfirmationOut(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let confirmed = Self.record(2, Self.eu, .confirmed, at: Self.now)
            let deleted = Self.record(2, Self.eu, .deleted, at: Self.now.addingTimeInterval(5))
            try await store.applyDirectoryRecords([deleted], from: Self.eu, tombstoneCutoff: Self.longAgo)
            #expect(
                try await store.applyDirectoryRecords([confirmed], from: Self.us, tombstoneCutoff: Self.longAgo).isEmpty
            )
            #expect(try await store.directoryEntry(emailHash: Self.hash(2), now: Self.now) == nil)
            // A tombstone past its retention is not taken in, nor listed.
            let expired = Self.record(3, Self.eu, .deleted, at: Self.longAgo.addingTimeInterval(-1))
            #expect(
                try await store.applyDirectoryRecords([expired], from: Self.eu, tombstoneCutoff: Self.longAgo).isEmpty
            )
            #expect(
                try await store.directoryRecords(prefixes: [""], tombstoneCutoff: Self.now.addingTimeInterval(10))
                    .isEmpty
            )
            #expect(try await store.purgeDirectoryTombstones(authoredBefore: Self.now.addingTimeInterval(10)) == 1)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func authoredVersionsOrderAfterEverythingKnown(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            // A tombstone from a region whose clock runs an hour ahead.
            let ahead = Self.record(4, Self.us, .deleted, at: Self.now.addingTimeInterval(3_600))
            try await store.applyDirectoryRecords([ahead], from: Self.us, tombstoneCutoff: Self.longAgo)
            let floor = DirectoryVersion(wallClock: Self.now.addingTimeInterval(7_200))
            let written = try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(4), Self.hash(5)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: floor,
                sign: nil
            )
            #expect(written.count == 2)
            #expect(written.allSatisfy { $0.version > floor && $0.version > ahead.version })
            #expect(written[0].version < written[1].version)
            // Already so: no new version.
            let again = try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(4)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: nil,
                sign: nil
            )
            #expect(again.isEmpty)
            #expect(try await store.directoryEntry(emailHash: Self.hash(4), now: Self.now)?.confirmed == true)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func recordsKeepTheirSignatureAndAnUnsignedOwnRecordIsAuthoredAgainSigned(
        backend: StoreBackendUnderTest
    ) async throws {
        try await withStore(backend) { store in
            // Authored before signing: unsigned.
            let unsigned = try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(6)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: nil,
                sign: nil
            )
            #expect(unsigned.first?.signature == nil)
            // With a signer: the same state, authored again at a new version, signed.
            let signer: @Sendable (DirectoryRecord) -> Data = { Data("signed \($0.version.rawValue)".utf8) }
            let signed = try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(6), Self.hash(7)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: nil,
                sign: signer
            )
            #expect(signed.count == 2)
            #expect(signed[0].version > unsigned[0].version)
            #expect(signed.allSatisfy { $0.signature == signer($0) })
            // Signed already: nothing to do.
            #expect(
                try await store.authorDirectoryRecords(
                    emailHashes: [Self.hash(6)],
                    region: Self.eu,
                    state: .confirmed,
                    now: Self.now,
                    floor: nil,
                    sign: signer
                ).isEmpty
            )
            // A received record keeps the signature it came with, in every read.
            var received = Self.record(8, Self.us, .confirmed, at: Self.now)
            received.signature = Data([1, 2, 3])
            try await store.applyDirectoryRecords([received], from: Self.us, tombstoneCutoff: Self.longAgo)
            let held = try await store.directoryRecords(emailHashes: [Self.hash(6), Self.hash(8)])
            #expect(held.map(\.signature) == [signed[0].signature, Data([1, 2, 3])])
            let listed = try await store.directoryRecords(prefixes: [""], tombstoneCutoff: Self.longAgo)
            #expect(listed.first { $0.emailHash == Self.hash(8) }?.signature == Data([1, 2, 3]))
            let changed = try await store.directoryRecords(changedAfter: 0, notFrom: Self.eu, limit: 10)
            #expect(changed.first { $0.record.emailHash == Self.hash(8) }?.record.signature == Data([1, 2, 3]))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func reservationsHoldUntilTheyLapseAndReportTheLatestVersion(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let deleted = Self.record(6, Self.eu, .deleted, at: Self.now)
            try await store.applyDirectoryRecords([deleted], from: Self.eu, tombstoneCutoff: Self.longAgo)
            let reservation = try await store.reserveDirectoryEntry(
                emailHash: Self.hash(6),
                region: Self.us,
                expiresAt: Self.now.addingTimeInterval(600),
                now: Self.now
            )
            #expect(reservation.holder.region == Self.us && !reservation.holder.confirmed)
            #expect(reservation.latestVersion == deleted.version)
            let rival = try await store.reserveDirectoryEntry(
                emailHash: Self.hash(6),
                region: Self.eu,
                expiresAt: Self.now.addingTimeInterval(600),
                now: Self.now
            )
            #expect(rival.holder.region == Self.us)
            let lapsed = try await store.directoryEntry(emailHash: Self.hash(6), now: Self.now.addingTimeInterval(601))
            #expect(lapsed == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func changesAreListedInOrderWithoutThoseFromThePeerAsked(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            try await store.applyDirectoryRecords(
                [Self.record(7, Self.us, .confirmed, at: Self.now)],
                from: Self.us,
                tombstoneCutoff: Self.longAgo
            )
            try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(8)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: nil,
                sign: nil
            )
            let forUS = try await store.directoryRecords(changedAfter: 0, notFrom: Self.us, limit: 10)
            #expect(forUS.map(\.record.emailHash) == [Self.hash(8)])
            let forOthers = try await store.directoryRecords(
                changedAfter: 0,
                notFrom: RegionID(rawValue: "sg")!,
                limit: 10
            )
            #expect(forOthers.map(\.record.emailHash) == [Self.hash(7), Self.hash(8)])
            #expect(forOthers.map(\.seq) == [1, 2])

            let checkpoint = ReplicationCheckpoint(
                stream: "directory",
                peer: Self.us,
                pushedSeq: 2,
                rootHash: "ab",
                completedAt: Self.now
            )
            try await store.saveReplicationCheckpoint(checkpoint)
            #expect(try await store.replicationCheckpoint(stream: "directory", peer: Self.us) == checkpoint)
            #expect(try await store.replicationCheckpoint(stream: "settings", peer: Self.us) == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aPurgedTombstonesSequenceNumberIsNotHandedOutAgain(backend: StoreBackendUnderTest) async throws {
        // With the number taken as one above the highest held, purging the newest record gave
        // its number to the next change, which a peer that had pushed up to it never saw.
        try await withStore(backend) { store in
            try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(9)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: nil,
                sign: nil
            )
            let deleted = Self.record(10, Self.us, .deleted, at: Self.now.addingTimeInterval(-60))
            try await store.applyDirectoryRecords([deleted], from: Self.us, tombstoneCutoff: Self.longAgo)
            let pushed = try await store.directoryChangeSequence()
            #expect(try await store.purgeDirectoryTombstones(authoredBefore: Self.now) == 1)
            #expect(try await store.directoryChangeSequence() >= pushed)

            try await store.authorDirectoryRecords(
                emailHashes: [Self.hash(11)],
                region: Self.eu,
                state: .confirmed,
                now: Self.now,
                floor: nil,
                sign: nil
            )
            let later = try await store.directoryRecords(changedAfter: pushed, notFrom: Self.us, limit: 10)
            #expect(later.map(\.record.emailHash) == [Self.hash(11)])
        }
    }

    /// Concurrent writers to the directory: every change gets its own sequence number.
    @Test(arguments: StoreBackendUnderTest.pooled)
    func concurrentDirectoryWritesGetDistinctSequenceNumbers(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let writers = 16
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<writers {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            try await store.authorDirectoryRecords(
                                emailHashes: [Self.hash(100 + index)],
                                region: Self.eu,
                                state: .confirmed,
                                now: Self.now,
                                floor: nil,
                                sign: nil
                            )
                        } else {
                            let record = Self.record(100 + index, Self.us, .confirmed, at: Self.now)
                            try await store.applyDirectoryRecords(
                                [record],
                                from: Self.us,
                                tombstoneCutoff: Self.longAgo
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            let changes = try await store.directoryRecords(
                changedAfter: 0,
                notFrom: RegionID(rawValue: "sg")!,
                limit: 100
            )
            #expect(changes.count == writers)
            #expect(Set(changes.map(\.seq)).count == writers)
            #expect(try await store.directoryChangeSequence() == Int64(writers))
        }
    }
}
