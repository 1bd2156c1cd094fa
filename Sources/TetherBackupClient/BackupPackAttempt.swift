/// One attempt to upload one pack of chunks (`POST /v1/backup/packs`), as a push's
/// ``BackupPush/Options/beforeEachPack`` hook sees it just before the request goes out.
public struct BackupPackAttempt: Sendable, Hashable {
    /// The pack's number within the push, from 1, in the order the uploads began.
    public var pack: Int
    /// The attempt's number, from 1; above 1 after the earlier attempts failed transiently.
    public var attempt: Int
    /// Chunks in the pack.
    public var chunks: Int
    /// Chunk bytes in the pack.
    public var bytes: Int

    /// An attempt at pack `pack`.
    public init(pack: Int, attempt: Int, chunks: Int, bytes: Int) {
        self.pack = pack
        self.attempt = attempt
        self.chunks = chunks
        self.bytes = bytes
    }
}
