import Foundation
import Testing
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherSync
import TetherTesting

/// Accounts made before the account directory existed are listed in it when the server starts,
/// so a peer asking to reserve one of their emails is refused; an entry naming another region
/// stays as it is.
@Suite struct DirectoryBackfillTests {
    @Test func accountsFromBeforeTheDirectoryAreListedAtStart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let file = try RegionDirectoryFile.write([.init(id: "eu", port: 9, group: "eu")])
        let regions = try RegionDirectory.load(from: file)
        let emails = try (0..<3).map { try EmailAddress("early-\($0)@example.org") }
        do {
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            for email in emails {
                let account = Account(
                    id: .random(),
                    email: email,
                    homeRegion: RegionID(rawValue: "eu")!,
                    createdAt: Date()
                )
                try await store.createAccount(account, passwordHash: "x", signup: SignupHint(), session: nil)
            }
            #expect(try await store.directoryEntry(emailHash: regions.key.emailHash(emails[0]), now: Date()) == nil)
            // The directory names another region for one of them (what a move that stopped short
            // here leaves): the backfill must not claim it.
            try await store.authorDirectoryRecords(
                emailHashes: [regions.key.emailHash(emails[1])],
                region: RegionID(rawValue: "us")!,
                state: .confirmed,
                now: Date(),
                floor: nil,
                sign: nil
            )
        }

        var config = ServerConfig.testing
        config.region = RegionID(rawValue: "eu")!
        config.regions = regions
        try await TestServer.withRunning(config: config, dataDirectory: directory) { server in
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            try await eventually {
                try await store.directoryEntry(emailHash: regions.key.emailHash(emails[2]), now: Date()) != nil
            }
            for (index, email) in emails.enumerated() {
                let entry = try await store.directoryEntry(emailHash: regions.key.emailHash(email), now: Date())
                #expect(
                    entry
                        == DirectoryEntry(
                            emailHash: regions.key.emailHash(email),
                            region: index == 1 ? RegionID(rawValue: "us")! : config.region,
                            confirmed: true
                        )
                )
            }
        }
    }

    /// Upgrading to peer protocol 2: this region's records authored unsigned are authored
    /// again at start, signed with its key, at a version that replaces the peers' copies.
    @Test func ownUnsignedRecordsAreSignedAgainAtStart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let file = try RegionDirectoryFile.write([.init(id: "eu", port: 9, group: "eu")])
        let regions = try RegionDirectory.load(from: file)
        let email = try EmailAddress("signed-later@example.org")
        let hash = regions.key.emailHash(email)
        let unsigned: DirectoryRecord
        do {
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            let account = Account(id: .random(), email: email, homeRegion: RegionID(rawValue: "eu")!, createdAt: Date())
            try await store.createAccount(account, passwordHash: "x", signup: SignupHint(), session: nil)
            unsigned = try #require(
                try await store.authorDirectoryRecords(
                    emailHashes: [hash],
                    region: RegionID(rawValue: "eu")!,
                    state: .confirmed,
                    now: Date(),
                    floor: nil,
                    sign: nil
                ).first
            )
        }
        #expect(!DirectoryRecordSignature.isAuthentic(unsigned, in: regions))

        let signed = try await Self.signedAtStart(hash, directory: directory, file: file)
        #expect(DirectoryRecordSignature.isAuthentic(signed, in: regions))
        #expect(signed.version > unsigned.version)
    }

    /// Upgrading to peer protocol 2: this region's tombstones authored unsigned are authored
    /// again at start, signed, still tombstones, so peers take the deletion.
    @Test func ownUnsignedTombstonesAreSignedAgainAtStart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let file = try RegionDirectoryFile.write([.init(id: "eu", port: 9, group: "eu")])
        let regions = try RegionDirectory.load(from: file)
        let hash = regions.key.emailHash(try EmailAddress("deleted-before@example.org"))
        let unsigned: DirectoryRecord
        do {
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            unsigned = try #require(
                try await store.authorDirectoryRecords(
                    emailHashes: [hash],
                    region: RegionID(rawValue: "eu")!,
                    state: .deleted,
                    now: Date(),
                    floor: nil,
                    sign: nil
                ).first
            )
        }
        let signed = try await Self.signedAtStart(hash, directory: directory, file: file)
        #expect(signed.state == .deleted)
        #expect(DirectoryRecordSignature.isAuthentic(signed, in: regions))
        #expect(signed.version > unsigned.version)
    }

    /// The record of `hash` once eu, started on `directory` with its key, has signed it.
    static func signedAtStart(_ hash: String, directory: URL, file: URL) async throws -> DirectoryRecord {
        var config = ServerConfig.testing
        config.region = RegionID(rawValue: "eu")!
        config.regions = try RegionDirectory.load(from: file)
        config.regionKeyring = try RegionDirectoryFile.keyring(for: "eu", regions: file)
        return try await TestServer.withRunning(config: config, dataDirectory: directory) { _ in
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            try await eventually {
                try await store.directoryRecords(emailHashes: [hash]).first?.signature != nil
            }
            return try #require(try await store.directoryRecords(emailHashes: [hash]).first)
        }
    }
}
