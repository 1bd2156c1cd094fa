/// One setting field as a replica holds it: the value and the version that wrote it.
public struct SettingFieldState: Sendable, Hashable, Codable {
    public var value: SettingValue
    /// The causal history of the value: which edits it has seen.
    public var vector: VersionVector
    /// When the edit that wrote the value was stamped (hybrid logical clock).
    public var stamp: HybridTimestamp

    /// Creates a field state.
    public init(value: SettingValue, vector: VersionVector, stamp: HybridTimestamp) {
        self.value = value
        self.vector = vector
        self.stamp = stamp
    }
}
