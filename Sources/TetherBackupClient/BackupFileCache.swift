public import Foundation
import TetherSync

#if canImport(Glibc)
import Glibc
#endif

/// What the last push saw of each file, so the next one need not read files that did not
/// change (like restic's parent snapshot): a file whose path, size, mtime, ctime, inode and
/// device all match is taken to hold the chunks it held then. One file per account and server,
/// `<directory>/backup-cache/<account>@<server>.json` (mode 0600; the CLI keeps it beside its
/// profile). Only an optimisation: the push still asks the server for every reused chunk, and
/// reads a file again when the server lacks one of its chunks.
public struct BackupFileCache: Sendable {
    /// One file as last pushed.
    struct File: Codable, Sendable {
        var path: String
        var status: BackupTree.FileStatus
        var chunks: [ChunkID]
    }

    private struct Contents: Codable {
        var version = 1
        var files: [File]
    }

    private(set) var files: [LocalPath: File] = [:]
    /// Where the cache is kept.
    let url: URL

    /// The cache's file for `account` on `server`, under `directory`.
    public static func url(in directory: URL, account: String, server: URL) -> URL {
        let safe = { (text: String) in
            String(
                text.unicodeScalars.map {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_"
                }
            )
        }
        let key = "\(safe(account))@\(safe(server.host ?? ""))_\(server.port ?? 0)"
        return
            directory
            .appendingPathComponent("backup-cache", isDirectory: true)
            .appendingPathComponent("\(key).json")
    }

    /// An empty cache to be written to `url`.
    init(url: URL) {
        self.url = url
    }

    /// The cache at `url`; empty when there is none or it cannot be read (it is only a cache).
    static func load(from url: URL) -> BackupFileCache {
        var cache = BackupFileCache(url: url)
        guard let data = try? Data(contentsOf: url),
            let contents = try? JSONDecoder().decode(Contents.self, from: data), contents.version == 1
        else { return cache }
        for file in contents.files {
            guard let bytes = Data(base64Encoded: file.path) else { continue }
            cache.files[LocalPath(bytes: Array(bytes))] = file
        }
        return cache
    }

    /// The cache's key for a file: its absolute path.
    static func key(_ source: LocalPath) -> LocalPath {
        guard source.bytes.first != UInt8(ascii: "/") else { return source }
        return LocalPath(FileManager.default.currentDirectoryPath).appending(source.bytes)
    }

    /// The chunks of the file at `path`, when it is as it was (`status`) when they were cut.
    func chunks(of path: LocalPath, status: BackupTree.FileStatus) -> [ChunkID]? {
        guard let file = self.files[path], file.status == status else { return nil }
        return file.chunks
    }

    /// Remembers that the file at `path`, seen as `status`, holds `chunks`.
    mutating func remember(_ path: LocalPath, status: BackupTree.FileStatus, chunks: [ChunkID]) {
        self.files[path] = File(path: Data(path.bytes).base64EncodedString(), status: status, chunks: chunks)
    }

    /// Writes the cache atomically (a temporary file, then a rename), mode 0600.
    func save() throws {
        let directory = self.url.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let contents = Contents(files: self.files.values.sorted { $0.path < $1.path })
        let data = try JSONEncoder().encode(contents)
        let temporary = directory.appendingPathComponent(".\(self.url.lastPathComponent).\(UUID().uuidString)")
        guard
            FileManager.default.createFile(
                atPath: temporary.path,
                contents: data,
                attributes: [.posixPermissions: 0o600]
            )
        else { throw BackupClientError(.localFile, "cannot write the backup cache at \(temporary.path)") }
        guard rename(temporary.path, self.url.path) == 0 else {
            unlink(temporary.path)
            throw BackupClientError(.localFile, "cannot replace the backup cache at \(self.url.path)")
        }
    }
}
