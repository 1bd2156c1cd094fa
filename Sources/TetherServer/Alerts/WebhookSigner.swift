import Crypto
public import Foundation
import TetherCore

/// Signs webhook bodies as `Tether-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
/// and checks such signatures (receivers, and the tests, use the same rule).
public enum WebhookSigner {
    /// The header that carries the signature.
    public static let headerName = "Tether-Signature"

    /// The header value for `body` sent at `timestamp` (Unix seconds).
    public static func signature(body: Data, secret: String, timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(self.mac(body: body, secret: secret, timestamp: timestamp))"
    }

    /// Whether `header` is a valid signature of `body` made at most `tolerance` seconds from `now`.
    public static func verify(
        header: String,
        body: Data,
        secret: String,
        now: Int64,
        tolerance: Int64 = 300
    ) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = self.mac(body: body, secret: secret, timestamp: timestamp)
        return signatures.contains { ConstantTime.equal($0, expected) }
    }

    private static func mac(body: Data, secret: String, timestamp: Int64) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }
        .joined()
    }
}
