import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a large blob with `O_DIRECT` on Linux: from an aligned buffer straight to the device,
/// not through the page cache. That saves copying each pack into the page cache (on this kind
/// of virtual machine, the largest single cost of an upload: every fresh page-cache page is
/// faulted in) and leaves the following `syncfs` only metadata to write. The blob is padded to
/// the alignment for the write and truncated to its size after. Where the file system refuses
/// `O_DIRECT` (say tmpfs), ``open(_:bytes:)`` answers a plain descriptor and the write is buffered.
enum DirectWrite {
    /// Buffer, offset and length alignment: the common page and block size.
    static let alignment = 4_096
    /// Smaller blobs are written through the page cache.
    static let minimumBytes = 1 << 20

    /// `O_DIRECT`, which Glibc's Swift overlay does not export (it is a `_GNU_SOURCE` flag).
    static var flag: Int32 {
        #if os(Linux) && arch(x86_64)
        return 0o40_000
        #elseif os(Linux) && arch(arm64)
        return 0o200_000
        #else
        return 0
        #endif
    }

    /// Creates `path` (exclusive, mode 0600) for `bytes` bytes: with `O_DIRECT` when the blob is
    /// large enough and the file system takes it. Returns the descriptor (negative with `errno`
    /// set on failure) and whether it is direct.
    static func open(_ path: String, bytes: Int) -> (descriptor: Int32, direct: Bool) {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        if bytes >= Self.minimumBytes && Self.flag != 0 {
            let descriptor = Glibc.open(path, flags | Self.flag, 0o600)
            if descriptor >= 0 || errno != EINVAL { return (descriptor, descriptor >= 0) }
        }
        return (Glibc.open(path, flags, 0o600), false)
    }

    /// Writes `data` at offset 0 of a direct descriptor and truncates the file to its size.
    /// Returns 0, or the `errno` of the failure: `EINVAL` when the device wants another
    /// alignment, after which the caller writes it buffered (``buffered(_:)``).
    static func write(_ data: Data, to descriptor: Int32) -> Int32 {
        let padded = (data.count + Self.alignment - 1) / Self.alignment * Self.alignment
        var allocated: UnsafeMutableRawPointer?
        guard posix_memalign(&allocated, Self.alignment, padded) == 0, let buffer = allocated else { return ENOMEM }
        defer { free(buffer) }
        data.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        (buffer + data.count).initializeMemory(as: UInt8.self, repeating: 0, count: padded - data.count)
        var offset = 0
        while offset < padded {
            let written = pwrite(descriptor, buffer + offset, padded - offset, off_t(offset))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            guard written > 0 else { return EIO }
            offset += written
        }
        return ftruncate(descriptor, off_t(data.count)) == 0 ? 0 : errno
    }

    /// Turns a direct descriptor back into a buffered one and empties its file, for a second try.
    static func buffered(_ descriptor: Int32) -> Int32 {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~Self.flag) == 0, ftruncate(descriptor, 0) == 0 else {
            return errno
        }
        return 0
    }
}
