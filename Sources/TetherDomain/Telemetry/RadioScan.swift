public import TetherCore

/// The transmitters one Wi-Fi or cell scan heard, under the keys their learned positions are
/// stored by (`wifi:<bssid>`, `cell:<mcc-mnc-area-cell>`).
///
/// A transmitter listed twice counts once, at its loudest; the transmitters keep the order in
/// which the scan first lists them, so an estimate from the scan is the same on every run.
public struct RadioScan: Sendable, Hashable {
    /// One transmitter heard.
    public struct Heard: Sendable, Hashable {
        /// The landmark key of the transmitter.
        public var key: String
        /// Received signal strength in dBm (a cell tower without one counts as -100 dBm).
        public var rssi: Int

        /// Creates a reading.
        public init(key: String, rssi: Int) {
            self.key = key
            self.rssi = rssi
        }
    }

    /// The transmitters heard, each once.
    public var heard: [Heard]
    /// The smallest accuracy radius an estimate from this kind of scan may claim, in metres:
    /// 20 m for Wi-Fi, 300 m for cells.
    public var minimumAccuracyMeters: Double

    /// The scan `payload` reports; `nil` for a payload that is not a Wi-Fi or cell scan.
    public init?(_ payload: TelemetryPayload) {
        switch payload {
        case .wifiScan(let readings):
            self.init(heard: readings.map { Heard(key: Self.wifiKey($0.bssid), rssi: $0.rssi) }, minimumAccuracy: 20)
        case .cellTowers(let readings):
            self.init(
                heard: readings.map { Heard(key: Self.cellKey($0.towerKey), rssi: $0.rssi ?? -100) },
                minimumAccuracy: 300
            )
        case .properties, .location, .beacons, .usage, .connection, .sos:
            return nil
        }
    }

    private init(heard readings: [Heard], minimumAccuracy: Double) {
        var position: [String: Int] = [:]
        var heard: [Heard] = []
        heard.reserveCapacity(readings.count)
        for reading in readings {
            if let index = position[reading.key] {
                heard[index].rssi = max(heard[index].rssi, reading.rssi)
            } else {
                position[reading.key] = heard.count
                heard.append(reading)
            }
        }
        self.heard = heard
        self.minimumAccuracyMeters = minimumAccuracy
    }

    /// The landmark key of the Wi-Fi access point `bssid`.
    public static func wifiKey(_ bssid: String) -> String { "wifi:\(bssid)" }

    /// The landmark key of the cell tower `towerKey` (``CellTowerReading/towerKey``).
    public static func cellKey(_ towerKey: String) -> String { "cell:\(towerKey)" }

    /// The landmark keys the scans among `events` heard, each once: what a store reads before a
    /// ``TelemetryDerivation`` so that it can learn and estimate.
    public static func landmarkKeys(in events: some Sequence<TelemetryEvent>) -> Set<String> {
        var keys: Set<String> = []
        for event in events {
            guard let scan = RadioScan(event.payload) else { continue }
            for heard in scan.heard { keys.insert(heard.key) }
        }
        return keys
    }
}
