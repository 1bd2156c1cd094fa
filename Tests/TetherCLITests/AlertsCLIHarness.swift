import Foundation
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A `tetherd` process for the alert CLI tests, accepting telemetry of any device time, with one
/// person's CLI registered on it.
enum AlertsCLIServer {
    /// Starts `tetherd` on `backend` with the telemetry time window off, registers `email`, runs
    /// `body` with the CLI and the server's URL, and stops the server.
    static func withRegistered<Result: Sendable>(
        _ email: String,
        backend: TetherdBackend = .sqlite,
        _ body: (CLIHarness, URL) async throws -> Result
    ) async throws -> Result {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let database = try await backend.makeDatabase()
        let server: TetherdProcess
        do {
            server = try await TetherdProcess.start(
                dataDirectory: directory,
                arguments: ["--ts-max-past", "off", "--ts-max-future", "off"] + database.arguments
            )
        } catch {
            await database.drop()
            throw error
        }
        do {
            let cli = CLIHarness(serverURL: server.baseURL)
            try await cli.register(email)
            let result = try await body(cli, server.baseURL)
            server.command.send(signal: SIGTERM)
            _ = try await server.command.wait()
            await database.drop()
            return result
        } catch {
            server.command.send(signal: SIGKILL)
            _ = try? await server.command.wait()
            await database.drop()
            throw error
        }
    }
}

extension CLIHarness {
    /// Pairs a device of `kind` through `tether pair start` and `tether device claim --kind`.
    func pairDevice(kind: String, serial: String) async throws -> (id: String, credential: String) {
        let code = try await self.pairingCode()
        let result = try await self.run(
            arguments: ["device", "claim", code, "--serial", serial, "--model", "M-1", "--kind", kind, "--json"]
        )
        guard result.status == 0 else { throw HarnessError.failed(result) }
        let object = try result.jsonObject()
        guard let id = object["device_id"] as? String, let credential = object["credential"] as? String else {
            throw HarnessError.failed(result)
        }
        return (id, credential)
    }

    /// Runs `tether ARGS --json` and returns its one JSON value, failing on a non-zero exit.
    func json(_ arguments: String...) async throws -> Any {
        let result = try await self.run(arguments: arguments + ["--json"])
        guard result.status == 0 else { throw HarnessError.failed(result) }
        return try result.json()
    }
}

/// Sends telemetry as a device does: `POST /v1/telemetry` with its credential (WIRE.md).
enum DeviceTelemetry {
    /// Posts one `location` fix at device time `ts` (ms) and returns the number accepted.
    @discardableResult
    static func postFix(
        serverURL: URL,
        credential: String,
        ts: Int64,
        lat: Double,
        lon: Double,
        accuracy: Double = 5
    ) async throws -> Int {
        let event: [String: Any] = [
            "event_id": UUID().uuidString, "ts": ts, "kind": "location", "lat": lat, "lon": lon,
            "accuracy_m": accuracy, "source": "gnss",
        ]
        var request = URLRequest(url: serverURL.appendingPathComponent("v1/telemetry"))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["events": [event]])
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw DeviceTelemetryError.refused(String(decoding: data, as: UTF8.self))
        }
        return report["accepted"] as? Int ?? 0
    }

    /// The longitude `metres` east of `longitude` at `latitude`.
    static func longitude(_ longitude: Double, plusMetresEast metres: Double, atLatitude latitude: Double) -> Double {
        longitude + metres / (111_320 * cos(latitude * .pi / 180))
    }
}

enum DeviceTelemetryError: Error {
    case refused(String)
}
