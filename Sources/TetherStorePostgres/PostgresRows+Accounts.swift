import Foundation
import PostgresNIO
import TetherCore
import TetherStore

/// Rows of the account tables: the column lists the queries select, and the values they read
/// back as (positional, so a query selects exactly the list).
enum PostgresAccountRows {
    static let accountColumns = "id, email, home_region, created_at"

    static func account(_ row: PostgresRow) throws -> Account {
        let (id, email, region, createdAt) = try row.decode((String, String, String, Date).self)
        guard let homeRegion = RegionID(rawValue: region) else {
            throw StoreCorruption(table: "account", column: "home_region")
        }
        return Account(
            id: AccountID(rawValue: id),
            email: try EmailAddress(email),
            homeRegion: homeRegion,
            createdAt: createdAt
        )
    }

    /// The account and its signup hint: ``accountColumns`` followed by `signup_latitude`,
    /// `signup_longitude` and `requested_region`.
    static func accountWithSignup(_ row: PostgresRow) throws -> (account: Account, signup: SignupHint) {
        let columns = row.makeRandomAccess()
        let signup = SignupHint(
            storedLatitude: try columns["signup_latitude"].decode(Double?.self),
            longitude: try columns["signup_longitude"].decode(Double?.self),
            requestedRegion: try columns["requested_region"].decode(String?.self)
        )
        return (try Self.account(row), signup)
    }

    static let sessionColumns =
        "id, account_id, access_token_hash, access_expires_at, refresh_token_hash, refresh_expires_at, created_at"

    static func session(_ row: PostgresRow) throws -> Session {
        let (id, account, accessHash, accessExpiresAt, refreshHash, refreshExpiresAt, createdAt) = try row.decode(
            (String, String, String, Date, String, Date, Date).self
        )
        return Session(
            id: SessionID(rawValue: id),
            account: AccountID(rawValue: account),
            accessTokenHash: accessHash,
            accessExpiresAt: accessExpiresAt,
            refreshTokenHash: refreshHash,
            refreshExpiresAt: refreshExpiresAt,
            createdAt: createdAt
        )
    }

    static let deviceColumns =
        "id, account_id, serial, model, kind, name, hardware_version, software_version, paired_at, last_seen"

    static func device(_ row: PostgresRow) throws -> Device {
        let (id, account, serial, model, kind, name, hardware, software, pairedAt, lastSeen) = try row.decode(
            (String, String, String, String, String, String, String?, String?, Date, Date?).self
        )
        guard let kind = DeviceKind(rawValue: kind) else { throw StoreCorruption(table: "device", column: "kind") }
        return Device(
            id: DeviceID(rawValue: id),
            owner: AccountID(rawValue: account),
            serial: serial,
            model: model,
            kind: kind,
            name: name,
            hardwareVersion: hardware,
            softwareVersion: software,
            pairedAt: pairedAt,
            lastSeen: lastSeen
        )
    }

    static let pairingColumns = "id, account_id, code_hash, created_at, expires_at, claimed_at, device_id"

    static func pairingRequest(_ row: PostgresRow) throws -> PairingRequest {
        let (id, account, codeHash, createdAt, expiresAt, claimedAt, device) = try row.decode(
            (String, String, String, Date, Date, Date?, String?).self
        )
        return PairingRequest(
            id: PairingID(rawValue: id),
            account: AccountID(rawValue: account),
            codeHash: codeHash,
            createdAt: createdAt,
            expiresAt: expiresAt,
            claimedAt: claimedAt,
            claimedBy: device.map(DeviceID.init(rawValue:))
        )
    }
}
