public import TetherCore

extension SignupHint {
    /// The hint as the `account` row keeps it: a location only when both coordinates are there
    /// and still valid, a requested region only when it still names one.
    public init(storedLatitude latitude: Double?, longitude: Double?, requestedRegion: String?) {
        var location: SignupLocation?
        if let latitude, let longitude {
            location = try? SignupLocation(latitude: latitude, longitude: longitude)
        }
        self.init(location: location, requestedRegion: requestedRegion.flatMap(RegionID.init(rawValue:)))
    }
}
