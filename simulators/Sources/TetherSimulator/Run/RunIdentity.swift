import Foundation

/// What makes one scenario run's accounts and devices its own on a shared server: a tag
/// added to every email and serial, and a password of its own.
struct RunIdentity: Sendable {
    /// Random per suite run, plus the run's number: `k3x9p` + `4`.
    let tag: String

    /// An identity for run `number` of the suite tagged `suiteTag`.
    init(suiteTag: String, number: Int) {
        self.tag = "\(suiteTag)\(number)"
    }

    /// A random tag of lower-case letters and digits.
    static func randomTag(length: Int = 6) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<length).map { _ in alphabet.randomElement()! })
    }

    /// `ada@example.org` → `ada+k3x9p4@example.org`.
    func email(_ email: String) -> String {
        let parts = email.split(separator: "@", maxSplits: 1)
        return "\(parts[0])+\(self.tag)@\(parts[1])"
    }

    /// `TAG-1` → `TAG-1-k3x9p4`.
    func serial(_ serial: String) -> String {
        "\(serial)-\(self.tag)"
    }

    /// A password for one owner of this run.
    func password() -> String {
        "sim-" + UUID().uuidString
    }
}
