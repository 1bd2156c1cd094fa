/// A bound on how many of something a test process holds at once: the tests wait their turn.
actor TestSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        self.free = count
    }

    /// Runs `body` in a slot, waiting for one when all are taken.
    func withSlot<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        await self.acquire()
        do {
            let result = try await body()
            await self.release()
            return result
        } catch {
            await self.release()
            throw error
        }
    }

    private func acquire() async {
        if self.free > 0 {
            self.free -= 1
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    private func release() {
        if self.waiting.isEmpty {
            self.free += 1
        } else {
            self.waiting.removeFirst().resume()
        }
    }
}

/// A bound on how many ``TestServer``s run at once in one test process.
///
/// Swift Testing starts every test at once and lets them interleave while they wait, so without
/// a bound a full run holds about two hundred servers open together, each with its SQLite
/// connections and sockets: close to 3,000 descriptors. Past about 1,360 of them Foundation's
/// `Process.run()` on Linux over-reads its scan of `/proc/self/fd` and can crash the whole test
/// process (swift-corelibs-foundation#5472), which the CLI tests hit when they spawn `tether`.
///
/// A server started inside another's body (a restart, a second region) runs in its parent's slot,
/// so nested servers never wait for themselves.
enum ServerSlots {
    /// The slots every ``TestServer`` shares.
    static let shared = TestSlots(count: 16)

    /// Whether the current task already holds a slot.
    @TaskLocal static var isHeld = false

    /// Runs `body` in a slot, waiting for one when all are taken.
    static func withSlot<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        if Self.isHeld { return try await body() }
        return try await Self.shared.withSlot { try await Self.$isHeld.withValue(true) { try await body() } }
    }
}
