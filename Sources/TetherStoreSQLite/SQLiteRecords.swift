import Foundation
import GRDB
import TetherCore
import TetherStore

// Row types: the store's private mapping between tables and TetherCore values.

struct AccountRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "account"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var email: String
    var passwordHash: String
    var homeRegion: String
    var signupLatitude: Double?
    var signupLongitude: Double?
    var requestedRegion: String?
    var createdAt: Date

    init(_ account: Account, passwordHash: String, signup: SignupHint) {
        self.id = account.id.rawValue
        self.email = account.email.value
        self.passwordHash = passwordHash
        self.homeRegion = account.homeRegion.rawValue
        self.signupLatitude = signup.location?.latitude
        self.signupLongitude = signup.location?.longitude
        self.requestedRegion = signup.requestedRegion?.rawValue
        self.createdAt = account.createdAt
    }

    func account() throws -> Account {
        guard let region = RegionID(rawValue: self.homeRegion) else {
            throw StoreCorruption(table: Self.databaseTableName, column: "home_region")
        }
        return Account(
            id: AccountID(rawValue: self.id),
            email: try EmailAddress(self.email),
            homeRegion: region,
            createdAt: self.createdAt
        )
    }

    func signupHint() -> SignupHint {
        let location = zip(self.signupLatitude, self.signupLongitude).flatMap {
            try? SignupLocation(latitude: $0, longitude: $1)
        }
        return SignupHint(location: location, requestedRegion: self.requestedRegion.flatMap(RegionID.init(rawValue:)))
    }
}

struct SessionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "session"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var accountId: String
    var accessTokenHash: String
    var accessExpiresAt: Date
    var refreshTokenHash: String
    var refreshExpiresAt: Date
    var createdAt: Date

    init(_ session: Session) {
        self.id = session.id.rawValue
        self.accountId = session.account.rawValue
        self.accessTokenHash = session.accessTokenHash
        self.accessExpiresAt = session.accessExpiresAt
        self.refreshTokenHash = session.refreshTokenHash
        self.refreshExpiresAt = session.refreshExpiresAt
        self.createdAt = session.createdAt
    }

    var session: Session {
        Session(
            id: SessionID(rawValue: self.id),
            account: AccountID(rawValue: self.accountId),
            accessTokenHash: self.accessTokenHash,
            accessExpiresAt: self.accessExpiresAt,
            refreshTokenHash: self.refreshTokenHash,
            refreshExpiresAt: self.refreshExpiresAt,
            createdAt: self.createdAt
        )
    }
}

struct DeviceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "device"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var accountId: String
    var serial: String
    var model: String
    var kind: String
    var name: String
    var hardwareVersion: String?
    var softwareVersion: String?
    var credentialHash: String
    var pairedAt: Date
    var lastSeen: Date?

    func device() throws -> Device {
        guard let kind = DeviceKind(rawValue: self.kind) else {
            throw StoreCorruption(table: Self.databaseTableName, column: "kind")
        }
        return Device(
            id: DeviceID(rawValue: self.id),
            owner: AccountID(rawValue: self.accountId),
            serial: self.serial,
            model: self.model,
            kind: kind,
            name: self.name,
            hardwareVersion: self.hardwareVersion,
            softwareVersion: self.softwareVersion,
            pairedAt: self.pairedAt,
            lastSeen: self.lastSeen
        )
    }
}

struct PairingRequestRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "pairing_request"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var accountId: String
    var codeHash: String
    var createdAt: Date
    var expiresAt: Date
    var claimedAt: Date?
    var deviceId: String?

    init(_ request: PairingRequest) {
        self.id = request.id.rawValue
        self.accountId = request.account.rawValue
        self.codeHash = request.codeHash
        self.createdAt = request.createdAt
        self.expiresAt = request.expiresAt
        self.claimedAt = request.claimedAt
        self.deviceId = request.claimedBy?.rawValue
    }

    var request: PairingRequest {
        PairingRequest(
            id: PairingID(rawValue: self.id),
            account: AccountID(rawValue: self.accountId),
            codeHash: self.codeHash,
            createdAt: self.createdAt,
            expiresAt: self.expiresAt,
            claimedAt: self.claimedAt,
            claimedBy: self.deviceId.map(DeviceID.init(rawValue:))
        )
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
