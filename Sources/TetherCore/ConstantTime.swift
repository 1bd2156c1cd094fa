/// Comparisons whose time does not depend on where two secrets differ, so timing tells an
/// attacker nothing about the expected value.
public enum ConstantTime {
    /// Whether `candidate` equals `expected`, byte for byte; only the length shows in the time.
    public static func equal(_ candidate: String, _ expected: String) -> Bool {
        candidate.utf8.count == expected.utf8.count
            && zip(candidate.utf8, expected.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
