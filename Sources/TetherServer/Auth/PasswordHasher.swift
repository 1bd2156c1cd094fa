import HummingbirdBcrypt
import Metrics
import NIOPosix

/// Hashes and checks passwords with bcrypt on NIO's thread pool, off the event loops.
///
/// Each run is counted in `tether_password_hashes` by `operation` (`hash`, `verify`): the CPU
/// the abuse budgets protect.
struct PasswordHasher: Sendable {
    private static let hashed = Counter(label: "tether_password_hashes", dimensions: [("operation", "hash")])
    private static let verified = Counter(label: "tether_password_hashes", dimensions: [("operation", "verify")])

    /// The bcrypt cost (work factor).
    let cost: UInt8
    /// A hash of a random string at the same cost, checked when the email is unknown so that
    /// sign-in takes as long for unknown emails as for wrong passwords.
    let decoyHash: String

    init(cost: Int) {
        self.cost = UInt8(cost)
        self.decoyHash = Bcrypt.hash(SecretToken.generate(.access).text, cost: UInt8(cost))
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        Self.hashed.increment()
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String?) async throws -> Bool {
        let decoy = self.decoyHash
        // bcrypt stops at a NUL byte: "secret\0anything" would match "secret". No password
        // has one (``PasswordPolicy``), so such a guess is wrong, at the same cost as any other.
        let cut = password.utf8.contains(0)
        Self.verified.increment()
        return try await NIOThreadPool.singleton.runIfActive {
            let matches = Bcrypt.verify(password, hash: hash ?? decoy)
            return matches && hash != nil && !cut
        }
    }
}
