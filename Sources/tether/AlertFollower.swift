import Foundation
import OpenAPIRuntime
import TetherAPI

/// Reads the alert stream and prints its events until enough have arrived.
actor AlertFollower {
    let connection: ServerConnection
    let output: Output
    let device: String?
    let count: Int?
    /// The events printed so far.
    private(set) var received = 0

    init(connection: ServerConnection, output: Output, device: String?, count: Int?) {
        self.connection = connection
        self.output = output
        self.device = device
        self.count = count
    }

    /// Prints events until `count` have arrived; without a count, until the stream ends (an error).
    func follow() async throws {
        let body: HTTPBody
        do {
            body = try await self.connection.client.streamAlerts().ok.body.textEventStream
        } catch {
            throw StreamingClient.failure(error, serverURL: self.connection.serverURL)
        }
        FileHandle.standardError.write(
            Data("Watching alerts on \(self.connection.serverURL.absoluteString) (Ctrl-C to stop)…\n".utf8)
        )
        let events = body.asDecodedServerSentEventsWithJSONData(
            of: Components.Schemas.Alert.self,
            decoder: Self.decoder
        )
        do {
            for try await event in events {
                // Keep-alive comments arrive as events without data.
                guard let alert = event.data, self.device == nil || alert.deviceId == self.device else { continue }
                let item = AlertOutput(alert: alert, event: event.event ?? "alert")
                try self.output.emit(item) { item.line }
                self.received += 1
                if let count = self.count, self.received >= count { return }
            }
        } catch let error as CancellationError {
            throw error
        } catch is DecodingError {
            throw CLIError(
                "the server at \(self.connection.serverURL.absoluteString) sent an alert this client cannot read"
            )
        } catch {
            throw CLIError("the alert stream from \(self.connection.serverURL.absoluteString) broke: \(error)")
        }
        throw CLIError("the server at \(self.connection.serverURL.absoluteString) ended the alert stream")
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
