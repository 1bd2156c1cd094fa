/// What a fence means to an owner.
public enum FenceRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// The device must stay inside.
    case keepIn = "keep_in"
    /// The device must not enter.
    case keepOut = "keep_out"
    /// Being apart from the phone here is fine (home, office).
    case safePlace = "safe"
}
