import ArgumentParser
import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore

extension AlertsCommand {
    /// `tether alerts watch`: follows `GET /v1/alerts/stream`, printing each event as it arrives.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow alerts live: one line per event (alert, repeat, unsuppressed, ended).",
            discussion: """
                With --json, one alert object per line with an "event" key. A note goes to stderr once \
                the server has subscribed. --count and --timeout let scripts wait for alerts.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only this device's alerts.")
        var device: String?

        @Option(help: "Exit after this many events.")
        var count: Int?

        @Option(help: "Stop after this long, like 30s or 5m; fails when --count events have not arrived by then.")
        var timeout: String?

        func validate() throws {
            if let count = self.count, count < 1 { throw ValidationError("--count must be at least 1") }
            _ = try self.timeout.map { try OptionValue.duration($0, option: "--timeout") }
        }

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            let streaming = try StreamingClient.connection(connection, tokens: session)
            let follower = AlertFollower(
                connection: streaming,
                output: Output(self.global),
                device: self.device,
                count: self.count
            )
            guard let timeout = try self.timeout.map({ try OptionValue.duration($0, option: "--timeout") }) else {
                try await follower.follow()
                return
            }
            let finishedInTime = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await follower.follow()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            if !finishedInTime, let count = self.count {
                let received = await follower.received
                throw CLIError(
                    "timed out after \(timeout.settingDescription): \(received) of \(count) alert events arrived"
                )
            }
        }
    }
}
