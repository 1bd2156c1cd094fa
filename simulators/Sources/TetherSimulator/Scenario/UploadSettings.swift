/// How a device uploads its events: in batches of a size, in order or not, some of them late.
/// Every value is optional, so a device can change one of the scenario's.
public struct UploadSettings: Sendable, Hashable, Decodable {
    /// The order batches go out in.
    public enum Order: String, Sendable, Hashable {
        /// Each batch when it is full, events in device-time order.
        case ordered
        /// Events shuffled inside each batch, and batches shuffled within groups of ``window``.
        case shuffled
        /// Events reversed inside each batch, and batches reversed within groups of ``window``.
        case reversed
    }

    /// Events held back and sent later: those with event time in `from..<to` go out at `sendAt`.
    public struct Late: Sendable, Hashable, Decodable {
        public var from: Int64
        public var to: Int64
        public var sendAt: Int64

        enum CodingKeys: String, CodingKey, CaseIterable {
            case from, to
            case sendAt = "send_at"
        }

        public init(from: Int64, to: Int64, sendAt: Int64) {
            self.from = from
            self.to = to
            self.sendAt = sendAt
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.from = try container.duration(.from)
            self.to = try container.duration(.to)
            self.sendAt = try container.duration(.sendAt)
            guard self.from < self.to else { throw container.invalid(.to, "must be after from") }
            guard self.sendAt >= self.to else { throw container.invalid(.sendAt, "must not be before to") }
        }
    }

    /// Events per batch (1–1000).
    public var batchSize: Int?
    public var order: Order?
    /// Batches per group that ``Order/shuffled`` or ``Order/reversed`` reorders.
    public var window: Int?
    public var late: [Late]?
    /// Seeds the shuffles; the scenario's seed when `nil`.
    public var seed: UInt64?

    /// Settings with nothing set.
    public init(
        batchSize: Int? = nil,
        order: Order? = nil,
        window: Int? = nil,
        late: [Late]? = nil,
        seed: UInt64? = nil
    ) {
        self.batchSize = batchSize
        self.order = order
        self.window = window
        self.late = late
        self.seed = seed
    }

    /// The defaults: batches of 5, in order, windows of 4, nothing late.
    public static let defaults = UploadSettings(batchSize: 5, order: .ordered, window: 4, late: [])

    /// These settings, each unset one taken from `base`.
    public func resolved(over base: UploadSettings) -> UploadSettings {
        UploadSettings(
            batchSize: self.batchSize ?? base.batchSize,
            order: self.order ?? base.order,
            window: self.window ?? base.window,
            late: self.late ?? base.late,
            seed: self.seed ?? base.seed
        )
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case batchSize = "batch_size"
        case order, window, late, seed
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.batchSize = try container.contains(.batchSize) ? container.integer(.batchSize, in: 1...1_000) : nil
        if container.contains(.order) {
            self.order = try container.choice(
                .order,
                ["ordered": .ordered, "shuffled": .shuffled, "reversed": .reversed]
            )
        }
        self.window = try container.contains(.window) ? container.integer(.window, in: 1...100) : nil
        self.late = try container.decodeIfPresent([Late].self, forKey: .late)
        self.seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
    }
}
