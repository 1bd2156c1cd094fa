import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The push and restore progress line on stderr (bytes, files, rate), redrawn at most ten
/// times a second, and only when stderr is a terminal and the output is not `--json`.
final class BackupProgress {
    private let enabled: Bool
    private let totalBytes: Int64
    private let totalFiles: Int
    private let verb: String
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private(set) var bytes: Int64 = 0
    private(set) var files = 0
    private(set) var sent: Int64 = 0

    init(verb: String, totalBytes: Int64, totalFiles: Int, json: Bool) {
        self.enabled = !json && isatty(STDERR_FILENO) == 1
        self.verb = verb
        self.totalBytes = totalBytes
        self.totalFiles = totalFiles
    }

    /// `count` more bytes read (push) or written (restore).
    func add(bytes count: Int) {
        self.bytes += Int64(count)
        self.draw()
    }

    /// `count` more bytes sent over the network.
    func add(sent count: Int) {
        self.sent += Int64(count)
        self.draw()
    }

    /// `total` bytes sent over the network so far.
    func set(sent total: Int64) {
        guard total != self.sent else { return }
        self.sent = total
        self.draw()
    }

    /// One more file done.
    func fileDone() {
        self.files += 1
        self.draw()
    }

    /// Clears the line.
    func finish() {
        guard self.enabled else { return }
        self.draw(force: true)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(force: Bool = false) {
        guard self.enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(self.lastDrawn) >= 0.1 else { return }
        self.lastDrawn = now
        let elapsed = max(now.timeIntervalSince(self.started), 0.001)
        let fraction = self.totalBytes > 0 ? Double(self.bytes) / Double(self.totalBytes) : 1
        let width = 24
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(
            format: "\r%@ [%@] %3.0f%%  %@ / %@  %d/%d files  %@/s  sent %@\u{1B}[K",
            self.verb,
            bar,
            fraction * 100,
            ByteCount.text(self.bytes),
            ByteCount.text(self.totalBytes),
            self.files,
            self.totalFiles,
            ByteCount.text(Int64(Double(self.bytes) / elapsed)),
            ByteCount.text(self.sent)
        )
        FileHandle.standardError.write(Data(line.utf8))
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
