/// A client's copy of its account's synced settings: what the home server last sent, the local
/// edits not yet acknowledged, and the clocks that version them (`protocols/sync.md`).
///
/// Edits made while the server cannot be reached are kept in ``pending`` and pushed at the next
/// sync; merging uses the same rule as the server (``SettingMerge``), so a pushed edit never
/// overwrites one it had not seen without the loser landing in the conflict log.
public struct SettingsReplica: Sendable, Codable, Hashable {
    /// This replica's id (`cli-…`), in every version vector it advances.
    public let replica: String
    /// The number of this replica's last edit; every edit takes the next one.
    public private(set) var counter: UInt64 = 0
    /// The hybrid clock that stamps this replica's edits.
    public private(set) var clock: HybridClock
    /// How far the home server's clock is ahead of the local one, in milliseconds, as the last
    /// sync measured it; edits are stamped on the corrected clock.
    public private(set) var clockOffsetMillis: Int64 = 0
    /// The round trip of the sync that measured ``clockOffsetMillis``: its error is at most half.
    public private(set) var clockOffsetRoundTripMillis: Int64?
    /// The server's sequence number of the last change pulled.
    public private(set) var cursor: Int64 = 0
    /// Every field as this replica sees it (pulled, with local edits on top).
    public private(set) var fields: [SettingKey: SettingFieldState] = [:]
    /// Local edits the server has not acknowledged yet.
    public private(set) var pending: [SettingKey: SettingFieldState] = [:]

    /// A new, empty replica with the id `replica`.
    public init(replica: String) {
        self.replica = replica
        self.clock = HybridClock(replica: replica)
    }

    /// The current value of every field of a record; `nil` when the record is unknown or deleted.
    public func record(_ collection: SettingCollection, _ id: String) -> [String: SettingValue]? {
        let fields = self.fields.filter { $0.key.collection == collection && $0.key.record == id }
        guard !fields.isEmpty,
            fields[SettingKey(collection, record: id, field: SettingKey.deletedField)]?.value != .bool(true)
        else { return nil }
        return Dictionary(uniqueKeysWithValues: fields.map { ($0.key.field, $0.value.value) })
    }

    /// Edits a field locally at local time `nowMillis`; the edit waits in ``pending``.
    public mutating func edit(_ key: SettingKey, to value: SettingValue, nowMillis: Int64) {
        self.counter += 1
        let state = SettingFieldState(
            value: value,
            vector: (self.fields[key]?.vector ?? VersionVector()).advanced(for: self.replica, to: self.counter),
            stamp: self.clock.tick(nowMillis: nowMillis + self.clockOffsetMillis)
        )
        self.fields[key] = state
        self.pending[key] = state
    }

    /// Deletes a fence or quiet window locally: the deletion has seen every field held of it.
    public mutating func delete(_ collection: SettingCollection, _ id: String, nowMillis: Int64) {
        let key = SettingKey(collection, record: id, field: SettingKey.deletedField)
        let held = self.fields.filter { $0.key.collection == collection && $0.key.record == id }
        self.counter += 1
        let state = SettingFieldState(
            value: .bool(true),
            vector: held.values.reduce(VersionVector()) { $0.merged(with: $1.vector) }
                .advanced(for: self.replica, to: self.counter),
            stamp: self.clock.tick(nowMillis: nowMillis + self.clockOffsetMillis)
        )
        self.fields[key] = state
        self.pending[key] = state
        // The edits still waiting for this record were seen by the deletion; only it is pushed.
        for field in held.keys where field.field != SettingKey.deletedField {
            self.pending[field] = nil
        }
    }

    /// The edits to push, at most `limit`, in key order.
    public func edits(limit: Int = 1_000) -> [SettingEdit] {
        self.pending.sorted { $0.key < $1.key }.prefix(limit).map { SettingEdit(key: $0.key, state: $0.value) }
    }

    /// Forgets a pending edit the server refused (it named the edit); returns it.
    @discardableResult
    public mutating func dropPending(_ key: SettingKey) -> SettingFieldState? {
        self.pending.removeValue(forKey: key)
    }

    /// Corrects the clock by the server's time, read between `sentMillis` and `receivedMillis`.
    /// As in NTP, the sample with the shortest round trip is the most precise: a slower one is
    /// taken only when it shows the local clock has jumped by more than its own error.
    mutating func calibrate(serverTimeMillis: Int64, sentMillis: Int64, receivedMillis: Int64) {
        let roundTrip = max(0, receivedMillis - sentMillis)
        let offset = serverTimeMillis - (sentMillis + receivedMillis) / 2
        let jumped = abs(offset - self.clockOffsetMillis) > roundTrip
        if let best = self.clockOffsetRoundTripMillis, roundTrip > best, !jumped { return }
        self.clockOffsetMillis = offset
        self.clockOffsetRoundTripMillis = roundTrip
    }

    /// Forgets pushed edits the server answered for: merged, already known, or logged as conflicts.
    public mutating func acknowledge(_ edits: [SettingEdit]) {
        for edit in edits where self.pending[edit.key] == edit.state {
            self.pending[edit.key] = nil
        }
    }

    /// Takes in a pull: the changes after ``cursor`` up to `cursor`, and the server's clock as
    /// read between `sentMillis` and `receivedMillis` (local clock) to correct this one by.
    /// A pending edit the server's field has seen is acknowledged.
    public mutating func received(
        _ changes: [SettingEdit],
        cursor: Int64,
        serverTimeMillis: Int64,
        sentMillis: Int64,
        receivedMillis: Int64
    ) {
        self.calibrate(serverTimeMillis: serverTimeMillis, sentMillis: sentMillis, receivedMillis: receivedMillis)
        for change in changes {
            let (key, state) = (change.key, change.state)
            self.clock.observe(state.stamp)
            if let merged = SettingMerge.merge(state, into: self.fields[key]).newState {
                self.fields[key] = merged
            }
            if let waiting = self.pending[key], [.after, .equal].contains(state.vector.compare(waiting.vector)) {
                self.pending[key] = nil
            }
            if key.field == SettingKey.deletedField, state.value == .bool(true) {
                // A deleted record keeps only its tombstone; edits waiting for it will be logged by the server.
                for other in self.fields.keys
                where other.collection == key.collection && other.record == key.record && other != key
                    && self.pending[other] == nil
                {
                    self.fields[other] = nil
                }
            }
        }
        self.cursor = max(self.cursor, cursor)
    }
}
