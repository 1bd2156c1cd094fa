import Foundation

/// Checks that a device's telemetry reaches only its home region: another region's server must
/// refuse a batch with `421 wrong_region` naming the home region and its URL, and store nothing.
struct TelemetryProbe: Sendable {
    /// The device's home region and server.
    let homeRegion: String
    let homeURL: URL

    /// Posts `events` to `region`'s server at `url` (not the home region); returns what was
    /// wrong with its answer, `nil` when it refused them as it must.
    func refusal(
        of events: [WireEvent],
        by region: String,
        at url: URL,
        device: ProvisionedDevice
    ) async throws -> String? {
        let (status, body) = try await TelemetrySender(serverURL: url).post(
            events,
            credential: device.credential,
            device: device.name
        )
        let problem = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        let what = "\(device.name)'s telemetry posted to \(region) (\(url.absoluteString))"
        guard status == 421, problem["code"] as? String == "wrong_region" else {
            return "\(what): expected 421 wrong_region, got HTTP \(status): \(body.prefix(200))"
        }
        guard problem["home_region"] as? String == self.homeRegion else {
            return "\(what): 421 names home region \(problem["home_region"] ?? "none"), not \(self.homeRegion)"
        }
        guard let home = problem["home_url"] as? String, URL(string: home) == self.homeURL else {
            return "\(what): 421 names home_url \(problem["home_url"] ?? "none"), not \(self.homeURL.absoluteString)"
        }
        return nil
    }
}
