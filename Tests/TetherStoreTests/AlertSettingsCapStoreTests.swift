import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// The fence and window caps, taken from the caller and counted in the transaction that writes:
/// two adds racing at the cap leave exactly one through, and a settings-sync merge cannot take
/// the account past a cap either.
struct AlertSettingsCapStoreTests {
    static func fence(_ index: Int, account: Account) -> FenceRecord {
        FenceRecord(
            id: "fen_\(index)",
            account: account.id,
            device: nil,
            name: "Fence \(index)",
            role: .safePlace,
            geoJSON:
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"radius_m":80}}"#,
            createdAt: Times.at(TimeInterval(index))
        )
    }

    static func window(_ index: Int, account: Account) throws -> QuietWindowRecord {
        QuietWindowRecord(
            id: "dnd_\(index)",
            account: account.id,
            device: nil,
            window: try QuietWindow(
                days: [.monday],
                start: LocalTime(minutes: 0),
                end: LocalTime(minutes: 60),
                timeZone: "UTC"
            )
        )
    }

    /// Runs `add(0)` … `add(racers - 1)` at once; returns how many went through and the errors
    /// of the others.
    static func race(
        _ racers: Int = 2,
        _ add: @escaping @Sendable (Int) async throws -> Void
    ) async -> (added: Int, errors: [TetherError]) {
        await withTaskGroup(of: (any Error)?.self) { group in
            for index in 0..<racers {
                group.addTask {
                    do {
                        try await add(index)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var result = (added: 0, errors: [TetherError]())
            for await error in group {
                if let error {
                    result.errors.append(error as? TetherError ?? .internalError)
                } else {
                    result.added += 1
                }
            }
            return result
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func twoFenceAddsRacingAtTheCapLeaveExactlyOneThrough(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let account = try await Fixtures(store: store).account()
            let limit = 1_000
            for index in 0..<(limit - 1) {
                try await store.addFence(Self.fence(index, account: account), limit: limit)
            }
            let outcome = await Self.race { racer in
                try await store.addFence(Self.fence(limit + racer, account: account), limit: limit)
            }
            #expect(outcome.added == 1)
            #expect(outcome.errors == [.tooManyFences(limit: limit)])
            #expect(try await store.alertSettings(account: account.id).fences.count == limit)
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func twoWindowAddsRacingAtTheCapLeaveExactlyOneThrough(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let account = try await Fixtures(store: store).account()
            let limit = 100
            for index in 0..<(limit - 1) {
                try await store.addQuietWindow(
                    Self.window(index, account: account),
                    createdAt: Times.start,
                    limit: limit
                )
            }
            let outcome = await Self.race { racer in
                try await store.addQuietWindow(
                    Self.window(limit + racer, account: account),
                    createdAt: Times.start,
                    limit: limit
                )
            }
            #expect(outcome.added == 1)
            #expect(outcome.errors == [.tooManyQuietWindows(limit: limit)])
            #expect(try await store.alertSettings(account: account.id).quietWindows.count == limit)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aMergePastTheCapChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let account = try await Fixtures(store: store).account()
            let caps = AlertSettingsCaps(fences: 2, quietWindows: 1)
            func edits(_ id: String) -> [SettingEdit] {
                let fence = Self.fence(0, account: account)
                return [
                    ("name", SettingValue.string(id)), ("role", .string("safe")), ("geojson", .string(fence.geoJSON)),
                ]
                .map { field, value in
                    SettingEdit(
                        key: SettingKey(.fence, record: id, field: field),
                        state: SettingFieldState(
                            value: value,
                            vector: VersionVector(["cli": 1]),
                            stamp: HybridTimestamp(wallMillis: Times.start.milliseconds, replica: "cli")
                        )
                    )
                }
            }
            _ = try await store.mergeSettingEdits(account: account.id, edits("fen_a"), now: Times.start, caps: caps)
            let before = try await store.settingChanges(account: account.id, after: 0, limit: 100)
            await #expect(throws: TetherError.tooManyFences(limit: 2, field: "changes[0].record")) {
                try await store.mergeSettingEdits(
                    account: account.id,
                    edits("fen_b") + edits("fen_c"),
                    now: Times.start,
                    caps: caps
                )
            }
            #expect(try await store.alertSettings(account: account.id).fences.map(\.id) == ["fen_a"])
            #expect(try await store.settingChanges(account: account.id, after: 0, limit: 100) == before)
            _ = try await store.mergeSettingEdits(account: account.id, edits("fen_b"), now: Times.start, caps: caps)
            #expect(try await store.alertSettings(account: account.id).fences.count == 2)
        }
    }
}
