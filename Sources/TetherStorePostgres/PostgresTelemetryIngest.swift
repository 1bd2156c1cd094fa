import Foundation
import Logging
import PostgresNIO
import TetherCore
import TetherDomain
import TetherGeo
import TetherStore

/// One ingest transaction on PostgreSQL: stores a group of batches and the state the domain rules
/// (``TelemetryDerivation``) derive from them, in a fixed number of statements whatever the
/// number of batches and events.
///
/// 1. The batches' devices, locked `FOR UPDATE` in id order: concurrent ingests of one device
///    take turns, so each derives from the state the one before it wrote.
/// 2. Their `device_state` rows, created where missing.
/// 3. The events, each device's event id once: the new ids recorded in `telemetry_seen`
///    (skipping ids the device stored before at any device time), only those events inserted,
///    and which of the ids that estimates would take are taken (``TelemetryStatements``).
/// 4. With scans: the landmarks the new scans heard, locked `FOR UPDATE` in key order.
/// 5. Derivation, batch by batch in memory.
/// 6. The writes: estimates; the devices' state, versions, last-seen, connection periods and
///    daily usage in one statement; the account change numbers; the operator statistics; the
///    landmarks.
///
/// Shared rows (statistics, landmarks) are locked in key order after the devices, so ingests
/// do not deadlock one another. A landmark that a concurrent ingest created after step 4 is
/// reported as ``LandmarkRace``; the caller runs the transaction again.
struct PostgresTelemetryIngest {
    let connection: PostgresConnection
    let logger: Logger

    /// A landmark this transaction meant to create was created by another one meanwhile.
    struct LandmarkRace: Error {}

    /// What `device` says of a device: whose it is and what it was registered with.
    private struct Registration {
        var account: AccountID
        var model: String
        var hardwareVersion: String?
        var softwareVersion: String?
    }

    /// A device's event id.
    struct Key: Hashable {
        var device: Int64
        var id: UUID
    }

    func store(_ batches: [TelemetryBatch]) async throws -> [TelemetryBatchOutcome] {
        var registrations = try await self.lockDevices(Set(batches.map(\.device.rawValue)).sorted())
        guard !registrations.isEmpty else { return batches.map { _ in TelemetryBatchOutcome(deviceRemoved: true) } }
        var states = try await self.loadStates(registrations.keys.sorted())

        // Each device's event id is offered once, at its first use in the call.
        var offered: [[TelemetryEvent]] = Array(repeating: [], count: batches.count)
        var keys: Set<Key> = []
        var rows = EventRows()
        var candidates: [Key] = []
        for (index, batch) in batches.enumerated() {
            guard let state = states[batch.device.rawValue] else { continue }
            for event in batch.events where keys.insert(Key(device: state.number, id: event.id)).inserted {
                offered[index].append(event)
                rows.append(event, device: state.number, receivedAt: batch.receivedAt.milliseconds)
                if RadioScan(event.payload) != nil {
                    candidates.append(Key(device: state.number, id: TelemetryDerivation.estimateID(for: event.id)))
                }
            }
        }
        let (inserted, taken) = try await self.insert(rows, estimateCandidates: candidates)
        let fresh = offered.enumerated().map { index, events in
            events.filter { event in
                guard let state = states[batches[index].device.rawValue] else { return false }
                return inserted.contains(Key(device: state.number, id: event.id))
            }
        }
        let heard = RadioScan.landmarkKeys(in: fresh.joined())
        let stored = try await self.lockLandmarks(heard.sorted())

        var writes = Writes()
        var landmarks = stored
        var used = inserted.union(taken)
        var outcomes: [TelemetryBatchOutcome] = []
        for (index, batch) in batches.enumerated() {
            let id = batch.device.rawValue
            guard var registration = registrations[id], var state = states[id] else {
                outcomes.append(TelemetryBatchOutcome(deviceRemoved: true))
                continue
            }
            let heardNow = RadioScan.landmarkKeys(in: fresh[index])
            var derived = TelemetryDerivation.derive(
                fresh[index],
                state: state.derived,
                registeredModel: registration.model,
                registeredSoftwareVersion: registration.softwareVersion,
                landmarks: landmarks.filter { heardNow.contains($0.key) }
            )
            if !derived.estimates.isEmpty {
                var kept: Set<UUID> = []
                for estimate in derived.estimates where used.insert(Key(device: state.number, id: estimate.id)).inserted
                {
                    kept.insert(estimate.id)
                    writes.estimates.append(estimate, device: state.number, receivedAt: batch.receivedAt.milliseconds)
                }
                derived.keepEstimates(storedIDs: kept)
            }
            state.derived = derived.state
            states[id] = state
            let reported = (state.hwVersion, state.swVersion)
            if AccountChange.deviceVersionsChanged(
                held: (registration.hardwareVersion, registration.softwareVersion),
                reported: reported
            ) {
                writes.raisedAccounts.append(registration.account)
            }
            registration.hardwareVersion = reported.0 ?? registration.hardwareVersion
            registration.softwareVersion = reported.1 ?? registration.softwareVersion
            registrations[id] = registration
            writes.seen[id] = (batch.receivedAt, registration.hardwareVersion, registration.softwareVersion)
            writes.add(derived, device: state.number)
            for (key, update) in derived.landmarks { landmarks[key] = update.landmark }
            outcomes.append(
                TelemetryBatchOutcome(
                    accepted: fresh[index].count,
                    duplicate: batch.events.count - fresh[index].count,
                    estimated: derived.estimates.count,
                    stored: derived.stored
                )
            )
        }
        try await self.write(writes, states: states.values.sorted { $0.number < $1.number }, known: Set(stored.keys))
        return outcomes
    }

    // MARK: Steps

    private func lockDevices(_ ids: [String]) async throws -> [String: Registration] {
        let rows = try await self.connection.query(
            """
            SELECT id, account_id, model, hardware_version, software_version FROM device
            WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE
            """,
            logger: self.logger
        )
        var registrations: [String: Registration] = [:]
        for try await (id, account, model, hardware, software) in rows.decode(
            (String, String, String, String?, String?).self
        ) {
            registrations[id] = Registration(
                account: AccountID(rawValue: account),
                model: model,
                hardwareVersion: hardware,
                softwareVersion: software
            )
        }
        return registrations
    }

    private func loadStates(_ ids: [String]) async throws -> [String: DeviceStateColumns] {
        let rows = try await self.connection.query(
            """
            WITH created AS (
                INSERT INTO device_state AS s (device_id) SELECT unnest(\(ids)::text[])
                ON CONFLICT (device_id) DO NOTHING RETURNING to_jsonb(s)::text
            )
            SELECT * FROM created
            UNION ALL SELECT to_jsonb(s)::text FROM device_state s WHERE device_id = ANY(\(ids))
            """,
            logger: self.logger
        )
        var states: [String: DeviceStateColumns] = [:]
        for try await json in rows.decode(String.self) {
            let state = try PostgresRecordJSON.row(json, as: DeviceStateColumns.self)
            states[state.deviceId] = state
        }
        return states
    }

    /// Inserts the events whose ids their devices have not stored; returns those inserted and,
    /// of `estimateCandidates`, those stored before (or now).
    ///
    /// `telemetry_seen`'s primary key decides which events are new (`ON CONFLICT DO NOTHING`
    /// probes it once per event); only those go into `telemetry_event`, in the order given.
    func insert(
        _ rows: EventRows,
        estimateCandidates candidates: [Key]
    ) async throws -> (inserted: Set<Key>, taken: Set<Key>) {
        guard !rows.devices.isEmpty else { return ([], []) }
        let inserted = try Self.keys(
            await self.connection.all(TelemetryStatements.RecordKeys(devices: rows.devices, ids: rows.ids))
        )
        let fresh = rows.filter { inserted.contains($0) }
        if !fresh.devices.isEmpty {
            _ = try await self.connection.all(TelemetryStatements.InsertEvents(rows: fresh))
        }
        guard !candidates.isEmpty else { return (inserted, []) }
        let taken = try Self.keys(
            await self.connection.all(
                TelemetryStatements.StoredKeys(devices: candidates.map(\.device), ids: candidates.map(\.id))
            )
        )
        return (inserted, taken)
    }

    /// The keys of `(device, event_id)` rows.
    private static func keys(_ rows: [(Int64, Data)]) throws -> Set<Key> {
        try Set(
            rows.map { device, eventID in
                guard let id = TelemetryColumns.uuid(eventID) else {
                    throw TelemetryColumns.UnreadableColumn(column: "event_id")
                }
                return Key(device: device, id: id)
            }
        )
    }

    /// The stored landmarks among `keys`, locked until the transaction ends.
    private func lockLandmarks(_ keys: [String]) async throws -> [String: RadioLandmark] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await self.connection.query(
            """
            SELECT key, lat, lon, samples, spread_m FROM radio_landmark
            WHERE key = ANY(\(keys)) ORDER BY key FOR UPDATE
            """,
            logger: self.logger
        )
        var landmarks: [String: RadioLandmark] = [:]
        for try await (key, latitude, longitude, samples, spread) in rows.decode(
            (String, Double, Double, Int, Double).self
        ) {
            landmarks[key] = RadioLandmark(
                position: Coordinate(uncheckedLatitude: latitude, longitude: longitude),
                samples: samples,
                spreadMeters: spread
            )
        }
        return landmarks
    }
}
