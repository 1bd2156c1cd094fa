/// A radio transmitter (a Wi-Fi access point, a cell tower) whose position the server learned
/// from GNSS fixes taken where it was heard.
///
/// The position is the running mean of those fixes; after ``maxSamples`` the mean keeps moving
/// with new fixes, so a transmitter that was moved is relearned.
public struct RadioLandmark: Sendable, Hashable {
    /// The estimated position of the transmitter.
    public var position: Coordinate
    /// How many fixes were folded in (capped at ``maxSamples``).
    public var samples: Int
    /// The mean distance of those fixes from ``position``, in metres: how far it is heard.
    public var spreadMeters: Double

    /// The weight cap of the running mean.
    public static let maxSamples = 64

    /// Creates a landmark.
    public init(position: Coordinate, samples: Int, spreadMeters: Double) {
        self.position = position
        self.samples = samples
        self.spreadMeters = spreadMeters
    }

    /// A landmark first heard at `fix`.
    public init(firstHeardAt fix: Coordinate) {
        self.init(position: fix, samples: 1, spreadMeters: 0)
    }

    /// Folds in one more fix taken where the transmitter was heard.
    public func learning(from fix: Coordinate) -> RadioLandmark {
        let weight = Double(min(self.samples, Self.maxSamples - 1))
        let total = weight + 1
        let longitude = Longitude.unwrapped(fix.longitude, near: self.position.longitude)
        let position = Coordinate(
            uncheckedLatitude: (self.position.latitude * weight + fix.latitude) / total,
            longitude: Longitude.normalised((self.position.longitude * weight + longitude) / total)
        )
        let spread = (self.spreadMeters * weight + Earth.distance(self.position, fix)) / total
        return RadioLandmark(position: position, samples: Int(total), spreadMeters: spread)
    }
}

/// Estimates a position from the known transmitters a scan heard.
///
/// The estimate is the centroid of the transmitters weighted by received amplitude
/// (`10^(rssi/20)`, so a transmitter 20 dB louder counts ten times as much). Its accuracy
/// radius is the weighted root-mean-square distance of the transmitters from the estimate plus
/// twice their mean spread, and never less than `minimumAccuracyMeters`.
///
/// Twice, because the spread (how far from the learned position the transmitter was heard)
/// stands for two errors: the device is somewhere within hearing range of the transmitter, and
/// the learned position itself can be off by about that range when every fix came from one
/// side (a cell tower learned only from the road leading to it).
public enum RadioPositionEstimator {
    /// A known transmitter and how loud it was heard.
    public struct Observation: Sendable, Hashable {
        public var landmark: RadioLandmark
        /// Received signal strength in dBm.
        public var rssi: Int

        /// Creates an observation.
        public init(landmark: RadioLandmark, rssi: Int) {
            self.landmark = landmark
            self.rssi = rssi
        }
    }

    /// The estimate with its accuracy radius in metres; `nil` without observations.
    public static func estimate(
        _ observations: [Observation],
        minimumAccuracyMeters: Double
    ) -> (position: Coordinate, accuracyMeters: Double)? {
        guard !observations.isEmpty else { return nil }
        var totalWeight = 0.0
        var latitude = 0.0
        var longitude = 0.0
        var spread = 0.0
        // Longitudes are averaged on the side of the first transmitter, so a cluster across the
        // antimeridian (179.99° and -179.99°) averages to 180°, not 0°.
        let reference = observations[0].landmark.position.longitude
        for observation in observations {
            let weight = geoPow10(Double(observation.rssi) / 20)
            totalWeight += weight
            latitude += observation.landmark.position.latitude * weight
            longitude += Longitude.unwrapped(observation.landmark.position.longitude, near: reference) * weight
            spread += observation.landmark.spreadMeters * weight
        }
        let position = Coordinate(
            uncheckedLatitude: latitude / totalWeight,
            longitude: Longitude.normalised(longitude / totalWeight)
        )
        var squaredDistances = 0.0
        for observation in observations {
            let distance = Earth.distance(position, observation.landmark.position)
            squaredDistances += distance * distance * geoPow10(Double(observation.rssi) / 20)
        }
        let accuracy = (squaredDistances / totalWeight).squareRoot() + 2 * spread / totalWeight
        return (position, max(accuracy, minimumAccuracyMeters))
    }
}

/// Longitude arithmetic across the antimeridian.
enum Longitude {
    /// `longitude` shifted by ±360° to lie within 180° of `reference` (possibly outside ±180°).
    static func unwrapped(_ longitude: Double, near reference: Double) -> Double {
        if longitude - reference > 180 { return longitude - 360 }
        if longitude - reference < -180 { return longitude + 360 }
        return longitude
    }

    /// `longitude` brought back into −180…180.
    static func normalised(_ longitude: Double) -> Double {
        if longitude > 180 { return longitude - 360 }
        if longitude < -180 { return longitude + 360 }
        return longitude
    }
}
