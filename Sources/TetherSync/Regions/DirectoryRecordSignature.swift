import Crypto
public import Foundation
import TetherCore
public import TetherStore

/// A directory record's proof of where it comes from (peer protocol 2): its home region signs
/// it when it authors it, and every region checks the signature before it keeps the record,
/// and again before it serves it on, so a region forwarding another's records cannot forge them.
public enum DirectoryRecordSignature {
    /// The bytes signed: a line naming the scheme, then the hash, region, state and version.
    public static func message(_ record: DirectoryRecord) -> Data {
        let lines = [
            "tether directory record v2", record.emailHash, record.region.rawValue, record.state.rawValue,
            String(record.version.rawValue),
        ]
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// What signs the records `keyring`'s region authors; `nil` for a region without keys.
    public static func signer(_ keyring: RegionKeyring?) -> (@Sendable (DirectoryRecord) -> Data)? {
        guard let key = keyring?.current.signing else { return nil }
        // Signing fails only when the system's random source does; an empty signature is then
        // refused by every peer, and the record is authored again at the next start.
        return { record in (try? key.signature(for: Self.message(record))) ?? Data() }
    }

    /// Whether `record` is its home region's own: signed by a key the regions file lists for
    /// that region (a region without keys, on loopback, signs nothing).
    public static func isAuthentic(_ record: DirectoryRecord, in directory: RegionDirectory) -> Bool {
        guard let home = directory.region(record.region) else { return false }
        guard !home.keys.isEmpty else { return true }
        guard let signature = record.signature else { return false }
        let message = Self.message(record)
        return home.keys.contains { $0.isValidSignature(signature, of: message) }
    }
}
