/// Why a coordinate, a fence or a GeoJSON document was refused.
///
/// ``featureIndex`` names the feature of a collection when the problem is inside one;
/// ``field`` names what is wrong (`latitude`, `radius_m`, `coordinates[0]`).
public struct GeoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The index of the feature in its collection, when the problem is in one.
    public var featureIndex: Int?
    /// The field at fault.
    public var field: String
    /// What is wrong with it.
    public var problem: String

    /// Creates an error.
    public init(featureIndex: Int? = nil, field: String, problem: String) {
        self.featureIndex = featureIndex
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let featureIndex {
            return "feature \(featureIndex): \(self.field) \(self.problem)"
        }
        return "\(self.field) \(self.problem)"
    }

    /// The same error, placed in feature `index`.
    func inFeature(_ index: Int) -> GeoError {
        var error = self
        error.featureIndex = index
        return error
    }
}
