import ArgumentParser
import Foundation
import TetherAPI

extension DoNotDisturbCommand {
    /// `tether dnd snooze 2h`, `tether dnd snooze until 18:00` or `--until TIME`.
    struct Snooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence anti-lost alerts for a while: 'snooze 2h' or 'snooze until 18:00'.",
            discussion: """
                A time of day is local: today, or tomorrow when it has passed. An ISO 8601 time \
                (2026-11-23T18:00:00Z) works too. At most 7 days.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        @Argument(help: "A duration like 2h, or 'until' and a time.")
        var words: [String] = []

        @Option(help: "Until this local time (18:00) or ISO 8601 time.")
        var until: String?

        /// How the snooze is given.
        enum Length {
            case duration(seconds: Int)
            case until(Date)
        }

        func validate() throws {
            _ = try self.length(now: Date())
        }

        func length(now: Date) throws -> Length {
            switch (self.words, self.until) {
            case ([], let time?):
                return .until(try OptionValue.instant(time, option: "--until", now: now))
            case (let words, nil) where words.count == 2 && words[0] == "until":
                return .until(try OptionValue.instant(words[1], option: "snooze until", now: now))
            case (let words, nil) where words.count == 1 && words[0] != "until":
                return .duration(seconds: try OptionValue.seconds(words[0], option: "the snooze duration"))
            default:
                throw ValidationError(
                    "give a duration ('tether dnd snooze 2h') or a time ('tether dnd snooze until 18:00')"
                )
            }
        }

        func run() async throws {
            let update: Components.Schemas.DoNotDisturbUpdate =
                switch try self.length(now: Date()) {
                case .duration(let seconds): .init(deviceId: self.scope.device, snoozeForS: seconds)
                case .until(let date): .init(deviceId: self.scope.device, snoozeUntil: date)
                }
            try await DoNotDisturbCommand.update(self.global, update)
        }
    }

    /// `tether dnd unsnooze`: alerts are no longer snoozed.
    struct Unsnooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a snooze now.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        func run() async throws {
            try await DoNotDisturbCommand.update(self.global, .init(deviceId: self.scope.device, clearSnooze: true))
        }
    }
}
