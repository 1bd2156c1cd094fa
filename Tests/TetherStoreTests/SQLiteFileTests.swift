import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// SQLite only: the database file, its modes, its journal and what survives reopening it.
struct SQLiteFileTests {
    @Test
    func fileDatabaseUsesWriteAheadLogging() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            #expect(try await store.journalMode() == "wal")
            let path = directory.appendingPathComponent(SQLiteStore.fileName).path
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test
    func theDatabaseIsReadableByItsOwnerOnly() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data", isDirectory: true)
            let store = try SQLiteStore.open(directory: data)
            defer { try? store.close() }
            try await Fixtures(store: store).account()
            let mode = { (path: String) -> Int? in
                (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int).map { $0 & 0o777 }
            }
            #expect(mode(data.path) == 0o700)
            let file = data.appendingPathComponent(SQLiteStore.fileName).path
            #expect(mode(file) == 0o600)
            #expect(mode(file + "-wal") == 0o600)
            #expect(mode(file + "-shm") == 0o600)
        }
    }

    @Test
    func aFileFromBeforeIsTightenedWhenOpened() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent(SQLiteStore.fileName).path
            _ = FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o644])
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        }
    }

    @Test
    func deletedRowsLeaveNoBytesBehind() async throws {
        try await withTemporaryDirectory { directory in
            let email = "shredded-\(UUID().uuidString.lowercased())@example.org"
            do {
                let store = try SQLiteStore.open(directory: directory)
                defer { try? store.close() }
                let account = try await Fixtures(store: store).account(email)
                #expect(try await store.deleteAccount(id: account.id))
            }
            // Closed: the WAL is checkpointed into the file and removed. Without secure_delete
            // the freed pages would still hold the email.
            let bytes = try Data(contentsOf: directory.appendingPathComponent(SQLiteStore.fileName))
            #expect(bytes.range(of: Data(email.utf8)) == nil)
        }
    }

    @Test
    func memoryDatabaseKeepsNothingOnDisk() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await store.journalMode() == "memory")
    }

    @Test
    func openingCreatesMissingDirectories() async throws {
        try await withTemporaryDirectory { directory in
            let nested = directory.appendingPathComponent("a/b/data", isDirectory: true)
            let store = try SQLiteStore.open(directory: nested)
            defer { try? store.close() }
            try await Fixtures(store: store).account()
            #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent(SQLiteStore.fileName).path))
        }
    }

    @Test
    func dataSurvivesReopeningTheFile() async throws {
        try await withTemporaryDirectory { directory in
            let (ada, session, device): (Account, Session, Device)
            do {
                let store = try SQLiteStore.open(directory: directory)
                defer { try? store.close() }
                let fixtures = Fixtures(store: store)
                ada = try await fixtures.account("ada@example.org")
                session = try await fixtures.session(for: ada, tag: "one")
                device = try await fixtures.device(for: ada, credentialHash: "credential")
                try await fixtures.failedSignIn(ada.email, from: "198.51.100.1", at: Times.at(5))
                try await store.addOperatorToken(hash: "op", createdAt: Times.start)
            }

            let reopened = try SQLiteStore.open(directory: directory)

            defer { try? reopened.close() }
            #expect(try await reopened.account(id: ada.id) == ada)
            #expect(try await reopened.session(accessTokenHash: "access-one") == session)
            #expect(try await reopened.device(credentialHash: "credential") == device)
            #expect(try await Fixtures(store: reopened).failedSignIns(ada.email) == [Times.at(5)])
            #expect(try await reopened.isOperatorToken(hash: "op"))
            // Migrations ran once: the schema accepts new rows as before.
            try await Fixtures(store: reopened).account("grace@example.org")
            #expect(try await reopened.statistics(now: Times.start).accounts == 2)
        }
    }
}
