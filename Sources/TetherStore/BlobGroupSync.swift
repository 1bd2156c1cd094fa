import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Group commit for blob writes: each writer puts its file in place without an fsync of its
/// own, then waits here; one `syncfs(2)` of the blob file system makes the files of every
/// writer waiting at its start durable (data, inodes and the renames), and wakes them. While it
/// runs, new writers gather for the next one. Concurrent uploads so share one sync instead of
/// two fsyncs each.
///
/// Linux only: ``make(root:)`` answers `nil` where `syncfs` is missing, and the store then
/// fsyncs each file and directory itself.
final class BlobGroupSync: Sendable {
    private struct State {
        var running = false
        var waiting: [CheckedContinuation<Void, any Error>] = []
    }

    private typealias SyncFS = @convention(c) (Int32) -> Int32

    private let state = Mutex(State())
    private let descriptor: Int32
    private let syncfs: SyncFS

    private init(descriptor: Int32, syncfs: SyncFS) {
        self.descriptor = descriptor
        self.syncfs = syncfs
    }

    deinit {
        close(self.descriptor)
    }

    /// A group sync of the file system holding `root`, or `nil` where the system has no `syncfs`.
    static func make(root: URL) -> BlobGroupSync? {
        #if os(Linux)
        guard let symbol = dlsym(nil, "syncfs") else { return nil }
        let descriptor = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        return BlobGroupSync(descriptor: descriptor, syncfs: unsafeBitCast(symbol, to: SyncFS.self))
        #else
        return nil
        #endif
    }

    /// Returns once everything written to the file system before the call is durable.
    ///
    /// - Throws: ``TetherCore/TetherError`` `blob_write_failed` when the sync fails.
    func sync() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = self.state.withLock { state in
                state.waiting.append(continuation)
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if start { DispatchQueue.global(qos: .utility).async { self.flush() } }
        }
    }

    /// Syncs for the writers waiting now, then for those that came meanwhile, until none wait.
    private func flush() {
        while true {
            let group = self.state.withLock { state in
                let group = state.waiting
                state.waiting = []
                if group.isEmpty { state.running = false }
                return group
            }
            guard !group.isEmpty else { return }
            let result: Result<Void, any Error> =
                self.syncfs(self.descriptor) == 0 ? .success(()) : .failure(FileBlobStore.failure("sync", errno))
            for waiter in group { waiter.resume(with: result) }
        }
    }
}
