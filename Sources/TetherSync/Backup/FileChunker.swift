import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts an open file into FastCDC chunks while reading it in large blocks, never holding more
/// than one block plus one maximum chunk in memory.
///
/// ```swift
/// try FileChunker().chunks(ofDescriptor: fd) { chunk in upload(Data(chunk)) }
/// ```
public struct FileChunker: Sendable {
    /// The chunker.
    public let cdc: FastCDC
    /// How much is read per `read(2)` call; 4 MiB by default.
    public let blockSize: Int

    /// A chunker reading `blockSize` bytes at a time.
    public init(cdc: FastCDC = FastCDC(), blockSize: Int = 4 << 20) {
        self.cdc = cdc
        self.blockSize = blockSize
    }

    /// Calls `body` with each chunk of the file open at `descriptor`, in order, from its current
    /// offset to its end. The buffer `body` sees is valid only during the call.
    ///
    /// - Throws: ``TetherError`` `read_failed` when `read(2)` fails, or what `body` throws.
    public func chunks(
        ofDescriptor descriptor: Int32,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let capacity = self.blockSize + self.cdc.parameters.maxSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress!
        var filled = 0
        var atEnd = false
        while true {
            // Fill the buffer to capacity, or to the end of the file.
            while !atEnd && filled < capacity {
                let got = read(descriptor, base + filled, capacity - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw TetherError(code: "read_failed", kind: .internal, detail: "read failed: errno \(errno)")
                }
                if got == 0 { atEnd = true } else { filled += got }
            }
            var offset = 0
            // Cut while a whole maximum chunk is in the buffer (or the rest is the file's end).
            while offset < filled && (atEnd || filled - offset >= self.cdc.parameters.maxSize) {
                let rest = UnsafeRawBufferPointer(start: base + offset, count: filled - offset)
                let length = self.cdc.boundary(in: rest)
                try body(UnsafeRawBufferPointer(start: base + offset, count: length))
                offset += length
            }
            if atEnd && offset >= filled { return }
            // Keep the uncut tail at the front and read after it.
            if offset > 0 {
                memmove(base, base + offset, filled - offset)
                filled -= offset
            }
        }
    }
}
