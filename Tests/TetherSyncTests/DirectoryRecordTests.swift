import Foundation
import Testing
import TetherCore
import TetherStore
import TetherSync

struct DirectoryRecordTests {
    static let hash = String(repeating: "ab", count: 32)

    static func record(_ region: String, _ state: DirectoryRecord.State, _ version: Int64) -> DirectoryRecord {
        DirectoryRecord(
            emailHash: Self.hash,
            region: RegionID(rawValue: region)!,
            state: state,
            version: DirectoryVersion(rawValue: version)
        )
    }

    @Test func aHigherVersionWinsAndTiesBreakTheSameWayEverywhere() {
        #expect(Self.record("eu", .confirmed, 2).supersedes(Self.record("us", .deleted, 1)))
        #expect(!Self.record("eu", .confirmed, 1).supersedes(Self.record("eu", .confirmed, 1)))
        #expect(Self.record("us", .confirmed, 1).supersedes(Self.record("eu", .confirmed, 1)))
        #expect(Self.record("eu", .deleted, 1).supersedes(Self.record("eu", .confirmed, 1)))
        #expect(!Self.record("eu", .confirmed, 1).supersedes(Self.record("eu", .deleted, 1)))
    }

    @Test func theDigestCoversEveryField() {
        let base = Self.record("eu", .confirmed, 5)
        let others = [
            Self.record("us", .confirmed, 5), Self.record("eu", .deleted, 5), Self.record("eu", .confirmed, 6),
        ]
        for other in others { #expect(other.replicaEntry.digest != base.replicaEntry.digest) }
        #expect(base.replicaEntry == Self.record("eu", .confirmed, 5).replicaEntry)
    }

    @Test func versionsCarryTheirWallClockToTheMillisecond() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123)
        let version = DirectoryVersion(wallClock: date)
        #expect(abs(version.physicalTime.timeIntervalSince(date)) < 0.001)
        #expect(version.successor > version && version.successor.physicalTime == version.physicalTime)
    }
}
