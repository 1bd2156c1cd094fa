import Foundation
import PostgresNIO
import TetherCore
import TetherDomain
import TetherGeo
import TetherStore

extension PostgresTelemetryIngest {
    /// `telemetry_event` rows as the columns of one `unnest`.
    struct EventRows: Sendable {
        var devices: [Int64] = []
        var ids: [UUID] = []
        var times: [Int64] = []
        var kinds: [String] = []
        var receipts: [Int64] = []
        var payloads: [String] = []

        mutating func append(_ event: TelemetryEvent, device: Int64, receivedAt: Int64) {
            self.devices.append(device)
            self.ids.append(event.id)
            self.times.append(event.timestamp)
            self.kinds.append(event.kind.rawValue)
            self.receipts.append(receivedAt)
            self.payloads.append(PayloadJSONWriter.json(event.payload))
        }

        /// The rows whose key `isIncluded` keeps, in order.
        func filter(_ isIncluded: (Key) -> Bool) -> EventRows {
            var kept = EventRows()
            for index in self.devices.indices
            where isIncluded(Key(device: self.devices[index], id: self.ids[index])) {
                kept.devices.append(self.devices[index])
                kept.ids.append(self.ids[index])
                kept.times.append(self.times[index])
                kept.kinds.append(self.kinds[index])
                kept.receipts.append(self.receipts[index])
                kept.payloads.append(self.payloads[index])
            }
            return kept
        }
    }

    /// A `connection_period` row for `jsonb_populate_recordset`.
    struct PeriodRow: Encodable {
        var device: Int64
        var connectedMs: Int64
        var disconnectedMs: Int64?
    }

    /// A device's registered versions after the call, for `jsonb_populate_recordset`.
    struct VersionsRow: Encodable {
        var id: String
        var hardwareVersion: String?
        var softwareVersion: String?
    }

    /// Everything the call's batches derived, gathered for the write statements.
    struct Writes {
        var estimates = EventRows()
        /// Accounts whose change number goes up, once per batch that changed a device's versions.
        var raisedAccounts: [AccountID] = []
        /// Per device id: when its last batch arrived and the versions it has now.
        var seen: [String: (at: Date, hardware: String?, software: String?)] = [:]
        var versionChanges: [VersionChangeColumns] = []
        /// Periods stored before the call that a `disconnected` closes, by device.
        var closes: [(device: Int64, at: Int64)] = []
        /// Periods opened in the call, with their end when the call closed them.
        var periods: [PeriodRow] = []
        var aggregates = TelemetryAggregates<Int64>()
        /// Devices whose stored periods a `disconnected` of the call closed already.
        private var closedStored: Set<Int64> = []

        /// Adds one batch's derived writes; batches are added in order.
        mutating func add(_ derived: DerivedTelemetryWrites, device: Int64) {
            for change in derived.versionChanges {
                self.versionChanges.append(VersionChangeColumns(device: device, change: change))
            }
            // As SQLite applies them: `open` adds a period, `close` ends every open one.
            for change in derived.connectionChanges {
                switch change {
                case .open(let time):
                    self.periods.append(PeriodRow(device: device, connectedMs: time))
                case .close(let time):
                    for index in self.periods.indices
                    where self.periods[index].device == device && self.periods[index].disconnectedMs == nil {
                        self.periods[index].disconnectedMs = time
                    }
                    if self.closedStored.insert(device).inserted { self.closes.append((device, time)) }
                }
            }
            self.aggregates.add(derived, of: device)
        }
    }

    /// Writes what the batches derived.
    func write(_ writes: Writes, states: [DeviceStateColumns], known: Set<String>) async throws {
        // Their ids were checked against what the devices stored, so every one goes in.
        _ = try await self.insert(writes.estimates, estimateCandidates: [])
        try await self.writeDevices(writes, states: states)
        // In one order, so concurrent ingests that raise the same accounts do not deadlock.
        for account in writes.raisedAccounts.sorted(by: { $0.rawValue < $1.rawValue }) {
            try await PostgresStore.raiseAccountChange(
                self.connection,
                account: account,
                .deviceVersions,
                logger: self.logger
            )
        }
        try await self.writeStatistics(writes.aggregates.statistics)
        try await self.writeLandmarks(writes.aggregates.landmarks, known: known)
    }

    /// The per-device rows, which the device locks guard: state, device record, version
    /// history, connection periods and daily usage, in one statement.
    private func writeDevices(_ writes: Writes, states: [DeviceStateColumns]) async throws {
        let seen = writes.seen.sorted { $0.key < $1.key }
        let versions = seen.map {
            VersionsRow(id: $0.key, hardwareVersion: $0.value.hardware, softwareVersion: $0.value.software)
        }
        var usage = UsageRows()
        for (device, buckets) in writes.aggregates.usage {
            for (key, totals) in buckets { usage.append(device: device, key: key, totals: totals) }
        }
        let stateRows = try PostgresRecordJSON.array(states)
        let versionRows = try PostgresRecordJSON.array(versions)
        let changeRows = try PostgresRecordJSON.array(writes.versionChanges)
        let periodRows = try PostgresRecordJSON.array(writes.periods)
        try await self.connection.query(
            """
            WITH state AS (
                UPDATE device_state s SET last_event_ms = v.last_event_ms, model = v.model, hw_version = v.hw_version,
                    sw_version = v.sw_version, signal_dbm = v.signal_dbm, battery_pct = v.battery_pct, ip = v.ip,
                    properties_ms = v.properties_ms, lat = v.lat, lon = v.lon, accuracy_m = v.accuracy_m,
                    location_source = v.location_source, speed_mps = v.speed_mps, heading_deg = v.heading_deg,
                    location_ms = v.location_ms, connection = v.connection,
                    connection_since_ms = v.connection_since_ms, connection_ms = v.connection_ms,
                    last_connected_ms = v.last_connected_ms
                FROM jsonb_populate_recordset(NULL::device_state, \(stateRows)::jsonb) AS v
                WHERE s.number = v.number
            ), seen AS (
                UPDATE device d SET last_seen = u.last_seen, hardware_version = v.hardware_version,
                    software_version = v.software_version
                FROM unnest(\(seen.map(\.key))::text[], \(seen.map(\.value.at))::timestamptz[]) AS u(id, last_seen)
                JOIN jsonb_populate_recordset(NULL::device, \(versionRows)::jsonb) AS v ON v.id = u.id
                WHERE d.id = u.id
            ), versions AS (
                INSERT INTO version_change (device, ts_ms, hw_version, sw_version, previous_hw_version, previous_sw_version)
                SELECT device, ts_ms, hw_version, sw_version, previous_hw_version, previous_sw_version
                FROM jsonb_populate_recordset(NULL::version_change, \(changeRows)::jsonb) WITH ORDINALITY
                ORDER BY ordinality
            ), closed AS (
                UPDATE connection_period c SET disconnected_ms = u.at
                FROM unnest(\(writes.closes.map(\.device))::bigint[], \(writes.closes.map(\.at))::bigint[])
                    AS u(device, at)
                WHERE c.device = u.device AND c.disconnected_ms IS NULL
            ), opened AS (
                INSERT INTO connection_period (device, connected_ms, disconnected_ms)
                SELECT device, connected_ms, disconnected_ms
                FROM jsonb_populate_recordset(NULL::connection_period, \(periodRows)::jsonb) WITH ORDINALITY
                ORDER BY ordinality
            ), usage AS (
                INSERT INTO daily_usage (device, day, function, operation, count, duration_ms)
                SELECT * FROM unnest(
                    \(usage.devices)::bigint[], \(usage.days)::text[], \(usage.functions)::text[],
                    \(usage.operations)::text[], \(usage.counts)::bigint[], \(usage.durations)::bigint[]
                ) AS u(device, day, function, operation, count, duration_ms)
                ORDER BY device, day, function, operation
                ON CONFLICT (device, day, function, operation) DO UPDATE
                SET count = daily_usage.count + excluded.count, duration_ms = daily_usage.duration_ms + excluded.duration_ms
            )
            SELECT 1
            """,
            logger: self.logger
        )
    }

    /// Adds to the operator statistics, in key order.
    private func writeStatistics(_ statistics: [StatisticKey: Int]) async throws {
        guard !statistics.isEmpty else { return }
        let rows = Array(statistics)
        try await self.connection.query(
            """
            INSERT INTO daily_statistic (day, kind, model, sw_version, count)
            SELECT * FROM unnest(
                \(rows.map(\.key.day.description))::text[], \(rows.map(\.key.kind.rawValue))::text[],
                \(rows.map(\.key.model))::text[], \(rows.map(\.key.softwareVersion))::text[], \(rows.map(\.value))::bigint[]
            ) AS s(day, kind, model, sw_version, count)
            ORDER BY day, kind, model, sw_version
            ON CONFLICT (day, kind, model, sw_version) DO UPDATE SET count = daily_statistic.count + excluded.count
            """,
            logger: self.logger
        )
    }

    /// Stores learned landmarks: those read under lock are updated, new ones inserted; a new one
    /// that another transaction inserted meanwhile throws ``LandmarkRace``.
    private func writeLandmarks(_ updates: [String: LandmarkUpdate], known: Set<String>) async throws {
        guard !updates.isEmpty else { return }
        let rows = updates.sorted { $0.key < $1.key }
        let isKnown = rows.map { known.contains($0.key) }
        let result = try await self.connection.query(
            """
            WITH v AS (
                SELECT * FROM unnest(
                    \(rows.map(\.key))::text[], \(rows.map(\.value.landmark.position.latitude))::float8[],
                    \(rows.map(\.value.landmark.position.longitude))::float8[], \(rows.map(\.value.landmark.samples))::bigint[],
                    \(rows.map(\.value.landmark.spreadMeters))::float8[], \(rows.map(\.value.updatedAt))::bigint[],
                    \(isKnown)::boolean[]
                ) AS v(key, lat, lon, samples, spread_m, updated_ms, known)
            ), updated AS (
                UPDATE radio_landmark l SET lat = v.lat, lon = v.lon, samples = v.samples, spread_m = v.spread_m,
                    updated_ms = v.updated_ms
                FROM v WHERE v.known AND l.key = v.key
            ), created AS (
                INSERT INTO radio_landmark (key, lat, lon, samples, spread_m, updated_ms)
                SELECT key, lat, lon, samples, spread_m, updated_ms FROM v WHERE NOT v.known ORDER BY key
                ON CONFLICT (key) DO NOTHING
                RETURNING key
            )
            SELECT count(*)::bigint FROM created
            """,
            logger: self.logger
        )
        var created = 0
        for try await count in result.decode(Int.self) { created = count }
        if created < isKnown.count(where: { !$0 }) { throw LandmarkRace() }
    }
}

/// `daily_usage` increments as the columns of one `unnest`.
private struct UsageRows {
    var devices: [Int64] = []
    var days: [String] = []
    var functions: [String] = []
    var operations: [String] = []
    var counts: [Int64] = []
    var durations: [Int64] = []

    mutating func append(device: Int64, key: UsageKey, totals: UsageTotals) {
        self.devices.append(device)
        self.days.append(key.day.description)
        self.functions.append(key.function)
        self.operations.append(key.operation)
        self.counts.append(Int64(totals.count))
        self.durations.append(totals.durationMilliseconds)
    }
}
