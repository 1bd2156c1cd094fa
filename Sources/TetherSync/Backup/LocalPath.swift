#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file system path as raw bytes, for the system calls that back up and restore any
/// name a Linux file may have (Foundation's `String` paths would mangle bytes that are not UTF-8).
public struct LocalPath: Sendable, Hashable, CustomStringConvertible {
    /// The bytes, without a terminating NUL.
    public var bytes: [UInt8]

    /// A path of raw bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A path from a string.
    public init(_ string: String) {
        self.bytes = Array(string.utf8)
    }

    /// `self/name`.
    public func appending(_ name: some Collection<UInt8>) -> LocalPath {
        if self.bytes.last == UInt8(ascii: "/") { return LocalPath(bytes: self.bytes + name) }
        return LocalPath(bytes: self.bytes + [UInt8(ascii: "/")] + name)
    }

    /// Calls `body` with the path as a NUL-terminated C string.
    public func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (self.bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// `lstat(2)`, or `nil` when the path does not exist.
    func status() -> stat? {
        var info = stat()
        return self.withCString { lstat($0, &info) } == 0 ? info : nil
    }

    public var description: String { String(decoding: self.bytes, as: UTF8.self) }
}
