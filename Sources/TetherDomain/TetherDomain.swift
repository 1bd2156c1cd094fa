/// TetherDomain: the rules that sit above storage. Pure code over plain values from
/// TetherCore and TetherGeo, no I/O: a store reads what a rule needs, the rule decides, and the
/// store writes the records it is handed in one transaction.
///
/// Parts:
/// - Telemetry derivation: what a batch of new events does to a device's derived state.
/// - Settings rules: one validation path for alert settings, used by REST and settings sync.
public enum TetherDomain {
    /// The version of the domain rules, for logs.
    public static let rulesVersion = 1
}
