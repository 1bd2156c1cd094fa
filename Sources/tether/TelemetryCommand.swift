import ArgumentParser
import Foundation
import TetherAPI
import TetherCore

/// `tether telemetry history ID`: what a device reported, newest first.
struct TelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Read what your devices reported.",
        subcommands: [History.self]
    )

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A device's events, newest first.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The device id.")
        var id: String

        @Option(help: "How far back: a duration like 90s, 1h, 7d, or an ISO 8601 time.")
        var since: String = "1h"

        @Option(help: "Only events of this kind (location, properties, usage, connection, …).")
        var kind: String?

        @Option(help: "At most this many events (1-10000).")
        var limit: Int = 1_000

        func validate() throws {
            guard (1...10_000).contains(self.limit) else { throw ValidationError("--limit must be 1-10000") }
            if let kind, TelemetryKind(rawValue: kind) == nil {
                let kinds = TelemetryKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--kind must be one of \(kinds)")
            }
            _ = try SinceOption.date(self.since, now: Date())
        }

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let since = try SinceOption.date(self.since, now: Date())
            let history = try await connection.call {
                try await $0.listTelemetry(
                    path: .init(deviceId: self.id),
                    query: .init(
                        since: since,
                        kind: self.kind.flatMap(Components.Schemas.TelemetryKind.init(rawValue:)),
                        limit: self.limit
                    )
                )
                .ok.body.json
            }
            try Output(self.global).emit(history.events) {
                guard !history.events.isEmpty else { return "No events since \(Output.time(since))." }
                return Output.table(
                    header: ["TIME", "KIND", "DETAILS"],
                    rows: history.events.map { [Output.time($0.ts), $0.kind.rawValue, TelemetrySummary.text($0.data)] }
                )
            }
        }
    }
}

/// `tether usage ID --days 7`: daily usage by function and operation.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "How a device was used, per UTC day, function and operation."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The device id.")
    var id: String

    @Option(help: "How many days back, today included (1-730).")
    var days: Int = 7

    func validate() throws {
        guard (1...730).contains(self.days) else { throw ValidationError("--days must be 1-730") }
    }

    func run() async throws {
        let (connection, _) = try ServerConnection.signedIn(self.global)
        let report = try await connection.call {
            try await $0.getDeviceUsage(path: .init(deviceId: self.id), query: .init(days: self.days)).ok.body.json
        }
        try Output(self.global).emit(report.usage) {
            guard !report.usage.isEmpty else { return "No usage since \(report.from)." }
            return Output.table(
                header: ["DAY", "FUNCTION", "OPERATION", "COUNT", "DURATION"],
                rows: report.usage.map {
                    [$0.day, $0.function, $0.operation, String($0.count), TelemetrySummary.duration($0.durationMs)]
                }
            )
        }
    }
}

/// Reads `--since`: a duration back from now (`1h`) or an ISO 8601 time.
enum SinceOption {
    static func date(_ text: String, now: Date) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        do {
            return now.addingTimeInterval(-(try Duration(setting: text, field: "--since")).timeInterval)
        } catch {
            throw ValidationError("--since must be a duration like 1h or 7d, or an ISO 8601 time")
        }
    }
}
