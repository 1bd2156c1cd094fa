import TetherCore
import TetherGeo

/// Positions from scans, for one batch: a scan taken at a good GNSS fix teaches the fix's
/// position to the landmarks it heard; a scan taken without one gets a position estimated from
/// the landmarks already known.
struct ScanPositioning {
    /// Landmarks known so far: the ones the store read, with what this batch taught them.
    private(set) var landmarks: [String: RadioLandmark]
    /// The landmarks this batch taught.
    private(set) var updates: [String: LandmarkUpdate] = [:]
    /// Estimated positions, as `location` events of source `estimated`, in scan order.
    private(set) var estimates: [TelemetryEvent] = []
    /// The GNSS fixes good enough to learn from, by device time.
    private let fixes: [(time: Int64, position: Coordinate)]

    /// Starts from the batch's events (in device-time order), the state before them and the
    /// landmarks their scans heard.
    init(events: [TelemetryEvent], stateBefore: DerivedDeviceState, landmarks: [String: RadioLandmark]) {
        var fixes: [(time: Int64, position: Coordinate)] = events.compactMap { event in
            guard case .location(let fix) = event.payload, Self.teaches(fix) else { return nil }
            return (event.timestamp, Coordinate(uncheckedLatitude: fix.latitude, longitude: fix.longitude))
        }
        if let last = stateBefore.location, let time = stateBefore.locationTime, Self.teaches(last) {
            fixes.append((time, Coordinate(uncheckedLatitude: last.latitude, longitude: last.longitude)))
        }
        self.fixes = fixes
        self.landmarks = landmarks
    }

    /// Whether `fix` is a GNSS fix accurate enough to teach landmark positions.
    private static func teaches(_ fix: LocationFix) -> Bool {
        fix.source == .gnss && fix.accuracyMeters <= TelemetryDerivation.learningAccuracyMeters
    }

    /// Learns from or estimates a position for each scan among `events`, in order.
    mutating func locate(_ events: [TelemetryEvent]) {
        for event in events {
            guard let scan = RadioScan(event.payload) else { continue }
            let nearest = self.fixes.min { abs($0.time - event.timestamp) < abs($1.time - event.timestamp) }
            if let nearest, abs(nearest.time - event.timestamp) <= TelemetryDerivation.scanFixPairingMilliseconds {
                for heard in scan.heard {
                    self.learn(heard.key, at: nearest.position, time: event.timestamp)
                }
            } else if let estimate = self.estimate(scan, at: event) {
                self.estimates.append(estimate)
            }
        }
    }

    private mutating func learn(_ key: String, at position: Coordinate, time: Int64) {
        let learned = self.landmarks[key].map { $0.learning(from: position) } ?? RadioLandmark(firstHeardAt: position)
        self.landmarks[key] = learned
        self.updates[key] = LandmarkUpdate(
            landmark: learned,
            updatedAt: max(self.updates[key]?.updatedAt ?? time, time)
        )
    }

    /// The position the known landmarks `scan` heard give, as a `location` event at the scan's
    /// time with the id ``TelemetryDerivation/estimateID(for:)`` of the scan; `nil` when it
    /// heard none.
    private func estimate(_ scan: RadioScan, at event: TelemetryEvent) -> TelemetryEvent? {
        let observations = scan.heard.compactMap { heard in
            self.landmarks[heard.key].map { RadioPositionEstimator.Observation(landmark: $0, rssi: heard.rssi) }
        }
        guard
            let estimate = RadioPositionEstimator.estimate(
                observations,
                minimumAccuracyMeters: scan.minimumAccuracyMeters
            )
        else { return nil }
        let fix = LocationFix(
            latitude: estimate.position.latitude,
            longitude: estimate.position.longitude,
            accuracyMeters: (estimate.accuracyMeters * 10).rounded() / 10,
            source: .estimated
        )
        return TelemetryEvent(
            id: TelemetryDerivation.estimateID(for: event.id),
            timestamp: event.timestamp,
            payload: .location(fix)
        )
    }
}
