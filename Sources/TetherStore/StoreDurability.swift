/// How hard a commit tries to reach the disk before the store answers. Each backend maps it to
/// its own setting (SQLite's `synchronous`; PostgreSQL's `synchronous_commit` and `fsync`).
public enum StoreDurability: String, Sendable, CaseIterable {
    /// A commit survives a crash or SIGKILL of the server process; the last commits before a
    /// power loss or kernel crash may be lost (never corrupted).
    case processCrash = "process-crash"
    /// A commit also survives a power loss: every commit waits for an fsync.
    case powerLoss = "power-loss"
}
