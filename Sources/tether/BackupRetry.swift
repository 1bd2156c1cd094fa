import Foundation

/// Retries of one backup request within a push: a transient failure (the server unreachable, the
/// connection reset, a 5xx answer) is tried again after a growing pause; a 4xx answer is not, as
/// sending the same request again would get the same answer.
struct BackupRetry: Sendable {
    /// How many times a request is sent at most.
    var attempts = 6
    /// The pause before the second attempt; each later pause doubles, with up to 25 % jitter.
    var firstPause = Duration.milliseconds(200)

    /// The default policy: six attempts over about six seconds, long enough for a server restart.
    static let standard = BackupRetry()

    /// Runs `request`, again after a pause when it fails transiently, noting each retry on stderr.
    func run<Result>(_ request: () async throws -> Result) async throws -> Result {
        var pause = self.firstPause
        var attempt = 1
        while true {
            do {
                return try await request()
            } catch let error as CLIError where attempt < self.attempts && Self.isTransient(error) {
                let wait = pause + pause * Double.random(in: 0...0.25)
                let milliseconds = wait.components.seconds * 1_000 + wait.components.attoseconds / 1_000_000_000_000_000
                let note = "\(error.description); retrying (\(attempt + 1) of \(self.attempts)) in \(milliseconds) ms\n"
                FileHandle.standardError.write(Data(note.utf8))
                try await Task.sleep(for: wait)
                pause *= 2
                attempt += 1
            }
        }
    }

    /// Whether `error` may go away by itself: no answer at all (status `nil`) or a 5xx.
    static func isTransient(_ error: CLIError) -> Bool {
        guard let status = error.status else { return true }
        return status >= 500
    }
}
