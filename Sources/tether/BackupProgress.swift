import Foundation
import Synchronization
import TetherBackupClient

#if canImport(Glibc)
import Glibc
#endif

/// A push's or restore's progress on stderr: the line (bytes, files, rate), redrawn at most ten
/// times a second and only when stderr is a terminal and the output is not `--json`; and the
/// notes, always: paths skipped, requests retried, warnings.
final class BackupProgress: Sendable {
    private struct State {
        var totalBytes: Int64 = 0
        var totalFiles = 0
        var started = Date()
        var lastDrawn = Date.distantPast
        var bytes: Int64 = 0
        var files = 0
        var sent: Int64 = 0
    }

    private let enabled: Bool
    private let verb: String
    private let state = Mutex(State())

    init(verb: String, json: Bool) {
        self.enabled = !json && isatty(STDERR_FILENO) == 1
        self.verb = verb
    }

    /// Shows `event`; called from the push's tasks.
    func report(_ event: BackupEvent) {
        switch event {
        case .started(let files, let bytes):
            self.update {
                $0.totalFiles = files
                $0.totalBytes = bytes
                $0.started = Date()
                return false
            }
        case .skipped(let path):
            Self.note("skipped \(path): not a file, directory or link")
        case .progressed(let count):
            self.update {
                $0.bytes += Int64(count)
                return true
            }
        case .fileDone:
            self.update {
                $0.files += 1
                return true
            }
        case .sent(let total):
            self.update {
                guard total != $0.sent else { return false }
                $0.sent = total
                return true
            }
        case .retrying(let note):
            Self.note(note.description)
        case .warning(let message):
            Self.note("warning: \(message)")
        case .finished:
            guard self.enabled else { return }
            self.update(force: true) { _ in true }
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    /// One line on stderr.
    private static func note(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    /// Applies `change`, and redraws the line when it says so (at most every 100 ms unless `force`).
    private func update(force: Bool = false, _ change: (inout State) -> Bool) {
        self.state.withLock { state in
            guard change(&state), self.enabled else { return }
            let now = Date()
            guard force || now.timeIntervalSince(state.lastDrawn) >= 0.1 else { return }
            state.lastDrawn = now
            FileHandle.standardError.write(Data(self.line(state, now: now).utf8))
        }
    }

    private func line(_ state: State, now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(state.started), 0.001)
        let fraction = state.totalBytes > 0 ? Double(state.bytes) / Double(state.totalBytes) : 1
        let width = 24
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return String(
            format: "\r%@ [%@] %3.0f%%  %@ / %@  %d/%d files  %@/s  sent %@\u{1B}[K",
            self.verb,
            bar,
            fraction * 100,
            ByteCount.text(state.bytes),
            ByteCount.text(state.totalBytes),
            state.files,
            state.totalFiles,
            ByteCount.text(Int64(Double(state.bytes) / elapsed)),
            ByteCount.text(state.sent)
        )
    }
}

/// Byte counts for people: `1.5 MiB`.
enum ByteCount {
    static func text(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1_024 && unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
