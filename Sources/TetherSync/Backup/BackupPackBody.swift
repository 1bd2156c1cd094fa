public import Foundation
import TetherCore

/// The body of `POST /v1/backup/packs`: several chunks in one request (`protocols/backup.md`).
///
/// ```text
/// count                 UInt32, big-endian, 1 … maxChunks
/// count × { id, size }  id: the 32 bytes of the HMAC; size: UInt32, big-endian, 1 … 1 MiB
/// the chunks' bytes     in the order listed, back to back
/// ```
///
/// The body is exactly `4 + 36 × count + Σ size` bytes.
///
/// ```swift
/// let body = BackupPackBody.encode([(id, data)])
/// let chunks = try BackupPackBody.decode(body)   // [(ChunkID, Data)]
/// ```
public enum BackupPackBody {
    /// The most chunks in one body.
    public static let maxChunks = 1_024
    /// The most chunk bytes in one body (headers not counted).
    public static let maxChunkBytes = 16 << 20
    /// The largest body: ``maxChunkBytes`` and the longest header.
    public static let maxBodyBytes = maxChunkBytes + headerBytes(count: maxChunks)

    /// Bytes of the header for `count` chunks.
    public static func headerBytes(count: Int) -> Int { 4 + 36 * count }

    /// Frames `chunks` as one body.
    public static func encode(_ chunks: [(id: ChunkID, data: Data)]) -> Data {
        var body = Data(capacity: self.headerBytes(count: chunks.count) + chunks.reduce(0) { $0 + $1.data.count })
        Self.append(UInt32(chunks.count), to: &body)
        for chunk in chunks {
            body.append(contentsOf: Hex.bytes(chunk.id.rawValue) ?? [])
            Self.append(UInt32(chunk.data.count), to: &body)
        }
        for chunk in chunks { body.append(chunk.data) }
        return body
    }

    /// The chunks of `body`, in order: slices of it (their indices are offsets into `body`).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `body` (badly framed, too many chunks or
    ///   bytes) or `chunks[i].size` (0 or more than one chunk may hold).
    public static func decode(_ body: Data) throws -> [(id: ChunkID, data: Data)] {
        let bytes = body.startIndex == 0 ? body : Data(body)
        guard bytes.count >= 4 else { throw TetherError.invalidField("body", "is shorter than its chunk count") }
        let count = Int(Self.uint32(bytes, at: 0))
        guard (1...Self.maxChunks).contains(count) else {
            throw TetherError.invalidField("body", "must hold 1 to \(Self.maxChunks) chunks")
        }
        guard bytes.count >= Self.headerBytes(count: count) else {
            throw TetherError.invalidField("body", "is shorter than its header of \(count) chunks")
        }
        var headers: [(id: ChunkID, size: Int)] = []
        headers.reserveCapacity(count)
        var total = 0
        for index in 0..<count {
            let start = 4 + 36 * index
            let id = ChunkID(digest: bytes[start..<start + 32])
            let size = Int(Self.uint32(bytes, at: start + 32))
            guard (1...ChunkingParameters.standard.maxSize).contains(size) else {
                throw TetherError.invalidField(
                    "chunks[\(index)].size",
                    "must be 1 to \(ChunkingParameters.standard.maxSize) bytes"
                )
            }
            total += size
            headers.append((id, size))
        }
        guard total <= Self.maxChunkBytes else {
            throw TetherError.invalidField("body", "may hold at most \(Self.maxChunkBytes) bytes of chunks")
        }
        guard bytes.count == Self.headerBytes(count: count) + total else {
            throw TetherError.invalidField("body", "must be its header and then exactly the \(total) bytes it lists")
        }
        // Slices of the body, not copies: each chunk is read twice (hashed, sealed) and then dropped.
        var offset = Self.headerBytes(count: count)
        return headers.map { header in
            defer { offset += header.size }
            return (header.id, bytes[offset..<offset + header.size])
        }
    }

    private static func append(_ value: UInt32, to data: inout Data) {
        withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) }
    }

    private static func uint32(_ bytes: Data, at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
