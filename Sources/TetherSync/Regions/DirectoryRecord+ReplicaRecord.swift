import TetherCore
public import TetherStore

/// Directory records reconcile by range: keyed by their email hash, digested over every field.
extension DirectoryRecord: ReplicaRecord {
    public var replicaKey: String { self.emailHash }

    /// `"tether directory v1\0"`, the hash, region and state each followed by a zero byte, then
    /// the version as 8 bytes big-endian.
    public var canonicalEncoding: [UInt8] {
        var bytes = Array("tether directory v1\u{0}".utf8)
        for field in [self.emailHash, self.region.rawValue, self.state.rawValue] {
            bytes += Array(field.utf8)
            bytes.append(0)
        }
        withUnsafeBytes(of: self.version.rawValue.bigEndian) { bytes += $0 }
        return bytes
    }
}
