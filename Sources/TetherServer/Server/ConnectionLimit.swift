import HummingbirdCore
import Metrics

/// At most `maximum` open connections (`--max-connections`): when they are all open the server
/// stops accepting, and new connections wait in the listen backlog until one closes. The open
/// count is the `tether_http_connections` gauge.
struct ConnectionLimit: AvailableConnectionsDelegate {
    let maximum: Int
    private var open = 0
    private let gauge = Gauge(label: "tether_http_connections")

    init(maximum: Int) {
        self.maximum = maximum
    }

    mutating func connectionOpened() {
        self.open += 1
        self.gauge.record(self.open)
    }

    mutating func connectionClosed() {
        self.open -= 1
        self.gauge.record(self.open)
    }

    func isAcceptingNewConnections() -> Bool {
        self.open < self.maximum
    }
}
