public import Foundation

/// Unique temporary directories for tests.
public enum TemporaryDirectory {
    /// Creates a new empty directory under the system's temporary directory.
    public static func make(prefix: String = "tether-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString)",
            isDirectory: true
        )
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes a directory made by ``make(prefix:)``.
    public static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}
