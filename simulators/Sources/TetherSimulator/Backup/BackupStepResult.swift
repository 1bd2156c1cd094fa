/// What one backup step of an owner did, with the figures it was judged on. Exactly one of
/// the step's parts is set: ``push``, ``interruption``, ``edit``, ``restore``, ``verify`` or ``move``.
public struct BackupStepResult: Sendable {
    /// A complete push, from its summary and what the run expected of it.
    public struct Push: Sendable, Hashable {
        /// The snapshot it made.
        public var snapshotID: String
        /// Files and bytes in the snapshot.
        public var files: Int
        public var bytes: Int64
        /// Chunks of the snapshot's files.
        public var chunks: Int
        /// Chunks and bytes that travelled (the server lacked them).
        public var sentChunks: Int
        public var sentBytes: Int64
        /// Bytes the server held already, not sent.
        public var reusedBytes: Int64
        /// Bytes read from files (those the file cache vouched for are not read).
        public var readBytes: Int64
        /// What had to travel: the bytes of files the server did not hold, less what an
        /// interrupted push stored.
        public var expectedSentBytes: Int64
        /// What had to be read: the files the file cache cannot vouch for (new, changed, touched).
        public var expectedReadBytes: Int64
    }

    /// A push the server's restart cut.
    public struct Interruption: Sendable, Hashable {
        /// Chunks and bytes acknowledged before the server stopped.
        public var storedChunks: Int
        public var storedBytes: Int64
        /// The bytes the push had to send.
        public var ofBytes: Int64
        /// How the push failed.
        public var failure: String
    }

    /// What an edit changed, as counts of files.
    public struct Edit: Sendable, Hashable {
        public var changed: Int
        public var added: Int
        public var deleted: Int
        public var touched: Int
        /// Bytes of the changed and added files: what the next push must send.
        public var newBytes: Int64
    }

    /// A restore compared with the tree as pushed.
    public struct Restore: Sendable, Hashable {
        /// The number of the push restored, from 1.
        public var snapshot: Int
        public var files: Int
        public var bytes: Int64
        /// How the restored files differ from the pushed ones; empty when equal byte for byte.
        public var differences: [String]
    }

    /// What a verify found.
    public struct Verify: Sendable, Hashable {
        public var ok: Bool
        public var deep: Bool
        public var checkedChunks: Int
        public var checkedSnapshots: Int
        /// Deep: chunks downloaded and re-hashed.
        public var downloadedChunks: Int?
        /// Corrupt chunks and snapshots, and bad downloads.
        public var problems: Int
    }

    /// An account move.
    public struct Move: Sendable, Hashable {
        public var from: String
        public var to: String
        /// The new home's URL, as the move's receipt gives it.
        public var url: String
        /// Snapshots and chunks the receipt says moved.
        public var snapshots: Int
        public var chunks: Int
    }

    /// The owner whose backup it is.
    public var owner: String
    /// The step's position in the owner's list, from 1.
    public var number: Int
    public var step: BackupStep
    /// What happened, in one line (the progress line).
    public var line: String
    public var push: Push?
    public var interruption: Interruption?
    public var edit: Edit?
    public var restore: Restore?
    public var verify: Verify?
    public var move: Move?

    init(owner: String, number: Int, step: BackupStep) {
        self.owner = owner
        self.number = number
        self.step = step
        self.line = step.name
    }
}

/// `6.1 MiB`, `412 KiB`, `900 B` for progress lines.
enum ByteText {
    static func format(_ bytes: Int64) -> String {
        let units = [(Int64(1 << 30), "GiB"), (Int64(1 << 20), "MiB"), (Int64(1 << 10), "KiB")]
        for (size, unit) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            return value < 10 ? "\((value * 10).rounded() / 10) \(unit)" : "\(Int(value.rounded())) \(unit)"
        }
        return "\(bytes) B"
    }
}
