import Foundation
import GRDB
import TetherCore
import TetherDomain
import TetherGeo
import TetherStore

/// One ingest transaction: stores a group of batches and writes the derived state the domain
/// rules (``TelemetryDerivation``) make of them, so the state is never out of step with the
/// events.
///
/// Per batch: raw events are inserted with `INSERT OR IGNORE` on `(device, event_id)`; the
/// device's state and the landmarks the new events' scans heard are read; the rules derive the
/// writes from the new events; those are written. Daily aggregates and learned landmarks are
/// summed over the transaction's batches (``TelemetryAggregates``) and written once by
/// ``finish()``.
struct TelemetryIngestTransaction {
    private let db: Database
    private var aggregates = TelemetryAggregates<Int64>()
    /// Landmarks read or learned in this transaction; `nil` for a key known to be unknown.
    private var landmarks: [String: RadioLandmark?] = [:]

    /// How many keys one landmark read names (well under SQLite's variable limit).
    private static let landmarkReadChunk = 500

    init(db: Database) {
        self.db = db
    }

    /// Stores one batch; aggregates wait for ``finish()``.
    mutating func store(_ batch: TelemetryBatch) throws -> TelemetryBatchOutcome {
        let deviceStatement = try self.db.cachedStatement(
            sql: "SELECT account_id, model, hardware_version, software_version FROM device WHERE id = ?"
        )
        guard let device = try Row.fetchOne(deviceStatement, arguments: [batch.device.rawValue]) else {
            return TelemetryBatchOutcome(deviceRemoved: true)
        }
        var state = try self.loadState(device: batch.device)
        let receivedMilliseconds = batch.receivedAt.milliseconds

        var fresh: [TelemetryEvent] = []
        fresh.reserveCapacity(batch.events.count)
        for event in batch.events where try self.insert(event, device: state.number, receivedAt: receivedMilliseconds) {
            fresh.append(event)
        }
        var writes = TelemetryDerivation.derive(
            fresh,
            state: state.derived,
            registeredModel: device["model"],
            registeredSoftwareVersion: device["software_version"],
            landmarks: try self.landmarks(heardIn: fresh)
        )
        for change in writes.versionChanges {
            try VersionChangeRecord(device: state.number, change: change).insert(self.db)
        }
        for change in writes.connectionChanges {
            try self.write(change, device: state.number)
        }
        if !writes.estimates.isEmpty {
            var stored: Set<UUID> = []
            for estimate in writes.estimates
            where try self.insert(estimate, device: state.number, receivedAt: receivedMilliseconds) {
                stored.insert(estimate.id)
            }
            writes.keepEstimates(storedIDs: stored)
        }
        state.derived = writes.state
        try state.update(self.db)
        try self.db.execute(
            sql: """
                UPDATE device SET last_seen = ?, hardware_version = coalesce(?, hardware_version),
                    software_version = coalesce(?, software_version)
                WHERE id = ?
                """,
            arguments: [batch.receivedAt, state.hwVersion, state.swVersion, batch.device.rawValue]
        )
        let versionsChanged = AccountChange.deviceVersionsChanged(
            held: (device["hardware_version"], device["software_version"]),
            reported: (state.hwVersion, state.swVersion)
        )
        if versionsChanged {
            try SQLiteStore.raiseAccountChange(
                self.db,
                account: AccountID(rawValue: device["account_id"]),
                .deviceVersions
            )
        }
        for (key, update) in writes.landmarks {
            self.landmarks[key] = .some(update.landmark)
        }
        self.aggregates.add(writes, of: state.number)
        return TelemetryBatchOutcome(
            accepted: fresh.count,
            duplicate: batch.events.count - fresh.count,
            estimated: writes.estimates.count,
            stored: writes.stored
        )
    }

    /// Writes the aggregates summed over the transaction's batches.
    mutating func finish() throws {
        let usage = try self.db.cachedStatement(
            sql: """
                INSERT INTO daily_usage (device, day, function, operation, count, duration_ms) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (device, day, function, operation) DO UPDATE
                SET count = count + excluded.count, duration_ms = duration_ms + excluded.duration_ms
                """
        )
        for (device, buckets) in self.aggregates.usage {
            for (key, totals) in buckets {
                try usage.execute(arguments: [
                    device, key.day.description, key.function, key.operation, totals.count,
                    totals.durationMilliseconds,
                ])
            }
        }
        let statistic = try self.db.cachedStatement(
            sql: """
                INSERT INTO daily_statistic (day, kind, model, sw_version, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (day, kind, model, sw_version) DO UPDATE SET count = count + excluded.count
                """
        )
        for (key, count) in self.aggregates.statistics {
            try statistic.execute(arguments: [
                key.day.description, key.kind.rawValue, key.model, key.softwareVersion, count,
            ])
        }
        let landmark = try self.db.cachedStatement(
            sql: """
                INSERT INTO radio_landmark (key, lat, lon, samples, spread_m, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, samples = excluded.samples,
                    spread_m = excluded.spread_m, updated_ms = excluded.updated_ms
                """
        )
        for (key, update) in self.aggregates.landmarks {
            let learned = update.landmark
            try landmark.execute(arguments: [
                key, learned.position.latitude, learned.position.longitude, learned.samples, learned.spreadMeters,
                update.updatedAt,
            ])
        }
        self.aggregates = TelemetryAggregates()
    }

    // MARK: Reads and writes

    /// Inserts the event; `false` when the device already sent it.
    private func insert(_ event: TelemetryEvent, device: Int64, receivedAt: Int64) throws -> Bool {
        let statement = try self.db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO telemetry_event (device, event_id, ts_ms, kind, received_ms, payload)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        )
        try statement.execute(arguments: [
            device, TelemetryColumns.eventID(event.id), event.timestamp, event.kind.rawValue, receivedAt,
            PayloadJSONWriter.json(event.payload),
        ])
        return self.db.changesCount > 0
    }

    private func loadState(device: DeviceID) throws -> DeviceStateRecord {
        let statement = try self.db.cachedStatement(sql: "SELECT * FROM device_state WHERE device_id = ?")
        if let state = try DeviceStateRecord.fetchOne(statement, arguments: [device.rawValue]) {
            return state
        }
        try self.db.execute(sql: "INSERT INTO device_state (device_id) VALUES (?)", arguments: [device.rawValue])
        return DeviceStateRecord(DeviceStateColumns(number: self.db.lastInsertedRowID, deviceId: device.rawValue))
    }

    private func write(_ change: ConnectionPeriodChange, device: Int64) throws {
        switch change {
        case .open(let time):
            try self.db.execute(
                sql: "INSERT INTO connection_period (device, connected_ms) VALUES (?, ?)",
                arguments: [device, time]
            )
        case .close(let time):
            try self.db.execute(
                sql: "UPDATE connection_period SET disconnected_ms = ? WHERE device = ? AND disconnected_ms IS NULL",
                arguments: [time, device]
            )
        }
    }

    /// The known landmarks among those the scans in `events` heard. Keys this transaction has
    /// not seen yet are read in one statement (per ``landmarkReadChunk`` keys).
    private mutating func landmarks(heardIn events: [TelemetryEvent]) throws -> [String: RadioLandmark] {
        let keys = RadioScan.landmarkKeys(in: events)
        guard !keys.isEmpty else { return [:] }
        let unread = keys.filter { self.landmarks[$0] == nil }.sorted()
        var start = unread.startIndex
        while start < unread.endIndex {
            let chunk = unread[start..<min(start + Self.landmarkReadChunk, unread.endIndex)]
            start = chunk.endIndex
            for key in chunk { self.landmarks[key] = .some(nil) }
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try Row.fetchCursor(
                self.db,
                sql: "SELECT key, lat, lon, samples, spread_m FROM radio_landmark WHERE key IN (\(placeholders))",
                arguments: StatementArguments(Array(chunk))
            )
            while let row = try rows.next() {
                self.landmarks[row["key"]] = .some(
                    RadioLandmark(
                        position: Coordinate(uncheckedLatitude: row["lat"], longitude: row["lon"]),
                        samples: row["samples"],
                        spreadMeters: row["spread_m"]
                    )
                )
            }
        }
        var known: [String: RadioLandmark] = [:]
        for key in keys {
            if let landmark = self.landmarks[key] ?? nil { known[key] = landmark }
        }
        return known
    }
}
