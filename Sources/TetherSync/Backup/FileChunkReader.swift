public import Foundation
import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pulls FastCDC chunks from an open file one at a time, for callers that await between
/// chunks (uploads): the same cuts as ``FileChunker``, each chunk copied out as `Data`.
///
/// ```swift
/// let reader = FileChunkReader(descriptor: fd)
/// while let chunk = try reader.next() { try await upload(chunk) }
/// ```
public final class FileChunkReader {
    private let cdc: FastCDC
    private let capacity: Int
    private let buffer: UnsafeMutableRawBufferPointer
    private let descriptor: Int32
    private var start = 0
    private var filled = 0
    private var atEnd = false

    /// A reader of `descriptor` (which the caller closes), reading `blockSize` bytes at a time.
    public init(descriptor: Int32, cdc: FastCDC = FastCDC(), blockSize: Int = 4 << 20) {
        self.cdc = cdc
        self.descriptor = descriptor
        self.capacity = blockSize + cdc.parameters.maxSize
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: self.capacity, alignment: 64)
    }

    deinit {
        self.buffer.deallocate()
    }

    /// The next chunk, or `nil` at the end of the file.
    ///
    /// - Throws: ``TetherCore/TetherError`` `read_failed` when `read(2)` fails.
    public func next() throws -> Data? {
        let base = self.buffer.baseAddress!
        if !self.atEnd && self.filled - self.start < self.cdc.parameters.maxSize {
            // Move the uncut tail to the front and fill up behind it.
            if self.start > 0 {
                memmove(base, base + self.start, self.filled - self.start)
                self.filled -= self.start
                self.start = 0
            }
            while !self.atEnd && self.filled < self.capacity {
                let got = read(self.descriptor, base + self.filled, self.capacity - self.filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw TetherError(code: "read_failed", kind: .internal, detail: "read failed: errno \(errno)")
                }
                if got == 0 { self.atEnd = true } else { self.filled += got }
            }
        }
        guard self.start < self.filled else { return nil }
        let rest = UnsafeRawBufferPointer(start: base + self.start, count: self.filled - self.start)
        let length = self.cdc.boundary(in: rest)
        let chunk = Data(bytes: base + self.start, count: length)
        self.start += length
        return chunk
    }
}
