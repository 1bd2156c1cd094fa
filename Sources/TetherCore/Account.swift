public import Foundation

/// A person's account: the owner of devices, rules and backups.
public struct Account: Sendable, Hashable {
    /// The account's id.
    public var id: AccountID
    /// The normalised email address used to sign in.
    public var email: EmailAddress
    /// The region whose servers hold this account's data.
    public var homeRegion: RegionID
    /// When the account was created.
    public var createdAt: Date

    /// Creates an account value.
    public init(id: AccountID, email: EmailAddress, homeRegion: RegionID, createdAt: Date) {
        self.id = id
        self.email = email
        self.homeRegion = homeRegion
        self.createdAt = createdAt
    }
}

/// What the owner gave at registration to choose the home region: the phone's location,
/// a chosen region, or neither.
public struct SignupHint: Sendable, Hashable {
    /// Where the phone was at first sign-in.
    public var location: SignupLocation?
    /// The region the owner asked for.
    public var requestedRegion: RegionID?

    /// Creates a hint.
    public init(location: SignupLocation? = nil, requestedRegion: RegionID? = nil) {
        self.location = location
        self.requestedRegion = requestedRegion
    }
}

/// A validated WGS84 position given at registration.
public struct SignupLocation: Sendable, Hashable {
    /// Latitude in degrees, −90…90.
    public let latitude: Double
    /// Longitude in degrees, −180…180.
    public let longitude: Double

    /// Validates both values.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `latitude` or `longitude`.
    public init(latitude: Double, longitude: Double) throws(TetherError) {
        guard latitude.isFinite, (-90.0...90.0).contains(latitude) else {
            throw .invalidField("latitude", "must be a number from -90 to 90")
        }
        guard longitude.isFinite, (-180.0...180.0).contains(longitude) else {
            throw .invalidField("longitude", "must be a number from -180 to 180")
        }
        self.latitude = latitude
        self.longitude = longitude
    }
}
