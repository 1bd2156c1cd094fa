import Foundation

/// Writes one device's telemetry batch in the wire form (`../shared/WIRE.md`), quickly: a load
/// run writes tens of thousands of events a second on the machine it measures.
///
/// Each device walks slowly around its own home; most events are fixes, with a properties
/// report (battery well above any low-battery threshold) and a usage record now and then.
struct LoadBatchWriter: Sendable {
    /// The device's home and its last event time.
    struct DeviceTrack: Sendable {
        var latitude: Double
        var longitude: Double
        var lastTime: Int64
    }

    private var generator: SystemRandomNumberGenerator = SystemRandomNumberGenerator()

    /// The body of `size` events of `track`'s device, the last one now: at most a second apart,
    /// all after the device's previous batch, none in the future (the server refuses those).
    mutating func body(size: Int, track: inout DeviceTrack) -> Data {
        var text = "{\"events\":["
        text.reserveCapacity(size * 150 + 16)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let step = min(1_000, max(1, (now - track.lastTime) / Int64(size)))
        var time = max(track.lastTime + 1, now - Int64(size - 1) * step)
        for index in 0..<size {
            if index > 0 { text += "," }
            let id = UUID().uuidString
            switch UInt8.random(in: 0..<20, using: &self.generator) {
            case 0, 1:
                let battery = Int.random(in: 40...100, using: &self.generator)
                text += "{\"event_id\":\"\(id)\",\"ts\":\(time),\"kind\":\"properties\",\"battery_pct\":\(battery)"
                text += ",\"signal_dbm\":-\(Int.random(in: 50...110, using: &self.generator))}"
            case 2:
                text += "{\"event_id\":\"\(id)\",\"ts\":\(time),\"kind\":\"usage\",\"function\":\"find\","
                text += "\"operation\":\"ring\",\"start_ms\":\(time),\"duration_ms\":3000}"
            default:
                track.latitude += Double.random(in: -0.00002...0.00002, using: &self.generator)
                track.longitude += Double.random(in: -0.00002...0.00002, using: &self.generator)
                text += "{\"event_id\":\"\(id)\",\"ts\":\(time),\"kind\":\"location\",\"lat\":\(track.latitude)"
                text += ",\"lon\":\(track.longitude),\"accuracy_m\":8.0,\"source\":\"gnss\"}"
            }
            time += step
        }
        track.lastTime = time - step
        text += "]}"
        return Data(text.utf8)
    }
}
