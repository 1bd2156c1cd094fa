import Crypto
public import Foundation
public import TetherCore

/// The secret every region server of a deployment shares (from the region directory file).
///
/// It keys the hash under which the account directory records an email, so a directory entry
/// says nothing about the person to anyone without the key, and it derives the token one region
/// server presents to another.
public struct DirectoryKey: Sendable {
    /// The shortest key accepted: 256 bits.
    public static let minimumByteCount = 32

    private let key: SymmetricKey

    /// Wraps `bytes`, at least ``minimumByteCount`` long.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `directory_key` when it is too short.
    public init(bytes: some ContiguousBytes) throws(TetherError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount >= Self.minimumByteCount * 8 else {
            throw .invalidField("directory_key", "must be at least \(Self.minimumByteCount) bytes (base64)")
        }
        self.key = key
    }

    /// A new random key, for a server that runs alone.
    public static func random() -> DirectoryKey {
        try! DirectoryKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The keyed hash (HMAC-SHA-256, lower-case hex) under which `email` is listed.
    public func emailHash(_ email: EmailAddress) -> String {
        self.hexHMAC("tether email v1\u{0}" + email.value)
    }

    /// The bearer token a region server presents to its peers (`tpr_…`).
    public var peerToken: String {
        "tpr_" + self.hexHMAC("tether peer v1")
    }

    /// Runs `body` with the raw key (for keys derived from it in this module).
    func withKey<Result>(_ body: (SymmetricKey) -> Result) -> Result {
        body(self.key)
    }

    private func hexHMAC(_ message: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: self.key)
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
