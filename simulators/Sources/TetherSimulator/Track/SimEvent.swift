/// One telemetry event a simulated device sends, at an event time after the scenario's start.
public struct SimEvent: Sendable, Hashable {
    /// What the event says, in the wire's terms (`../shared/WIRE.md`).
    public enum Payload: Sendable, Hashable {
        case location(latitude: Double, longitude: Double, accuracy: Double, source: String)
        case wifiScan([AccessPointReading])
        case cellTowers([CellReading])
        case connection(connected: Bool)
        case properties(batteryPercent: Int?, signalDBm: Int?, model: String?, hwVersion: String?, swVersion: String?)
        case usage(function: String, operation: String, durationMilliseconds: Int64)
        case sos

        /// The wire's `kind`.
        public var kind: String {
            switch self {
            case .location: "location"
            case .wifiScan: "wifi_scan"
            case .cellTowers: "cell_towers"
            case .connection: "connection"
            case .properties: "properties"
            case .usage: "usage"
            case .sos: "sos"
            }
        }
    }

    /// An access point heard in a scan.
    public struct AccessPointReading: Sendable, Hashable {
        public var bssid: String
        public var rssi: Int
    }

    /// A cell tower heard in a scan.
    public struct CellReading: Sendable, Hashable {
        public var mcc: Int
        public var mnc: Int
        public var tac: Int
        public var cellID: Int64
        public var rssi: Int
    }

    /// Milliseconds after the scenario's start.
    public var time: Int64
    public var payload: Payload

    /// An event `time` milliseconds after the start.
    public init(time: Int64, payload: Payload) {
        self.time = time
        self.payload = payload
    }
}
