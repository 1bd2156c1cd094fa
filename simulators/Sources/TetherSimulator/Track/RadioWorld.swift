import Foundation
import TetherGeo

/// The scenario's access points and cell towers with their identities for one run, and what a
/// device hears of them at a position.
///
/// BSSIDs and cell ids are derived from the run's tag, so the transmitter positions the server
/// learns (server-wide, not per account) never mix between runs or scenarios.
public struct RadioWorld: Sendable {
    struct Transmitter: Sendable {
        var position: Coordinate
        var range: Double
        var identity: UInt64
    }

    private let accessPoints: [Transmitter]
    private let cellTowers: [Transmitter]

    /// The world of `scenario` under `runTag`.
    public init(_ scenario: Scenario, runTag: String) {
        func transmitters(_ list: [RadioTransmitter], kind: String, range: Double) -> [Transmitter] {
            list.map {
                Transmitter(
                    position: $0.position,
                    range: $0.range ?? range,
                    identity: StableHash.fnv1a("\(runTag)/\(scenario.name)/\(kind)/\($0.name)")
                )
            }
        }
        self.accessPoints = transmitters(scenario.accessPoints, kind: "wifi", range: 60)
        self.cellTowers = transmitters(scenario.cellTowers, kind: "cell", range: 3_000)
    }

    /// The access points in range of `position`, loudest first.
    func accessPoints(at position: Coordinate) -> [SimEvent.AccessPointReading] {
        self.heard(self.accessPoints, at: position).map { transmitter, rssi in
            SimEvent.AccessPointReading(bssid: Self.bssid(transmitter.identity), rssi: rssi)
        }
    }

    /// The cell towers in range of `position`, loudest first.
    func cellTowers(at position: Coordinate) -> [SimEvent.CellReading] {
        self.heard(self.cellTowers, at: position).map { transmitter, rssi in
            SimEvent.CellReading(
                mcc: 262,
                mnc: 1,
                tac: Int(transmitter.identity % 65_000) + 1,
                cellID: Int64((transmitter.identity >> 16) % (1 << 28)),
                rssi: rssi
            )
        }
    }

    private func heard(_ transmitters: [Transmitter], at position: Coordinate) -> [(Transmitter, Int)] {
        transmitters.compactMap { transmitter in
            let distance = Earth.distance(position, transmitter.position)
            guard distance <= transmitter.range else { return nil }
            return (transmitter, Self.rssi(distance: distance))
        }
        .sorted { $0.1 > $1.1 }
        .prefix(100)
        .map { $0 }
    }

    /// Free-space-like loss: −40 dBm at 1 m, 20 dB per decade, −30…−120.
    static func rssi(distance: Double) -> Int {
        let value = -40 - 20 * log10(max(distance, 1))
        return Int(min(-30, max(-120, value)).rounded())
    }

    /// A locally administered unicast MAC address from `identity`.
    static func bssid(_ identity: UInt64) -> String {
        var bytes = (0..<6).map { UInt8(truncatingIfNeeded: identity >> (8 * UInt64($0))) }
        bytes[0] = (bytes[0] | 0x02) & 0xFE
        return bytes.map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}
