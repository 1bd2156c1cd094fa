import Foundation
import GRDB
import TetherCore
import TetherGeo
import TetherStore

/// One ingest transaction: stores a group of batches and updates every piece of derived state
/// with them, so the state is never out of step with the events.
///
/// Raw events are inserted with `INSERT OR IGNORE` on `(device, event_id)`; only the events
/// that were new feed derived state. Derived state follows device time, so a late or
/// out-of-order upload never rolls it back: a value changes only for an event at least as new
/// as the one that set it. Daily aggregates and learned radio landmarks are summed in memory and
/// written once per transaction.
struct TelemetryIngestTransaction {
    private let db: Database
    private var usage: [UsageKey: (count: Int, durationMilliseconds: Int64)] = [:]
    private var statistics: [StatisticKey: Int] = [:]
    private var landmarks: [String: RadioLandmark?] = [:]
    private var learnedLandmarks: [String: Int64] = [:]

    /// A scan counts as taken at a GNSS fix when the two are at most this far apart in device time.
    static let scanFixPairingMilliseconds: Int64 = 30_000
    /// Only fixes at least this accurate teach landmark positions.
    static let learningAccuracyMeters = 100.0

    init(db: Database) {
        self.db = db
    }

    /// Stores one batch; aggregates wait for ``finish()``.
    mutating func store(_ batch: TelemetryBatch) throws -> TelemetryBatchOutcome {
        let deviceStatement = try self.db.cachedStatement(
            sql: "SELECT model, software_version FROM device WHERE id = ?"
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
        // Derived state in device-time order; events of the same millisecond keep batch order.
        if !fresh.isSorted(by: { $0.timestamp <= $1.timestamp }) {
            fresh = fresh.enumerated()
                .sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
                .map(\.element)
        }
        let stateBefore = state
        let model: String = device["model"]
        let deviceSoftware: String? = device["software_version"]
        for event in fresh {
            self.count(event, model: state.model ?? model, softwareVersion: state.swVersion ?? deviceSoftware)
            try self.apply(event, to: &state)
        }
        let estimated = try self.locateScans(
            in: fresh,
            stateBefore: stateBefore,
            state: &state,
            receivedAt: receivedMilliseconds
        )
        try state.update(self.db)
        try self.db.execute(
            sql: """
                UPDATE device SET last_seen = ?, hardware_version = coalesce(?, hardware_version),
                    software_version = coalesce(?, software_version)
                WHERE id = ?
                """,
            arguments: [batch.receivedAt, state.hwVersion, state.swVersion, batch.device.rawValue]
        )
        var stored = fresh
        if !estimated.isEmpty {
            stored += estimated
            stored = stored.enumerated()
                .sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
                .map(\.element)
        }
        return TelemetryBatchOutcome(
            accepted: fresh.count,
            duplicate: batch.events.count - fresh.count,
            estimated: estimated.count,
            stored: stored
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
        for (key, totals) in self.usage {
            try usage.execute(arguments: [
                key.device, key.day.description, key.function, key.operation, totals.count, totals.durationMilliseconds,
            ])
        }
        let statistic = try self.db.cachedStatement(
            sql: """
                INSERT INTO daily_statistic (day, kind, model, sw_version, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (day, kind, model, sw_version) DO UPDATE SET count = count + excluded.count
                """
        )
        for (key, count) in self.statistics {
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
        for (key, updatedAt) in self.learnedLandmarks {
            guard let learned = self.landmarks[key] ?? nil else { continue }
            try landmark.execute(arguments: [
                key, learned.position.latitude, learned.position.longitude, learned.samples, learned.spreadMeters,
                updatedAt,
            ])
        }
        self.usage = [:]
        self.statistics = [:]
        self.learnedLandmarks = [:]
    }

    // MARK: Raw events

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
        return DeviceStateRecord(number: self.db.lastInsertedRowID, deviceId: device.rawValue)
    }

    // MARK: Derived state

    private mutating func count(_ event: TelemetryEvent, model: String, softwareVersion: String?) {
        let key = StatisticKey(
            day: UTCDay(milliseconds: event.timestamp),
            kind: event.kind,
            model: model,
            softwareVersion: softwareVersion ?? ""
        )
        self.statistics[key, default: 0] += 1
    }

    private mutating func apply(_ event: TelemetryEvent, to state: inout DeviceStateRecord) throws {
        let time = event.timestamp
        state.lastEventMs = max(state.lastEventMs ?? time, time)
        switch event.payload {
        case .properties(let reported):
            var properties = state.properties
            if time >= state.propertiesMs ?? time {
                try self.recordVersionChange(reported, state: state, at: time)
                properties.model = reported.model ?? properties.model
                properties.hardwareVersion = reported.hardwareVersion ?? properties.hardwareVersion
                properties.softwareVersion = reported.softwareVersion ?? properties.softwareVersion
                properties.signalDBm = reported.signalDBm ?? properties.signalDBm
                properties.batteryPercent = reported.batteryPercent ?? properties.batteryPercent
                properties.ipAddress = reported.ipAddress ?? properties.ipAddress
                state.propertiesMs = time
            } else {
                // An older report only fills what nothing newer reported.
                properties.model = properties.model ?? reported.model
                properties.hardwareVersion = properties.hardwareVersion ?? reported.hardwareVersion
                properties.softwareVersion = properties.softwareVersion ?? reported.softwareVersion
                properties.signalDBm = properties.signalDBm ?? reported.signalDBm
                properties.batteryPercent = properties.batteryPercent ?? reported.batteryPercent
                properties.ipAddress = properties.ipAddress ?? reported.ipAddress
            }
            state.properties = properties
        case .location(let fix):
            Self.updateLocation(fix, at: time, state: &state)
        case .usage(let record):
            let key = UsageKey(
                device: state.number,
                day: UTCDay(milliseconds: record.startMilliseconds),
                function: record.function,
                operation: record.operation
            )
            let totals = self.usage[key] ?? (0, 0)
            self.usage[key] = (totals.count + 1, totals.durationMilliseconds + record.durationMilliseconds)
        case .connection(let link):
            guard time >= state.connectionMs ?? time else { return }
            try self.applyConnection(link, at: time, state: &state)
        case .wifiScan, .cellTowers, .beacons, .sos:
            break
        }
    }

    private func recordVersionChange(_ reported: DeviceProperties, state: DeviceStateRecord, at time: Int64) throws {
        let hardwareChanged = reported.hardwareVersion.map { $0 != state.hwVersion } ?? false
        let softwareChanged = reported.softwareVersion.map { $0 != state.swVersion } ?? false
        guard hardwareChanged || softwareChanged else { return }
        try VersionChangeRecord(
            device: state.number,
            tsMs: time,
            hwVersion: reported.hardwareVersion ?? state.hwVersion,
            swVersion: reported.softwareVersion ?? state.swVersion,
            previousHwVersion: state.hwVersion,
            previousSwVersion: state.swVersion
        )
        .insert(self.db)
    }

    /// Opens a connection period on `connected`, closes the open one on `disconnected`.
    private func applyConnection(_ link: ConnectionState, at time: Int64, state: inout DeviceStateRecord) throws {
        let current = state.connection.flatMap(ConnectionState.init(rawValue:))
        switch (current, link) {
        case (.connected, .connected), (.disconnected, .disconnected):
            break
        case (_, .connected):
            try self.db.execute(
                sql: "INSERT INTO connection_period (device, connected_ms) VALUES (?, ?)",
                arguments: [state.number, time]
            )
            state.connectionSinceMs = time
            state.lastConnectedMs = time
        case (_, .disconnected):
            try self.db.execute(
                sql: "UPDATE connection_period SET disconnected_ms = ? WHERE device = ? AND disconnected_ms IS NULL",
                arguments: [time, state.number]
            )
            state.connectionSinceMs = time
        }
        state.connection = link.rawValue
        state.connectionMs = time
    }

    private static func updateLocation(_ fix: LocationFix, at time: Int64, state: inout DeviceStateRecord) {
        guard time >= state.locationMs ?? time else { return }
        state.location = fix
        state.locationMs = time
    }

    // MARK: Positions from scans

    /// Teaches landmark positions from scans taken at a GNSS fix, and estimates a position for
    /// scans taken without one; returns how many estimates were stored.
    private mutating func locateScans(
        in events: [TelemetryEvent],
        stateBefore: DeviceStateRecord,
        state: inout DeviceStateRecord,
        receivedAt: Int64
    ) throws -> [TelemetryEvent] {
        var fixes: [(time: Int64, position: Coordinate)] = events.compactMap { event in
            guard case .location(let fix) = event.payload, fix.source == .gnss,
                fix.accuracyMeters <= Self.learningAccuracyMeters
            else { return nil }
            return (event.timestamp, Coordinate(uncheckedLatitude: fix.latitude, longitude: fix.longitude))
        }
        if let last = stateBefore.location, last.source == .gnss, last.accuracyMeters <= Self.learningAccuracyMeters,
            let time = stateBefore.locationMs
        {
            fixes.append((time, Coordinate(uncheckedLatitude: last.latitude, longitude: last.longitude)))
        }
        var estimated: [TelemetryEvent] = []
        for event in events {
            var heard: [(key: String, rssi: Int)]
            let minimumAccuracy: Double
            switch event.payload {
            case .wifiScan(let readings):
                heard = readings.map { ("wifi:\($0.bssid)", $0.rssi) }
                minimumAccuracy = 20
            case .cellTowers(let readings):
                heard = readings.map { ("cell:\($0.towerKey)", $0.rssi ?? -100) }
                minimumAccuracy = 300
            default:
                continue
            }
            // A transmitter listed twice counts once, at its loudest.
            heard = Dictionary(heard, uniquingKeysWith: max).map { (key: $0.key, rssi: $0.value) }
            let nearestFix = fixes.min { abs($0.time - event.timestamp) < abs($1.time - event.timestamp) }
            if let nearestFix, abs(nearestFix.time - event.timestamp) <= Self.scanFixPairingMilliseconds {
                for (key, _) in heard {
                    try self.learn(key, at: nearestFix.position, time: event.timestamp)
                }
                continue
            }
            var observations: [RadioPositionEstimator.Observation] = []
            for (key, rssi) in heard {
                if let landmark = try self.landmark(key) {
                    observations.append(.init(landmark: landmark, rssi: rssi))
                }
            }
            guard
                let estimate = RadioPositionEstimator.estimate(observations, minimumAccuracyMeters: minimumAccuracy)
            else { continue }
            let fix = LocationFix(
                latitude: estimate.position.latitude,
                longitude: estimate.position.longitude,
                accuracyMeters: (estimate.accuracyMeters * 10).rounded() / 10,
                source: .estimated
            )
            let location = TelemetryEvent(
                id: Self.estimateID(for: event.id),
                timestamp: event.timestamp,
                payload: .location(fix)
            )
            if try self.insert(location, device: state.number, receivedAt: receivedAt) {
                estimated.append(location)
                Self.updateLocation(fix, at: event.timestamp, state: &state)
            }
        }
        return estimated
    }

    /// The id of the estimate made from scan `scanID`: fixed, so a resent scan estimates nothing new.
    static func estimateID(for scanID: UUID) -> UUID {
        var bytes = scanID.uuid
        withUnsafeMutableBytes(of: &bytes) { raw in
            for index in raw.indices { raw[index] ^= 0xA5 }
        }
        return UUID(uuid: bytes)
    }

    private mutating func landmark(_ key: String) throws -> RadioLandmark? {
        if let cached = self.landmarks[key] { return cached }
        let statement = try self.db.cachedStatement(
            sql: "SELECT lat, lon, samples, spread_m FROM radio_landmark WHERE key = ?"
        )
        let landmark = try Row.fetchOne(statement, arguments: [key]).map { row in
            RadioLandmark(
                position: Coordinate(uncheckedLatitude: row["lat"], longitude: row["lon"]),
                samples: row["samples"],
                spreadMeters: row["spread_m"]
            )
        }
        self.landmarks[key] = .some(landmark)
        return landmark
    }

    private mutating func learn(_ key: String, at position: Coordinate, time: Int64) throws {
        let learned =
            try self.landmark(key).map { $0.learning(from: position) } ?? RadioLandmark(firstHeardAt: position)
        self.landmarks[key] = .some(learned)
        self.learnedLandmarks[key] = max(self.learnedLandmarks[key] ?? time, time)
    }
}

private struct UsageKey: Hashable {
    var device: Int64
    var day: UTCDay
    var function: String
    var operation: String
}

private struct StatisticKey: Hashable {
    var day: UTCDay
    var kind: TelemetryKind
    var model: String
    var softwareVersion: String
}

extension Array {
    /// Whether every adjacent pair is in order.
    fileprivate func isSorted(by areInOrder: (Element, Element) -> Bool) -> Bool {
        zip(self, self.dropFirst()).allSatisfy { areInOrder($0, $1) }
    }
}
