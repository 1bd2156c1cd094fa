import Foundation
import OpenAPIRuntime
import TetherAPI

/// Follows one owner's `GET /v1/alerts/stream` for the length of a run and keeps what arrives.
actor AlertWatcher {
    /// One event of the stream.
    struct Notification: Sendable {
        /// `alert`, `repeat` or `ended`.
        var event: String
        var alert: Components.Schemas.Alert
        var arrived: ContinuousClock.Instant
    }

    private(set) var notifications: [Notification] = []
    /// Why the stream stopped before the run ended it.
    private(set) var failure: String?
    private var reader: Task<Void, Never>?

    /// Opens the stream with `client` (an AsyncHTTPClient transport, so events arrive as they
    /// are sent). The server subscribes before it answers, so once this returns nothing the
    /// account is told can be missed.
    static func open(_ client: Client) async throws -> AlertWatcher {
        let body = try await client.streamAlerts().ok.body.textEventStream
        let watcher = AlertWatcher()
        await watcher.read(body)
        return watcher
    }

    /// The time the last event arrived, if any did.
    var lastArrival: ContinuousClock.Instant? { self.notifications.last?.arrived }

    /// Stops following; the connection closes.
    func stop() {
        self.reader?.cancel()
        self.reader = nil
    }

    private func read(_ body: HTTPBody) {
        self.reader = Task {
            let events = body.asDecodedServerSentEventsWithJSONData(
                of: Components.Schemas.Alert.self,
                decoder: Self.decoder
            )
            do {
                for try await event in events {
                    // Keep-alive comments arrive as events without data.
                    guard let alert = event.data else { continue }
                    self.record(Notification(event: event.event ?? "alert", alert: alert, arrived: .now))
                }
                self.fail("the server ended the alert stream")
            } catch is CancellationError {
                return
            } catch {
                if !Task.isCancelled { self.fail("the alert stream broke: \(error)") }
            }
        }
    }

    private func record(_ notification: Notification) {
        self.notifications.append(notification)
    }

    private func fail(_ reason: String) {
        if self.failure == nil { self.failure = reason }
    }

    /// The stream's JSON: ISO 8601 times with or without milliseconds.
    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        let transcoder = MillisecondDateTranscoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try transcoder.decode(try decoder.singleValueContainer().decode(String.self))
        }
        return decoder
    }
}
