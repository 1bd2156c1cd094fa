import Foundation

/// Files only their owner may read (mode 0600, directory 0700), replaced atomically: written to
/// a temporary file in the same directory, then renamed, so a reader never sees half a file.
enum PrivateFile {
    /// Writes `data` to `url`; `what` names the file in errors ("the profile").
    static func write(_ data: Data, to url: URL, what: String) throws {
        let manager = FileManager.default
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        do {
            try manager.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            guard manager.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
            else {
                throw CLIError("cannot create \(temporary.path)")
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError("cannot replace \(url.path)")
            }
        } catch {
            try? manager.removeItem(at: temporary)
            throw CLIError("cannot write \(what) at \(url.path): \(error)")
        }
    }
}
