public import Foundation

/// What `tether-sim load` does: how many devices, how fast, for how long.
public struct LoadOptions: Sendable {
    /// The server under test (loopback).
    public var serverURL: URL
    /// Devices to pair and send as.
    public var devices: Int
    /// Events per second offered, in total.
    public var rate: Int
    /// How long to send, in seconds.
    public var duration: Double
    /// Events per batch (one device's events per request).
    public var batch: Int
    /// Requests in flight at most.
    public var concurrency: Int
    /// Claims in flight at most while pairing.
    public var pairingConcurrency: Int

    /// Creates options.
    public init(
        serverURL: URL,
        devices: Int,
        rate: Int,
        duration: Double,
        batch: Int,
        concurrency: Int = 32,
        pairingConcurrency: Int = 8
    ) {
        self.serverURL = serverURL
        self.devices = devices
        self.rate = rate
        self.duration = duration
        self.batch = batch
        self.concurrency = concurrency
        self.pairingConcurrency = pairingConcurrency
    }

    /// Checks the bounds: a load run is bounded in count and time, against loopback only.
    public func validate() throws(SimulationError) {
        guard (1...1_000_000).contains(self.devices) else { throw SimulationError("--devices must be 1-1000000") }
        guard (1...10_000_000).contains(self.rate) else { throw SimulationError("--rate must be 1-10000000 events/s") }
        guard self.duration > 0, self.duration <= 3_600 else { throw SimulationError("--duration must be 1s-1h") }
        guard (1...1_000).contains(self.batch) else { throw SimulationError("--batch must be 1-1000 events") }
        guard (1...1_024).contains(self.concurrency) else { throw SimulationError("--concurrency must be 1-1024") }
        guard let host = self.serverURL.host,
            ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
                || host.hasPrefix("127.")
        else {
            throw SimulationError(
                "--server must be a loopback address (127.0.0.0/8, localhost or [::1]) for a load run"
            )
        }
    }

    /// Seconds between two batches at the offered rate.
    var batchInterval: Double { Double(self.batch) / Double(self.rate) }

    /// Batches in the whole run.
    var batchCount: Int { max(1, Int((self.duration / self.batchInterval).rounded())) }
}
