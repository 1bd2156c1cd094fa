/// One field edit a client sends: which field, and its new state.
public struct SettingEdit: Sendable, Hashable {
    public var key: SettingKey
    public var state: SettingFieldState

    /// Creates an edit.
    public init(key: SettingKey, state: SettingFieldState) {
        self.key = key
        self.state = state
    }
}
