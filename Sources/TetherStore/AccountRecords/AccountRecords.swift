import Foundation
public import TetherCore

/// An account's domain records (`protocols/sync.md`, "Account records"): its devices, alert
/// settings, fences, quiet windows, setting fields, clock and conflicts, and, when it moves, its
/// sessions, alerts and telemetry history; each a JSON object naming domain fields, whatever
/// tables a region keeps them in.
///
/// ```json
/// {"format": 2, "account": {"id": "…", "email": "ada@example.org", …},
///  "devices": [{"id": "5f94…", "serial": "SN-1", "name": "Keys", "paired_at_ms": 1764640000000, …}], …}
/// ```
public struct AccountRecords: Sendable, Hashable {
    /// Why the records travel, which decides the sets and fields they hold.
    public enum Purpose: Sendable, Hashable {
        /// A replica's `settings` record (``AccountRecordSet/replicated``).
        case replica
        /// A moving account (``AccountRecordSet/moved``).
        case move
    }

    /// The format's version, the document's `format`.
    public static let format: Int64 = 2

    /// What the records are for.
    public var purpose: Purpose
    /// Records by set name; each maps every field of the set to its value.
    public var records: [String: [[String: AccountValue]]]

    /// Records for `purpose`.
    public init(purpose: Purpose, records: [String: [[String: AccountValue]]] = [:]) {
        self.purpose = purpose
        self.records = records
    }

    /// The sets records for this purpose hold.
    public var sets: [AccountRecordSet] {
        Self.sets(for: self.purpose)
    }

    /// The sets records for `purpose` hold, in the order they are written.
    public static func sets(for purpose: Purpose) -> [AccountRecordSet] {
        purpose == .move ? AccountRecordSet.moved : AccountRecordSet.replicated
    }

    /// The records of `set` (a set without any is left out of ``records``).
    public subscript(set: AccountRecordSet) -> [[String: AccountValue]] {
        get { self.records[set.name] ?? [] }
        set { self.records[set.name] = newValue.isEmpty ? nil : newValue }
    }

    /// The account's id (its `account` record's).
    public var accountID: AccountID? {
        guard case .text(let id)? = self[.account].first?["id"] else { return nil }
        return AccountID(rawValue: id)
    }

    /// The account's email, as stored.
    public var email: String? {
        guard case .text(let email)? = self[.account].first?["email"] else { return nil }
        return email
    }

    /// The device credential and session token digests among the records: those that route
    /// to the account's new home once it moved.
    public var credentialHashes: [String] {
        var hashes: [String] = []
        for device in self[.devices] {
            if case .text(let hash)? = device["credential_hash"] { hashes.append(hash) }
        }
        for session in self[.sessions] {
            for field in ["access_token_hash", "refresh_token_hash"] {
                if case .text(let hash)? = session[field] { hashes.append(hash) }
            }
        }
        return hashes
    }

    /// Checks that every field naming a device or an alert names one of these records'.
    ///
    /// - Throws: ``AccountRecordsError`` naming the field.
    public func checkReferences() throws(AccountRecordsError) {
        let devices = Set(self[.devices].compactMap { $0["id"] })
        let alerts = Set(self[.alerts].compactMap { $0["id"] })
        for set in self.sets {
            for (index, record) in self[set].enumerated() {
                for field in set.fields(for: self.purpose) {
                    guard let reference = field.reference, let value = record[field.name], value != .null else {
                        continue
                    }
                    let known = reference == .device ? devices : alerts
                    guard known.contains(value) else {
                        throw AccountRecordsError(
                            path: Self.path(set, index, field.name),
                            problem: "names \(reference == .device ? "a device" : "an alert") the account does not have"
                        )
                    }
                }
            }
        }
    }

    /// Where a field is in the JSON: `devices[2].serial`, `account.email`.
    static func path(_ set: AccountRecordSet, _ index: Int, _ field: String? = nil) -> String {
        let record = set.isSingle ? set.name : "\(set.name)[\(index)]"
        return field.map { "\(record).\($0)" } ?? record
    }
}

/// Account records that do not read as the format says: the place and what is wrong.
public struct AccountRecordsError: Error, Hashable, CustomStringConvertible {
    /// Where: `devices[2].serial`, or `format`.
    public var path: String
    /// What is wrong there.
    public var problem: String

    /// An error at `path`.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(self.path): \(self.problem)" }
}
