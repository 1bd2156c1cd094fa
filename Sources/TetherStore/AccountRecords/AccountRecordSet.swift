/// One kind of record an account is made of (its devices, its fences, its telemetry
/// events…): the name it travels under, its fields, and the table the store keeps it in.
///
/// The declarations (``AccountRecordSet/account`` and the rest) are the one place that maps the
/// domain records of `protocols/sync.md` ("Account records") to storage; both backends read and
/// write through them, so a region on SQLite and one on PostgreSQL exchange the same records.
public struct AccountRecordSet: Sendable, Hashable {
    /// How the store finds a set's rows for an account.
    public enum Owner: Sendable, Hashable {
        /// Rows whose `column` holds the account id.
        case account(column: String)
        /// Rows whose `device_id` names a device of the account.
        case device
        /// Rows of a device's history, keyed by the region-local device number in `column`
        /// (`device_state.number`); they travel with the device's id (`device_id`) instead and
        /// are numbered again where they arrive.
        case deviceNumber(column: String)
    }

    /// The set's name in the JSON.
    public var name: String
    /// The table that keeps it.
    public var table: String
    /// How its rows belong to the account.
    public var owner: Owner
    /// Its fields.
    public var fields: [AccountField]
    /// Whether the account has at most one such record (a JSON object, not an array).
    public var isSingle: Bool
    /// The column that keeps the account's home region (set to the region holding it).
    public var homeColumn: String?

    /// A set of records.
    public init(
        _ name: String,
        table: String,
        owner: Owner,
        single: Bool = false,
        homeColumn: String? = nil,
        fields: [AccountField]
    ) {
        self.name = name
        self.table = table
        self.owner = owner
        self.fields = fields
        self.isSingle = single
        self.homeColumn = homeColumn
    }

    /// Its fields that travel for `purpose`.
    public func fields(for purpose: AccountRecords.Purpose) -> [AccountField] {
        purpose == .move ? self.fields : self.fields.filter { !$0.movesOnly }
    }

    /// A record of this set holding `values`, every other field `null` (as the format writes
    /// a record).
    public func record(_ values: [String: AccountValue]) -> [String: AccountValue] {
        var record: [String: AccountValue] = [:]
        for field in self.fields { record[field.name] = values[field.name] ?? .null }
        return record
    }
}
