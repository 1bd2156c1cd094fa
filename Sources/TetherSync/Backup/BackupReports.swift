/// What a prune removed.
public struct BackupPruneReport: Sendable, Hashable {
    /// Chunks deleted.
    public var deletedChunks: Int
    /// Their plaintext bytes.
    public var deletedBytes: Int64
    /// Their stored (sealed) bytes.
    public var deletedStoredBytes: Int64
    /// Chunks left.
    public var keptChunks: Int
}

/// What a scrub found: every chunk's box re-opened and its id recomputed, every manifest opened.
public struct BackupVerifyReport: Sendable, Hashable {
    /// Chunks checked.
    public var checkedChunks: Int
    /// Their stored bytes.
    public var checkedBytes: Int64
    /// Chunks whose blob is missing, does not open, or whose bytes do not hash to the id.
    public var corruptChunks: [String]
    /// Snapshots checked.
    public var checkedSnapshots: Int
    /// Snapshots whose manifest does not open.
    public var corruptSnapshots: [String]

    /// Nothing is wrong.
    public var isClean: Bool { self.corruptChunks.isEmpty && self.corruptSnapshots.isEmpty }
}
