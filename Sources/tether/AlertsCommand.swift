import ArgumentParser
import TetherAPI

/// `tether alerts …`: what the server decided, live or afterwards, and why.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List, watch, acknowledge and explain alerts.",
        subcommands: [List.self, Watch.self, Ack.self, Why.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List alerts, suppressed ones included, newest decision first."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only this device's alerts.")
        var device: String?

        @Option(help: "At most this many alerts (1-1000).")
        var limit: Int = 100

        func validate() throws {
            guard (1...1_000).contains(self.limit) else { throw ValidationError("--limit must be 1-1000") }
        }

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let alerts = try await connection.call {
                try await $0.listAlerts(query: .init(deviceId: self.device, limit: self.limit)).ok.body.json
            }
            .map { AlertOutput(alert: $0) }
            try Output(self.global).emit(alerts) {
                alerts.isEmpty
                    ? "No alerts."
                    : Output.table(header: AlertOutput.tableHeader, rows: alerts.map(\.tableRow))
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge an alert, which stops its repeats."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The alert id.")
        var id: String

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let alert = try await connection.call {
                try await $0.acknowledgeAlert(path: .init(alertId: self.id)).ok.body.json
            }
            let output = AlertOutput(alert: alert)
            try Output(self.global).emit(output) {
                "Acknowledged \(alert.id) at \(Output.time(alert.acknowledgedAt)).\n"
                    + Output.table(header: AlertOutput.tableHeader, rows: [output.tableRow])
            }
        }
    }

    struct Why: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain an alert: why you were told, or what silenced it, and the fixes it rests on."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The alert id.")
        var id: String

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let alert = try await connection.call { try await $0.getAlert(path: .init(alertId: self.id)).ok.body.json }
            let output = AlertOutput(alert: alert)
            try Output(self.global).emit(output) { output.explanationText }
        }
    }
}
