/// The conflict rule for one setting field, applied the same way by servers and clients.
///
/// - An edit whose history contains the held one replaces it.
/// - An edit the held one already contains (a resend, or an older edit) changes nothing.
/// - Two edits made without seeing each other (concurrent version vectors) are a **conflict**:
///   the one with the later ``HybridTimestamp`` wins, the other value goes to the conflict log,
///   and the field keeps the merged history of both, so either side sees the result as newer.
///
/// The result depends only on the edits, not on the order they arrive in: merging is
/// commutative, associative and idempotent.
public enum SettingMerge {
    /// What merging an incoming edit into the held field did.
    public enum Outcome: Sendable, Hashable {
        /// The incoming edit replaced the held value (or there was none).
        case applied(SettingFieldState)
        /// The held value already contains the incoming edit.
        case unchanged
        /// The edits were concurrent: `result` is held now, `losing` is the value that lost.
        case conflict(result: SettingFieldState, losing: SettingFieldState)

        /// The state to hold afterwards; `nil` when nothing changes.
        public var newState: SettingFieldState? {
            switch self {
            case .applied(let state): state
            case .unchanged: nil
            case .conflict(let result, _): result
            }
        }
    }

    /// Merges `incoming` into `held`.
    public static func merge(_ incoming: SettingFieldState, into held: SettingFieldState?) -> Outcome {
        guard let held else { return .applied(incoming) }
        switch incoming.vector.compare(held.vector) {
        case .after: return .applied(incoming)
        case .before, .equal: return .unchanged
        case .concurrent:
            let (winner, loser) = incoming.stamp > held.stamp ? (incoming, held) : (held, incoming)
            var result = winner
            result.vector = incoming.vector.merged(with: held.vector)
            return .conflict(result: result, losing: loser)
        }
    }
}
