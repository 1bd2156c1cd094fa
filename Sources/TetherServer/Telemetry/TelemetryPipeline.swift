public import Foundation
import Metrics
public import TetherCore
import TetherStore

/// Telemetry from body to commit: decode each event on its own, check it against the
/// timestamp window, fill in what the server knows (the request's IP), store the valid ones
/// through the group-commit ``TelemetryIngestor``, and report per event.
///
/// The HTTP route and `tether-bench ingest` both run batches through this type.
public struct TelemetryPipeline: Sendable {
    /// The accepted device times.
    public var window: TimestampWindow
    /// The body decoder (its limit on events per batch).
    public var decoder: TelemetryBatchDecoder
    /// The writer.
    public let ingestor: TelemetryIngestor
    /// What "now" is for the timestamp window.
    public var clock: @Sendable () -> Date
    /// Evaluates what was stored before the batch is answered, so an answered batch has had its
    /// alerts decided; `nil` to store only (benchmarks of ingestion alone).
    public var alerts: AlertService?

    private static let accepted = Counter(label: "tether_telemetry_events", dimensions: [("outcome", "accepted")])
    private static let duplicate = Counter(label: "tether_telemetry_events", dimensions: [("outcome", "duplicate")])
    private static let rejected = Counter(label: "tether_telemetry_events", dimensions: [("outcome", "rejected")])

    /// Creates a pipeline.
    public init(
        ingestor: TelemetryIngestor,
        window: TimestampWindow = TimestampWindow(),
        decoder: TelemetryBatchDecoder = TelemetryBatchDecoder(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.ingestor = ingestor
        self.window = window
        self.decoder = decoder
        self.clock = clock
    }

    /// Ingests one batch body (already decompressed) sent by `device`.
    ///
    /// - Parameter clientAddress: The request's IP, recorded on `properties` events without one.
    /// - Throws: ``TetherError/malformedBody(_:)`` or ``TetherError/tooManyEvents(limit:)`` for the
    ///   whole body (nothing stored); ``TetherError/unauthenticated`` when the device was removed
    ///   meanwhile.
    public func ingest(body: Data, device: DeviceID, clientAddress: String?) async throws -> IngestReport {
        try await self.ingest(body: body, device: device, owner: nil, clientAddress: clientAddress)
    }

    /// Ingests one batch body sent by `device`, then evaluates its alerts.
    public func ingest(body: Data, device: Device, clientAddress: String?) async throws -> IngestReport {
        try await self.ingest(body: body, device: device.id, owner: device, clientAddress: clientAddress)
    }

    private func ingest(
        body: Data,
        device: DeviceID,
        owner: Device?,
        clientAddress: String?
    ) async throws -> IngestReport {
        let slots = try self.decoder.decode(body)
        let now = self.clock()
        var report = IngestReport()
        var events: [TelemetryEvent] = []
        events.reserveCapacity(slots.count)
        for (index, slot) in slots.enumerated() {
            do {
                var event = try slot.get()
                try self.window.check(event.timestamp, now: now)
                if case .usage(let usage) = event.payload {
                    try self.window.check(usage.startMilliseconds, now: now, field: "start_ms")
                }
                if case .properties(var properties) = event.payload, properties.ipAddress == nil, let clientAddress {
                    properties.ipAddress = clientAddress
                    event.payload = .properties(properties)
                }
                events.append(event)
            } catch {
                report.errors.append(IngestReport.RejectedEvent(index: index, rejection: error))
            }
        }
        report.rejected = report.errors.count
        // Even a batch with nothing valid (or an empty heartbeat) marks the device as seen.
        let outcome = try await self.ingestor.ingest(TelemetryBatch(device: device, events: events, receivedAt: now))
        guard !outcome.deviceRemoved else { throw TetherError.unauthenticated }
        if let alerts = self.alerts, let owner {
            try await alerts.evaluate(outcome.stored, from: owner)
        }
        report.accepted = outcome.accepted
        report.duplicate = outcome.duplicate
        Self.accepted.increment(by: report.accepted)
        Self.duplicate.increment(by: report.duplicate)
        Self.rejected.increment(by: report.rejected)
        return report
    }
}
