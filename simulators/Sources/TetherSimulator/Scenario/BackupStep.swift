/// One step of an owner's backup: `{"step": "push"}`, `{"step": "edit", "change": 3}`, …
public enum BackupStep: Sendable, Hashable, Decodable {
    /// Backs the tree up as a new snapshot. With `restartServerAfter` (a fraction of the bytes the
    /// push has to send), the home server is stopped once that much is stored, so the push fails,
    /// and started again; the next push must send only the rest.
    case push(restartServerAfter: Double?)
    /// Changes the tree: files rewritten, added, deleted or only touched.
    case edit(BackupEdit)
    /// Restores a snapshot (the `snapshot`th complete push, from 1; the latest when `nil`) into an
    /// empty directory and compares it with the tree as it was pushed, byte for byte.
    case restore(snapshot: Int?)
    /// Asks the server to check every stored chunk and manifest; `deep` also downloads and
    /// re-hashes every chunk a snapshot references.
    case verify(deep: Bool)
    /// Moves the account to region `to` (`POST /v1/account/move`); later steps talk to the new home.
    case move(to: String)

    /// The step's name in the file and in progress lines.
    public var name: String {
        switch self {
        case .push: "push"
        case .edit: "edit"
        case .restore: "restore"
        case .verify: "verify"
        case .move: "move"
        }
    }

    /// Whether this is a push, interrupted or not.
    var isPush: Bool {
        if case .push = self { true } else { false }
    }

    /// Whether this is a push the server's restart interrupts.
    var restartsServer: Bool {
        if case .push(let after) = self { after != nil } else { false }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case step, change, add, delete, touch, snapshot, deep, to
        case restartServerAfter = "restart_server_after"
    }

    /// The fields each kind of step takes besides `step`.
    private static let fields: [String: [CodingKeys]] = [
        "push": [.restartServerAfter], "edit": [.change, .add, .delete, .touch], "restore": [.snapshot],
        "verify": [.deep], "move": [.to],
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.choice(.step, Dictionary(uniqueKeysWithValues: Self.fields.keys.map { ($0, $0) }))
        try decoder.rejectUnknownKeys(["step"] + Self.fields[kind]!.map(\.stringValue))
        switch kind {
        case "push":
            var fraction: Double?
            if let text = try container.decodeIfPresent(String.self, forKey: .restartServerAfter) {
                guard let value = Measure.fraction(text) else {
                    throw container.invalid(.restartServerAfter, "must be a percentage above 0 and below 100, like 40%")
                }
                fraction = value
            }
            self = .push(restartServerAfter: fraction)
        case "edit":
            func count(_ key: CodingKeys) throws -> Int {
                try container.contains(key) ? container.integer(key, in: 0...10_000) : 0
            }
            let edit = BackupEdit(
                change: try count(.change),
                add: try count(.add),
                delete: try count(.delete),
                touch: try count(.touch)
            )
            guard edit.change + edit.add + edit.delete + edit.touch > 0 else {
                throw container.invalid(.step, "an edit needs one of change, add, delete or touch above 0")
            }
            self = .edit(edit)
        case "restore":
            self = .restore(
                snapshot: try container.contains(.snapshot) ? container.integer(.snapshot, in: 1...1_000) : nil
            )
        case "verify":
            self = .verify(deep: try container.decodeIfPresent(Bool.self, forKey: .deep) ?? false)
        default:
            self = .move(to: try container.decode(String.self, forKey: .to))
        }
    }
}

/// How an edit changes the tree; the files are picked with the scenario's seed, each at most once.
public struct BackupEdit: Sendable, Hashable {
    /// Files rewritten with new random bytes (and a new size within the tree's range).
    public var change: Int
    /// New files.
    public var add: Int
    /// Files deleted.
    public var delete: Int
    /// Files whose modification time changes but not their bytes: read again, nothing sent.
    public var touch: Int

    /// An edit of these counts.
    public init(change: Int = 0, add: Int = 0, delete: Int = 0, touch: Int = 0) {
        self.change = change
        self.add = add
        self.delete = delete
        self.touch = touch
    }
}
