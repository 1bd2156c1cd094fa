/// What a finished push made and sent.
public struct BackupPushSummary: Sendable, Hashable {
    /// The new snapshot's id.
    public var snapshotID: String
    /// Regular files in the snapshot.
    public var files: Int
    /// Bytes of those files.
    public var bytes: Int64
    /// Bytes of chunks the server did not hold.
    public var newBytes: Int64
    /// Chunk bytes sent in upload bodies.
    public var transferredBytes: Int64
    /// Bytes that were already stored, or repeated within the push.
    public var deduplicatedBytes: Int64
    /// Chunks of the snapshot's files, repeats counted.
    public var chunks: Int
    /// Chunks sent.
    public var newChunks: Int
    /// Bytes read from files (files the cache vouched for are not read).
    public var readBytes: Int64
}
