public import TetherSync

/// What a push or a restore reports while it runs, in order, for a progress display.
///
/// Events come from the task running the push and from its upload workers (``retrying(_:)``),
/// so a receiver must be safe to call from several tasks.
public enum BackupEvent: Sendable {
    /// The work ahead: `files` regular files holding `bytes` bytes.
    case started(files: Int, bytes: Int64)
    /// A path the push leaves out: neither a file, a directory nor a symbolic link.
    case skipped(LocalPath)
    /// `count` more bytes of files done: read, or vouched for by the file cache (push); written (restore).
    case progressed(bytes: Int)
    /// One more file done.
    case fileDone
    /// Chunk bytes sent to the server so far (push).
    case sent(total: Int64)
    /// A request failed transiently and is sent again after a pause (push).
    case retrying(BackupRetryNote)
    /// Something went wrong that does not fail the push: the file cache could not be saved.
    case warning(String)
    /// The work is done; the summary follows.
    case finished
}
